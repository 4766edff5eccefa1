"""The criteria board: every discussion criterion with its evidence and decision."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:  # not at run time: the tag keys below are on the app's start-up path
    from discussion.record import SessionState
    from discussion.standard import Component

# Keys that toggle a criterion's tag on the note being typed (alt+key): position on the board.
TAG_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "minus")
TAG_KEY_LABELS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-")


class CriteriaBoard(Static):
    """One line per criterion: tag key, id, level, note count, and status."""

    DEFAULT_CSS = """
    CriteriaBoard { width: 27; padding: 0 1; border-right: solid $primary-background; }
    """

    _shown: Text | None = None

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
        text = Text()
        if distinctions_count:
            text.append("Criteria      notes\n", style="bold")
        else:
            text.append(f"Attempt {state.info.attempt}: D won't count\n", style="bold yellow")
        for index, criterion in enumerate(component.criteria):
            evidence = state.criteria.get(criterion.id)
            count = evidence.note_count if evidence else 0
            decision = evidence.decision if evidence else None
            key = TAG_KEY_LABELS[index] if index < len(TAG_KEY_LABELS) else " "
            tagged = criterion.id in tags
            style = "reverse" if tagged else ""
            text.append(f"{key} ", style="dim")
            text.append(f"{criterion.id}", style=f"bold {style}".strip())
            text.append(" D " if criterion.level == "distinction" else " P ", style="dim")
            dots = "●" * min(count, 5) + ("+" if count > 5 else "")
            colour = "green" if count else ("red" if criterion.level == "pass" else "yellow")
            text.append(f"{dots or '○':<6}", style=colour)
            text.append(f"{count:>2} ")
            if decision is None:
                status = "" if count else "none"
                text.append(status, style="dim")
            elif decision.met:
                text.append("met", style="bold green")
            else:
                text.append("not met", style="bold red")
            text.append("\n")
        if text != self._shown:  # an unchanged board costs no layout pass
            self._shown = text
            self.update(text)
