"""`discussion transcribe` through the real dispatcher, with the fake engine in the model's place
(the real engine's run is in test_transcript_real.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_transcript_run import two_runs
from transcript_record_helpers import BurstEngine, sealed_record

from discussion.cli import main
from discussion.transcript import engine as engine_module
from discussion.transcript.model import load_transcript, progress_path, transcript_path


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> list[BurstEngine]:
    """WhisperEngine replaced by BurstEngine; the list holds each one made."""
    made: list[BurstEngine] = []

    def make() -> BurstEngine:
        made.append(BurstEngine())
        return made[-1]

    monkeypatch.setattr(engine_module, "WhisperEngine", make)
    return made


def test_transcribe_writes_the_signed_transcript_and_reports_progress(
    tmp_path: Path, fake_engine: list[BurstEngine], capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 0, the summary on stdout, progress on stderr; verify then calls it intact."""
    folder = sealed_record(tmp_path / "sessions", two_runs(20.0))
    assert main(["transcribe", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"transcript: {transcript_path(folder)} (6 segments, 6 words, 0:30")
    assert "transcribing: 0:00 of 0:30 (0%)" in err and "(100%)" in err
    transcript = load_transcript(transcript_path(folder))
    assert transcript.signature is not None and transcript.signature.signer == "Test Assessor"
    assert main(["verify", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["transcript"]["status"] == "intact"


def test_json_output_and_a_second_run_that_finds_it_done(
    tmp_path: Path, fake_engine: list[BurstEngine], capsys: pytest.CaptureFixture[str]
) -> None:
    """--json gives the figures; run again: already done, exit 0, the model never loaded."""
    folder = sealed_record(tmp_path / "sessions", two_runs(20.0))
    assert main(["transcribe", str(folder), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["ok"] and first["words"] == 6 and first["total_s"] == 30.0
    assert first["engine"]["name"] == "bursts" and not first["already_done"]
    assert main(["transcribe", str(folder), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["already_done"] and len(fake_engine) == 1


def test_an_unsealed_record_is_refused_in_one_line(
    tmp_path: Path, fake_engine: list[BurstEngine], capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 1, one line naming the fix, no model loaded, nothing written."""
    folder = sealed_record(tmp_path / "sessions", two_runs(20.0), seal=False)
    assert main(["transcribe", str(folder), "--signer", "Pat Verifier"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("discussion: error: refused: ")
    assert "is not sealed" in err and "close the session first" in err
    assert fake_engine == [] and not progress_path(folder).exists()


def test_someone_elses_record_needs_a_signer_name(
    tmp_path: Path,
    fake_engine: list[BurstEngine],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In another data folder (a verifier's) the seal's key is not ours: --signer is asked for;
    with it, the transcript is signed by this folder's verifier key under that name."""
    folder = sealed_record(tmp_path / "sessions", two_runs(20.0))
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path / "verifier-home"))
    assert main(["transcribe", str(folder)]) == 2
    assert "--signer NAME" in capsys.readouterr().err
    assert main(["transcribe", str(folder), "--signer", "Pat  Verifier", "--key", "verifier"]) == 0
    transcript = load_transcript(transcript_path(folder))
    assert transcript.signature is not None and transcript.signature.signer == "Pat Verifier"


def test_not_a_folder_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that is not there: one line, exit 2."""
    assert main(["transcribe", str(tmp_path / "missing")]) == 2
    assert "is not a folder" in capsys.readouterr().err
