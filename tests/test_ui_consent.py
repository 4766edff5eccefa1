"""The consent screen: the notice, the recording status, and consent logged on the audio clock."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from screen_host import ScreenHost
from test_ui_home import make_info
from textual.pilot import Pilot
from textual.widgets import Label, Static
from ui_helpers import catalog

from discussion.audio import Level, RecorderState
from discussion.live import LiveSession
from discussion.record import ConsentRecordedData
from discussion.record.session import read_log
from discussion.ui.messages import RecorderReported
from discussion.ui.screens.confirm import ConfirmScreen
from discussion.ui.screens.consent import ConsentScreen, consent_notice
from discussion.ui.widgets.level_meter import LevelMeter

SnapCompare = Callable[..., bool]
CREATED = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def sessions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    return tmp_path / "sessions"


@pytest.fixture
def notes_only(sessions: Path) -> Iterator[LiveSession]:
    info = make_info("Nadia Notes", CREATED, audio=False, no_audio_reason="no microphone")
    live = LiveSession.create(info, sessions)
    try:
        yield live
    finally:
        live.release()


def host(live: LiveSession) -> ScreenHost:
    return ScreenHost(lambda: ConsentScreen(live, catalog().standard))


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.1)
    return condition()


def consents(live: LiveSession) -> list[ConsentRecordedData]:
    events = read_log(live.folder).events
    return [
        ConsentRecordedData.model_validate(e.data) for e in events if e.type == "consent_recorded"
    ]


def test_notice_covers_what_the_apprentice_must_hear() -> None:
    text = consent_notice(True, 60).lower()
    for words in (
        "audio recorded",
        "quality assurance",
        "retention policy",
        "confidential",
        "identify customers or colleagues",
        "60 minutes",
        "do you agree",
    ):
        assert words in text
    notes = consent_notice(False, 60).lower()
    assert "not audio recorded" in notes and "notes being taken" in notes


async def test_notes_only_consent_is_logged(notes_only: LiveSession) -> None:
    app = host(notes_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConsentScreen)
        assert "not audio recorded" in str(screen.query_one("#consent-notice", Static).render())
        assert "Notes-only" in str(screen.query_one("#consent-status", Label).render())
        await pilot.press("a")  # saved on the record writer's thread: dismissed once on disk
        assert await wait_for(pilot, lambda: app.results == [True], 5)
        [consent] = consents(notes_only)
        assert consent.recording is False
        assert consent.statement == screen.notice


async def test_decline_asks_then_dismisses_false(notes_only: LiveSession) -> None:
    app = host(notes_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # back
        await pilot.pause()
        assert isinstance(app.screen, ConsentScreen) and app.results == []
        await pilot.press("d", "y")
        assert await wait_for(pilot, lambda: app.results == [False], 5)
        assert consents(notes_only) == []


async def test_agreeing_before_audio_arrives_is_refused(sessions: Path) -> None:
    live = LiveSession.create(make_info("Wendy Wait", CREATED), sessions)
    try:
        app = host(live)  # recording never started: state IDLE
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert live.recorder_state is RecorderState.IDLE
            await pilot.press("a")
            await pilot.pause()
            assert app.results == [] and consents(live) == []
            assert any("not running yet" in n.message for n in app._notifications)
            # Forwarded recorder news moves the meter.
            app.screen.post_message(RecorderReported(Level(-12.0, -3.0, 1.0)))
            await pilot.pause()
            meter = app.screen.query_one(LevelMeter)
            assert (meter.rms_dbfs, meter.peak_dbfs) == (-12.0, -3.0)
    finally:
        live.release()


@pytest.mark.audio
async def test_consent_is_logged_on_the_recording_clock(pulse: Path, sessions: Path) -> None:
    live = LiveSession.create(make_info("Rita Records", CREATED), sessions)
    closed = False
    try:
        live.start_recording()
        app = host(live)
        async with app.run_test(size=(80, 24)) as pilot:
            status = app.screen.query_one("#consent-status", Label)
            assert await wait_for(pilot, lambda: "● recording" in str(status.render()), 10)
            await pilot.pause(0.5)  # some audio before the answer
            before = live.offset_now()
            await pilot.press("a")  # stamped now, saved on the record writer's thread
            after = live.offset_now()
            assert await wait_for(pilot, lambda: app.results == [True], 5)
        live.close("test over")
        closed = True
        events = read_log(live.folder).events
        started = next(e for e in events if e.type == "recording_started")
        consent = next(e for e in events if e.type == "consent_recorded")
        stopped = next(e for e in events if e.type == "recording_stopped")
        assert consent.data["recording"] is True
        # The record keeps offsets to the millisecond; the live clock is a float sum.
        ms = 0.0005
        assert started.offset - ms <= before <= consent.offset + ms
        assert consent.offset - ms <= after <= stopped.offset + ms
        assert consent.offset > 0.4
    finally:
        if not closed:
            live.release()


# ---------------------------------------------------------------------------- snapshots
class RecordingLive(LiveSession):
    """A live session that says it is recording (no recorder: the snapshot's meter is frozen)."""

    @property
    def recorder_state(self) -> RecorderState:
        """Always recording."""
        return RecorderState.RECORDING


def test_snapshot_consent(snap_compare: SnapCompare, sessions: Path) -> None:
    live = RecordingLive.create(make_info("Rita Records", CREATED), sessions)
    try:
        app = ScreenHost(lambda: ConsentScreen(live, catalog().standard))
        assert snap_compare(app, terminal_size=(80, 24))
    finally:
        live.release()
