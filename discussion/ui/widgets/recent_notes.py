"""The notes pane: the notes so far, newest last, with their time on the recording and tags.

A session gathers a couple of hundred notes, and the pane changes twice for each (shown as
"saving…", then as saved). It is drawn line by line: each note is rendered once (again only
when it changes or the width does), only the rows in view are painted, and its height is a
count, so a new note costs the same with 200 notes above it as with none, and a note that
turns from "saving…" to saved costs no layout of the screen (scripts/bench_ui.py).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget

from discussion.notes import format_clock
from discussion.record import SessionState
from discussion.record.state import NoteView

EMPTY = "No notes yet. Type below; Enter saves. Enter on an empty line marks the moment."


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


def _note_key(note: NoteView) -> Hashable:
    """Everything a saved note's line shows."""
    return (
        "saved",
        note.offset,
        note.label,
        note.text,
        tuple(note.criteria),
        bool(note.amended_by),
    )


def _note_line(note: NoteView) -> Text:
    text = Text()
    text.append(f"{format_clock(note.offset)} ", style="bold")
    if note.is_mark:  # a bookmark: its own number, no tags (they are not evidence)
        text.append(f"{note.label} ", style="dim")
        text.append("(moment marked)" + (" (amended)" if note.amended_by else ""))
        return text
    text.append(f"{note.label:<4} ", style="dim")
    tags = ",".join(note.criteria) or "-"
    text.append(f"{tags:<8} ", style="cyan")
    text.append(note.text + (" (amended)" if note.amended_by else ""))
    return text


def _waiting_key(waiting: UnsavedNote) -> Hashable:
    """Everything an unsaved note's line shows (and which note it is)."""
    return (
        "waiting",
        waiting.key,
        waiting.offset,
        waiting.text,
        tuple(waiting.criteria),
        bool(waiting.problem),
    )


def _waiting_line(waiting: UnsavedNote) -> Text:
    text = Text()
    text.append(f"{format_clock(waiting.offset)} ", style="bold")
    tags = ",".join(waiting.criteria) or "-"
    text.append(f"{'…':<4} ", style="dim")
    text.append(f"{tags:<8} ", style="cyan")
    text.append(waiting.text or "(moment marked)")
    if waiting.problem:
        text.append(" not saved yet: retrying", style="bold red")
    else:
        text.append(" saving…", style="yellow")
    return text


class RecentNotes(Widget):
    """Shows the tail of the notes so the assessor sees each note landed."""

    DEFAULT_CSS = """
    RecentNotes {
        height: auto; max-height: 6; padding: 0 1; border-top: solid $primary-background;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[Hashable] = []  # one per line shown, in order
        self._texts: dict[Hashable, Text] = {}  # the line of each key shown
        self._strips: dict[Hashable, list[Strip]] = {}  # its rows at `_width`
        self._width = -1
        self._rows: list[Strip] | None = None  # every row at `_width`, top to bottom
        self._joined: Text | None = None
        self._saved_state: SessionState | None = None  # what `_saved_keys` were made from
        self._saved_seen: tuple[int, int] | None = None  # (its event count, `count`) then
        self._saved_keys: list[Hashable] = []

    @property
    def _shown(self) -> Text | None:
        """The whole pane's text (None before the first `show`)."""
        if self._joined is None and self._keys:
            self._joined = Text("\n").join(self._texts[key] for key in self._keys)
        return self._joined

    def show(self, state: SessionState, count: int, unsaved: Sequence[UnsavedNote] = ()) -> bool:
        """Show the last `count` notes (amended ones with their current text), then the notes
        still on their way to the disk, marked "saving…" (or why they are not saved).
        Returns whether the pane changed."""
        # The saved notes are looked at again only when an event was folded into the state
        # since (a note turning from "saving…" to saved changes only the tail).
        seen = (state.event_count, count)
        if state is not self._saved_state or seen != self._saved_seen:
            self._saved_state, self._saved_seen = state, seen
            self._saved_keys = []
            for note in state.notes[-count:]:
                key = _note_key(note)
                self._saved_keys.append(key)
                if key not in self._texts:
                    self._texts[key] = _note_line(note)
        keys = list(self._saved_keys)
        texts = {key: self._texts[key] for key in keys}
        for waiting in unsaved:
            key = _waiting_key(waiting)
            keys.append(key)
            texts[key] = self._texts.get(key) or _waiting_line(waiting)
        if not keys:
            keys = ["empty"]
            texts["empty"] = Text()
            texts["empty"].append(EMPTY, style="dim")
        if keys == self._keys:
            return False  # an unchanged pane costs nothing
        rows_before = None if self._rows is None else len(self._rows)
        self._keys, self._texts, self._joined = keys, texts, None
        self._strips = {key: strips for key, strips in self._strips.items() if key in texts}
        self._rows = None
        if rows_before is None or self._width <= 0:
            self.refresh(layout=True)
        elif len(self._rows_at(self._width)) != rows_before:
            self.refresh(layout=True)  # taller (or shorter): the screen's layout changes
        else:
            self.refresh()  # a line changed in place: only this pane is painted again
        return True

    def render(self) -> Text:
        """The whole pane's text (what the rows show, unwrapped)."""
        return self._shown or Text()

    def _rows_at(self, width: int) -> list[Strip]:
        """Every row at `width`, each note rendered only if it is new or the width changed."""
        if width != self._width:
            self._width, self._strips, self._rows = width, {}, None
        if self._rows is None:
            rows: list[Strip] = []
            for key in self._keys:
                strips = self._strips.get(key)
                if strips is None:
                    visual = visualize(self, self._texts[key], markup=False)
                    strips = Visual.to_strips(self, visual, width, None, self.visual_style)
                    self._strips[key] = strips
                rows.extend(strips)
            self._rows = rows
        return self._rows

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many rows as the notes take at `width` (rendered once, then kept)."""
        return len(self._rows_at(width)) if width > 0 else 0

    def render_line(self, y: int) -> Strip:
        """Row `y` of the pane (only the rows in view are asked for)."""
        rows = self._rows_at(self.size.width)
        if 0 <= y < len(rows):
            return rows[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)
