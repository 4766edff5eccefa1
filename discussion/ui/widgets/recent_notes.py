"""The last few notes, newest last, with their time on the recording and their tags."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from discussion.notes import format_clock
from discussion.record import SessionState


class RecentNotes(Static):
    """Shows the tail of the notes so the assessor sees each note landed."""

    DEFAULT_CSS = """
    RecentNotes {
        height: auto; max-height: 6; padding: 0 1; border-top: solid $primary-background;
    }
    """

    _shown: Text | None = None

    def show(self, state: SessionState, count: int) -> None:
        """Redraw the last `count` notes (amended ones show their current text)."""
        text = Text()
        notes = state.notes[-count:]
        if not notes:
            text.append(
                "No notes yet. Type below; Enter saves. Enter on an empty line marks the moment.",
                style="dim",
            )
        for index, note in enumerate(notes):
            if index:
                text.append("\n")
            text.append(f"{format_clock(note.offset)} ", style="bold")
            if note.is_mark:  # a bookmark: its own number, no tags (they are not evidence)
                text.append(f"{note.label} ", style="dim")
                text.append("(moment marked)" + (" (amended)" if note.amended_by else ""))
                continue
            text.append(f"{note.label:<4} ", style="dim")
            tags = ",".join(note.criteria) or "-"
            text.append(f"{tags:<8} ", style="cyan")
            body = note.text
            text.append(body + (" (amended)" if note.amended_by else ""))
        if text != self._shown:  # an unchanged panel costs no layout pass
            self._shown = text
            self.update(text)
