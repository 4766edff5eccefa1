"""LiveSession with a fake input stream: what reaches the record when the recorder races,
fails to start, dies mid-run, or the record refuses a write."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from audio_helpers import FakeStreamFactory

from discussion.live import LiveSession
from discussion.record import Event, SessionInfo


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
