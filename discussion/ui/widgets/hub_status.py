"""The home screen's hub line: configured, reachable, how many hand-ins are queued; each sealed
record's hand-in state in the session table's Hub column; the hand-in itself; the retrier.

Without a hub configured the line is hidden and no column is added: nothing hub-related is in
the way (the keys say how to configure one when pressed). With one, the line says whether the
store and the index answer, with the fix when not (`discussion.hub.status`), and the background
retrier (`discussion.hub.retrier.Retrier`) hands queued records in while the app runs: started
when the line is mounted, stopped and joined when it is unmounted; if it dies the line turns
red and says so.

Threads: every read of the configuration, the queue, the marks and the network runs in a
thread worker or the retrier's thread, which only post the messages below; their handlers
change the line and the table on the UI thread.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.widgets import Static
from textual.widgets.data_table import CellDoesNotExist

from discussion.errors import UserError, os_error_message
from discussion.ui.widgets.session_table import SessionRow, SessionTable

if TYPE_CHECKING:  # the hub's modules load in the workers
    from discussion.hub.config import HubConfig
    from discussion.hub.queue import RetryOutcome
    from discussion.hub.retrier import HandIn, Retrier
    from discussion.hub.status import HubStatus

COLUMN = "hub"
NOT_CONFIGURED = (
    'No hub is configured: set DISCUSSION_HUB_BUCKET and DISCUSSION_HUB_DSN (or "hub" in '
    "settings.json); docs/hub.md says how."
)
KEYS = "h hand in, v hub sessions"
# The Hub column's words (narrow: at 80 columns the table has little room left); the line says
# the highlighted record's state in full.
SHORT = {"handed in": "in", "queued": "queued", "not handed in": "no", "handing in…": "…"}


class HubStatusLine(Static):
    """One line under the home table (hidden while no hub is configured)."""

    DEFAULT_CSS = """
    HubStatusLine { height: auto; max-height: 5; padding: 0 1; display: none; }
    HubStatusLine.-configured { display: block; }
    HubStatusLine.-problem { color: $error; }
    """

    # What the retrier is built with (tests shorten the interval and move its clock on).
    retrier_options: ClassVar[dict[str, Any]] = {}

    class ConfigRead(Message):
        """The worker read the hub's configuration (`error`: why it cannot be used)."""

        def __init__(self, config: HubConfig | None, error: str = "") -> None:
            super().__init__()
            self.config = config
            self.error = error

    class StatusChecked(Message):
        """The worker asked the store and the index whether they answer."""

        def __init__(self, status: HubStatus) -> None:
            super().__init__()
            self.status = status

    class StatesRead(Message):
        """The worker read each sealed record's hand-in state (session id → state)."""

        def __init__(self, states: dict[str, str]) -> None:
            super().__init__()
            self.states = states

    class HandInFinished(Message):
        """A hand-in from the key ended: handed in, or queued because the hub was away."""

        def __init__(self, result: HandIn) -> None:
            super().__init__()
            self.result = result

    class HandInFailed(Message):
        """A hand-in was refused (`reason` names the fix)."""

        def __init__(self, session_id: str, reason: str) -> None:
            super().__init__()
            self.session_id = session_id
            self.reason = reason

    class RetryPassed(Message):
        """The retrier made a pass over the queue."""

        def __init__(self, outcome: RetryOutcome) -> None:
            super().__init__()
            self.outcome = outcome

    class RetrierDied(Message):
        """The retrier's thread stopped on an error: queued hand-ins are no longer retried."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, table: SessionTable, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.table = table
        self.config: HubConfig | None = None
        self.config_error = ""
        self.status: HubStatus | None = None
        self.states: dict[str, str] = {}
        self.queued = 0
        self.retrier: Retrier | None = None
        self.retrier_error = ""
        self.busy: set[str] = set()  # session ids being handed in from the key
        self._rows: list[SessionRow] = []

    @property
    def configured(self) -> bool:
        """Whether a usable hub is configured."""
        return self.config is not None and self.config.configured

    def _say(self, text: str, **kwargs: Any) -> None:
        """A notification of plain text (messages from servers hold brackets)."""
        self.app.notify(text, markup=False, **kwargs)

    # ------------------------------------------------------------------ start and stop
    def on_mount(self) -> None:
        """Read the configuration (in a thread); follow the table's cursor."""
        self._read_config()
        self.watch(self.table, "cursor_coordinate", self._cursor_moved, init=False)

    async def on_unmount(self) -> None:
        """Stop the retrier and join its thread (bounded: a push in flight resumes later)."""
        retrier, self.retrier = self.retrier, None
        if retrier is not None:
            await asyncio.to_thread(retrier.stop, 10.0)

    @work(thread=True, exit_on_error=False, group="hub-config")
    def _read_config(self) -> None:
        from discussion.hub.config import load_config

        try:
            config = load_config()
        except UserError as error:
            self.post_message(self.ConfigRead(None, error.message))
        except OSError as error:
            self.post_message(self.ConfigRead(None, os_error_message(error)))
        else:
            self.post_message(self.ConfigRead(config))

    @on(ConfigRead)
    def _config_read(self, message: ConfigRead) -> None:
        self.config, self.config_error = message.config, message.error
        if message.error:  # set but unusable: say so, with the fix
            self.add_class("-configured")
            self._show()
            return
        if not self.configured:
            return
        self.add_class("-configured")
        self._show()
        self.check()
        self.read_states(self._rows)
        self._start_retrier()

    def _start_retrier(self) -> None:
        from discussion.hub.retrier import Retrier

        assert self.config is not None
        self.retrier = Retrier(
            self.config,
            lambda outcome: self.post_message(self.RetryPassed(outcome)),
            lambda error: self.post_message(self.RetrierDied(f"{type(error).__name__}: {error}")),
            **self.retrier_options,
        )
        self.retrier.start()

    # ------------------------------------------------------------------ status
    def check(self) -> None:
        """Ask the store and the index again (in a thread)."""
        if self.configured:
            self._check()

    @work(thread=True, exit_on_error=False, group="hub-check", exclusive=True)
    def _check(self) -> None:
        from discussion.hub.status import hub_status

        try:
            status = hub_status(reach=True)
        except UserError as error:
            self.post_message(self.ConfigRead(None, error.message))
        else:
            self.post_message(self.StatusChecked(status))

    @on(StatusChecked)
    def _checked(self, message: StatusChecked) -> None:
        self.status = message.status
        self.queued = len(message.status.queued)
        self._show()
        if self.queued and message.status.store_ok and message.status.index_ok:
            self.retry_now()  # the hub answers again: the queue need not wait for its back-off

    def _show(self) -> None:
        problem = bool(self.config_error or self.retrier_error)
        if self.config_error:
            text = f"Hub: {self.config_error}"
        elif self.retrier_error:
            text = (
                f"Hub: the background retry stopped ({self.retrier_error}): restart the app; "
                "`discussion hub push` hands in what is queued meanwhile."
            )
        else:
            status, why = self.status, ""
            if status is None:
                reach = "configured · checking…"
            elif status.store_ok and status.index_ok:
                reach = "reachable"
            else:
                problem = True
                reach = "store unreachable" if not status.store_ok else "index unreachable"
                why = "\n" + (status.store_error if not status.store_ok else status.index_error)
            selected = self._selected_state()
            said = f" · selected: {selected}" if selected else ""
            text = f"Hub {reach} · {self.queued} queued{said} · {KEYS}{why}"
        self.update(Text(text))
        self.set_class(problem, "-problem")

    # ------------------------------------------------------------------ the Hub column
    def read_states(self, rows: list[SessionRow]) -> None:
        """Each closed record's hand-in state, read in a thread, into the table's Hub column."""
        self._rows = rows
        if self.configured:
            self.show_states()  # the states known so far, at once; then the fresh ones
            self._read_states(rows)

    @work(thread=True, exit_on_error=False, group="hub-states", exclusive=True)
    def _read_states(self, rows: list[SessionRow]) -> None:
        from discussion.hub.queue import status_of

        states: dict[str, str] = {}
        for row in rows:
            if row.summary.status == "closed":
                states[str(row.folder)] = status_of(row.summary.session_id)[0]
        self.post_message(self.StatesRead(states))

    @on(StatesRead)
    def _states_read(self, message: StatesRead) -> None:
        self.states = message.states
        self.show_states()
        self._show()

    def show_states(self) -> None:
        """Fill the Hub column (added on first use) from `states`."""
        table = self.table
        if not self.configured:
            return
        if COLUMN not in table.columns:
            table.add_column("Hub", key=COLUMN, default="")
        for key in table.rows_by_key:
            text = "handing in…" if self._session_of(key) in self.busy else self.states.get(key, "")
            try:
                table.update_cell(key, COLUMN, SHORT.get(text, text), update_width=True)
            except CellDoesNotExist:
                continue

    def _selected_state(self) -> str:
        """The highlighted record's hand-in state in words ("" when it is not sealed)."""
        row = self.table.selected
        if row is None:
            return ""
        if row.summary.session_id in self.busy:
            return "handing in…"
        return self.states.get(str(row.folder), "")

    def _cursor_moved(self) -> None:
        if self.configured:
            self._show()

    def _session_of(self, key: str) -> str:
        row = self.table.rows_by_key.get(key)
        return row.summary.session_id if row is not None else ""

    # ------------------------------------------------------------------ hand-in
    def hand_in(self, row: SessionRow | None) -> None:
        """Hand the selected record in (a worker), or say why not and what to do."""
        if not self.configured:
            self._say(self.config_error or NOT_CONFIGURED, severity="warning", timeout=10)
            return
        if row is None:
            self._say("No session selected: choose a closed record to hand in.")
            return
        summary = row.summary
        if summary.status != "closed":
            fix = {
                "interrupted": "resume it (Enter), end the discussion and close it in grade",
                "open": "close it in the app that has it open",
            }.get(summary.status, "only a readable, closed record can be handed in")
            self._say(
                f"{summary.session_id} is not sealed: only a closed, signed record can be "
                f"handed in; {fix}.",
                severity="warning",
                timeout=12,
            )
            return
        if summary.session_id in self.busy:
            return
        self.busy.add(summary.session_id)
        self.show_states()
        self._show()
        self._say(f"Handing {summary.session_id} in…")
        self._hand_in(row)

    @work(thread=True, exit_on_error=False, group="hub-hand-in")
    def _hand_in(self, row: SessionRow) -> None:
        from discussion.hub.retrier import hand_in

        session_id = row.summary.session_id
        assert self.config is not None
        try:
            result = hand_in(row.folder, session_id, self.config)
        except UserError as error:
            self.post_message(self.HandInFailed(session_id, error.message))
        except OSError as error:
            self.post_message(self.HandInFailed(session_id, os_error_message(error)))
        else:
            self.post_message(self.HandInFinished(result))

    @on(HandInFinished)
    def _handed_in(self, message: HandInFinished) -> None:
        result = message.result
        self.busy.discard(result.session_id)
        severity = "warning" if result.state == "queued" else "information"
        self._say(result.text, severity=severity, timeout=12)
        self._after_change()

    @on(HandInFailed)
    def _hand_in_failed(self, message: HandInFailed) -> None:
        self.busy.discard(message.session_id)
        self._say(f"Not handed in: {message.reason}", severity="error", timeout=20)
        self._after_change()

    def _after_change(self) -> None:
        self.read_states(self._rows)
        self.check()

    # ------------------------------------------------------------------ retrier
    def retry_now(self) -> None:
        """Retry every queued hand-in now (the retrier's next pass)."""
        if self.retrier is not None:
            self.retrier.retry_now()

    @on(RetryPassed)
    def _retried(self, message: RetryPassed) -> None:
        outcome = message.outcome
        for session_id in outcome.handed_in:
            self._say(f"{session_id} handed in (it was queued).", timeout=10)
        for item, reason in outcome.refused:
            self._say(
                f"{item.session_id} stays queued, refused: {reason}", severity="error", timeout=20
            )
        queued = len(outcome.still_queued) + len(outcome.refused)
        if outcome.handed_in or outcome.refused or queued != self.queued:
            self.queued = queued
            self._after_change()

    @on(RetrierDied)
    def _retrier_died(self, message: RetrierDied) -> None:
        self.retrier_error = message.reason
        self._show()
        self._say(
            f"The hub's background retry stopped ({message.reason}): restart the app.",
            severity="error",
            timeout=30,
        )
