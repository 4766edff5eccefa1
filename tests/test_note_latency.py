"""A note's stamp between audio blocks, and the benchmark's stall detector.

The recorder's clock counts the frames received; read between two blocks it also counts how
far the next block has come (at most one block), so a note is no longer stamped up to a whole
block (32 ms) early. A stream driven by hand makes the moments exact.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from discussion.audio import Recorder, RecorderConfig
from discussion.audio.stream import AudioCallback
from scripts.bench_stalls import StallWatch

BLOCK = RecorderConfig().blocksize
BLOCK_S = BLOCK / RecorderConfig().samplerate


class _Status:
    input_overflow = False


class ManualStream:
    """An input stream whose blocks arrive only when the test calls `deliver`."""

    def __init__(self, callback: AudioCallback) -> None:
        self.callback = callback
        self.active = True

    def deliver(self) -> None:
        """One block of silence arrives now."""
        self.callback(bytes(2 * BLOCK), BLOCK, None, _Status())

    def start(self) -> None:
        """Nothing to start: blocks come from `deliver`."""

    def stop(self) -> None:
        """No more blocks."""
        self.active = False

    def abort(self) -> None:
        """No more blocks."""
        self.active = False

    def close(self) -> None:
        """Nothing to free."""


def _recorder(tmp_path: Path) -> tuple[Recorder, list[ManualStream]]:
    streams: list[ManualStream] = []

    def factory(
        _device: str | int | None, _rate: int, _block: int, _ch: int, callback: AudioCallback
    ) -> ManualStream:
        streams.append(ManualStream(callback))
        return streams[-1]

    recorder = Recorder(tmp_path / "s.wav", stream_factory=factory)
    recorder.start()
    return recorder, streams


def test_the_clock_runs_on_between_blocks_but_never_past_the_next(tmp_path: Path) -> None:
    recorder, streams = _recorder(tmp_path)
    try:
        streams[0].deliver()
        at_block = recorder.offset_seconds()
        assert BLOCK_S <= at_block < BLOCK_S + 0.01
        time.sleep(0.012)
        within = recorder.offset_seconds()
        # Whole blocks only would still say BLOCK_S here: a note up to a block early.
        assert within - BLOCK_S >= 0.010
        time.sleep(0.05)  # the next block is late: the clock waits at its end
        assert recorder.offset_seconds() == pytest.approx(2 * BLOCK_S)
        streams[0].deliver()
        after = recorder.offset_seconds()
        assert 2 * BLOCK_S <= after < 2 * BLOCK_S + 0.01  # never backwards
    finally:
        recorder.stop(timeout=1)


def test_a_paused_clock_does_not_run_on_within_the_block(tmp_path: Path) -> None:
    recorder, streams = _recorder(tmp_path)
    try:
        streams[0].deliver()
        recorder.offset_seconds()
        recorder.pause()
        paused_at = recorder.offset_seconds()
        time.sleep(0.02)
        assert recorder.offset_seconds() == paused_at
        recorder.resume()
        streams[0].deliver()
        assert recorder.offset_seconds() >= paused_at
    finally:
        recorder.stop(timeout=1)
    assert recorder.offset_seconds() == pytest.approx(recorder.stop().end_offset)


def test_the_stall_watch_names_where_a_slow_operation_spent_its_time() -> None:
    with StallWatch(threading.get_ident(), threshold_s=0.03, after_s=0.0) as watch:
        watch.begin("quick")
        watch.finish()
        watch.begin("slow")
        time.sleep(0.08)  # the sampler thread needs the GIL: sleeping, not spinning
        watch.finish()
    assert watch.count == 2
    assert [op.label for op in watch.kept] == ["slow"]
    assert len(watch.kept[0].samples) >= 5
    report = "\n".join(watch.report())
    assert "stalls over 30 ms: 1 of 2" in report
    assert "test_the_stall_watch_names_where" in report  # the sleeping frame is ours
    assert watch.worst_summary().startswith("slow ")
