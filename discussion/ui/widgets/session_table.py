"""The table of recent sessions on the home screen, and how its rows are loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

if TYPE_CHECKING:  # the record modules load in the worker, after the first frame
    from discussion.record import SessionSummary

STATE_STYLES = {
    "open": "bold cyan",
    "interrupted": "bold yellow",
    "closed": "green",
    "broken": "bold red",
    "did not go ahead": "bold magenta",
}
NOT_HELD = "did not go ahead"


@dataclass(frozen=True)
class SessionRow:
    """One listed session and when it was created (None when session.json is unreadable)."""

    summary: SessionSummary
    created_at: datetime | None

    @property
    def folder(self) -> Path:
        """The session folder."""
        return self.summary.folder

    @property
    def apprentice(self) -> str:
        """The apprentice's name, or a dash for a broken folder."""
        return self.summary.apprentice or "—"

    @property
    def state_text(self) -> str:
        """The State column: the listing's status, or "did not go ahead" for a closed session
        whose discussion never took place (e.g. consent declined), which is no attempt."""
        return NOT_HELD if self.summary.not_held is not None else self.summary.status

    def local_time(self, tz: tzinfo | None = None) -> str:
        """Creation date and time in the local time zone (or `tz`), e.g. `2026-03-14 10:05`."""
        if self.created_at is not None:
            return self.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        if self.summary.date is not None:
            return self.summary.date.isoformat()
        return "—"


def load_session_rows(home: Path | None = None) -> list[SessionRow]:
    """Every session under `home` (default: the sessions folder), newest first.

    Blocking file I/O: call it from a thread worker.
    """
    from discussion.record import list_sessions

    rows = [SessionRow(summary, summary.created_at) for summary in list_sessions(home)]
    return sort_newest_first(rows)


def sort_newest_first(rows: list[SessionRow]) -> list[SessionRow]:
    """Newest first; folders without a readable date go last, by name."""
    dated = [r for r in rows if r.created_at is not None]
    undated = [r for r in rows if r.created_at is None]
    dated.sort(key=lambda r: (r.created_at, r.summary.session_id), reverse=True)
    undated.sort(key=lambda r: r.summary.session_id, reverse=True)
    return dated + undated


class SessionTable(DataTable[str | Text]):
    """Apprentice, date, attempt, kind and state of each session; the row key is the folder."""

    DEFAULT_CSS = """
    SessionTable { height: 1fr; }
    """

    def __init__(self, *, tz: tzinfo | None = None, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.tz = tz
        self.rows_by_key: dict[str, SessionRow] = {}

    def on_mount(self) -> None:
        """Set up the columns."""
        self.add_column("Apprentice", key="apprentice")
        self.add_column("Date", key="date")
        # State before Attempt and Kind: at 80 columns a long name pushes the last column off.
        # Fixed width: "did not go ahead" fits, and a later, longer state is never cut.
        self.add_column("State", key="state", width=16)
        self.add_column("Attempt", key="attempt")
        self.add_column("Kind", key="kind")

    def show(self, rows: list[SessionRow]) -> None:
        """Replace the rows, keeping the cursor on the same session when it is still listed."""
        selected = self.selected
        self.clear()
        self.rows_by_key = {}
        for row in rows:
            key = str(row.folder)
            self.rows_by_key[key] = row
            summary = row.summary
            attempt = "—" if summary.attempt is None else str(summary.attempt)
            state = Text(row.state_text, style=STATE_STYLES.get(row.state_text, ""))
            self.add_row(
                _clip(row.apprentice, 28),
                row.local_time(self.tz),
                state,
                attempt,
                summary.kind or "—",
                key=key,
            )
        if selected is not None and str(selected.folder) in self.rows_by_key:
            self.move_cursor(row=self.get_row_index(str(selected.folder)))

    @property
    def selected(self) -> SessionRow | None:
        """The session under the cursor, if any."""
        if not self.rows_by_key or self.row_count == 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except CellDoesNotExist:
            return None
        return self.rows_by_key.get(str(key.value))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
