"""The last few notes, newest last, with their time on the recording and their tags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from discussion.notes import format_clock
from discussion.record import SessionState


@dataclass
class UnsavedNote:
    """A note typed but not on disk yet: shown at once, marked "saving…" until it is."""

    key: int  # the record writer's key
    line: str  # as typed (tags included): what goes back in the box if it is given up
    text: str
    criteria: list[str]
    offset: float  # its place on the recording (first keystroke minus the reaction lag)
    stamp: float  # the first keystroke's moment itself (kept if it goes back in the box)
    problem: str = ""  # why it is not saved yet ("" while simply saving)


class RecentNotes(Static):
    """Shows the tail of the notes so the assessor sees each note landed."""

    DEFAULT_CSS = """
    RecentNotes {
        height: auto; max-height: 6; padding: 0 1; border-top: solid $primary-background;
    }
    """

    _shown: Text | None = None

    def show(self, state: SessionState, count: int, unsaved: Sequence[UnsavedNote] = ()) -> None:
        """Redraw the last `count` notes (amended ones show their current text), then the
        notes still on their way to the disk, marked "saving…" (or why they are not saved)."""
        text = Text()
        notes = state.notes[-count:]
        if not notes and not unsaved:
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
        for index, waiting in enumerate(unsaved, start=len(notes)):
            if index:
                text.append("\n")
            text.append(f"{format_clock(waiting.offset)} ", style="bold")
            tags = ",".join(waiting.criteria) or "-"
            text.append(f"{'…':<4} ", style="dim")
            text.append(f"{tags:<8} ", style="cyan")
            text.append(waiting.text or "(moment marked)")
            if waiting.problem:
                text.append(" not saved yet: retrying", style="bold red")
            else:
                text.append(" saving…", style="yellow")
        if text != self._shown:  # an unchanged panel costs no layout pass
            self._shown = text
            self.update(text)
