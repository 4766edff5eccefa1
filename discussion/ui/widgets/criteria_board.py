"""The criteria board: every discussion criterion with the assessor's live status and notes.

The status (none ○, partial ◐, sufficient ●) is the assessor's, set with one key: notes alone
never make a criterion covered. Each row reads without colour, e.g. `4 3A P ◐ partial    2`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static

if TYPE_CHECKING:  # not at run time: the tag keys below are on the app's start-up path
    from discussion.record import SessionState
    from discussion.standard import Component

# Keys that toggle a criterion's tag on the note being typed (alt+key): position on the board.
TAG_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "minus")
TAG_KEY_LABELS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-")

STATUSES = ("none", "partial", "sufficient")
SYMBOLS = {"none": "○", "partial": "◐", "sufficient": "●"}
HEADER = "  Criteria status  notes"
HEADER_ROWS = 1


def next_status(status: str) -> str:
    """none → partial → sufficient → none."""
    return STATUSES[(STATUSES.index(status) + 1) % len(STATUSES)] if status in STATUSES else "none"


def status_text(status: str) -> str:
    """A status as shown beside the note box and in notices: "◐ partial"."""
    return f"{SYMBOLS.get(status, '?')} {status}"


class CriteriaBoard(Static, can_focus=True):
    """One line per criterion: tag key, id, level, the assessor's status, notes, decision.

    Focused (Tab from the note box), ↑/↓ choose a criterion and Space sets its status.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "space,enter",
            "cycle",
            "Status",
            id="board.cycle",
            tooltip="Set the chosen criterion's status: none → partial → sufficient → none",
        ),
        Binding("up", "move(-1)", "Up", show=False, id="board.up", tooltip="Previous criterion"),
        Binding("down", "move(1)", "Down", show=False, id="board.down", tooltip="Next criterion"),
        Binding(
            "n",
            "set_status('none')",
            "None",
            show=False,
            id="board.none",
            tooltip="The chosen criterion has no evidence yet",
        ),
        Binding(
            "p",
            "set_status('partial')",
            "Partial",
            show=False,
            id="board.partial",
            tooltip="The chosen criterion has some evidence, not yet enough",
        ),
        Binding(
            "s",
            "set_status('sufficient')",
            "Sufficient",
            show=False,
            id="board.sufficient",
            tooltip="The chosen criterion has enough evidence (your judgement, not the notes')",
        ),
    ]

    DEFAULT_CSS = """
    CriteriaBoard { width: 27; padding: 0 1; border-right: solid $primary-background; }
    CriteriaBoard:focus { background: $boost; }
    """

    class StatusChosen(Message):
        """The assessor chose `status` for `criterion` on the board (None: the next one after
        its status now, which the screen knows before the board is redrawn)."""

        def __init__(self, criterion: str, status: str | None) -> None:
            super().__init__()
            self.criterion = criterion
            self.status = status

    _shown: Text | None = None
    cursor = 0

    def __init__(self) -> None:
        super().__init__()
        self._ids: list[str] = []
        self._statuses: dict[str, str] = {}
        self._args: tuple[Component, SessionState, Collection[str], bool] | None = None

    def show(
        self,
        component: Component,
        state: SessionState,
        tags: Collection[str],
        *,
        distinctions_count: bool = True,
    ) -> None:
        """Redraw from the derived session state; `tags` are the criteria the next note gets;
        `distinctions_count` False (a second reassessment) says so in the header."""
        self._args = (component, state, tags, distinctions_count)
        self._ids = [c.id for c in component.criteria]
        self.cursor = min(self.cursor, max(len(self._ids) - 1, 0))
        text = Text()
        if distinctions_count:
            text.append(HEADER + "\n", style="bold")
        else:
            text.append(f"Attempt {state.info.attempt}: D won't count\n", style="bold yellow")
        focused = self.has_focus
        for index, criterion in enumerate(component.criteria):
            evidence = state.criteria.get(criterion.id)
            count = evidence.note_count if evidence else 0
            decision = evidence.decision if evidence else None
            status = state.status_of(criterion.id)
            self._statuses[criterion.id] = status
            key = TAG_KEY_LABELS[index] if index < len(TAG_KEY_LABELS) else " "
            here = focused and index == self.cursor
            text.append("▸" if here else " ", style="bold")
            text.append(f"{key} ", style="dim")
            tagged = "reverse" if criterion.id in tags else ""
            text.append(criterion.id, style=f"bold {tagged}".strip())
            text.append(" D " if criterion.level == "distinction" else " P ", style="dim")
            if decision is not None:
                word, symbol = ("met", "✔") if decision.met else ("not met", "✘")
                colour = "bold green" if decision.met else "bold red"
            else:
                word, symbol = status, SYMBOLS.get(status, "?")
                colour = {"sufficient": "green", "partial": "yellow"}.get(status, "")
                if status == "none":
                    colour = "red" if criterion.level == "pass" else "dim"
            text.append(f"{symbol} {word:<10}", style=f"{colour} underline" if here else colour)
            text.append(f"{count:>3}\n")
        if text != self._shown:  # an unchanged board costs no layout pass
            self._shown = text
            self.update(text)

    def chosen(self) -> str | None:
        """The criterion under the cursor."""
        return self._ids[self.cursor] if self._ids else None

    def _redraw(self) -> None:
        if self._args is not None:
            component, state, tags, counts = self._args
            self.show(component, state, tags, distinctions_count=counts)

    def action_move(self, step: int) -> None:
        """Move the cursor to the previous/next criterion."""
        if self._ids:
            self.cursor = (self.cursor + step) % len(self._ids)
            self._redraw()

    def action_cycle(self) -> None:
        """The chosen criterion's next status (none → partial → sufficient → none)."""
        criterion = self.chosen()
        if criterion is not None:
            self.post_message(self.StatusChosen(criterion, None))

    def action_set_status(self, status: str) -> None:
        """Set the chosen criterion's status directly."""
        criterion = self.chosen()
        if criterion is not None and status in STATUSES:
            self.post_message(self.StatusChosen(criterion, status))

    def select(self, criterion: str) -> None:
        """Put the cursor on `criterion` (the palette's "Criterion 3B")."""
        if criterion in self._ids:
            self.cursor = self._ids.index(criterion)
            self._redraw()

    def on_click(self, event: events.Click) -> None:
        """A click on a row chooses that criterion."""
        row = event.y - HEADER_ROWS
        if 0 <= row < len(self._ids):
            self.cursor = row
            self._redraw()

    def on_focus(self) -> None:
        """The cursor shows only while the board has focus (redrawn once focus has moved)."""
        self.call_later(self._redraw)

    def on_blur(self) -> None:
        """Hide the cursor."""
        self.call_later(self._redraw)
