"""The always-visible top line: recording state, audio time, level, and time left."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from discussion.notes import format_clock
from discussion.ui.widgets.level_meter import LevelMeter

STATE_STYLES = {
    "recording": ("● REC", "bold white on red"),
    "waiting for audio": ("◌ WAITING FOR AUDIO", "bold black on yellow"),
    "paused": ("❚❚ PAUSED", "bold black on yellow"),
    "device lost": ("✖ NO AUDIO", "bold white on dark_red"),
    "stopped": ("■ STOPPED", "bold"),
    "idle": ("■ NOT RECORDING", "bold"),
    "notes only": ("✎ NOTES ONLY", "bold black on cyan"),
}


class RecordingStatus(Horizontal):
    """State badge, elapsed time on the audio clock, level meter, and the countdown."""

    DEFAULT_CSS = """
    RecordingStatus { height: 1; background: $panel; }
    RecordingStatus #rec-state { width: auto; padding: 0 1 0 0; }
    RecordingStatus #rec-clock { width: auto; padding: 0 1; }
    RecordingStatus LevelMeter { width: 22; }
    RecordingStatus #rec-left { width: 1fr; text-align: right; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: dict[str, Text] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="rec-state")
        yield Static(id="rec-clock")
        yield LevelMeter()
        yield Static(id="rec-left")

    def show(self, state: str, elapsed: float, limit_minutes: int, warn_at: list[int]) -> None:
        """Update the line; the countdown turns yellow at the first warning and red past it."""
        label, style = STATE_STYLES.get(state, (state.upper(), "bold"))
        self._set("#rec-state", Text(f" {label} ", style=style))
        self._set("#rec-clock", Text(format_clock(elapsed), style="bold"))
        left = limit_minutes * 60 - elapsed
        if left < 0:
            text = Text(
                f"OVERRUN {format_clock(-left)} past {limit_minutes} min", "bold white on red"
            )
        else:
            minutes = elapsed / 60
            style = "bold"
            if warn_at and minutes >= min(warn_at):
                style = "bold black on yellow"
            if warn_at and minutes >= max(warn_at):
                style = "bold white on dark_orange3"
            text = Text(f"{format_clock(left)} left of {limit_minutes} min", style)
        self._set("#rec-left", text)

    def _set(self, selector: str, text: Text) -> None:
        """Update a part only when it changed (ticked 4 times a second; mostly unchanged)."""
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            self.query_one(selector, Static).update(text)

    def set_level(self, rms_dbfs: float, peak_dbfs: float) -> None:
        """Pass a level reading to the meter."""
        self.query_one(LevelMeter).set_level(rms_dbfs, peak_dbfs)
