"""Decisions at 80 columns: a long note is wrapped, never cut, and counts read as English."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList, SelectionList
from ui_helpers import catalog
from ui_live_helpers import HostApp, notes_only_session

from discussion.ui.screens.decisions import DecisionsScreen

LONG = (
    "Explained that the billing team needs complete account notes before a refund, and that "
    "the customer was told the refund date in writing the same afternoon"
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    return tmp_path


async def test_a_long_note_is_wrapped_not_cut_at_80_columns(home: Path) -> None:
    live = notes_only_session(home)
    live.note(LONG, ["1A"], 30.0)
    screen = DecisionsScreen(live, catalog().standard)
    app = HostApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        notes = screen.query_one("#notes", SelectionList)
        shown = " ".join(
            " ".join(str(strip.text).split())
            for strip in notes.render_lines(notes.region.reset_offset)
        )
        assert "afternoon" in shown, shown  # the last word of the note
        criteria = screen.query_one("#criteria", OptionList)
        first = str(criteria.get_option_at_index(0).prompt)
        assert "1 note " in first and "1 notes" not in first
