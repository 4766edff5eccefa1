"""A red banner for what the assessor must act on now: silence, lost device, write errors."""

from __future__ import annotations

from textual.widgets import Static

ALARM_TITLES = {
    "silence": "SILENCE",
    "device_lost": "AUDIO LOST",
    "write_error": "CANNOT WRITE",
    "overflow": "AUDIO OVERFLOW",
    "recorder_failed": "RECORDING INTERRUPTED",
    "record_write": "NOT IN THE RECORD YET",
    "note_not_saved": "NOTE NOT SAVED",
    "time": "TIME",
}


class AlarmBanner(Static):
    """Hidden while there is no alarm; otherwise one line per active alarm."""

    DEFAULT_CSS = """
    AlarmBanner { display: none; background: $error; color: $text; text-style: bold; padding: 0 1; }
    AlarmBanner.-active { display: block; }
    """

    def show(self, alarms: dict[str, str]) -> None:
        """Show the active alarms (kind → message); hide when there are none."""
        lines = [
            f"{ALARM_TITLES.get(kind, kind.upper())}: {message}" for kind, message in alarms.items()
        ]
        self.update("\n".join(lines))
        self.set_class(bool(lines), "-active")
