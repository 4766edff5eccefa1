"""The live discussion screen driven by keys: notes, tags, questions, time, ending."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_helpers import catalog
from ui_live_helpers import Clock, HostApp, notes_only_session, saved

from discussion.record import load_state
from discussion.settings import Settings
from discussion.ui.screens.discussion import DiscussionScreen
from discussion.ui.widgets.recording_status import RecordingStatus


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    return tmp_path


def _screen(home: Path, clock: Clock) -> tuple[DiscussionScreen, HostApp]:
    live = notes_only_session(home)
    screen = DiscussionScreen(live, catalog(), Settings(reaction_lag_s=0.0), clock=clock)
    app = HostApp(screen)
    live.listener = app.listener
    return screen, app


def _result(app: HostApp) -> object:
    return app.result


async def test_typed_note_is_saved_with_prefix_tags_and_first_keystroke_time(home: Path) -> None:
    clock = Clock(12.0)
    screen, app = _screen(home, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        clock.now = 30.0  # typing takes time: the note keeps its first keystroke's moment
        await pilot.press(*"a,3b: adapted tone for a deaf customer", "enter")
        await saved(pilot, screen.live)
        state = screen.live.record.state()
        assert len(state.notes) == 1
        note = state.notes[0]
        assert note.text == "adapted tone for a deaf customer"
        assert note.criteria == ["3A", "3B"]
        assert note.raw_offset == pytest.approx(12.0)
        assert state.criteria["3A"].note_count == 1
        on_disk = load_state(screen.live.folder)
        assert [n.text for n in on_disk.notes] == ["adapted tone for a deaf customer"]


async def test_unknown_prefix_keeps_the_whole_line_untagged(home: Path) -> None:
    screen, app = _screen(home, Clock(5.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"9z: odd tag", "enter")
        await saved(pilot, screen.live)
        note = screen.live.record.state().notes[0]
        assert note.text == "9z: odd tag" and note.criteria == []


async def test_asked_question_tags_later_notes_and_alt_keys_toggle_tags(home: Path) -> None:
    screen, app = _screen(home, Clock(60.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await saved(pilot, screen.live)
        current = screen.current
        assert current is not None, "the guide suggests a first question"
        assert current.set == "assessment"
        await pilot.press("f2")
        await saved(pilot, screen.live)
        state = screen.live.record.state()
        assert [q.question_id for q in state.questions] == [current.id]
        await pilot.press(*"gave a clear example", "enter")
        await saved(pilot, screen.live)
        assert screen.live.record.state().notes[-1].criteria == [current.primary]
        await pilot.press("ctrl+t", "alt+1", "alt+4")  # board positions 1 and 4: 1A and 3A
        await pilot.press(*"x", "enter")
        await saved(pilot, screen.live)
        assert screen.live.record.state().notes[-1].criteria == ["1A", "3A"]


async def test_mark_moment_and_empty_enter_save_textless_notes(home: Path) -> None:
    clock = Clock(100.0)
    screen, app = _screen(home, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        clock.now = 110.0
        await pilot.press("enter")
        await saved(pilot, screen.live)
        notes = screen.live.record.state().notes
        assert [(n.text, n.raw_offset) for n in notes] == [("", 100.0), ("", 110.0)]


async def test_next_question_follows_the_guide_and_skips(home: Path) -> None:
    screen, app = _screen(home, Clock(0.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await saved(pilot, screen.live)
        first = screen.current
        await pilot.press("f3")
        await saved(pilot, screen.live)
        assert screen.current is not None and first is not None
        assert screen.current.id != first.id


async def test_time_warnings_are_shown_once_and_logged(home: Path) -> None:
    clock = Clock(44 * 60.0)
    screen, app = _screen(home, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await saved(pilot, screen.live)
        assert screen.live.record.state().time_warnings == []
        clock.now = 45 * 60 + 1.0
        await pilot.pause(0.4)
        clock.now = 50 * 60.0
        await pilot.pause(0.4)  # the clock ticks (every 0.25 s) and logs the warning
        await saved(pilot, screen.live)
        assert screen.live.record.state().time_warnings == [45]
        clock.now = 61 * 60.0
        await pilot.pause(0.4)
        await saved(pilot, screen.live)
        assert screen.live.record.state().time_warnings == [45, 55, 60]
        status = screen.query_one(RecordingStatus)
        left = str(status.query_one("#rec-left").render())
        assert "OVERRUN" in left


@pytest.mark.ui_flow  # test-fast keeps a shorter one of this screen
async def test_amend_keeps_the_original(home: Path) -> None:
    screen, app = _screen(home, Clock(3.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"3a: first wording", "enter")
        await saved(pilot, screen.live)
        await pilot.press("f7")
        await saved(pilot, screen.live)
        await pilot.press("enter")  # the newest note
        await saved(pilot, screen.live)
        await pilot.press("ctrl+u", *"3a,3b: better wording", "enter")
        await saved(pilot, screen.live)
        note = screen.live.record.state().notes[0]
        assert note.text == "better wording"
        assert note.criteria == ["3A", "3B"]
        assert note.original_text == "first wording"
        events = [e.type for e in screen.live.record.events]
        assert events.count("note") == 1 and events.count("note_amended") == 1


async def test_end_asks_then_dismisses(home: Path) -> None:
    _screen_under_test, app = _screen(home, Clock(3.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert _result(app) == "not dismissed"
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _result(app) is True
