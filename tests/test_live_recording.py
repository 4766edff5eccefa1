"""LiveSession with a fake input stream: what reaches the record when the recorder races,
fails to start, dies mid-run, or the record refuses a write."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import soundfile
from audio_helpers import EventCollector, FakeStreamFactory

from discussion.audio import Alarm, AlarmCleared, Paused, RecorderState, Resumed
from discussion.live import LiveSession
from discussion.record import Event, EventData, RecordWriteError, SessionInfo, verify


def make_info(**changes: Any) -> SessionInfo:
    """A valid assessment SessionInfo with made-up values."""
    fields: dict[str, Any] = {
        "apprentice_name": "Alex Example",
        "uln": "9276308686",
        "assessor": "Sam Assessor",
        "mode": "virtual",
        "attempt": 1,
        "epa_window_start": date.today(),
        "standard_version": "1.0",
        "standard_hash": "a" * 64,
        "bank_version": "1",
        "bank_hash": "b" * 64,
        "reaction_lag_s": 0.0,
    }
    fields.update(changes)
    return SessionInfo(**fields)


def of_type(live: LiveSession, kind: str) -> list[Event]:
    return [e for e in live.record.events if e.type == kind]


def wait_until(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())


def test_recording_started_is_logged_when_audio_arrives_before_start_returns(
    tmp_path: Path,
) -> None:
    # The stream delivers blocks while its start() has not returned yet: `Started` comes first.
    live = LiveSession.create(
        make_info(), tmp_path, stream_factory=FakeStreamFactory(start_delay=0.4)
    )
    live.start_recording()
    assert live.wait_until_recording(2)
    # Logged by the recorder's writer thread; the log's readers never wait for its sync.
    assert wait_until(lambda: of_type(live, "recording_started"), 2)
    started = of_type(live, "recording_started")
    assert [e.data["segment"] for e in started] == ["audio/segment-001.wav"]
    assert started[0].data["start_offset"] == 0.0
    live.close("test")


def test_pause_reason_is_logged(tmp_path: Path) -> None:
    live = LiveSession.create(make_info(), tmp_path, stream_factory=FakeStreamFactory())
    live.start_recording()
    assert live.wait_until_recording(2)
    live.pause("apprentice asked for a break")
    assert wait_until(lambda: of_type(live, "recording_paused"), 2)
    assert of_type(live, "recording_paused")[0].data["reason"] == "apprentice asked for a break"
    live.close("test")


def test_a_dead_recorder_thread_is_an_alarm_and_recording_continues_in_a_new_segment(
    tmp_path: Path,
) -> None:
    events = EventCollector()
    # The first stream delivers a block the writer cannot write: its thread dies.
    factory = FakeStreamFactory(first_only=True, bad_block_after=15)
    live = LiveSession.create(make_info(), tmp_path, stream_factory=factory, listener=events)
    first = live.start_recording()
    assert live.wait_until_recording(2)
    alarm = events.wait_for(Alarm, 3, lambda a: a.kind == "recorder_failed")
    assert "audio writer stopped" in alarm.message and "new segment" in alarm.message
    assert wait_until(lambda: len(of_type(live, "recording_started")) == 2, 3)
    assert live.recorder is not None and live.recorder is not first
    assert live.wait_until_recording(2)
    time.sleep(0.3)
    assert live.recorder_state is RecorderState.RECORDING
    logged = of_type(live, "alarm")
    assert [e.data["kind"] for e in logged] == ["recorder_failed"]
    [stopped] = of_type(live, "recording_stopped")
    assert stopped.data["segment"] == "audio/segment-001.wav"
    assert stopped.data["reason"].startswith("recorder failed: the audio writer stopped")
    written = soundfile.info(str(live.folder / "audio" / "segment-001.wav")).frames
    assert written == stopped.data["frames"]
    second = of_type(live, "recording_started")[1]
    assert second.data["segment"] == "audio/segment-002.wav"
    # Same timeline: the new segment starts where the failed one ends, or after the last event
    # stamped before the failure (the clock counted a batch the dead writer never wrote).
    end = stopped.data["frames"] / 16000
    assert end > 0
    assert second.data["start_offset"] == pytest.approx(max(end, alarm.offset))
    assert live.offset_now() > second.data["start_offset"]
    live.close("test")
    report = verify(live.folder)
    assert report.ok, report.problems


def test_evidence_the_record_refuses_is_kept_retried_in_order_and_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = EventCollector()
    live = LiveSession.create(
        make_info(), tmp_path, stream_factory=FakeStreamFactory(), listener=events
    )
    live.start_recording()
    assert live.wait_until_recording(2)
    time.sleep(0.2)
    record_append = live.record.append
    disk_full = True

    def append(data: EventData, offset: float | None = None) -> Event:
        if disk_full:
            raise RecordWriteError("cannot write events.jsonl: No space left on device")
        return record_append(data, offset)

    monkeypatch.setattr(live.record, "append", append)
    live.pause("break")
    paused = events.wait_for(Paused, 2)
    shown = events.wait_for(Alarm, 2, lambda a: a.kind == "record_write")
    assert "No space left on device" in shown.message and "retried" in shown.message
    live.resume_recording()
    events.wait_for(Resumed, 2)
    with pytest.raises(RecordWriteError):  # a note would jump the queue: refused too
        live.note("6A: while the disk is full", ["6A"], live.offset_now())
    assert not of_type(live, "recording_paused")
    disk_full = False
    events.wait_for(AlarmCleared, 3, lambda a: a.kind == "record_write")
    kinds = [e.type for e in live.record.events]
    assert kinds[-4:] == ["recording_paused", "recording_resumed", "alarm", "alarm_cleared"]
    [logged] = of_type(live, "recording_paused")
    assert logged.offset == pytest.approx(paused.offset, abs=1e-6)  # its own offset, not now
    assert logged.data["reason"] == "break"
    assert "saved late" in of_type(live, "alarm")[-1].data["message"]
    live.note("6A: after the disk was freed", ["6A"], live.offset_now())
    live.close("test")
    assert verify(live.folder).ok


def test_a_recording_that_never_started_leaves_no_session_behind(tmp_path: Path) -> None:
    # Set-up logs what was confirmed before the recording starts; if no audio ever arrives the
    # discussion never took place, so home must not offer an empty session to resume.
    from discussion.audio import AudioUnavailable
    from discussion.record import SetupConfirmedData

    live = LiveSession.create(
        make_info(),
        tmp_path,
        stream_factory=FakeStreamFactory(start_error=OSError("no such device")),
    )
    live.append(SetupConfirmedData(gateway=["g"], conduct=["c"], audio_check="heard"))
    with pytest.raises(AudioUnavailable):
        live.start_recording()
    assert live.abandon_start() is True
    assert not live.folder.exists()


def test_abandoning_after_a_note_keeps_the_session(tmp_path: Path) -> None:
    live = LiveSession.create(make_info(), tmp_path, stream_factory=FakeStreamFactory())
    live.note("said something before the device failed", ["1A"], 0.0)
    assert live.abandon_start() is False
    assert (live.folder / "events.jsonl").exists()
