"""Transcribing a sealed record with a fake engine: the session timeline, resume, cancel, refusals.

Real records (written, fsync'd, sealed and signed through SessionRecord) with tone bursts placed
at known file times; `BurstEngine` makes one word per burst, so every word's time on the
session timeline is known in advance.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from transcript_record_helpers import (
    RATE,
    BurstEngine,
    FloatArray,
    Killed,
    Run,
    place,
    sealed_record,
    tone,
    transcribe,
    word_starts,
)

from discussion.errors import UserError
from discussion.record import AudioGapData, RecordingPausedData, RecordingResumedData
from discussion.record.session import load_state
from discussion.transcript.model import (
    Segment,
    load_progress,
    load_transcript,
    progress_path,
    transcript_path,
)
from discussion.transcript.run import ProgressReport, chunk_end
from discussion.transcript.source import load_sealed_audio

BURST = tone(0.5)


class CountingEngine(BurstEngine):
    """Counts the words it has handed out (a cancel can be asked after the n-th)."""

    def __init__(self) -> None:
        super().__init__()
        self.words = 0

    def transcribe(self, samples: FloatArray) -> Iterator[Segment]:
        """As BurstEngine, counting."""
        for segment in super().transcribe(samples):
            self.words += len(segment.words)
            yield segment


def two_runs(second_start: float) -> list[Run]:
    """Run 1 (20 s): bursts at 2, 6, 11 and 16 s, a pause at 8 s, a 2 s gap padded at 13 s.
    Run 2 (10 s) starts at `second_start` on the timeline: bursts at 1 and 4.5 s."""
    first = Run(
        0.0,
        place(20.0, [(2.0, BURST), (6.0, BURST), (11.0, BURST), (16.0, BURST)]),
        events=[
            (8.0, RecordingPausedData(reason="Break")),
            (8.0, RecordingResumedData()),  # the file and the timeline stop together
            (15.0, AudioGapData(cause="device lost", duration_s=2.0)),  # silence in the file
        ],
        notes=[6.0],
    )
    second = Run(second_start, place(10.0, [(1.0, BURST), (4.5, BURST)]), notes=[4.5])
    return [first, second]


@pytest.mark.parametrize("second_start", [20.0, 26.0], ids=["resumed", "resumed-after-a-hole"])
def test_words_land_on_the_session_timeline(tmp_path: Path, second_start: float) -> None:
    """Every word at segment start_offset + file time, across a pause, a gap and a resume."""
    folder = sealed_record(tmp_path / "sessions", two_runs(second_start))
    outcome = transcribe(folder, BurstEngine(), chunk_s=7.0)
    assert outcome.transcript is not None and not outcome.cancelled
    expected = [2.0, 6.0, 11.0, 16.0, second_start + 1.0, second_start + 4.5]
    assert word_starts(transcript_path(folder)) == pytest.approx(expected, abs=0.011)
    ends = [w.end for w in outcome.transcript.words()]
    assert ends == pytest.approx([t + 0.5 for t in expected], abs=0.011)
    # The notes' clock: a note stamped at a burst's moment is at that word's time.
    notes = [note.offset for note in load_state(folder).notes]
    assert notes == pytest.approx([6.0, second_start + 4.5])
    for offset in notes:
        assert min(abs(start - offset) for start in expected) < 0.011


def test_the_transcript_names_the_seal_and_the_sealed_audio(tmp_path: Path) -> None:
    """session_id, the closed line's hash, each segment's sealed sha256 and its placement."""
    folder = sealed_record(tmp_path / "sessions", two_runs(26.0))
    transcribe(folder, BurstEngine(), software_version="9.9")
    transcript = load_transcript(transcript_path(folder))
    closed = json.loads((folder / "events.jsonl").read_bytes().splitlines()[-1])
    files = closed["data"]["files"]
    assert transcript.seal_hash == closed["hash"]
    assert transcript.session_id == load_state(folder).info.session_id
    assert [(a.segment, a.sha256, a.start_offset, a.frames) for a in transcript.audio] == [
        ("audio/segment-001.wav", files["audio/segment-001.wav"], 0.0, 20 * RATE),
        ("audio/segment-002.wav", files["audio/segment-002.wav"], 26.0, 10 * RATE),
    ]
    assert transcript.duration_s == 30.0
    assert transcript.engine.name == "bursts" and transcript.created.software_version == "9.9"
    assert not progress_path(folder).exists()


def test_a_kill_mid_way_keeps_the_chunks_done_and_the_next_run_continues(tmp_path: Path) -> None:
    """Killed at the 3rd chunk: two chunks saved; the next run decodes only the rest and the
    result equals an uninterrupted run's."""
    folder = sealed_record(tmp_path / "sessions", two_runs(20.0))
    with pytest.raises(Killed):
        transcribe(folder, BurstEngine(kill_at_chunk=3), chunk_s=7.0)
    saved = load_progress(progress_path(folder))
    assert saved is not None and len(saved.done) == 2
    assert not transcript_path(folder).exists()
    second = BurstEngine()
    reports: list[ProgressReport] = []
    outcome = transcribe(folder, second, chunk_s=7.0, on_progress=reports.append)
    done_before = sum(chunk.frames for chunk in saved.done) / RATE
    assert outcome.resumed_from_s == pytest.approx(done_before)
    assert second.seconds == pytest.approx(30.0 - done_before)  # nothing decoded twice
    assert reports[0].done_s == pytest.approx(done_before) and reports[-1].fraction == 1.0
    resumed = load_transcript(transcript_path(folder))
    other = sealed_record(tmp_path / "again", two_runs(20.0))
    transcribe(other, BurstEngine(), chunk_s=7.0)
    whole = load_transcript(transcript_path(other))
    assert resumed.segments == whole.segments
    assert not progress_path(folder).exists()


