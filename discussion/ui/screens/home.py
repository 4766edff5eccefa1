"""The home screen: recent sessions, and the way into a new, resumed or finished discussion.

The list is read in a thread worker, which only posts messages (`SessionsLoaded`,
`SessionsLoadFailed`, `RecoveryFinished`); their handlers change the screen on the UI thread.
Until the first list arrives the screen says it is loading (a large home takes a while).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from discussion.errors import UserError, os_error_message
from discussion.paths import data_home_path
from discussion.ui.catalog import Catalog
from discussion.ui.messages import (
    BrowserRequested,
    NewDiscussionRequested,
    SessionOpenRequested,
    SessionResumeRequested,
)
from discussion.ui.screens.confirm import ConfirmScreen
from discussion.ui.screens.hub_commands import HubCommands
from discussion.ui.widgets.hub_status import HubStatusLine
from discussion.ui.widgets.screen_header import ScreenHeader
from discussion.ui.widgets.session_table import SessionRow, SessionTable, load_session_rows

RowsProvider = Callable[[], list[SessionRow]]

LOADING_TEXT = "Loading the sessions…"

EMPTY_TEXT = (
    "No discussions yet.\n\n"
    "Press [b]n[/b] to set up a new Professional Discussion, "
    "or [b]b[/b] to browse the standard and the question bank.\n"
    "Apprentices: press [b]m[/b] to practise with a mock discussion."
)


class HomeScreen(Screen[None]):
    """Recent sessions, newest first; the assessor starts, resumes or opens one from here."""

    TITLE = "Discussions"
    COMMANDS = {HubCommands}  # hand in, the hub's sessions (only with a hub configured)

    BINDINGS = [
        Binding(
            "n",
            "new",
            "New discussion",
            id="home.new",
            tooltip="Set up a new Professional Discussion (apprentice, gateway, audio check)",
        ),
        Binding(
            "enter",
            "open",
            "Open",
            id="home.open",
            tooltip="Resume an interrupted session, or read a closed one's record (and export it)",
            # Off the footer (Enter on a row is the table's own gesture; help lists it): at 80
            # columns the footer must keep Quit and Help.
            show=False,
            priority=True,
        ),
        Binding(
            "r",
            "recover",
            "Recover",
            id="home.recover",
            tooltip="Repair an interrupted session in place (audio headers, torn last line)",
        ),
        Binding(
            "b",
            "browser",
            "Browse",
            id="home.browser",
            tooltip="Browse the standard and the question bank",
        ),
        Binding(
            "m",
            "mock",
            "Mock",
            id="home.mock",
            tooltip="A mock discussion to practise with (practice questions only, for apprentices)",
            show=False,  # the footer's room at 80 columns (its snapshots): in help and the palette
        ),
        Binding(
            "s",
            "sessions",
            "Sessions",
            id="home.sessions",
            tooltip="Every session with its grade and verification, filtered (for verifiers)",
        ),
        Binding(
            "f5,ctrl+r",
            "refresh",
            "Refresh",
            id="home.refresh",
            tooltip="Read the session folder again",
            show=False,  # off the footer, like Open: in help and the palette
        ),
        # The hub (issue 13): off the footer; the hub line names them while a hub is set.
        Binding(
            "h",
            "hand_in",
            "Hand in",
            id="home.hand_in",
            tooltip="Hand the selected sealed record in to the organisation's hub (queued and "
            "retried while the hub is away; docs/hub.md sets one up)",
            show=False,
        ),
        Binding(
            "v",
            "hub_sessions",
            "Hub sessions",
            id="home.hub_sessions",
            tooltip="Every record on the organisation's hub: filter, sample, pull and review "
            "(for verifiers)",
            show=False,
        ),
    ]

    class SessionsLoaded(Message):
        """The worker read the session list (`generation` tells a stale load from the last)."""

        def __init__(self, rows: list[SessionRow], generation: int) -> None:
            super().__init__()
            self.rows = rows
            self.generation = generation

    class SessionsLoadFailed(Message):
        """The session folder itself could not be read; `reason` says why and the fix."""

        def __init__(self, reason: str, generation: int) -> None:
            super().__init__()
            self.reason = reason
            self.generation = generation

    class RecoveryFinished(Message):
        """The recovery worker is done; `text` is what to tell the assessor."""

        def __init__(self, text: str, failed: bool) -> None:
            super().__init__()
            self.text = text
            self.failed = failed

    DEFAULT_CSS = """
    HomeScreen #home-empty { padding: 1 2; height: auto; }
    HomeScreen #home-folder { height: 1; color: $text-muted; padding: 0 1; }
    HomeScreen #home-problem { height: 1; color: $error; padding: 0 1; }
    HomeScreen.-empty SessionTable { display: none; }
    HomeScreen #home-empty { display: none; }
    HomeScreen.-empty #home-empty { display: block; height: 1fr; }
    """

    def __init__(
        self,
        catalog: Catalog,
        home: Path | None = None,
        *,
        rows_provider: RowsProvider | None = None,
        tz: tzinfo | None = None,
        offer_recovery: bool = True,
    ) -> None:
        """`home` is the sessions folder (default: the data home's); `rows_provider` and `tz`
        replace the folder scan and the local time zone (tests and snapshots)."""
        super().__init__()
        self.catalog = catalog
        self.home = home
        self.rows_provider: RowsProvider = rows_provider or (lambda: load_session_rows(home))
        self.tz = tz
        self._offer_recovery = offer_recovery
        self.rows: list[SessionRow] = []
        self.loaded = False
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield ScreenHeader()
        table = SessionTable(tz=self.tz, id="home-table")
        yield table
        yield Static(LOADING_TEXT, id="home-empty")
        yield Static("", id="home-problem")
        yield HubStatusLine(table, id="home-hub")
        yield Static("", id="home-folder")
        yield Footer()

    def on_mount(self) -> None:
        """Show where the records live and load the list."""
        self.add_class("-empty")
        folder = self.home if self.home is not None else _sessions_folder()
        self.query_one("#home-folder", Static).update(f"Data folder: {folder}", layout=False)
        self.action_refresh()

    def on_screen_resume(self) -> None:
        """Coming back from another screen: the list may have changed."""
        if self.loaded:
            self.action_refresh()

    # ------------------------------------------------------------------ loading
    def action_refresh(self) -> None:
        """Read the session folder again (in a thread); a newer load supersedes an older one."""
        self._generation += 1
        self._load(self._generation)
        self.query_one(HubStatusLine).check()

    @work(thread=True, exit_on_error=False, group="home-load")
    def _load(self, generation: int) -> None:
        try:
            rows = self.rows_provider()
        except UserError as error:
            self.post_message(self.SessionsLoadFailed(error.message, generation))
        except OSError as error:
            self.post_message(self.SessionsLoadFailed(os_error_message(error), generation))
        else:
            self.post_message(self.SessionsLoaded(rows, generation))

    @on(SessionsLoaded)
    def _loaded(self, message: SessionsLoaded) -> None:
        if message.generation == self._generation:  # else a newer load is on its way
            self._show_rows(message.rows)

    @on(SessionsLoadFailed)
    def _load_failed(self, message: SessionsLoadFailed) -> None:
        if message.generation != self._generation:
            return
        self.loaded = True
        text = f"Cannot list the sessions: {message.reason}"
        if not self.rows:
            self.query_one("#home-empty", Static).update(text)
        self.notify(text, severity="error", timeout=10)

    def _show_rows(self, rows: list[SessionRow]) -> None:
        self.rows = rows
        self.loaded = True
        table = self.query_one(SessionTable)
        table.show(rows)
        self.query_one(HubStatusLine).read_states(rows)
        self.query_one("#home-empty", Static).update(EMPTY_TEXT)
        self.set_class(not rows, "-empty")
        self._show_problem(table.selected)
        if rows:
            table.focus()
        self._offer_interrupted()

    @on(DataTable.RowHighlighted, "#home-table")
    def _row_highlighted(self) -> None:
        self._show_problem(self.query_one(SessionTable).selected)

    def _show_problem(self, row: SessionRow | None) -> None:
        """Under the table: what is wrong with the highlighted session, if anything."""
        problem = row.summary.problem if row is not None else None
        text = f"{row.summary.session_id}: {problem}" if row is not None and problem else ""
        self.query_one("#home-problem", Static).update(text)

    def _offer_interrupted(self) -> None:
        """Once per screen: offer to resume the newest interrupted session."""
        if not self._offer_recovery or not self.is_current:
            return
        interrupted = [r for r in self.rows if r.summary.status == "interrupted"]
        if not interrupted:
            return
        self._offer_recovery = False
        row = interrupted[0]
        body = (
            f"An interrupted discussion with {row.apprentice} from {row.local_time(self.tz)} "
            "was found.\n\nResume it now? It carries on where it stopped: the recording on the "
            "same timeline, or the decisions if the discussion had ended."
        )

        def answered(resume: bool | None) -> None:
            if resume:
                self.post_message(SessionResumeRequested(row.folder))

        self.app.push_screen(
            ConfirmScreen("Interrupted discussion", body, yes="Resume", no="Later"), answered
        )

    # ------------------------------------------------------------------ actions
    def action_new(self) -> None:
        """Ask the app for the set-up screen."""
        self.post_message(NewDiscussionRequested())

    def action_browser(self) -> None:
        """Ask the app for the standard and bank browser."""
        self.post_message(BrowserRequested())

    def action_mock(self) -> None:
        """The mock discussion's set-up over this screen."""
        from discussion.ui.screens.mock_flow import start_mock

        start_mock(self.app)

    def action_sessions(self) -> None:
        """The sessions screen (filters, grade, verification) over this one."""
        from discussion.ui.screens.sessions import SessionsScreen

        self.app.push_screen(SessionsScreen(self.home))

    def action_hand_in(self) -> None:
        """Hand the selected record in to the hub (the hub line says how it went)."""
        self.query_one(HubStatusLine).hand_in(self.query_one(SessionTable).selected)

    def action_hub_sessions(self) -> None:
        """The hub's sessions (for verifiers), or how to configure a hub."""
        from discussion.ui.screens.hub_sessions import open_hub_sessions

        open_hub_sessions(self.app, self.query_one(HubStatusLine), self.catalog)

    @on(DataTable.RowSelected, "#home-table")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        """Resume, open, or explain why the selected session cannot be opened."""
        row = self.query_one(SessionTable).selected
        if row is None:
            self.notify("No session selected: press n to set up a new discussion.")
            return
        summary = row.summary
        if summary.status == "interrupted":
            self.post_message(SessionResumeRequested(row.folder))
        elif summary.status == "closed":
            self.post_message(SessionOpenRequested(row.folder))
        elif summary.status == "open":
            self.notify(
                f"The session with {row.apprentice} is in use by another process: "
                "close it there first.",
                severity="warning",
            )
        else:
            problem = summary.problem or "the session folder cannot be read"
            self.notify(f"{summary.session_id} is broken: {problem}", severity="error", timeout=15)

    def action_recover(self) -> None:
        """Recover the selected interrupted session in place, then refresh the list."""
        row = self.query_one(SessionTable).selected
        if row is None:
            return
        if row.summary.status != "interrupted":
            self.notify(
                f"Only interrupted sessions need recovering; this one is {row.summary.status}."
            )
            return
        self.notify(f"Recovering the session with {row.apprentice}…")
        self._recover(row.folder)

    @work(thread=True, exit_on_error=False, group="home-recover")
    def _recover(self, folder: Path) -> None:
        from discussion.record import recover  # loaded when needed, not before the first frame

        try:
            report = recover(folder)
        except UserError as error:
            self.post_message(self.RecoveryFinished(f"Recovery failed: {error.message}", True))
            return
        except OSError as error:
            text = f"Recovery failed: {os_error_message(error)}"
            self.post_message(self.RecoveryFinished(text, True))
            return
        outcome = report.sessions[0] if report.sessions else None
        if outcome is not None and outcome.action == "refused":  # a sealed record stays sealed
            self.post_message(self.RecoveryFinished(f"Not recovered: {outcome.message}", True))
        elif outcome is None or outcome.action == "failed":
            text = outcome.message if outcome else "nothing was recovered"
            self.post_message(self.RecoveryFinished(f"Recovery failed: {text}", True))
        else:
            self.post_message(self.RecoveryFinished(f"Recovered: {outcome.message}", False))

    @on(RecoveryFinished)
    def _recovered(self, message: RecoveryFinished) -> None:
        if message.failed:
            self.notify(message.text, severity="error", timeout=15)
        else:
            self.notify(message.text, timeout=8)
        self.action_refresh()


def _sessions_folder() -> Path:
    """Where the sessions live, for the screen's footer line (nothing created here)."""
    return data_home_path() / "sessions"
