"""The real engine on real speech: `discussion transcribe` on a sealed two-segment record.

Speech is synthesised with espeak-ng (a separate GPL program, run as a subprocess), resampled
to 16 kHz mono with sox and placed at known times in the segment files of a real sealed record
(a pause and a padded gap in the first run, a second run after a resume). The real command
runs faster-whisper with the pinned tiny.en weights, offline. Checked: word error rate, and
that every recognised word lies where its sentence was placed on the session timeline.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from record_cli_helpers import REPO, discussion, wait_for
from transcript_record_helpers import (
    RATE,
    Run,
    place,
    sealed_record,
    speak,
    word_error_rate,
    words_of,
)

from discussion.record import AudioGapData, RecordingPausedData, RecordingResumedData
from discussion.transcript.model import load_transcript, progress_path, transcript_path

pytestmark = pytest.mark.slow

SENTENCES = [
    "I always start by listening carefully to the customer before I offer them a solution.",
    "When a delivery was late I said sorry and explained what would happen next.",
    "Our team looks at every complaint each week so that the same problem does not come back.",
    "I keep a note of each call so that my colleagues can see what was promised.",
]


def speech_record(home: Path, work: Path) -> tuple[Path, list[tuple[float, float, str]]]:
    """A sealed record: run 1 (30 s) two sentences around a pause and a gap; run 2 (24 s),
    resumed at the end of run 1, two more. Returns the folder and (start, end, text) of each
    sentence on the session timeline."""
    voices = [speak(text, work / f"s{i}.wav") for i, text in enumerate(SENTENCES)]
    run1 = Run(
        0.0,
        place(30.0, [(1.5, voices[0]), (17.0, voices[1])]),
        events=[
            (9.0, RecordingPausedData(reason="Break")),
            (9.0, RecordingResumedData()),
            (14.0, AudioGapData(cause="device lost", duration_s=1.5)),
        ],
    )
    run2 = Run(30.0, place(24.0, [(2.0, voices[2]), (13.0, voices[3])]))
    starts = [1.5, 17.0, 30.0 + 2.0, 30.0 + 13.0]  # on the session timeline
    spans = [
        (at, at + len(voice) / RATE, text)
        for at, voice, text in zip(starts, voices, SENTENCES, strict=True)
    ]
    for start, end, _ in spans:
        assert end - start < 11.0  # each sentence fits its slot
    return sealed_record(home, [run1, run2]), spans


def check_transcript(folder: Path, spans: list[tuple[float, float, str]]) -> float:
    """WER over all sentences <= 0.15 and every matched word inside its sentence's span (1 s
    slack); returns the WER."""
    transcript = load_transcript(transcript_path(folder))
    words = transcript.words()
    hypothesis = [w for word in words for w in words_of(word.word)]
    reference = [w for text in SENTENCES for w in words_of(text)]
    wer = word_error_rate(reference, hypothesis)
    assert wer <= 0.15, (wer, " ".join(hypothesis))
    # Each recognised word matched to a reference word must be inside that sentence's span.
    owner = [i for i, text in enumerate(SENTENCES) for _ in words_of(text)]
    flat = [(word, w) for word in words for w in words_of(word.word)]
    matcher = SequenceMatcher(a=reference, b=hypothesis, autojunk=False)
    matched = 0
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            start, end, _ = spans[owner[block.a + k]]
            word = flat[block.b + k][0]
            assert start - 1.0 <= word.start <= word.end <= end + 1.0, (word, start, end)
            matched += 1
    assert matched >= 0.85 * len(reference)
    for start, _end, text in spans:  # each sentence begins where it was placed
        first = next(w for w in words if w.end > start - 1.0)
        assert abs(first.start - start) <= 1.0, (text, first, start)
    return wer


def test_real_speech_across_two_segments_is_transcribed_on_the_session_timeline(
    tmp_path: Path,
) -> None:
    """The command's output, the file's words and times, and verify calling it intact."""
    folder, spans = speech_record(tmp_path / "sessions", tmp_path)
    result = discussion("transcribe", str(folder), "--json", "--chunk-seconds", "20", timeout=600)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["ok"] and out["total_s"] == 54.0 and out["words"] > 40
    assert "transcribing:" in result.stderr  # progress on stderr
    check_transcript(folder, spans)
    assert not progress_path(folder).exists()
    verified = discussion("verify", str(folder), "--json")
    assert verified.returncode == 0, verified.stdout
    assert json.loads(verified.stdout)["transcript"]["status"] == "intact"


def test_a_sigkill_mid_way_is_continued_by_the_next_run(tmp_path: Path) -> None:
    """Killed after the first chunk was saved: the next run starts from there and the
    finished transcript is as good."""
    folder, spans = speech_record(tmp_path / "sessions", tmp_path)
    command = [sys.executable, "-m", "discussion", "transcribe", str(folder), "--json"]
    command += ["--chunk-seconds", "10"]
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ)
    )
    try:
        assert wait_for(progress_path(folder).exists, timeout=300), "no chunk was ever saved"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert not transcript_path(folder).exists()
    time.sleep(0.1)
    result = discussion("transcribe", str(folder), "--json", "--chunk-seconds", "10", timeout=600)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert 0.0 < out["resumed_from_s"] < out["total_s"]
    check_transcript(folder, spans)


def test_cancel_by_sigint_keeps_the_work_and_says_how_to_continue(tmp_path: Path) -> None:
    """Ctrl-C: exit 1, 'cancelled ... kept', progress file left for the next run."""
    folder, _ = speech_record(tmp_path / "sessions", tmp_path)
    command = [sys.executable, "-m", "discussion", "transcribe", str(folder)]
    command += ["--chunk-seconds", "10"]
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    assert wait_for(progress_path(folder).exists, timeout=300), "no chunk was ever saved"
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr
    assert stdout.startswith("cancelled: ") and "run the same command again" in stdout
    assert "Traceback" not in stderr
    assert progress_path(folder).exists() and not transcript_path(folder).exists()
