"""The discussion screen's redraw per note does not grow with the notes, and typing lays out
nothing (issue 14: notes stalled for tens of ms, the whole pane re-rendered on each note)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual._compositor import Compositor
from ui_live_helpers import Clock, HostApp, discussion_screen, notes_only_session

from discussion.ui.screens.discussion import DiscussionScreen
from discussion.ui.widgets import recent_notes
from discussion.ui.widgets.note_entry import NoteEntry
from discussion.ui.widgets.recent_notes import RecentNotes


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    return tmp_path


def _count_calls(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[int]:
    """Wrap `owner.name` so each call adds to the returned one-item counter."""
    calls = [0]
    real = getattr(owner, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def _screen(home: Path, notes: int) -> tuple[DiscussionScreen, HostApp]:
    live = notes_only_session(home)
    for number in range(notes):
        live.note(f"remark {number}", ["3A"], 10.0 + number)
    screen, app = discussion_screen(live, Clock(600.0))
    screen.tick_seconds = 3600  # no clock tick meanwhile
    return screen, app


async def test_typing_in_the_note_box_lays_out_nothing(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen, app = _screen(home, 5)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)  # the first layouts settle
        reflows = _count_calls(monkeypatch, Compositor, "reflow")
        await pilot.press(*"a remark about the customer")
        await pilot.pause()
        assert screen.query_one(NoteEntry).value == "a remark about the customer"
        assert reflows[0] == 0  # was one per keystroke (Input's scrollable width)


async def test_a_new_note_renders_one_line_whatever_the_notes_above(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen, app = _screen(home, 150)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = screen.query_one(RecentNotes)
        assert pane._shown is not None and "remark 149" in pane._shown.plain
        lines = _count_calls(monkeypatch, recent_notes, "_note_line")
        waiting = _count_calls(monkeypatch, recent_notes, "_waiting_line")
        rendered = _count_calls(monkeypatch, recent_notes, "visualize")
        await pilot.press(*"one more", "enter")
        for _ in range(250):  # the writer saves on its own thread
            await pilot.pause(0.02)
            if not screen._unsaved:
                break
        assert not screen._unsaved, "the note was not shown as saved"
        assert "one more" in str(pane.render()).splitlines()[-1]
        assert waiting[0] == 1  # shown as saving…
        assert lines[0] == 1  # then as saved; the 150 lines above were not built again
        assert rendered[0] == 2  # each of those two lines rendered once, nothing else
