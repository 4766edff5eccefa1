"""The review's level strip: the audio's loudness per second, the moments marked above it, a
cursor that follows playback, and a line for the whole recording.

One column is one second around the cursor (a page of seconds at a time, so the strip does not
crawl under the eye); the last line squeezes the whole recording into the width.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from discussion.playback.items import ReviewItem

BLOCKS = " ▁▂▃▄▅▆▇█"
FLOOR_DB = -60.0
TOP_DB = -6.0
MARKS = {"note": "•", "mark": "'", "question": "Q", "gap": "g", "alarm": "!", "pause": "‖"}
MARK_STYLE = {"question": "bold cyan", "gap": "bold yellow", "alarm": "bold red"}


def block(level_db: float) -> str:
    """The block character for a level in dBFS (blank at or below the floor)."""
    span = (level_db - FLOOR_DB) / (TOP_DB - FLOOR_DB)
    index = round(min(max(span, 0.0), 1.0) * (len(BLOCKS) - 1))
    return BLOCKS[index]


def minutes_seconds(seconds: float) -> str:
    """MM:SS (minutes past 59 go on counting: 75:02)."""
    whole = max(0, int(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"


class ReviewLevels(Static):
    """Four lines: marks, levels with the cursor, a ruler, and the whole recording."""

    DEFAULT_CSS = """
    ReviewLevels { height: 4; padding: 0 1; }
    """

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.levels: Sequence[float] = ()
        self.marks: dict[int, ReviewItem] = {}
        self.position = 0.0
        self.duration = 0.0
        self.note = "Reading the audio levels…"

    def set_levels(self, levels: Sequence[float]) -> None:
        """The per-second levels (dBFS) arrived."""
        self.levels = levels
        self.duration = max(self.duration, float(len(levels)))
        self.note = ""
        self.refresh()

    def set_note(self, note: str) -> None:
        """Say why there are no levels (no audio)."""
        self.note = note
        self.refresh()

    def set_marks(self, items: Sequence[ReviewItem], duration: float) -> None:
        """The moments to mark above the levels (the first at each second wins)."""
        self.duration = max(duration, float(len(self.levels)))
        self.marks = {}
        for item in items:
            if item.offset is not None and item.kind in MARKS:
                self.marks.setdefault(int(item.offset), item)
        self.refresh()

    def set_position(self, seconds: float) -> None:
        """Move the cursor."""
        if int(seconds) != int(self.position):
            self.position = seconds
            self.refresh()
        self.position = seconds

    def window(self, width: int) -> tuple[int, int]:
        """The first second shown and how many: the page of `width` seconds holding the cursor."""
        width = max(1, width)
        first = int(self.position) // width * width
        return first, width

    def render(self) -> Text:
        """The four lines for the current width."""
        width = max(10, self.content_size.width or 80)
        first, count = self.window(width)
        cursor = int(self.position)
        marks, levels, ruler = Text(), Text(), Text()
        for second in range(first, first + count):
            item = self.marks.get(second)
            symbol = MARKS[item.kind] if item is not None else " "
            if second == cursor and item is None:  # the cursor in shape too, not only colour
                marks.append("▼", "bold")
            else:
                marks.append(symbol, MARK_STYLE.get(item.kind, "") if item else "")
            level = block(self.levels[second]) if second < len(self.levels) else " "
            if second >= self.duration:
                level = "·" if second == cursor else " "
            style = "reverse bold" if second == cursor else "green"
            levels.append(level if level != " " or second != cursor else "▏", style)
        labels = [" "] * count
        for column in range(0, count, 10):
            label = minutes_seconds(first + column)
            if column + len(label) <= count:
                labels[column : column + len(label)] = list(label)
        ruler.append("".join(labels), "dim")
        overview = self._overview(width)
        lines = [marks, levels, ruler, overview]
        if self.note:
            lines[1] = Text(self.note, "italic")
        return Text("\n").join(lines)

    def _overview(self, width: int) -> Text:
        """The whole recording in `width` columns (loudest second of each), with the cursor."""
        if not self.duration:
            return Text("")
        per = self.duration / width
        text = Text()
        cursor = min(width - 1, int(self.position / per)) if per else 0
        for column in range(width):
            start, end = int(column * per), max(int(column * per) + 1, int((column + 1) * per))
            part = self.levels[start:end]
            level = block(max(part)) if len(part) else " "
            text.append(
                level if column != cursor else "┃", "reverse" if column == cursor else "dim"
            )
        return text
