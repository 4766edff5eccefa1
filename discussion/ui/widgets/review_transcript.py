"""The review's transcript pane: what was said, beside the list of moments.

One row per transcript line (`[mm:ss] text`), the record's notes and questions between them at
their times (dim, marked `▸`); words the engine was unsure of (`lines.LOW_CONFIDENCE`) dimmed.
Shown only when verify finds the transcript intact: an altered one is one red line, none is a
line saying how to make one. The line under the playhead is marked `▶` and its current word
highlighted; the cursor follows playback as the list's does (left alone once the verifier moves
it, until they play something). Enter plays from a line (less the pre-roll), `/` searches
(`3 of 12`, `>`/`<` next/previous hit), `j` opens the judgement form resting on a line's time.
The pane only posts messages (`PlayFrom`, `JudgeFrom`); the review screen acts on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from discussion.playback.items import ReviewItem
from discussion.text_safety import visible
from discussion.transcript.lines import (
    Hit,
    Line,
    hit_count_text,
    line_at,
    nearest_line,
    search,
    transcript_lines,
)
from discussion.ui.widgets.review_levels import minutes_seconds
from discussion.ui.widgets.review_search import SearchBox

if TYPE_CHECKING:
    from discussion.transcript.seal import TranscriptCheck

MOMENT_KINDS = ("note", "question")  # interleaved at their times
HIT_STYLE = "black on yellow"
WORD_STYLE = "bold reverse"


@dataclass(frozen=True)
class Row:
    """One row of the pane: a transcript line (`line` its index) or a moment of the list."""

    start: float
    line: int | None = None
    moment: ReviewItem | None = None


def interleave(lines: list[Line], moments: list[ReviewItem]) -> list[Row]:
    """The lines and the notes and questions in time order (a moment before a line that starts
    at the same time)."""
    rows = [Row(line.start, line=i) for i, line in enumerate(lines)]
    rows += [
        Row(item.offset, moment=item)
        for item in moments
        if item.kind in MOMENT_KINDS and item.offset is not None
    ]
    return sorted(rows, key=lambda row: (row.start, row.line is not None))


def moment_text(item: ReviewItem) -> Text:
    """A note or question row: `▸ [02:05] #3 3B the text`, dim."""
    criteria = " ".join(item.criteria)
    said = " ".join(filter(None, [item.label, criteria, visible(item.text)]))
    return Text(f"▸ [{minutes_seconds(item.offset or 0.0)}] {said}", "dim italic")


def line_text(line: Line, hits: list[Hit], playing: bool, word: int | None) -> Text:
    """A transcript row: `[mm:ss] text`, unsure words dim, hits and the current word marked."""
    text = Text("▶ " if playing else "  ", "bold green")
    text.append(f"[{minutes_seconds(line.start)}] ", "dim")
    body = Text(line.text)
    for span in line.words:
        if span.low:
            body.stylize("dim", span.start_char, span.end_char)
    for hit in hits:
        body.stylize(HIT_STYLE, hit.start_char, hit.end_char)
    if playing and word is not None and word < len(line.words):
        span = line.words[word]
        body.stylize(WORD_STYLE, span.start_char, span.end_char)
    text.append_text(body)
    return text


class TranscriptPane(Vertical):
    """The transcript beside the list; `show` fills it once the record is read."""

    BINDINGS = [
        Binding("slash", "search", "Search", id="review.search",
                tooltip="Search the transcript (any case); Enter: next match, Escape: close"),
        Binding("greater_than_sign", "hit(1)", "Next match", id="review.next_hit",
                tooltip="The next match of the search in the transcript"),
        Binding("less_than_sign", "hit(-1)", "Prev match", show=False, id="review.previous_hit",
                tooltip="The previous match of the search in the transcript"),
        Binding("j", "judge", "Judge line", id="review.judge_line",
                tooltip="Judge the highlighted criterion, resting on this transcript line's "
                "time"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    TranscriptPane { width: 45%; height: 1fr; }
    TranscriptPane > OptionList { height: 1fr; border: round $primary 60%; }
    TranscriptPane > #transcript-hits { height: auto; color: $text-muted; display: none; }
    """

    class PlayFrom(Message):
        """Play from `seconds` less the pre-roll (Enter on a row)."""

        def __init__(self, seconds: float) -> None:
            super().__init__()
            self.seconds = seconds

    class JudgeFrom(Message):
        """Open the judgement form resting on the time `seconds`."""

        def __init__(self, seconds: float) -> None:
            super().__init__()
            self.seconds = seconds

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.lines: list[Line] = []
        self.rows: list[Row] = []
        self.line_rows: list[int] = []  # line index -> row index
        self.hits: list[Hit] = []
        self.hit_index: int | None = None
        self.query_text = ""
        self.playing: int | None = None  # the line under the playhead
        self.word: int | None = None  # its word being said
        self._anchor: int | None = None  # the row follow (or a play) last put the cursor on
        self.status = "loading"  # intact, altered, missing, loading

    def compose(self) -> ComposeResult:
        box = OptionList(id="transcript-lines")
        box.border_title = "Transcript"
        yield box
        yield SearchBox(placeholder="Search the transcript", id="transcript-search")
        yield Static("", id="transcript-hits")

    @property
    def box(self) -> OptionList:
        """The rows."""
        return self.query_one("#transcript-lines", OptionList)

    # ------------------------------------------------------------------ filling
    def show(self, check: TranscriptCheck | None, moments: list[ReviewItem], folder: Path) -> None:
        """The intact transcript's lines with the moments between them, else one line why."""
        box = self.box
        box.clear_options()
        self.lines, self.rows, self.line_rows = [], [], []
        if check is None or check.status == "missing":
            self.status = "missing"
            how = (
                "No transcript yet: make one with `discussion transcribe FOLDER` "
                f"(FOLDER: this record's, {visible(folder.name)}), then review again."
            )
            box.add_option(Option(Text(how, "dim"), disabled=True))
            return
        if check.status == "seal_missing":  # the record was cut short: its words not shown
            self.status = "altered"
            why = f"Transcript not shown: {check.describe()}."
            box.add_option(Option(Text(why, "bold red"), disabled=True))
            return
        if check.status != "intact" or check.transcript is None:
            self.status = "altered"
            why = "Transcript ALTERED since it was signed: not shown (see `discussion verify`)."
            box.add_option(Option(Text(why, "bold red"), disabled=True))
            return
        self.status = "intact"
        self.lines = transcript_lines(check.transcript)
        self.rows = interleave(self.lines, moments)
        self.line_rows = [0] * len(self.lines)
        for number, row in enumerate(self.rows):
            if row.line is not None:
                self.line_rows[row.line] = number
        box.add_options([Option(self.prompt_of(row)) for row in self.rows])
        words = sum(len(line.words) for line in self.lines)
        box.border_title = f"Transcript ({len(self.lines)} lines, {words} words)"
        box.highlighted = 0
        self._anchor = 0

    def prompt_of(self, row: Row) -> Text:
        """What `row` shows as things are (hits, the playing line and word)."""
        if row.moment is not None:
            return moment_text(row.moment)
        assert row.line is not None
        number = row.line
        hits = [hit for hit in self.hits if hit.line == number]
        return line_text(self.lines[number], hits, number == self.playing, self.word)

    def _redraw_line(self, line: int | None) -> None:
        if line is not None and line < len(self.lines):
            row = self.line_rows[line]
            self.box.replace_option_prompt_at_index(row, self.prompt_of(self.rows[row]))

    @property
    def current(self) -> Row | None:
        """The highlighted row."""
        index = self.box.highlighted
        return self.rows[index] if index is not None and index < len(self.rows) else None

    # ------------------------------------------------------------------ playback
    def follow(self, position_s: float, following: bool) -> None:
        """Mark the line (and word) under the playhead; move the cursor to it when following
        and the verifier has not moved the cursor since the last play."""
        line = line_at(self.lines, position_s)
        word = self.lines[line].word_at(position_s) if line is not None else None
        if (line, word) != (self.playing, self.word):
            before, self.playing, self.word = self.playing, line, word
            self._redraw_line(before)
            if line != before:
                self._redraw_line(line)
        if line is None or not following or self.box.highlighted != self._anchor:
            return
        row = self.line_rows[line]
        if row != self._anchor:
            self._anchor = row
            self.box.highlighted = row

    def anchor_here(self) -> None:
        """A play command: follow resumes from the cursor as it is now."""
        self._anchor = self.box.highlighted

    def show_near(self, item: ReviewItem) -> None:
        """Scroll to the words around a moment selected in the list (its row, centred)."""
        if not self.rows or item.offset is None:
            return
        row = next((i for i, r in enumerate(self.rows) if r.moment == item), None)
        if row is None:
            line = nearest_line(self.lines, item.offset)
            row = self.line_rows[line] if line is not None else 0
        self._centre(row)

    def _centre(self, row: int) -> None:
        box = self.box
        box.highlighted = row
        box.scroll_to_highlight()
        if box.is_mounted and box.size.height:
            target = max(0, self.row_y(row) - box.size.height // 2)
            box.scroll_to(y=target, animate=False, immediate=True)

    def row_y(self, row: int) -> int:
        """The row's first line in the list's content (rows wrap)."""
        box = self.box
        box._update_lines()  # OptionList keeps where each option starts privately (8.2)
        return int(box._index_to_line.get(row, row))

    # ------------------------------------------------------------------ keys
    @on(OptionList.OptionSelected, "#transcript-lines")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.rows):
            self.post_message(self.PlayFrom(self.rows[event.option_index].start))

    @on(OptionList.OptionHighlighted, "#transcript-lines")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()  # not the list's: the screen follows only the list's highlight

    def action_search(self) -> None:
        """Open the search box."""
        if self.status != "intact":
            self.notify("No transcript to search: " + self._why())
            return
        search_box = self.query_one("#transcript-search", SearchBox)
        search_box.add_class("open")
        search_box.focus()

    def _why(self) -> str:
        return "it was altered" if self.status == "altered" else "make one first"

    @on(Input.Changed, "#transcript-search")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.set_search(event.value)

    @on(Input.Submitted, "#transcript-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_hit(1)

    @on(SearchBox.Closed)
    def _search_closed(self) -> None:
        self.box.focus()

    def set_search(self, query: str) -> None:
        """Search for `query`: every match highlighted, the first after the cursor chosen."""
        touched = {hit.line for hit in self.hits}
        self.query_text = query
        self.hits = search(self.lines, query)
        self.hit_index = None
        for line in touched | {hit.line for hit in self.hits}:
            self._redraw_line(line)
        if self.hits:
            self.action_hit(1)
        self._show_count()

    def action_hit(self, step: int) -> None:
        """The next (step 1) or previous (-1) match, the cursor put on its line."""
        if not self.hits:
            self.notify("No matches: press / and type what to find.")
            return
        if self.hit_index is None:
            at = self.box.highlighted or 0
            after = [i for i, hit in enumerate(self.hits) if self.line_rows[hit.line] >= at]
            self.hit_index = after[0] if after and step > 0 else (0 if step > 0 else -1)
            self.hit_index %= len(self.hits)
        else:
            self.hit_index = (self.hit_index + step) % len(self.hits)
        self._centre(self.line_rows[self.hits[self.hit_index].line])
        self._show_count()

    def _show_count(self) -> None:
        text = ""
        if self.query_text.strip():
            text = (
                f"“{visible(self.query_text.strip())}”: {hit_count_text(self.hit_index, self.hits)}"
            )
            text += "  (> next, < previous, / search)"
        hits = self.query_one("#transcript-hits", Static)
        hits.update(text)
        hits.display = bool(text)  # no line taken before a search

    @property
    def hit_text(self) -> str:
        """`3 of 12` (or `no matches`) for the search as it is."""
        return hit_count_text(self.hit_index, self.hits)

    def action_judge(self) -> None:
        """The judgement form, resting on the highlighted row's time."""
        row = self.current
        if row is None or self.status != "intact":
            self.notify("No transcript line to judge from: " + self._why())
            return
        self.post_message(self.JudgeFrom(row.start))