def test_cancel_keeps_the_work_done_and_a_rerun_finishes(tmp_path: Path) -> None:
    """should_stop turns true after the 3rd word: finished chunks kept, no transcript.json."""
    folder = sealed_record(tmp_path / "sessions", two_runs(20.0))
    counting = CountingEngine()
    outcome = transcribe(folder, counting, chunk_s=7.0, should_stop=lambda: counting.words >= 3)
    assert outcome.cancelled and outcome.transcript is None
    assert not transcript_path(folder).exists()
    kept = load_progress(progress_path(folder))
    assert kept is not None and 0 < len(kept.done) < 5
    assert outcome.done_s == pytest.approx(sum(c.frames for c in kept.done) / RATE)
    assert outcome.done_s < 30.0
    engine = BurstEngine()
    finished = transcribe(folder, engine, chunk_s=7.0)
    assert finished.transcript is not None and len(finished.transcript.words()) == 6
    assert engine.seconds == pytest.approx(30.0 - outcome.done_s)


def test_progress_reports_minutes_done_total_and_time_left(tmp_path: Path) -> None:
    """From 0 to the total, never backwards, with an estimate of the time left once running."""
    folder = sealed_record(tmp_path / "sessions", two_runs(20.0))
    reports: list[ProgressReport] = []
    transcribe(folder, BurstEngine(), chunk_s=7.0, on_progress=reports.append)
    done = [report.done_s for report in reports]
    assert done[0] == 0.0 and done[-1] == pytest.approx(30.0)
    assert done == sorted(done)
    assert all(report.total_s == pytest.approx(30.0) for report in reports)
    assert reports[-1].left_s == pytest.approx(0.0, abs=1e-6)


def test_a_second_run_leaves_a_finished_transcript_alone(tmp_path: Path) -> None:
    """Already transcribed: nothing decoded, the file's bytes unchanged."""
    folder = sealed_record(tmp_path / "sessions", two_runs(20.0))
    transcribe(folder, BurstEngine())
    before = transcript_path(folder).read_bytes()
    engine = BurstEngine()
    outcome = transcribe(folder, engine)
    assert outcome.already_done and engine.chunks == 0
    assert transcript_path(folder).read_bytes() == before


