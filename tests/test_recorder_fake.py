"""Fast recorder tests with a fake stream (threads, clock, gaps, hangs). The same capabilities
are tested against real PulseAudio in test_recorder_audio.py; these pin down edge cases."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import soundfile
from audio_helpers import EventCollector, FakeStream, FakeStreamFactory

from discussion.audio import (
    Alarm,
    AlarmCleared,
    AudioUnavailable,
    Failed,
    GapDetected,
    GapEnded,
    Level,
    Paused,
    Recorder,
    RecorderConfig,
    RecorderState,
    Resumed,
    Started,
    Stopped,
)

FAST = RecorderConfig(gap_after_s=0.3, reopen_interval_s=0.2, stream_close_timeout_s=0.3)


BLOCK = RecorderConfig().blocksize
Factory = FakeStreamFactory


def _frames(path: Path) -> int:
    return int(soundfile.info(str(path)).frames)


def _wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll `condition` every 10 ms until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_clock_is_the_frame_count_from_the_timeline_start(tmp_path: Path) -> None:
    events = EventCollector()
    path = tmp_path / "segment-002.wav"
    factory = Factory()
    recorder = Recorder(path, timeline_start=100.0, on_event=events, stream_factory=factory)
    assert recorder.state.value == "idle"
    recorder.start()
    assert recorder.wait_until_recording(2)
    assert recorder.state == RecorderState.RECORDING
    assert events.wait_for(Started, 1).offset == 100.0
    stream = factory.streams[0]
    _wait_until(lambda: stream.blocks * BLOCK >= 0.5 * 16000)  # half a second delivered
    before = stream.blocks
    offset = recorder.offset_seconds()
    after = stream.blocks
    # the frames delivered (a block either side: one may be in flight, and the clock counts
    # how far the next block has come), however late this thread ran on a busy machine
    assert 100.0 + (before - 1) * BLOCK / 16000 <= offset <= 100.0 + (after + 1) * BLOCK / 16000
    assert offset > 100.4
    events.wait_for(Level, 1)
    summary = recorder.stop()
    assert summary.frames == _frames(path) and summary.frames % BLOCK == 0
    assert summary.end_offset == pytest.approx(100.0 + summary.frames / 16000)
    assert events.wait_for(Stopped, 1).frames == summary.frames
    assert str(recorder.state) == "stopped"  # str(): mypy narrowed the property above
    assert recorder.stop() is summary


def test_pause_drops_blocks_and_stops_the_clock(tmp_path: Path) -> None:
    events = EventCollector()
    path = tmp_path / "s.wav"
    recorder = Recorder(path, on_event=events, stream_factory=Factory())
    recorder.start()
    assert recorder.wait_until_recording(2)
    time.sleep(0.3)
    recorder.pause()
    paused_at = recorder.offset_seconds()
    assert recorder.state is RecorderState.PAUSED
    time.sleep(0.5)
    assert recorder.offset_seconds() == paused_at
    recorder.resume()
    time.sleep(0.3)
    summary = recorder.stop()
    assert events.wait_for(Paused, 1).offset == paused_at
    assert events.wait_for(Resumed, 1).offset == paused_at
    # ~0.6 s recorded, not ~1.1 s: the pause is not in the file.
    assert 0.4 < summary.seconds < 0.85
    assert _frames(path) == summary.frames


def test_missing_blocks_become_a_padded_gap(tmp_path: Path) -> None:
    events = EventCollector()
    factory = Factory()
    path = tmp_path / "s.wav"
    recorder = Recorder(path, on_event=events, stream_factory=factory, config=FAST)
    recorder.start()
    assert recorder.wait_until_recording(2)
    time.sleep(0.3)
    started = time.monotonic()
    factory.streams[0].delivering.clear()  # callbacks stop, no flag: like a killed daemon
    gap = events.wait_for(GapDetected, 2)
    assert time.monotonic() - started < FAST.gap_after_s + 0.3
    events.wait_for(Alarm, 1, lambda a: a.kind == "device_lost")
    assert recorder.state is RecorderState.DEVICE_LOST
    during = recorder.offset_seconds()
    time.sleep(0.2)
    assert recorder.offset_seconds() > during  # the clock keeps running in the gap
    ended = events.wait_for(GapEnded, 3)  # a reopened stream delivers again
    assert len(factory.streams) >= 2
    assert ended.offset == pytest.approx(gap.offset + ended.duration_s)
    events.wait_for(AlarmCleared, 1, lambda a: a.kind == "device_lost")
    time.sleep(0.2)
    total_wall = time.monotonic() - started
    summary = recorder.stop()
    assert summary.gaps and summary.gaps[0].duration_s == ended.duration_s
    assert _frames(path) == summary.frames
    data, _ = soundfile.read(str(path), dtype="int16")
    gap_start = round(gap.offset * 16000)
    gap_frames = round(ended.duration_s * 16000)
    assert (data[gap_start : gap_start + gap_frames] == 0).all()
    assert summary.seconds - 0.3 == pytest.approx(total_wall, abs=0.25)


def test_stop_never_hangs_on_a_stuck_stream(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "s.wav", stream_factory=Factory(hang_on_close=True))
    recorder.start()
    assert recorder.wait_until_recording(2)
    began = time.monotonic()
    summary = recorder.stop(timeout=1.0)
    assert time.monotonic() - began < 1.6
    assert not summary.clean
    assert _frames(tmp_path / "s.wav") == summary.frames > 0


def test_a_failing_listener_does_not_stop_the_recording(tmp_path: Path) -> None:
    calls = []

    def listener(event: object) -> None:
        calls.append(event)
        raise ValueError("listener bug")

    recorder = Recorder(tmp_path / "s.wav", on_event=listener, stream_factory=Factory())
    recorder.start()
    assert recorder.wait_until_recording(2)
    time.sleep(0.4)
    summary = recorder.stop()
    assert summary.frames > 0.3 * 16000
    assert sum(isinstance(c, Level) for c in calls) >= 2


def test_overflow_alarm_is_rate_limited(tmp_path: Path) -> None:
    events = EventCollector()
    factory = Factory()
    recorder = Recorder(tmp_path / "s.wav", on_event=events, stream_factory=factory)
    recorder.start()
    assert recorder.wait_until_recording(2)
    for _ in range(3):
        factory.streams[0].overflow_next = True
        time.sleep(0.1)
    recorder.stop()
    alarms = [a for a in events.of_type(Alarm) if a.kind == "overflow"]
    assert len(alarms) == 1


def test_silence_alarm_and_clear(tmp_path: Path) -> None:
    events = EventCollector()
    factory = Factory(value=0)
    config = RecorderConfig(silence_after_s=0.3)
    recorder = Recorder(tmp_path / "s.wav", on_event=events, stream_factory=factory, config=config)
    recorder.start()
    alarm = events.wait_for(Alarm, 2, lambda a: a.kind == "silence")
    assert alarm.offset == pytest.approx(0.3, abs=0.04)  # counted in frames, not wall time
    factory.streams[0].value = 3000
    events.wait_for(AlarmCleared, 2, lambda a: a.kind == "silence")
    recorder.stop()


def test_failed_start_leaves_nothing(tmp_path: Path) -> None:
    def no_device(*_: Any) -> FakeStream:
        raise AudioUnavailable("no input device found")

    path = tmp_path / "s.wav"
    recorder = Recorder(path, stream_factory=no_device)
    with pytest.raises(AudioUnavailable):
        recorder.start()
    assert not path.exists()
    assert recorder.state is RecorderState.IDLE


def _recorder_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("recorder-")]


def test_failed_stream_start_cleans_up_and_names_the_fix(tmp_path: Path) -> None:
    import sounddevice

    error = sounddevice.PortAudioError("Error starting stream: Unanticipated host error")
    factory = FakeStreamFactory(first_only=True, start_error=error)
    path = tmp_path / "s.wav"
    before = _recorder_threads()
    recorder = Recorder(path, stream_factory=factory)
    with pytest.raises(AudioUnavailable) as raised:
        recorder.start()
    assert "Unanticipated host error" in raised.value.message
    assert "check it is connected" in raised.value.message  # the fix, in one line
    assert "\n" not in raised.value.message
    assert not path.exists()
    assert recorder.state is RecorderState.IDLE
    assert factory.streams[0].closed
    assert _recorder_threads() == before  # no writer or watchdog left running
    recorder.start()  # the state is sane: a second attempt records
    assert recorder.wait_until_recording(2)
    summary = recorder.stop()
    assert summary.clean and _frames(path) == summary.frames > 0


def test_writer_death_is_an_alarm_and_the_file_is_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from discussion.audio.segment import SegmentWriter
    from discussion.audio.wavfile import WavFileError

    def broken_sync(self: SegmentWriter) -> None:
        raise WavFileError(f"{self.path}: not a WAV file")  # escapes the writer's handlers

    events = EventCollector()
    path = tmp_path / "s.wav"
    config = RecorderConfig(fsync_interval_s=0.3)
    recorder = Recorder(path, on_event=events, stream_factory=Factory(), config=config)
    recorder.start()
    assert recorder.wait_until_recording(2)
    monkeypatch.setattr(SegmentWriter, "sync", broken_sync)
    alarm = events.wait_for(Alarm, 2, lambda a: a.kind == "recorder_failed")
    assert "audio writer stopped" in alarm.message and "not a WAV file" in alarm.message
    failed = events.wait_for(Failed, 1)
    assert failed.offset == alarm.offset > 0
    assert recorder.state is RecorderState.FAILED
    summary = recorder.stop()
    assert not summary.clean
    assert summary.failure is not None and "WavFileError" in summary.failure
    assert _frames(path) == summary.frames > 0  # closed with a valid header
    assert _recorder_threads() == []


def test_watchdog_death_is_an_alarm(tmp_path: Path) -> None:
    events = EventCollector()
    factory = Factory()
    path = tmp_path / "s.wav"
    recorder = Recorder(path, on_event=events, stream_factory=factory, config=FAST)

    def broken_begin_gap(cause: str, now: float) -> None:
        raise RuntimeError("watchdog bug")

    recorder._begin_gap = broken_begin_gap  # type: ignore[method-assign]
    recorder.start()
    assert recorder.wait_until_recording(2)
    factory.streams[0].delivering.clear()  # the watchdog notices and trips over its bug
    alarm = events.wait_for(Alarm, 2, lambda a: a.kind == "recorder_failed")
    assert "audio watchdog stopped" in alarm.message
    events.wait_for(Failed, 1)
    summary = recorder.stop()
    assert not summary.clean and summary.failure is not None
    assert _frames(path) == summary.frames > 0


def test_the_clock_counts_blocks_received_between_writer_wake_ups(tmp_path: Path) -> None:
    # The writer wakes rarely here; reading the clock still counts every block received.
    config = RecorderConfig(writer_interval_s=1.0)
    recorder = Recorder(tmp_path / "s.wav", stream_factory=Factory(), config=config)
    recorder.start()
    time.sleep(0.2)
    began, first = time.monotonic(), recorder.offset_seconds()
    time.sleep(0.4)
    elapsed, advanced = time.monotonic() - began, recorder.offset_seconds() - first
    assert advanced == pytest.approx(elapsed, abs=2 * BLOCK / 16000 + 0.02)
    assert recorder.wait_until_recording(2)
    recorder.stop()


def test_the_first_block_is_known_at_once_not_at_the_next_wake_up(tmp_path: Path) -> None:
    # Writer and watchdog wake once a second here: waiting for the first block must not
    # wait for them (the session's start and its "REC" would be late by that much).
    config = RecorderConfig(writer_interval_s=1.0, watchdog_interval_s=1.0)
    recorder = Recorder(tmp_path / "s.wav", stream_factory=Factory(), config=config)
    began = time.monotonic()
    recorder.start()
    assert recorder.wait_until_recording(2)
    waited = time.monotonic() - began
    recorder.stop()
    assert waited < 0.3, f"the first block was known {waited:.2f} s after start"


def test_recording_is_confirmed_only_once_started_was_delivered(tmp_path: Path) -> None:
    # The caller logs consent straight after the confirmation: a slow `Started` listener
    # (the record's fsync) must have finished, or consent lands before recording_started.
    events = EventCollector()

    def slow_listener(event: object) -> None:
        if isinstance(event, Started):
            time.sleep(0.3)
        events(event)

    recorder = Recorder(tmp_path / "s.wav", stream_factory=Factory(), on_event=slow_listener)
    recorder.start()
    assert recorder.wait_until_recording(2)
    delivered = events.of_type(Started)
    recorder.stop()
    assert len(delivered) == 1


def test_batched_writes_reach_the_file_within_a_batch(tmp_path: Path) -> None:
    path = tmp_path / "s.wav"
    recorder = Recorder(path, stream_factory=Factory())
    recorder.start()
    assert recorder.wait_until_recording(2)
    time.sleep(1.2)
    on_clock = recorder.offset_seconds()
    in_file = (path.stat().st_size - 44) / 2 / 16000
    cfg = recorder.config
    assert on_clock - cfg.write_batch_s - cfg.writer_interval_s - 0.05 <= in_file <= on_clock
    recorder.stop()
