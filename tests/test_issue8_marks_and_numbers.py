"""Issue 8: decisions' "All notes" never offers a mark as evidence; "note #N amended" uses the
number people see (1, 2, 3), not the event's sequence number."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import SelectionList
from ui_helpers import catalog
from ui_live_helpers import Clock, HostApp, notes_only_session, saved

from discussion.settings import Settings
from discussion.ui.screens.amend_note import AmendNoteScreen
from discussion.ui.screens.decisions import DecisionsScreen
from discussion.ui.screens.discussion import DiscussionScreen


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    return tmp_path


async def test_all_notes_leaves_marks_out_and_counts_them(home: Path) -> None:
    live = notes_only_session(home)
    note = live.note("described her monthly call-handling targets", [], 30.0)
    mark = live.note("", ["5A"], 40.0)  # F5: a marked moment, tagged with the question's 5A
    screen = DecisionsScreen(live, catalog().standard)
    app = HostApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f4")  # all notes
        await pilot.pause()
        notes = screen.query_one("#notes", SelectionList)
        values = [notes.get_option_at_index(i).value for i in range(notes.option_count)]
        assert values == [note.seq], "a mark is not evidence: never a row to tick"
        assert mark.seq not in notes.selected
        assert str(notes.border_subtitle) == "1 mark left out: not evidence"


async def test_amended_message_names_the_note_number_not_the_event_seq(home: Path) -> None:
    live = notes_only_session(home)
    live.ask("D-1A-01", ["1A"])  # an event before the notes, so seq and number differ
    first = live.note("internal customers: the warehouse team", ["1A"], 10.0)
    live.note("external customers: callers", ["1A"], 20.0)
    assert first.seq != 1
    screen = DiscussionScreen(live, catalog(), Settings(reaction_lag_s=0.0), clock=Clock(30.0))
    app = HostApp(screen)
    live.listener = app.listener
    said: list[str] = []
    real_notify = screen.notify

    def spy(message: str, **kwargs: object) -> None:
        said.append(message)
        real_notify(message, **kwargs)  # type: ignore[arg-type]

    screen.notify = spy  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, AmendNoteScreen)
        await pilot.press("down", "enter")  # newest first: down to note 1
        await pilot.pause()
        await pilot.press("end", *" and finance", "enter")
        await saved(pilot, live)
        assert live.state().note(first.seq) is not None
        assert live.state().notes[0].amended_by, "the amendment was logged"
        assert "note #1 amended (original kept)" in said
        assert f"note #{first.seq} amended (original kept)" not in said


async def test_a_mark_given_text_is_announced_by_its_new_note_number(home: Path) -> None:
    live = notes_only_session(home)
    live.note("external customers: callers", ["1A"], 10.0)
    mark = live.note("", ["1A"], 20.0)  # mark 1, no note number yet
    screen = DiscussionScreen(live, catalog(), Settings(reaction_lag_s=0.0), clock=Clock(30.0))
    app = HostApp(screen)
    live.listener = app.listener
    said: list[str] = []
    real_notify = screen.notify

    def spy(message: str, **kwargs: object) -> None:
        said.append(message)
        real_notify(message, **kwargs)  # type: ignore[arg-type]

    screen.notify = spy  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("enter")  # newest first: the mark
        await pilot.pause()
        await pilot.press("end", *"named the finance team", "enter")
        await saved(pilot, live)
        note = live.state().note(mark.seq)
        assert note is not None and not note.is_mark and note.number == 2
        assert "note #2 amended (original kept)" in said, said
