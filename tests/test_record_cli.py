"""`discussion record` end to end, against real audio (private PulseAudio, espeak-ng speech).

Run under `scripts/test-audio.sh run ...`; the `pulse` fixture fails (never skips) without it.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import audio_helpers as ah
from audio_helpers import SinkFeeder
from record_cli_helpers import RecordProcess, discussion, parse_saved

from discussion.record import Event, load_state
from discussion.record.session import read_log

RATE = 16000
BLOCK_S = 512 / RATE
# Measured: the recorder's 32 ms-block stream delivers a sound up to ~50 ms after a 4 ms-block
# capture of the same input does.
RECEIVED_S = 0.08
CONSENT = "The apprentice agreed to the discussion being recorded."


def read_log_events(folder: Path) -> list[Event]:
    """The good events of a session's log."""
    return read_log(folder).events


def test_record_speech_notes_bursts_then_verify(pulse: Path, tmp_path: Path) -> None:
    speech = ah.speech_wav(
        "Tell me about a customer whose needs were different from most.", tmp_path / "s.wav"
    )
    reference, _ = ah.read_mono(speech)
    # 150 ms of sink latency: a loaded machine cannot starve pacat into gaps in the speech (at
    # 10 ms CI saw 0.79, at 30 ms a doubly loaded run 0.55); the burst timings below do not
    # depend on it (a second capture watches for each burst).
    feeder = SinkFeeder(latency_ms=150)
    try:
        with RecordProcess(tmp_path / "home", "--reaction-lag", "0", "--consent", CONSENT) as rec:
            folder = rec.start()
            segment = folder / "audio" / "segment-001.wav"
            assert rec.note("1A: before the speech")[2] == "1A"
            feeder.play(reference)
            _, speech_note_offset, tags = rec.note("3a, 3B: speech starts now")
            assert tags == "3A,3B"
            time.sleep(len(reference) / RATE + 0.5)
            assert rec.note("9Z: not a criterion")[2] == "-"
            assert rec.note("")[2] == "-"  # an empty line marks the moment
            # Bursts: the note is sent the moment the burst reaches the recording.
            # The file is written in batches (up to 0.25 s late), so a second capture sees the
            # burst arrive; the recorder's own stream has it within RECEIVED_S after that.
            burst_offsets = []
            watch = ah.OnsetWatch()
            try:
                for _ in range(3):
                    watch.arm()
                    feeder.play(ah.tone(0.15))
                    watch.wait()
                    time.sleep(RECEIVED_S)
                    rec.send("6A: burst")
                    burst_offsets.append(parse_saved(rec.expect("saved "))[1])
                    time.sleep(0.4)
            finally:
                watch.close()
            rest = rec.finish()
            assert rec.process.returncode == 0, rec.describe()
    finally:
        feeder.close()
    assert rest[0] == f"closed {folder}"
    assert rest[1].startswith("verify: intact;") and "sealed (closed)" in rest[1]
    assert "unknown criterion 9Z: note saved untagged" in rec.stderr_lines

    result = discussion("verify", str(folder), "--json")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["ok"] and report["sealed"]

    events = read_log_events(folder)
    types = [e.type for e in events]
    assert types[:3] == ["created", "recording_started", "consent_recorded"]
    assert types[-2:] == ["recording_stopped", "closed"]
    notes = [e.data for e in events if e.type == "note"]
    assert [n["text"] for n in notes[:4]] == [
        "before the speech",
        "speech starts now",
        "9Z: not a criterion",  # nothing typed is lost
        "",
    ]
    assert all(n["lag_s"] == 0.0 for n in notes)
    state = load_state(folder)
    assert state.status == "closed"

    recording, rate = ah.read_mono(segment)
    assert rate == RATE
    correlation, lag = ah.best_alignment(recording, reference)
    heard_at = lag / RATE
    print(f"\nspeech: correlation {correlation:.3f}, {heard_at - speech_note_offset:.3f} s after")
    overflows = [e.data for e in events if e.type == "alarm" and e.data.get("kind") == "overflow"]
    assert correlation >= 0.9, f"recorder overflow alarms: {overflows}"
    # Played right before the note was sent: heard at the note's offset plus the sink latency.
    assert -BLOCK_S <= heard_at - speech_note_offset <= 0.5

    errors = []
    for offset in burst_offsets:
        onset = ah.onset(recording, RATE, start=round((offset - 0.2) * RATE)) / RATE
        errors.append(offset - onset)
    print(f"note offset minus burst onset (ms): {[round(e * 1000, 1) for e in errors]}")
    # A line's offset is the sample clock when it arrives (frames received, not written): never
    # before an onset the recorder has received, at most the wait plus one block after it
    # (+ 1 ms for the millisecond rounding of the `saved` line and the onset threshold).
    assert all(-0.001 <= e <= RECEIVED_S + BLOCK_S + 0.001 for e in errors)


