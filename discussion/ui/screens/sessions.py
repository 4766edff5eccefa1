"""The sessions screen: every session with its state, grade and verification, filtered by
assessor, dates and state, as `discussion sessions` shows them (`discussion.sampling`); a
percentage in "Sample %" shows an IQA sample of what is filtered, per assessor, as
`discussion sample --per assessor --seed N` draws it (the seed is on screen).

The list is read in a thread worker, which only posts `EntriesLoaded` / `EntriesLoadFailed`;
the handlers change the screen. Filtering is in memory, on every keystroke in a filter box.
"""

from __future__ import annotations

import secrets
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from discussion.errors import UserError, os_error_message
from discussion.ui.widgets.screen_header import ScreenHeader

if TYPE_CHECKING:  # the record modules load in the worker
    from discussion.sampling import SessionEntry, SessionFilter, State

STATE_STYLES = {
    "open": "bold cyan",
    "interrupted": "bold yellow",
    "closed": "green",
    "broken": "bold red",
    "did not go ahead": "bold magenta",
}
VERIFIED_TEXT = {"finished": "yes", "started": "in progress", "unreadable": "unreadable"}
STATE_WORDS = "open, interrupted, closed, broken or did not go ahead"
BOXES = ("assessor", "from", "to", "state", "sample")
COLUMNS = ("Date", "Apprentice", "Assessor", "Attempt", "State", "Grade", "Verified", "Problem")


