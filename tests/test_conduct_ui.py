"""Conduct details through the real app (issue 9): the employer's agreement to the mode and the
reasonable adjustments at set-up end up in the log; a pause asks its reason and the log keeps it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from audio_helpers import FakeStreamFactory
from screen_host import ScreenHost
from test_issue8_setup import no_portaudio  # noqa: F401  (a fixture, used by name)
from test_ui_setup import fill_form, screen_of, settle, stub_screen
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Static
from ui_helpers import catalog
from ui_live_helpers import HostApp, fill_setup_values, session_info

from discussion.export import export_text
from discussion.live import LiveSession
from discussion.record import SetupConfirmedData, load_state
from discussion.record.session import read_log
from discussion.settings import Settings
from discussion.ui.app import DiscussionApp
from discussion.ui.messages import NewDiscussionRequested
from discussion.ui.screens.consent import ConsentScreen
from discussion.ui.screens.discussion import DiscussionScreen
from discussion.ui.screens.pause_reason import PauseReasonScreen
from discussion.ui.screens.setup import SetupResult, SetupScreen


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 15
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)


# ---------------------------------------------------------------------------- set-up
@pytest.mark.slow  # fills the whole form by keys
async def test_start_is_refused_until_the_employer_agreement_is_ticked_and_named() -> None:
    app = ScreenHost(stub_screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await fill_form(pilot, skip=frozenset({"mode-agreed", "mode-agreed-by"}))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.results == []
        missing = str(screen_of(app).query_one("#setup-missing", Static).render())
        assert "mode agreed with the employer: tick it once agreed and name who" in missing
        assert app.focused is screen_of(app).query_one("#mode-agreed")  # fix that first
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.results == []  # ticked, but nobody named
        missing = str(screen_of(app).query_one("#setup-missing", Static).render())
        assert "name who agreed it for the employer" in missing
        assert app.focused is screen_of(app).query_one("#mode-agreed-by")
        await pilot.press(*"Pat Manager", "ctrl+s")
        await settle(pilot)
        [result] = app.results
        assert isinstance(result, SetupResult)
        assert result.mode_agreed_by == "Pat Manager" and result.adjustments == ()


@pytest.mark.slow  # fills the whole form by keys
async def test_other_adjustment_needs_a_description_and_extra_time_says_the_limit_stays() -> None:
    app = ScreenHost(stub_screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await fill_form(pilot)
        screen = screen_of(app)
        detail = screen.query_one("#adjustment-detail", Input)
        assert detail.disabled  # nothing asks for a description yet: no tab stop
        screen.query_one("#adjustments").focus()
        keys = [a.key for a in catalog().standard.conduct.adjustments]
        await pilot.press(*["down"] * keys.index("extra-time"), "space")
        notes = str(screen.query_one("#adjustment-notes", Static).render())
        assert "names no extension" in notes and "time limit shown stays" in notes
        await pilot.press(*["down"] * (keys.index("other") - keys.index("extra-time")), "space")
        await pilot.pause()
        assert not detail.disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.results == []
        missing = str(screen.query_one("#setup-missing", Static).render())
        assert "adjustment 'Other': describe it" in missing
        assert app.focused is detail
        await pilot.press(*"large-print question cards", "ctrl+s")
        await settle(pilot)
        [result] = app.results
        assert isinstance(result, SetupResult)
        assert result.adjustments == ("Extra time", "Other: large-print question cards")


@pytest.mark.slow
async def test_agreement_and_adjustments_are_in_the_setup_event_and_the_export(
    tmp_path: Path,
    no_portaudio: None,  # noqa: F811  (the fixture imported above)
) -> None:
    """The real app, set up by keys for the arrangements (notes only: no sound device)."""
    home = tmp_path / "home"
    app = DiscussionApp(
        catalog(), settings=Settings(assessor="Sam Assessor"), home=home, cursor_blink=False
    )
    async with app.run_test(size=(100, 40)) as pilot:
        app.post_message(NewDiscussionRequested())
        await until(pilot, lambda: isinstance(app.screen, SetupScreen), "set-up")
        setup = app.screen
        assert isinstance(setup, SetupScreen)
        await pilot.pause()
        fill_setup_values(setup)
        # The arrangements by keys, as the assessor would: tick, name, then the adjustments.
        setup.query_one("#mode-agreed").focus()
        await pilot.press("space", "tab", *"Pat Manager, line manager", "tab")
        assert app.focused is setup.query_one("#adjustments")
        await pilot.press("space", "down", "down", "space")  # sign language; breaks
        await until(
            pilot, lambda: setup.query_one("#audio-notes-only", Checkbox).display, "notes-only"
        )
        setup.query_one("#audio-notes-only", Checkbox).value = True
        setup.query_one("#audio-reason", Input).value = "no sound device in the room"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConsentScreen), "consent")
        live = app.live
        assert live is not None
        folder = live.folder
    [event] = [e for e in read_log(folder).events if e.type == "setup_confirmed"]
    assert isinstance(event.payload, SetupConfirmedData)
    assert event.payload.mode_agreed_by == "Pat Manager, line manager"
    assert event.payload.adjustments == [
        "British or Irish Sign Language interpreter",
        "Rest breaks",
    ]
    assert len(event.payload.gateway) == 7  # the rest of the set-up as before
    markdown = export_text(folder, "md")
    assert "- **Mode agreed:** with the employer, by Pat Manager, line manager" in markdown
    assert "- **Adjustments:** British or Irish Sign Language interpreter; Rest breaks" in markdown
    assert "<dt>Adjustments</dt><dd>British or Irish Sign Language interpreter; Rest breaks" in (
        export_text(folder, "html")
    )


@pytest.mark.ui_flow
async def test_a_set_up_shown_again_keeps_the_arrangements() -> None:
    info = session_info(epa_window_start=date(2026, 3, 2))
    previous = SetupResult(
        info,
        None,
        mode_agreed_by="Pat Manager",
        adjustments=("Rest breaks", "Other: large-print question cards"),
    )

    def make() -> SetupScreen:
        return SetupScreen(
            catalog(),
            Settings(assessor="Sam Assessor"),
            recorder_factory=None,
            devices_provider=lambda: [],
            today=date(2026, 3, 14),
            previous=previous,
        )

    app = ScreenHost(make)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert screen.query_one("#mode-agreed", Checkbox).value
        assert screen.query_one("#mode-agreed-by", Input).value == "Pat Manager"
        assert screen.query_one("#adjustment-detail", Input).value == "large-print question cards"
        from discussion.ui.widgets.arrangements import ArrangementsForm

        form = screen.query_one(ArrangementsForm)
        assert form.adjustments() == ["Rest breaks", "Other: large-print question cards"]
        assert form.missing() == []


# ---------------------------------------------------------------------------- the pause
async def _recording_screen(home: Path) -> tuple[LiveSession, HostApp]:
    live = LiveSession.create(session_info(), home, stream_factory=FakeStreamFactory())
    live.append(SetupConfirmedData(mode_agreed_by="Pat Manager", adjustments=["Rest breaks"]))
    screen = DiscussionScreen(live, catalog(), Settings(reaction_lag_s=0.0))
    app = HostApp(screen)
    live.listener = app.listener
    live.start_recording()
    assert live.wait_until_recording(2)
    return live, app


def _notices(app: HostApp) -> list[str]:
    return [n.message for n in app._notifications]


def _paused_reasons(live: LiveSession) -> list[str]:
    return [e.data["reason"] for e in live.record.events if e.type == "recording_paused"]


@pytest.mark.ui_flow  # a longer Pilot flow: this screen keeps shorter tests in test-fast
async def test_pause_asks_its_reason_and_the_log_keeps_it(tmp_path: Path) -> None:
    live, app = await _recording_screen(tmp_path)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            await pilot.press("f6")
            # The adjustments recorded at set-up: shown as the discussion starts, and here.
            shown = [n.message for n in app._notifications]
            assert "Rest breaks" in shown, shown
            await until(pilot, lambda: isinstance(app.screen, PauseReasonScreen), "the reason")
            reminder = app.screen.query_one("#pause-adjustments", Static)
            assert str(reminder.render()) == "Adjustments in place: Rest breaks"
            assert live.recorder_state.value == "recording"  # nothing paused before the answer
            await pilot.press("escape")  # changed its mind: keeps recording
            await until(pilot, lambda: isinstance(app.screen, DiscussionScreen), "back")
            await pilot.pause(0.2)
            assert live.recorder_state.value == "recording" and _paused_reasons(live) == []

            await pilot.press("f6", "1")  # 1: a break
            await until(pilot, lambda: live.recorder_state.value == "paused", "paused")
            await until(pilot, lambda: bool(_paused_reasons(live)), "the pause event")
            assert _paused_reasons(live) == ["Break"]
            await pilot.press("f6")  # resuming asks nothing
            await until(pilot, lambda: live.recorder_state.value == "recording", "resumed")
            # The screen takes F6 again once the resume is logged (it may wait for the writer).
            await until(pilot, lambda: "Recording resumed." in _notices(app), "resume done")

            await pilot.press("f6", "4")  # other: a description is asked for
            await until(
                pilot,
                lambda: isinstance(app.focused, Input) and app.focused.id == "pause-detail",
                "the description box",
            )
            await pilot.press("enter")  # an empty description is not enough
            await pilot.pause()
            assert isinstance(app.screen, PauseReasonScreen)
            await pilot.press(*"fire alarm test", "enter")
            await until(pilot, lambda: len(_paused_reasons(live)) == 2, "the second pause")
        assert _paused_reasons(live) == ["Break", "Other: fire alarm test"]
        pauses = [p.reason for s in load_state(live.folder).segments for p in s.pauses]
        assert pauses == ["Break", "Other: fire alarm test"]
    finally:
        live.close("test")


async def test_f6_while_a_pause_is_being_carried_out_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key is never silently ignored: F6 again before the recorder has paused says why."""
    live, app = await _recording_screen(tmp_path)
    release = threading.Event()
    real_pause = live.pause

    def held_pause(reason: str) -> None:
        release.wait(10)
        real_pause(reason)

    monkeypatch.setattr(live, "pause", held_pause)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            await pilot.press("f6")
            await until(pilot, lambda: isinstance(app.screen, PauseReasonScreen), "the reason")
            await pilot.press("1")
            await until(pilot, lambda: isinstance(app.screen, DiscussionScreen), "back")
            await pilot.press("f6")
            await pilot.pause()
            assert any("still carrying out the last pause" in n for n in _notices(app))
            release.set()
            await until(pilot, lambda: live.recorder_state.value == "paused", "paused")
    finally:
        release.set()
        live.close("test")


# ---------------------------------------------------------------------------- the briefing
@pytest.mark.ui_flow
async def test_set_up_writes_the_briefing_for_the_mode_chosen() -> None:
    from discussion.paths import data_home

    app = ScreenHost(stub_screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen_of(app).query_one("#mode").focus()
        await pilot.press("right", "enter")  # face-to-face
        await pilot.press("f2")
        await settle(pilot)
        path = data_home() / "exports" / "briefing-face-to-face.html"
        shown = [n.message for n in app._notifications]
        assert f"Pre-briefing for the apprentice written: {path}" in shown, shown
        page = path.read_text(encoding="utf-8")
        assert "Face-to-face discussion" in page and "tell you where it takes place" in page
        assert app.results == []  # still setting up


async def test_decisions_show_the_adjustments_in_place(tmp_path: Path) -> None:
    from ui_live_helpers import notes_only_session

    from discussion.ui.screens.decisions import DecisionsScreen

    live = notes_only_session(tmp_path)
    live.append(SetupConfirmedData(mode_agreed_by="Pat Manager", adjustments=["Extra time"]))
    app = HostApp(DecisionsScreen(live, catalog().standard))
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            assert "Extra time" in [n.message for n in app._notifications]
    finally:
        live.close("test")