def test_notes_only_session_needs_no_audio(tmp_path: Path) -> None:
    with RecordProcess(tmp_path / "home", "--no-audio", "microphone broken") as rec:
        folder = Path(rec.expect("session: ").split(": ", 1)[1])
        assert rec.expect("notes only: ") == "notes only: microphone broken"
        first = rec.note("7a: kept promises")
        assert first[0] == 1 and first[2] == "7A"
        rest = rec.finish()
    assert rec.process.returncode == 0
    assert rest[0] == f"closed {folder}"
    assert not (folder / "audio").exists() or not any((folder / "audio").iterdir())
    assert discussion("verify", str(folder)).returncode == 0


def test_unknown_device_is_one_line_exit_2_and_leaves_nothing(pulse: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    with RecordProcess(home, "--device", "no such microphone") as rec:
        first = rec.expect("session: ")
        rest = rec.wait()
    folder = Path(first.split(": ", 1)[1])
    assert rec.process.returncode == 2
    assert rest == []
    assert len(rec.stderr_lines) == 2, rec.stderr_lines  # practice notice + the error
    error = rec.stderr_lines[-1]
    assert error.startswith("discussion: error: no input device matches 'no such microphone'")
    assert "discussion devices" in error and "session folder was removed" in error
    assert not folder.exists()
    assert "Traceback" not in "\n".join(rec.stderr_lines)


def test_no_audio_within_the_timeout_is_exit_2(pulse: Path, tmp_path: Path) -> None:
    ah.pactl("suspend-sink", "vsink", "1")
    try:
        with RecordProcess(tmp_path / "home", "--start-timeout", "1") as rec:
            first = rec.expect("session: ")
            rec.wait()
    finally:
        ah.pactl("suspend-sink", "vsink", "0")
    assert rec.process.returncode == 2, rec.describe()
    assert "no audio from the default input device within 1 s" in rec.stderr_lines[-1]
    assert not Path(first.split(": ", 1)[1]).exists()


def test_sigterm_and_sigint_seal_the_session(pulse: Path, tmp_path: Path) -> None:
    import signal

    for signum in (signal.SIGTERM, signal.SIGINT):
        with RecordProcess(tmp_path / "home") as rec:
            folder = rec.start()
            rec.note("4A: covered for a colleague")
            rec.signal(signum)
            rest = rec.wait()
        assert rec.process.returncode == 0, rec.describe()
        assert rest[0] == f"closed {folder}"
        closed = read_log_events(folder)[-1]
        assert closed.type == "closed"
        assert closed.data["reason"] == f"stopped by {signal.Signals(signum).name}"
        assert discussion("verify", str(folder)).returncode == 0


def test_home_option_and_environment(pulse: Path, tmp_path: Path) -> None:
    with RecordProcess(tmp_path / "elsewhere", "--no-audio", "test") as rec:
        folder = Path(rec.expect("session: ").split(": ", 1)[1])
        rec.finish()
    assert folder.parent == (tmp_path / "elsewhere" / "sessions").resolve()
    assert os.stat(folder).st_mode & 0o777 == 0o700
