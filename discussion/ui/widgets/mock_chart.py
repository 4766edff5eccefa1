"""A terminal chart of several mocks over time: for each mock, the share of look-fors the
apprentice ticked and the share whose cue words were heard (two bars, told apart by their
fill, not by colour alone)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

ROWS = 8  # plot height in lines: one line is 12.5 %
AXIS = 5  # "100% "
COLUMN = 6  # two bars of 2, a gap of 2
SELF_FILL = "██"
MATCH_FILL = "▒▒"


@dataclass(frozen=True)
class ChartPoint:
    """One mock: its label (a date) and the two shares, 0 to 1."""

    label: str
    ticked: float
    matched: float


def _height(share: float) -> int:
    return round(min(max(share, 0.0), 1.0) * ROWS)


def chart_text(points: Sequence[ChartPoint], width: int) -> Text:
    """The chart as lines of text fitting `width` columns (the newest mocks when too many)."""
    if not points:
        return Text("No mocks yet: the chart fills in as you practise.", style="dim")
    room = max(1, (width - AXIS) // COLUMN)
    shown = list(points)[-room:]
    text = Text()
    for row in range(ROWS, 0, -1):
        axis = {ROWS: "100%", ROWS // 2: " 50%"}.get(row, "")
        text.append(f"{axis:>4}▕", style="dim")
        for point in shown:
            text.append(SELF_FILL if _height(point.ticked) >= row else "  ", style="cyan")
            text.append(MATCH_FILL if _height(point.matched) >= row else "  ", style="green")
            text.append("  ")
        text.append("\n")
    text.append("  0%▕" + "▁" * (COLUMN * len(shown)) + "\n", style="dim")
    text.append(" " * AXIS)
    for point in shown:
        text.append(f"{point.label[: COLUMN - 1]:<{COLUMN}}")
    text.append("\n")
    if len(shown) < len(points):
        text.append(f"(the last {len(shown)} of {len(points)} mocks)\n", style="dim")
    text.append(f"{SELF_FILL} you ticked  ", style="cyan")
    text.append(f"{MATCH_FILL} cue words heard", style="green")
    text.append("  (share of look-fors covered per mock)", style="dim")
    return text


class MockChart(Static):
    """The chart, redrawn to the widget's width."""

    DEFAULT_CSS = """
    MockChart { height: auto; padding: 0 1; }
    """

    def __init__(self, points: Sequence[ChartPoint] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.points = tuple(points)

    def show(self, points: Sequence[ChartPoint]) -> None:
        """Draw these mocks (oldest first)."""
        self.points = tuple(points)
        self.refresh(layout=True)

    def render(self) -> Text:
        """The chart at the current width."""
        return chart_text(self.points, max(self.size.width - 2, 20))
