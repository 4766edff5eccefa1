"""The recorder against real audio: a private PulseAudio whose null sink is the microphone.

Run under `scripts/test-audio.sh run ...`; the `pulse` fixture fails (not skips) without it.
Timing numbers are printed (`pytest -s`) as the measurements the design relies on.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import audio_helpers as ah
import numpy as np
import pytest
import soundfile

from discussion.audio import (
    Alarm,
    AlarmCleared,
    GapDetected,
    GapEnded,
    Recorder,
    RecorderConfig,
    RecorderState,
    Started,
    wav_duration,
)

REPO = Path(__file__).resolve().parent.parent
RATE = 16000
BLOCK_S = 512 / RATE


def _start(path: Path, events: ah.EventCollector, **kwargs: object) -> Recorder:
    recorder = Recorder(path, on_event=events, **kwargs)  # type: ignore[arg-type]
    recorder.start()
    assert recorder.state == RecorderState.WAITING or recorder.wait_until_recording(0)
    assert recorder.wait_until_recording(10), "no audio block within 10 s"
    return recorder


def test_speech_is_recorded_where_it_was_played(pulse: Path, tmp_path: Path) -> None:
    speech = ah.speech_wav(
        "Tell me about a time you adapted your approach for a customer.", tmp_path / "speech.wav"
    )
    reference, _ = ah.read_mono(speech)
    events = ah.EventCollector()
    path = tmp_path / "segment-001.wav"
    recorder = _start(path, events, timeline_start=30.0)
    assert events.wait_for(Started, 1).offset == 30.0
    time.sleep(0.3)
    played_at = recorder.offset_seconds()
    ah.play_wav(speech)
    time.sleep(0.5)
    summary = recorder.stop()
    recording, rate = ah.read_mono(path)
    assert rate == RATE and len(recording) == summary.frames
    correlation, lag = ah.best_alignment(recording, reference)
    found_at = 30.0 + lag / RATE
    print(f"\nspeech: correlation {correlation:.3f}, heard {found_at - played_at:.3f} s after play")
    assert correlation >= 0.9
    # paplay needs a moment to start; the speech cannot be heard before it was played, up to
    # the clock's precision: between blocks it adds the time since the newest one arrived, at
    # most one block, so it can read up to a block ahead (CI once saw 12 ms).
    assert -BLOCK_S <= found_at - played_at < 1.0


def test_a_note_stamped_at_a_burst_is_within_a_block_plus_latency(
    pulse: Path, tmp_path: Path
) -> None:
    """offset_seconds() read when a tone is written to the sink vs. its onset in the file."""
    events = ah.EventCollector()
    path = tmp_path / "segment-001.wav"
    latency_ms = 20
    with ah.sink_feeder(latency_ms=latency_ms) as feeder:
        recorder = _start(path, events)
        time.sleep(1.0)  # past the start-up burst of a fresh stream
        stamps = []
        for _ in range(3):
            stamps.append(recorder.offset_seconds())
            feeder.play(ah.tone(0.15))
            time.sleep(0.6)
        recorder.stop()
    recording, _ = ah.read_mono(path)
    differences = []
    for stamp in stamps:
        onset = ah.onset(recording, RATE, start=max(0, round((stamp - 0.3) * RATE)))
        differences.append(onset / RATE - stamp)
    print(f"\nburst onset minus stamped offset (s): {[round(d, 4) for d in differences]}")
    # The sound reaches the file later than the stamp by the playback latency (pacat buffer +
    # feeder chunk) and the capture pipeline (PulseAudio fragment + PortAudio buffer: the frames
    # counted so far were captured ~one buffer ago). Budget: one block + those latencies.
    budget = BLOCK_S + (latency_ms + 10) / 1000 + 0.1
    for difference in differences:
        assert -BLOCK_S <= difference <= budget
    assert max(differences) - min(differences) <= 2 * BLOCK_S  # a stable, not random, offset


def test_killed_sound_server_is_a_gap_then_recording_resumes(pulse: Path, tmp_path: Path) -> None:
    events = ah.EventCollector()
    path = tmp_path / "segment-001.wav"
    recorder = _start(path, events)
    started = time.monotonic()
    time.sleep(1.0)
    killed = time.monotonic()
    ah.kill_pulse()
    gap = events.wait_for(GapDetected, 5)
    detected_after = time.monotonic() - killed
    alarm = events.wait_for(Alarm, 1, lambda a: a.kind == "device_lost")
    assert alarm.offset == gap.offset
    assert recorder.state == RecorderState.DEVICE_LOST
    time.sleep(1.0)
    ah.start_pulse()
    restarted = time.monotonic()
    ended = events.wait_for(GapEnded, 15)
    resumed_after = time.monotonic() - restarted
    events.wait_for(AlarmCleared, 1, lambda a: a.kind == "device_lost")
    assert str(recorder.state) == "recording"  # str(): mypy narrowed the property above
    time.sleep(1.0)
    # A sound after the restart is recorded too (the new stream is the real input).
    tone_path = ah.write_wav(tmp_path / "tone.wav", ah.tone(0.3))
    ah.play_wav(tone_path)
    time.sleep(0.3)
    wall = time.monotonic() - started
    summary = recorder.stop()
    print(
        f"\ndevice loss detected after {detected_after:.2f} s; recording resumed "
        f"{resumed_after:.2f} s after the restart; gap {ended.duration_s:.2f} s; "
        f"file {summary.seconds:.2f} s for {wall:.2f} s wall"
    )
    assert detected_after < 5.0
    assert ended.offset == pytest.approx(gap.offset + ended.duration_s)
    assert summary.gaps[0].duration_s == ended.duration_s
    assert wav_duration(path) == pytest.approx(summary.seconds)
    # Continuous timeline: the file is as long as the wall time since the first block.
    assert summary.seconds == pytest.approx(wall, abs=0.3)
    recording, _ = ah.read_mono(path)
    after_gap = recording[round(ended.offset * RATE) :]
    assert ah.dbfs(after_gap) > -40  # the tone was heard after the restart


def test_silence_alarm_with_real_audio(pulse: Path, tmp_path: Path) -> None:
    events = ah.EventCollector()
    config = RecorderConfig(silence_after_s=0.5)
    recorder = _start(tmp_path / "s.wav", events, config=config)
    alarm = events.wait_for(Alarm, 3, lambda a: a.kind == "silence")
    assert alarm.offset == pytest.approx(0.5, abs=BLOCK_S)  # silence counted on the sample clock
    ah.play_wav(ah.write_wav(tmp_path / "tone.wav", ah.tone(0.5)), wait=False)
    cleared = events.wait_for(AlarmCleared, 5, lambda a: a.kind == "silence")
    assert cleared.offset > alarm.offset
    recorder.stop()


def test_disk_full_raises_write_error_and_keeps_the_clock(
    pulse: Path, tiny_disk: Path, tmp_path: Path
) -> None:
    events = ah.EventCollector()
    path = tiny_disk / "segment-001.wav"
    recorder = _start(path, events)
    alarm = events.wait_for(Alarm, 15, lambda a: a.kind == "write_error")  # ~6 s fill the disk
    assert "free disk space" in alarm.message
    before = recorder.offset_seconds()
    time.sleep(1.0)
    assert recorder.offset_seconds() > before + 0.8  # clock advances though audio is dropped
    assert recorder.state == RecorderState.RECORDING
    began = time.monotonic()
    summary = recorder.stop(timeout=5)
    assert time.monotonic() - began < 6
    assert summary.write_errors >= 1 and summary.unwritten_frames > 0
    assert summary.frames == pytest.approx(recorder.offset_seconds() * RATE, abs=1)
    # What reached the disk is a readable WAV whose header matches the file.
    data, _ = soundfile.read(str(path), dtype="int16")
    assert len(data) == summary.frames - summary.unwritten_frames


RECORD_THEN_HANG = """
import sys, time
from pathlib import Path
from discussion.audio import Recorder, RecorderConfig
recorder = Recorder(Path(sys.argv[1]), config=RecorderConfig(fsync_interval_s=0.5))
recorder.start()
assert recorder.wait_until_recording(10)
print("recording", flush=True)
time.sleep(60)
"""


def test_recorder_killed_with_sigkill_leaves_a_readable_file(pulse: Path, tmp_path: Path) -> None:
    path = tmp_path / "segment-001.wav"
    process = subprocess.Popen(
        [sys.executable, "-c", RECORD_THEN_HANG, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "recording"
    time.sleep(2.0)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    # No repair needed: the auto-updated header counts what was written before the kill.
    info = soundfile.info(str(path))
    assert (info.samplerate, info.channels, info.subtype) == (RATE, 1, "PCM_16")
    assert 1.5 <= info.duration <= 2.6
    data, _ = soundfile.read(str(path), dtype="int16")
    assert len(data) == info.frames
    assert np.isfinite(data.astype(float)).all()
