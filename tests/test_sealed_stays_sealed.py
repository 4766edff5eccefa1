"""A sealed record stays sealed (issue 10): each case on a copy of the sample record.

`recover` and resume refuse any record that holds or ever held a closed line, and never rebuild
a missing or emptied log; `verify` never calls an unsealed record plain "intact".
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_record_support import run_cli

from discussion.record.events import NoteData, build_event, parse_line
from discussion.record.recover import SealedRecordError, resume
from discussion.record.seal_guard import ADVICE

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "transcripts" / "sample-discussion"


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the sealed sample record in a DISCUSSION_HOME/sessions folder."""
    home = tmp_path / "home"
    folder = home / "sessions" / SAMPLE.name
    shutil.copytree(SAMPLE, folder)
    return home, folder


def _log(folder: Path) -> Path:
    return folder / "events.jsonl"


def _append_note_after_closed(folder: Path) -> None:
    """A valid, chained event after the closed line (what a forger would append)."""
    last = parse_line(_log(folder).read_bytes().splitlines()[-1])
    assert last.type == "closed"
    note = NoteData(text="added after sealing", criteria=["1A"], raw_offset=150.0, lag_s=1.5)
    with _log(folder).open("ab") as handle:
        handle.write(build_event(last.seq + 1, note, 148.5, last.hash).line())


def _recover_refused(home: Path, folder: Path) -> str:
    """Run the real `discussion recover FOLDER`: refused, exit 1, one line; return it."""
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    result = run_cli("recover", str(folder), home=home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and ": refused: " in lines[0], lines
    assert str(folder) in lines[0] and ADVICE in lines[0]
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert after == before  # nothing set aside, appended or created
    as_json = json.loads(run_cli("recover", "--json", str(folder), home=home).stdout)
    assert as_json[0]["action"] == "refused"
    with pytest.raises(SealedRecordError):  # the app's resume path refuses it too
        resume(folder)
    return lines[0]


def test_a_log_with_its_closed_line_deleted_is_not_recovered_or_resumed(tmp_path: Path) -> None:
    home, folder = _copy(tmp_path)
    lines = _log(folder).read_bytes().splitlines(keepends=True)
    _log(folder).write_bytes(b"".join(lines[:-1]))
    line = _recover_refused(home, folder)
    assert "closed line may have been removed" in line
    result = run_cli("verify", str(folder), home=home)
    assert result.returncode == 1 and "NOT INTACT" in result.stdout


@pytest.mark.parametrize("how", ["emptied", "deleted"])
def test_a_missing_or_emptied_log_is_never_rebuilt(tmp_path: Path, how: str) -> None:
    home, folder = _copy(tmp_path)
    if how == "emptied":
        _log(folder).write_bytes(b"")
    else:
        _log(folder).unlink()
    line = _recover_refused(home, folder)
    assert ("is empty" if how == "emptied" else "is missing") in line
    assert _log(folder).exists() == (how == "emptied")  # no new two-event log
    if how == "emptied":
        assert _log(folder).read_bytes() == b""


def test_a_closed_line_without_its_newline_is_a_damaged_seal(tmp_path: Path) -> None:
    home, folder = _copy(tmp_path)
    content = _log(folder).read_bytes()
    _log(folder).write_bytes(content[:-1])  # a copy tool stripped the final newline
    line = _recover_refused(home, folder)
    assert "damaged closed line" in line
    assert not list(folder.glob("events.torn-*.jsonl"))


def test_a_closed_line_cut_before_its_type_is_still_a_damaged_seal(tmp_path: Path) -> None:
    """Torn mid-line: `"type":"closed"` is gone but the line starts like a closed event."""
    home, folder = _copy(tmp_path)
    content = _log(folder).read_bytes()
    start = content.rstrip(b"\n").rfind(b"\n") + 1
    cut = content.index(b'"files"', start)
    _log(folder).write_bytes(content[:cut])
    (folder / "recorder.lock").write_text("99999\n")  # even with a lock file planted
    assert "damaged closed line" in _recover_refused(home, folder)


def test_a_valid_event_appended_after_closed_does_not_reopen_it(tmp_path: Path) -> None:
    home, folder = _copy(tmp_path)
    _append_note_after_closed(folder)
    assert "sealed at events.jsonl line" in _recover_refused(home, folder)


def test_a_closed_line_set_aside_by_an_earlier_recovery_is_refused(tmp_path: Path) -> None:
    """A record reopened by an older version: its closed line lies in events.torn-1.jsonl."""
    home, folder = _copy(tmp_path)
    lines = _log(folder).read_bytes().splitlines(keepends=True)
    _log(folder).write_bytes(b"".join(lines[:-1]))
    (folder / "events.torn-1.jsonl").write_bytes(lines[-1].rstrip(b"\n"))
    (folder / "recorder.lock").write_text("99999\n")
    assert "set aside as events.torn-1.jsonl" in _recover_refused(home, folder)


def test_the_sweep_reports_a_reopened_seal_and_exits_1(tmp_path: Path) -> None:
    home, folder = _copy(tmp_path)
    _append_note_after_closed(folder)
    result = run_cli("recover", "--json", home=home)
    assert result.returncode == 1
    (outcome,) = json.loads(result.stdout)
    assert outcome["action"] == "refused" and outcome["folder"] == str(folder)


def test_the_sealed_sample_itself_is_left_alone(tmp_path: Path) -> None:
    home, folder = _copy(tmp_path)
    result = run_cli("recover", str(folder), home=home)
    assert result.returncode == 0 and "nothing-to-do: closed" in result.stdout
