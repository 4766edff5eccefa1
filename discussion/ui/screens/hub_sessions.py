"""The hub sessions screen, for verifiers: every record handed in to the organisation's hub,
with the same filter boxes and IQA sample as the local sessions screen (it is that screen,
listing the hub's index instead of the folders: `Index.sessions()` gives the same entries, so
`SessionFilter` and `draw_sample` mean the same). Enter (or ctrl+o) pulls the highlighted record
into `DATA/hub/pulled/` and checks it against the manifest, the index and its seal; an intact
copy opens in the review, an altered one lists its differences first. Back from the review with
a finished round of judgements, the screen offers to hand the judgement in (`push_judgement`;
queued when the hub is away).

Threads: the list, the pull and the judgement's hand-in run in thread workers that only post
the messages below; the handlers change the screen.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from discussion.errors import UserError, os_error_message
from discussion.ui.catalog import Catalog
from discussion.ui.screens.confirm import ConfirmScreen
from discussion.ui.screens.sessions import SessionsScreen
from discussion.ui.widgets.hub_pull_report import HubPullReport

if TYPE_CHECKING:
    from textual.app import App

    from discussion.hub.config import HubConfig
    from discussion.hub.pull import PullReport
    from discussion.sampling import SessionEntry
    from discussion.ui.widgets.hub_status import HubStatusLine


def open_hub_sessions(app: App[object], line: HubStatusLine, catalog: Catalog) -> None:
    """The hub sessions screen over `app`, or (no hub configured) how to configure one."""
    from discussion.ui.widgets.hub_status import NOT_CONFIGURED

    if line.config is None or not line.config.configured:
        app.notify(
            line.config_error or NOT_CONFIGURED, severity="warning", timeout=10, markup=False
        )
        return
    settings = getattr(app, "settings", None)
    preroll = settings.review_preroll_s if settings is not None else 5.0
    app.push_screen(HubSessionsScreen(line.config, catalog, preroll_s=preroll))


def pulled_folder(session_id: str) -> Path:
    """A new, empty folder for a pull of `session_id` under `DATA/hub/pulled/` (each pull gets
    its own, so a judgement in progress in an earlier copy is never overwritten)."""
    from discussion.paths import data_home, ensure_folder

    base = ensure_folder(data_home() / "hub" / "pulled")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in session_id).lstrip(".")
    folder = base / safe
    number = 1
    while folder.exists():
        number += 1
        folder = base / f"{safe}.{number}"
    return folder


class HubSessionsScreen(SessionsScreen):
    """The hub's sessions: filter, sample, pull, review, hand the judgement in."""

    TITLE = "Hub sessions"

    BINDINGS = [
        Binding(
            "ctrl+o",
            "pull",
            "Pull & review",
            id="sessions.hub_pull",
            tooltip="Download the highlighted record from the hub, check it, and review it "
            "(Enter on a row does the same)",
        ),
    ]

    DEFAULT_CSS = """
    HubSessionsScreen #hub-pull { dock: bottom; margin-bottom: 1; }
    """

    class Pulled(Message):
        """The worker pulled and checked a record."""

        def __init__(self, report: PullReport) -> None:
            super().__init__()
            self.report = report

    class PullFailed(Message):
        """The pull did not happen (`reason` names the fix)."""

        def __init__(self, session_id: str, reason: str) -> None:
            super().__init__()
            self.session_id = session_id
            self.reason = reason

    class JudgementChecked(Message):
        """Back from the review: whether the pulled copy holds a finished round to hand in."""

        def __init__(self, folder: Path, session_id: str, finished: bool) -> None:
            super().__init__()
            self.folder = folder
            self.session_id = session_id
            self.finished = finished

    class JudgementHandedIn(Message):
        """The judgement's hand-in ended (`text` says how: handed in, or queued)."""

        def __init__(self, text: str, problem: bool = False) -> None:
            super().__init__()
            self.text = text
            self.problem = problem

    def __init__(self, config: HubConfig, catalog: Catalog, *, preroll_s: float = 5.0) -> None:
        """`config` is the configured hub; `catalog` and `preroll_s` are the review's."""
        super().__init__(None)
        self.config = config
        self.catalog = catalog
        self.preroll_s = preroll_s
        self.pulling: str | None = None

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield HubPullReport(id="hub-pull")

    # ------------------------------------------------------------------ the list
    @work(thread=True, exit_on_error=False, group="sessions-load", exclusive=True)
    def _load(self) -> None:
        from discussion.hub.index import open_index

        try:
            with open_index(self.config) as index:
                index.check_schema()
                found = index.sessions()
        except UserError as error:
            self.post_message(self.EntriesLoadFailed(error.message))
        except OSError as error:
            self.post_message(self.EntriesLoadFailed(os_error_message(error)))
        else:
            # The row key is the folder: on the hub the session id is the unique name.
            entries = [dataclasses.replace(e, folder=Path(e.session_id)) for e in found]
            self.post_message(self.EntriesLoaded(entries))

    @property
    def selected(self) -> SessionEntry | None:
        """The entry under the table's cursor (rows are `shown`, in order)."""
        table = self.query_one("#sessions-table", DataTable)
        row = table.cursor_row
        if table.row_count == 0 or not 0 <= row < len(self.shown):
            return None
        return self.shown[row]

    # ------------------------------------------------------------------ pull and review
    @on(DataTable.RowSelected, "#sessions-table")
    def _row_selected(self) -> None:
        self.action_pull()

    def action_pull(self) -> None:
        """Pull the highlighted record (in a thread), then review it."""
        entry = self.selected
        if entry is None:
            self.notify("No session selected: the hub has none that match the filters.")
            return
        if self.pulling is not None:
            self.notify(f"Still pulling {self.pulling}…")
            return
        self.pulling = entry.session_id
        self.query_one(HubPullReport).show_text(f"Pulling {entry.session_id} from the hub…")
        self._pull(entry.session_id)

    @work(thread=True, exit_on_error=False, group="hub-pull")
    def _pull(self, session_id: str) -> None:
        from discussion.hub.pull import pull

        try:
            report = pull(session_id, pulled_folder(session_id), self.config)
        except UserError as error:
            self.post_message(self.PullFailed(session_id, error.message))
        except OSError as error:
            self.post_message(self.PullFailed(session_id, os_error_message(error)))
        else:
            self.post_message(self.Pulled(report))

    @on(PullFailed)
    def _pull_failed(self, message: PullFailed) -> None:
        self.pulling = None
        text = f"{message.session_id} was not pulled: {message.reason}"
        self.query_one(HubPullReport).show_text(text, problem=True)
        self.notify(text, severity="error", timeout=20, markup=False)

    @on(Pulled)
    def _pulled(self, message: Pulled) -> None:
        self.pulling = None
        report = message.report
        self.query_one(HubPullReport).show_report(report)
        if report.ok:
            self._review(report.folder, report.session_id)
            return
        body = (
            "What the hub holds is not what was handed in:\n\n"
            + "\n".join(f"• {line}" for line in report.differences[:8])
            + ("\n• …" if len(report.differences) > 8 else "")
            + "\n\nReview the copy anyway (the differences stay listed on this screen)?"
        )

        def answered(anyway: bool | None) -> None:
            if anyway:
                self._review(report.folder, report.session_id)

        self.app.push_screen(
            ConfirmScreen(
                f"{report.session_id}: ALTERED on the hub", body, yes="Review", no="Back"
            ),
            answered,
        )

    def _review(self, folder: Path, session_id: str) -> None:
        from discussion.ui.screens.review import ReviewScreen  # numpy: loaded on demand

        def reviewed(_result: None) -> None:
            self._check_judgement(folder, session_id)

        self.app.push_screen(ReviewScreen(folder, self.catalog, preroll_s=self.preroll_s), reviewed)

    # ------------------------------------------------------------------ the judgement
    @work(thread=True, exit_on_error=False, group="hub-judgement")
    def _check_judgement(self, folder: Path, session_id: str) -> None:
        from discussion.sampling import verification_state

        finished = verification_state(folder) == "finished"
        self.post_message(self.JudgementChecked(folder, session_id, finished))

    @on(JudgementChecked)
    def _judgement_checked(self, message: JudgementChecked) -> None:
        if not message.finished:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.query_one(HubPullReport).show_text(
                    f"Handing the judgement of {message.session_id} in…"
                )
                self._hand_in_judgement(message.folder, message.session_id)

        self.app.push_screen(
            ConfirmScreen(
                "Hand the judgement in?",
                f"Your finished, signed judgement of {message.session_id} is in "
                f"{message.folder}.\n\nHand it in to the hub now? (Later: `discussion hub "
                f"push-judgement {message.folder}`.)",
                yes="Hand in",
                no="Later",
            ),
            answered,
        )

    @work(thread=True, exit_on_error=False, group="hub-judgement")
    def _hand_in_judgement(self, folder: Path, session_id: str) -> None:
        from discussion.hub import queue
        from discussion.hub.errors import HubUnreachable
        from discussion.hub.push import push_judgement
        from discussion.hub.retrier import HAND_IN_LOCK

        try:
            with HAND_IN_LOCK:
                try:
                    result = push_judgement(folder, self.config)
                except HubUnreachable as error:
                    item = queue.enqueue("judgement", session_id, folder, error.message)
                    text = (
                        f"The judgement of {session_id} is queued, will retry (attempt "
                        f"{item.attempts}): {error.message}"
                    )
                    self.post_message(self.JudgementHandedIn(text, problem=True))
                    return
        except UserError as error:
            text = f"The judgement of {session_id} was not handed in: {error.message}"
            self.post_message(self.JudgementHandedIn(text, problem=True))
            return
        except OSError as error:
            text = f"The judgement of {session_id} was not handed in: {os_error_message(error)}"
            self.post_message(self.JudgementHandedIn(text, problem=True))
            return
        said = "handed in" if result.new else "already on the hub, unchanged"
        text = f"Judgement of {result.session_id} by {result.verifier} ({result.outcome}): {said}."
        self.post_message(self.JudgementHandedIn(text))

    @on(JudgementHandedIn)
    def _judgement_handed_in(self, message: JudgementHandedIn) -> None:
        self.query_one(HubPullReport).show_text(message.text, problem=message.problem)
        if message.problem:
            self.notify(message.text, severity="warning", timeout=15, markup=False)
        else:
            self.notify(message.text, timeout=15, markup=False)
        self.action_refresh()  # the Verified column

    def _say(self, text: str, *, problem: bool = False) -> None:
        """The status line, as plain text (the hub's messages may hold brackets)."""
        from rich.text import Text
        from textual.widgets import Static

        status = self.query_one("#sessions-status", Static)
        status.update(Text(text))
        status.set_class(problem, "-problem")