class SessionsScreen(Screen[None]):
    """All sessions for a verifier: filter boxes on top, the table, what the filter found."""

    TITLE = "Sessions"

    BINDINGS = [
        Binding("escape", "back", "Back", id="sessions.back", tooltip="Back to the home screen"),
        Binding(
            "f5,ctrl+r",
            "refresh",
            "Refresh",
            id="sessions.refresh",
            tooltip="Read the session folders again",
        ),
    ]

    DEFAULT_CSS = """
    SessionsScreen #sessions-filters { height: 3; }
    SessionsScreen #sessions-filters Input { width: 1fr; }
    SessionsScreen #sessions-table { height: 1fr; }
    SessionsScreen #sessions-status { height: auto; max-height: 3; padding: 0 1; }
    SessionsScreen #sessions-status.-problem { color: $error; }
    """

    class EntriesLoaded(Message):
        """The worker read the sessions."""

        def __init__(self, entries: list[SessionEntry]) -> None:
            super().__init__()
            self.entries = entries

    class EntriesLoadFailed(Message):
        """The sessions folder itself could not be read; `reason` says why and the fix."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, home: Path | None = None) -> None:
        """`home` is the sessions folder (default: the data home's)."""
        super().__init__()
        self.home = home
        self.entries: list[SessionEntry] = []
        self.shown: list[SessionEntry] = []
        # One draw per visit, so the sample stays put while the filters change; shown on screen
        # so `discussion sample --seed N --per assessor` gives the same.
        self.seed = secrets.randbelow(1_000_000)
        # Each box's last value that could be read: what the list uses while the box is wrong.
        self._good_dates: tuple[date | None, date | None] = (None, None)
        self._good_state: State | None = None
        self._good_percent: Fraction | None = None

    def compose(self) -> ComposeResult:
        yield ScreenHeader()
        with Horizontal(id="sessions-filters"):
            yield Input(placeholder="Assessor", id="filter-assessor")
            yield Input(placeholder="From date", id="filter-from", tooltip="YYYY-MM-DD")
            yield Input(placeholder="To date", id="filter-to", tooltip="YYYY-MM-DD")
            yield Input(placeholder="State", id="filter-state")
            yield Input(placeholder="Sample %", id="filter-sample")
        yield DataTable[str | Text](id="sessions-table", cursor_type="row", zebra_stripes=True)
        yield Static("Loading the sessions…", id="sessions-status")
        yield Footer()

    def on_mount(self) -> None:
        """Set up the columns and read the list."""
        table = self.query_one("#sessions-table", DataTable)
        for label in COLUMNS:
            table.add_column(label, key=label.lower())
        self.action_refresh()

    def action_refresh(self) -> None:
        """Read the sessions folder again (in a thread)."""
        self._load()

    def action_back(self) -> None:
        """Back to where the screen was opened from."""
        self.dismiss(None)

    @work(thread=True, exit_on_error=False, group="sessions-load", exclusive=True)
    def _load(self) -> None:
        from discussion.sampling import list_entries

        try:
            entries = list_entries(self.home)  # one process: never fork from the app
        except UserError as error:
            self.post_message(self.EntriesLoadFailed(error.message))
        except OSError as error:
            self.post_message(self.EntriesLoadFailed(os_error_message(error)))
        else:
            self.post_message(self.EntriesLoaded(entries))

    @on(EntriesLoaded)
    def _loaded(self, message: EntriesLoaded) -> None:
        self.entries = message.entries
        self._apply()

    @on(EntriesLoadFailed)
    def _load_failed(self, message: EntriesLoadFailed) -> None:
        self._say(f"The sessions cannot be listed: {message.reason}", problem=True)

    @on(Input.Changed)
    def _filter_changed(self) -> None:
        self._apply()

    def _apply(self) -> None:
        """Show the entries as the boxes filter them. A box that cannot be read is named on
        the status line and marked, and keeps its last good value meanwhile, so the other
        boxes (and a refresh) still change the list."""
        problems: dict[tuple[str, ...], str] = {}
        wanted = self._filter(problems)
        percent = self._percent(problems)
        for box in BOXES:
            bad = any(box in boxes for boxes in problems)
            self.query_one(f"#filter-{box}", Input).set_class(bad, "-invalid")
        self.shown = wanted.apply(self.entries)
        total = len(self.entries)
        if percent is not None:
            from discussion.sampling import draw_sample

            sample = draw_sample(self.shown, percent, self.seed, per_assessor=True)
            self.shown = sample.sessions
            found = (
                f"Sample: {len(sample.sessions)} of {sample.eligible} closed assessments "
                f"({float(percent):g}% of each assessor's, rounded up, not yet verified "
                f"first), seed {self.seed}."
            )
        elif not total:
            found = "No sessions yet."
        else:
            found = f"{len(self.shown)} of {total} sessions shown."
        self._show(self.shown)
        if problems:
            kept = "that box's" if len(problems) == 1 else "those boxes'"
            self._say(
                f"{' '.join(problems.values())} Meanwhile the list uses {kept} last good "
                f"value: {found}",
                problem=True,
            )
        else:
            self._say(found)

    def _percent(self, problems: dict[tuple[str, ...], str]) -> Fraction | None:
        """The Sample % box (None when empty); when it is wrong, its last good value, and
        `problems` says why."""
        from discussion.sampling import parse_percent

        text = self.query_one("#filter-sample", Input).value.strip()
        if not text:
            self._good_percent = None
            return None
        try:
            self._good_percent = parse_percent(text)
        except UserError:
            problems[("sample",)] = (
                f"Sample % {text!r}: give a percentage more than 0 and at most 100, e.g. 10."
            )
        return self._good_percent

    def _filter(self, problems: dict[tuple[str, ...], str]) -> SessionFilter:
        """The filter the boxes describe; a box that cannot be read adds its message to
        `problems` (keyed by the boxes to mark) and counts with its last good value."""
        from discussion.sampling import STATES, SessionFilter

        def text(box: str) -> str:
            return self.query_one(f"#filter-{box}", Input).value.strip()

        start, end = self._good_dates
        try:
            start = _day(text("from"), "From")
        except UserError as error:
            problems[("from",)] = error.message
        try:
            end = _day(text("to"), "To")
        except UserError as error:
            problems[("to",)] = error.message
        if start is not None and end is not None and start > end:
            problems[("from", "to")] = (
                f"From {start} is after To {end}: give the earlier date first."
            )
            start, end = self._good_dates
        self._good_dates = (start, end)
        state_text = " ".join(text("state").replace("-", " ").split()).lower()
        state: State | None = None
        if state_text:  # the whole word, or the start of only one ("dis", "int")
            matches = [s for s in STATES if s == state_text]
            matches = matches or [s for s in STATES if s.startswith(state_text)]
            if len(matches) == 1:
                state = matches[0]
            else:
                problems[("state",)] = f"State {state_text!r}: type one of {STATE_WORDS}."
                state = self._good_state
        self._good_state = state
        return SessionFilter(text("assessor") or None, start, end, state, assessor_part=True)

    def _show(self, entries: list[SessionEntry]) -> None:
        table = self.query_one("#sessions-table", DataTable)
        table.clear()
        for entry in entries:
            state = Text(entry.state, style=STATE_STYLES.get(entry.state, ""))
            table.add_row(
                entry.date.isoformat() if entry.date else "—",
                entry.apprentice or "—",
                entry.assessor or "—",
                "—" if entry.attempt is None else str(entry.attempt),
                state,
                entry.grade or "—",
                VERIFIED_TEXT.get(entry.verification, "no"),
                entry.problem or "",
                key=str(entry.folder),
            )

    def _say(self, text: str, *, problem: bool = False) -> None:
        status = self.query_one("#sessions-status", Static)
        status.update(text)
        status.set_class(problem, "-problem")


def _day(text: str, label: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{label} {text!r} is not a date: write it as YYYY-MM-DD.") from None
