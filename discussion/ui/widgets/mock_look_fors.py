"""The self-check list after a question: each look-for, ticked by the apprentice, with what
the automatic cue matching found beside it (the apprentice's tick and the match are separate)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets.selection_list import Selection

from discussion.ui.widgets.toggles import TickList


@dataclass(frozen=True)
class LookForRow:
    """One look-for (`index` from 1, as the bank's `sufficient` counts): its text, whether
    its cue words were heard, and which."""

    index: int
    text: str
    matched: bool
    phrases: tuple[str, ...] = ()


def row_prompt(row: LookForRow) -> Text:
    """The look-for, then the automatic match (in words, not colour alone). One line: a
    selection list shows only the first line of a prompt."""
    text = Text(f"{row.index}. {row.text}")
    if row.matched:
        text.append("  · heard: ", style="green")
        text.append(", ".join(f"“{p}”" for p in row.phrases), style="green")
    else:
        text.append("  · not heard", style="dim")
    return text


class MockLookFors(TickList):
    """Space ticks a look-for the apprentice thinks they covered; `ticked` reads them back."""

    DEFAULT_CSS = """
    MockLookFors { height: auto; max-height: 100%; }
    """

    def __init__(self, rows: Sequence[LookForRow], *, id: str | None = None) -> None:
        super().__init__(*(Selection(row_prompt(row), row.index) for row in rows), id=id)
        self.rows = tuple(rows)

    @property
    def ticked(self) -> list[int]:
        """The look-fors (from 1) the apprentice ticked, in order."""
        return sorted(int(value) for value in self.selected)