def test_progress_of_another_engine_is_not_reused(tmp_path: Path) -> None:
    """Work saved with other weights (another model hash) starts again from the beginning."""
    folder = sealed_record(tmp_path / "sessions", two_runs(20.0))
    with pytest.raises(Killed):
        transcribe(folder, BurstEngine(kill_at_chunk=3), chunk_s=7.0)
    other = BurstEngine(model_sha256="e" * 64)
    outcome = transcribe(folder, other, chunk_s=7.0)
    assert outcome.resumed_from_s == 0.0 and other.seconds == pytest.approx(30.0)


def test_an_unsealed_record_is_refused_with_the_fix(tmp_path: Path) -> None:
    """No seal to name: refused (exit 1), nothing written."""
    folder = sealed_record(tmp_path / "sessions", two_runs(20.0), seal=False)
    with pytest.raises(UserError) as refused:
        transcribe(folder, BurstEngine())
    assert refused.value.exit_code == 1
    assert "not sealed" in refused.value.message and "close the session" in refused.value.message
    assert not transcript_path(folder).exists() and not progress_path(folder).exists()


def test_an_altered_record_is_refused(tmp_path: Path) -> None:
    """A segment changed after sealing: the record does not verify, so no transcript."""
    folder = sealed_record(tmp_path / "sessions", two_runs(20.0))
    wav = folder / "audio" / "segment-002.wav"
    data = bytearray(wav.read_bytes())
    data[-1] ^= 1
    wav.write_bytes(bytes(data))
    with pytest.raises(UserError, match="does not verify") as refused:
        transcribe(folder, BurstEngine())
    assert refused.value.exit_code == 1 and not transcript_path(folder).exists()


def test_not_a_folder_is_an_input_error(tmp_path: Path) -> None:
    """Exit 2, naming the path."""
    with pytest.raises(UserError, match="is not a folder") as refused:
        transcribe(tmp_path / "nothing", BurstEngine())
    assert refused.value.exit_code == 2


def test_a_stale_temporary_file_from_a_kill_mid_write_is_cleared(tmp_path: Path) -> None:
    """A kill between writing the temporary file and renaming it must not block the next run
    (verify would call the leftover an added file)."""
    folder = sealed_record(tmp_path / "sessions", two_runs(20.0))
    (folder / ".transcript.partial.json.tmp-99999").write_bytes(b"{")
    outcome = transcribe(folder, BurstEngine())
    assert outcome.transcript is not None
    assert not list(folder.glob(".transcript*"))


def test_chunks_are_cut_in_the_quietest_place_before_their_end(tmp_path: Path) -> None:
    """A burst across the nominal cut is not split: the cut moves into silence before it."""
    sounds = [(at, tone(0.9)) for at in (0.5, 1.5, 2.5, 3.5, 4.6, 5.5)]
    folder = sealed_record(tmp_path / "sessions", [Run(0.0, place(30.0, sounds))])
    (source,) = load_sealed_audio(folder).sources
    cut = chunk_end(source, folder / source.segment, 0, 5 * RATE)
    assert 4.4 * RATE <= cut <= 4.6 * RATE  # the silence between the bursts at 3.5 and 4.6
    assert chunk_end(source, folder / source.segment, 26 * RATE, 5 * RATE) == 30 * RATE


def test_a_transcript_that_cannot_be_written_is_one_line_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    from discussion.transcript.model import TranscriptError, write_atomic

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the session folder should be")
    with pytest.raises(TranscriptError) as caught:
        write_atomic(blocker / "transcript.json", b"{}")
    assert "transcript.json: cannot write" in caught.value.message
    assert "\n" not in caught.value.message
    target = tmp_path / "transcript.json"
    write_atomic(target, b'{"a": 1}')
    write_atomic(target, b'{"a": 2}')  # replaces, fsync'd, no temporary left beside it
    assert target.read_bytes() == b'{"a": 2}'
    assert {p.name for p in tmp_path.iterdir()} == {"not-a-folder", "transcript.json"}
    assert target.stat().st_mode & 0o777 == 0o600
