"""A one-line input level meter: a bar for RMS, a tick for peak, and the dBFS figure."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

FLOOR_DBFS = -60.0  # the bottom of the scale: quieter than this shows an empty bar


class LevelMeter(Widget):
    """Shows the latest `Level` reading; green for speech, yellow when faint, red near clipping."""

    DEFAULT_CSS = """
    LevelMeter { height: 1; width: 24; }
    """

    rms_dbfs: reactive[float] = reactive(FLOOR_DBFS * 2)
    peak_dbfs: reactive[float] = reactive(FLOOR_DBFS * 2)

    def set_level(self, rms_dbfs: float, peak_dbfs: float) -> None:
        """Update the reading (called at about 10 Hz)."""
        self.rms_dbfs = rms_dbfs
        self.peak_dbfs = peak_dbfs

    def render(self) -> Text:
        """The bar, scaled from FLOOR_DBFS to 0 dBFS over the widget's width."""
        label = "  -∞ dB" if self.rms_dbfs <= FLOOR_DBFS else f"{self.rms_dbfs:4.0f} dB"
        cells = max(self.size.width - len(label) - 1, 4)
        filled = _cells(self.rms_dbfs, cells)
        peak = _cells(self.peak_dbfs, cells)
        colour = "green"
        if self.rms_dbfs < -45:
            colour = "yellow"
        if self.peak_dbfs > -1:
            colour = "red"
        bar = Text()
        bar.append("█" * filled, style=colour)
        for index in range(filled, cells):
            bar.append("▏" if index == peak - 1 and peak > filled else "·", style="dim")
        bar.append(" " + label)
        return bar


def _cells(dbfs: float, cells: int) -> int:
    if dbfs <= FLOOR_DBFS:
        return 0
    fraction = min(1.0, (dbfs - FLOOR_DBFS) / -FLOOR_DBFS)
    return round(fraction * cells)
