"""The review's list of moments (or of one criterion's evidence); Enter plays the one selected."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from discussion.playback.items import ReviewItem
from discussion.text_safety import visible

# Notes are coloured by their (first) criterion: one colour per criterion's theme number.
PALETTE = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_cyan", "bright_magenta")
KIND_STYLE = {
    "question": "cyan",
    "mark": "dim",
    "gap": "bold yellow",
    "alarm": "bold red",
    "cleared": "yellow",
    "pause": "yellow",
    "declined": "bold red",
    "decision": "bold",
    "segment": "dim",
    "recovered": "yellow",
    "time": "dim",
    "consent": "",
}


def criterion_style(criterion: str) -> str:
    """The colour of a criterion (by its theme number: 1A and 1B alike)."""
    digits = "".join(ch for ch in criterion if ch.isdigit())
    return PALETTE[int(digits or 0) % len(PALETTE)]


def item_text(item: ReviewItem) -> Text:
    """One row: time, label, criteria, text (the row wraps under a narrow terminal)."""
    text = Text()
    text.append(f"{item.time_text:>8} ", "dim" if item.playable else "")
    text.append(f"{item.label:<8} ", "bold")
    for criterion in item.criteria:
        text.append(f"{criterion} ", f"bold {criterion_style(criterion)}")
    style = KIND_STYLE.get(item.kind, "")
    if item.kind == "note" and item.criteria:
        style = criterion_style(item.criteria[0])
    if item.kind == "decision" and ": " in item.text:
        verdict, _, rest = item.text.partition(": ")
        text.append(verdict, "bold green" if verdict == "MET" else "bold red")
        text.append(f": {visible(rest)}")
        return text
    text.append(visible(item.text), style)
    return text


class ReviewList(OptionList):
    """The moments of the recording; `items[i]` is what option i shows."""

    DEFAULT_CSS = """
    ReviewList { height: 1fr; border: round $primary 60%; }
    """

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.items: list[ReviewItem] = []

    def show(self, items: Sequence[ReviewItem], title: str) -> None:
        """Replace the list (the first playable item highlighted)."""
        self.items = list(items)
        self.clear_options()
        self.add_options([Option(item_text(item)) for item in self.items])
        self.border_title = title
        first = next((i for i, item in enumerate(self.items) if item.playable), 0)
        if self.items:
            self.highlighted = first

    @property
    def current(self) -> ReviewItem | None:
        """The highlighted item."""
        index = self.highlighted
        return self.items[index] if index is not None and index < len(self.items) else None

    def highlight_near(self, seconds: float) -> None:
        """Highlight the last moment at or before `seconds` (the one being heard)."""
        best = None
        for index, item in enumerate(self.items):
            if item.offset is not None and item.offset <= seconds:
                best = index
        if best is not None:
            self.highlighted = best

    def step_note(self, forward: bool) -> ReviewItem | None:
        """Highlight the next (or previous) note after the highlighted row; None at the end."""
        start = self.highlighted if self.highlighted is not None else -1
        indexes = range(start + 1, len(self.items)) if forward else range(start - 1, -1, -1)
        for index in indexes:
            if self.items[index].kind == "note":
                self.highlighted = index
                return self.items[index]
        return None
