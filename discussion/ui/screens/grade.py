"""The grade: the discussion's result, the other components' results, closing and sealing.

Opened with the `LiveSession` of the discussion just held (its decisions are made on the
decisions screen), or read-only on a closed session (`GradeScreen.for_closed`). The overall
grade is the grading engine's, recomputed after every change, unsaved entries included (and
said so). Results are saved as `component_result` events only on ctrl+r or by importing a file,
on the record writer's thread (`RecordSaves`): a result handed over counts as given at once
(grade_forms.py), and the bar and its form say it is being saved; a result the record refuses
stays queued and is retried (said, with the fix); one given up comes back in its form, unsaved.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, TabbedContent, TabPane, Tabs

from discussion.errors import UserError
from discussion.grading import GradeResult
from discussion.live import LiveSession
from discussion.outcome import (
    OTHER_COMPONENTS,
    check_results,
    grade_session,
    latest_component_results,
    undecided,
)
from discussion.record import ComponentResultData, Event, SessionState, load_state
from discussion.record.session import read_log
from discussion.standard import Standard
from discussion.ui.messages import EventLogged, RecorderReported
from discussion.ui.screens.grade_bindings import GRADE_BINDINGS
from discussion.ui.screens.grade_confirm import GradeConfirm
from discussion.ui.screens.grade_export import GradeExport
from discussion.ui.screens.grade_forms import give_back, given_results, load_given, show_saving
from discussion.ui.screens.grade_import import GradeImport, read_import
from discussion.ui.screens.grade_saving import ResultBatch, ResultBatches
from discussion.ui.screens.grade_sealed import GradeSealed
from discussion.ui.screens.grade_texts import close_body, grade_bar
from discussion.ui.screens.record_saves import RETRY_FIX, RecordSaves
from discussion.ui.widgets.component_result_form import ComponentResultForm
from discussion.ui.widgets.grade_summary import GradeSummary
from discussion.ui.widgets.screen_header import ScreenHeader

log = logging.getLogger(__name__)


class GradeScreen(Screen[bool]):
    """Dismisses True once the session was closed and sealed here, False otherwise."""

    TITLE = "Grade"

    BINDINGS = GRADE_BINDINGS

    DEFAULT_CSS = """
    GradeScreen #grade-bar { height: 1; padding: 0 1; background: $panel; }
    GradeScreen #notice { height: auto; max-height: 3; padding: 0 1; display: none; }
    GradeScreen #notice.shown { display: block; }
    GradeScreen #notice.error { background: $error 40%; }
    GradeScreen #notice.ok { background: $success 30%; }
    GradeScreen TabbedContent { height: 1fr; }
    GradeScreen ContentSwitcher { height: 1fr; }
    GradeScreen TabPane { padding: 0; height: 1fr; }
    GradeScreen #import-help { height: auto; padding: 0 1 1 1; }
    GradeScreen #import-status { height: auto; padding: 0 1; }
    GradeScreen #import-status.error { color: $error; }
    """

    def __init__(self, live_or_record: LiveSession | Path, standard: Standard) -> None:
        super().__init__()
        self.standard = standard
        self.live: LiveSession | None = None
        if isinstance(live_or_record, LiveSession):
            self.live = live_or_record
            self.folder = live_or_record.folder
            self.state: SessionState = live_or_record.state()
        else:
            self.folder = live_or_record
            self.state = load_state(live_or_record)
        self.read_only = self.live is None or self.state.status == "closed"
        self.chain_head: str | None = self._closed_hash() if self.live is None else None
        self.closing = False
        self.sealed_here = False
        self.result: GradeResult | None = None
        self.grade_error: str | None = None
        self.saving = ResultBatches()  # handed to the record writer, not all settled
        self.saying_saving: set[str] = set()  # the forms whose status says "Saving"
        info = self.state.info
        self.sub_title = f"{info.apprentice_name} · attempt {info.attempt}"

    @classmethod
    def for_closed(cls, folder: Path, standard: Standard) -> GradeScreen:
        """Read-only view of a session folder (closed, or interrupted), with export.

        Raises `RecordError` when the folder is not a readable session.
        """
        return cls(folder, standard)

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield ScreenHeader()
        yield Static(id="grade-bar")
        yield Static(id="notice")
        saved = latest_component_results(self.state.component_results)
        attempts = self.standard.rules.max_attempts
        with TabbedContent(initial="result"):
            with TabPane("Result (g)", id="result"), VerticalScroll():
                yield GradeSummary(id="summary")
            for cid in OTHER_COMPONENTS:
                component = self.standard.component(cid)
                label = f"{component.name.split()[-1]} ({cid[0]})"
                with TabPane(label, id=cid):
                    yield ComponentResultForm(
                        component, saved, attempts, read_only=self.read_only, id=f"form-{cid}"
                    )
            if not self.read_only:
                with TabPane("Import (i)", id="import"):
                    yield GradeImport()
        if self.live is not None and not self.read_only:
            yield RecordSaves(self.live)
        yield Footer()

    def on_mount(self) -> None:
        """Draw the grade as it stands."""
        self._refresh()

    # ------------------------------------------------------------------ state
    def forms(self) -> list[ComponentResultForm]:
        """The Showcase and Observation forms."""
        return list(self.query(ComponentResultForm))

    def drafts(self) -> list[ComponentResultForm]:
        """Forms holding an unsaved entry."""
        return [form for form in self.forms() if form.draft() is not None]

    def _load_state(self) -> SessionState:
        if self.live is not None and not self.sealed_here:
            return self.live.state()
        return load_state(self.folder)

    def _closed_hash(self) -> str | None:
        events = read_log(self.folder).events
        return events[-1].hash if events and events[-1].type == "closed" else None

    def _refresh(self) -> None:
        """Recompute the grade (entries being saved and unsaved ones included) and redraw."""
        drafts = self.drafts()
        waiting = self.saving.waiting()
        extra = [*waiting, *(entry for form in drafts if (entry := form.draft()) is not None)]
        try:
            self.result = grade_session(self.state, None, self.standard, extra)
            self.grade_error = None
        except UserError as error:
            self.result, self.grade_error = None, error.message
        self.query_one(GradeSummary).show(
            self.state, self.standard, self.result, self.grade_error, [f.label() for f in drafts]
        )
        self._draw_bar(len(drafts))
        show_saving(self.forms(), waiting, self.saying_saving)

    def _draw_bar(self, unsaved: int) -> None:
        bar = grade_bar(
            self.state,
            self.standard,
            self.result,
            chain_head=self.chain_head,
            read_only=self.read_only,
            unsaved=unsaved,
            saving=len(self.saving.waiting()),
        )
        self.query_one("#grade-bar", Static).update(bar)

    def notice(self, text: str, kind: Literal["error", "ok", "info"] = "info") -> None:
        """Show a message above the tabs until the next one."""
        box = self.query_one("#notice", Static)
        box.update(Text(text))
        box.set_class(bool(text), "shown")
        box.set_class(kind == "error", "error")
        box.set_class(kind == "ok", "ok")

    @property
    def notice_text(self) -> str:
        """The message shown (for tests and the help)."""
        return str(self.query_one("#notice", Static).render())

    def _active_form(self) -> ComponentResultForm | None:
        active = self.query_one(TabbedContent).active
        if active in OTHER_COMPONENTS:
            return self.query_one(f"#form-{active}", ComponentResultForm)
        return None

    # ------------------------------------------------------------------ messages
    @on(ComponentResultForm.Changed)
    def _form_changed(self, _event: ComponentResultForm.Changed) -> None:
        self._refresh()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()

    def on_event_logged(self, message: EventLogged) -> None:
        """Something was appended (by this screen or the recorder): redraw from the record."""
        message.stop()
        if not self.closing:
            self.state = self._load_state()
            self._refresh()

    def on_recorder_reported(self, message: RecorderReported) -> None:
        """Recorder news is the discussion screen's business."""
        message.stop()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only the keys that apply: editing while open, export once closed."""
        editing = not self.read_only and not self.closing
        if action in {"close_session", "correct_details"}:
            return editing
        if action == "export":
            return self.read_only
        if action == "set_attempt":  # also to look at the attempts of a closed session
            return self._active_form() is not None and not self.closing
        if action in {"save_result", "tick_all_pass"}:
            return editing and self._active_form() is not None
        if action == "toggle_mode":
            form = self._active_form()
            return editing and form is not None and bool(form.component.observation_modes)
        if action == "show_tab" and parameters == ("import",):
            return editing
        return True

    # ------------------------------------------------------------------ actions
    def action_show_tab(self, tab: str) -> None:
        """Switch tab and put the focus where typing goes."""
        self.query_one(TabbedContent).active = tab
        if tab in OTHER_COMPONENTS:
            form = self.query_one(f"#form-{tab}", ComponentResultForm)
            if not form.read_only:
                form.criteria_list.focus()
        elif tab == "import":
            self.query_one("#import-path", Input).focus()

    def action_set_attempt(self, attempt: int) -> None:
        """Set the attempt of the result shown."""
        if (form := self._active_form()) is not None:
            form.set_attempt(attempt)

    def action_tick_all_pass(self) -> None:
        """Tick every applicable pass criterion of the result shown."""
        if (form := self._active_form()) is not None:
            form.tick_all_pass()

    def action_toggle_mode(self, mode: str) -> None:
        """Tick or untick an observation mode."""
        if (form := self._active_form()) is not None:
            form.toggle_mode(mode)

    def action_correct_details(self) -> None:
        """Correct a set-up detail: a logged `details_corrected` event, never an edit."""
        from discussion.ui.screens.correct_details import CorrectDetailsScreen

        if self.live is None or self.read_only:
            return

        def done(logged: bool | None) -> None:
            if logged:
                self.state = self._load_state()
                self._refresh()
                self.notice("Correction logged: the record shows the corrected detail.", "ok")

        self.app.push_screen(CorrectDetailsScreen(self.live), done)

    def action_save_result(self) -> None:
        """Save the entry shown as a `component_result` event (checked against the others)."""
        form = self._active_form()
        if form is None or self.read_only or self.live is None:
            return
        if (problem := form.problem()) is not None:  # e.g. no observation mode ticked
            form.show_error(problem)
            return
        entry = form.entry()
        try:
            check_results(self.state, [*self.saving.waiting(), entry], self.standard)
        except UserError as error:
            form.show_error(error.message)
            return
        self._submit([entry], None)
        self.notice(f"Saving {form.label()}…")

    def _submit(self, entries: list[ComponentResultData], path: str | None) -> None:
        saves = self.query_one(RecordSaves)
        component = entries[0].component if path is None else ""
        batch = self.saving.add(ResultBatch({}, path, component, total=len(entries)))
        for entry in entries:
            batch.entries[saves.submit(entry)] = entry
        load_given(self.forms(), self._given())  # given now, whenever the disk takes them
        self._refresh()

    def _given(self) -> list[ComponentResultData]:
        return given_results(self.state.component_results, self.saving.waiting())

    def on_record_saves_settled(self, message: RecordSaves.Settled) -> None:
        """A result's save: shown once on disk; refused for now, said with the fix (it is
        retried); given up, said (the form keeps it, ctrl+r or the import tries again)."""
        outcome = message.outcome
        if (found := self.saving.settle(outcome)) is None:
            return
        batch, entry = found
        if outcome.retrying:
            name = f"{self.standard.component(entry.component).name} attempt {entry.attempt}"
            self.notice(f"{name} NOT saved yet: {outcome.error}. {RETRY_FIX}", "error")
            if batch.path is not None:
                self.query_one(GradeImport).show(
                    f"Not all saved yet: {outcome.error}. {RETRY_FIX}", error=True
                )
            return
        if batch.settled:
            self._batch_settled(batch, entry)
        self._refresh()

    def _batch_settled(self, batch: ResultBatch, last: ComponentResultData) -> None:
        if batch.path is None and batch.error is not None:
            for form in self.forms():
                if form.component.id == batch.component:
                    give_back(form, last, self._given())  # a form's batch: its one entry
                    form.show_error(
                        f"the record could not be written ({batch.error}); ctrl+r retries"
                    )
            self.notice(f"NOT saved: {batch.error}. ctrl+r retries.", "error")
            return
        if batch.path is not None:
            tab = self.query_one(GradeImport)
            if batch.error is not None:
                tab.show(
                    f"Saved {len(batch.saved)} of {batch.total}: the record could not be "
                    f"written ({batch.error}); fix it and import again",
                    error=True,
                )
            else:
                tab.show(f"Imported and saved {len(batch.saved)} result(s) from {batch.path}.")
                tab.clear()
        if batch.saved:
            self._saved(batch.saved)
        else:  # a file's results, all given up: no longer given
            load_given(self.forms(), self._given())

    def _saved(self, entries: list[ComponentResultData]) -> None:
        self.state = self._load_state()
        load_given(self.forms(), self._given())  # the same, unless a result was given up
        names = ", ".join(
            f"{self.standard.component(e.component).name} attempt {e.attempt}" for e in entries
        )
        self.notice(f"Saved to the record: {names}.", "ok")
        self._refresh()

    def on_grade_import_requested(self, message: GradeImport.Requested) -> None:
        """Read the file; save its results (the tab says how it went)."""
        tab = self.query_one(GradeImport)
        path = Path(message.path.strip()).expanduser()
        try:
            results = read_import(path, self.standard, self.state, self.saving.waiting())
        except UserError as error:
            tab.show(f"Not imported: {error.message}", error=True)
            return
        tab.show(f"Saving {len(results)} result(s) from {message.path}…")
        self.query_one(Tabs).focus()  # letter keys switch tabs again
        self._submit(results, message.path)

    def action_back(self) -> None:
        """Back without closing; unsaved entries are discarded only when confirmed."""
        if self.closing or self._refused_while_saving("going back"):
            return
        if isinstance(self.focused, Input):  # leave the text box first, not the screen
            self.query_one(Tabs).focus()
            return
        drafts = self.drafts()
        if not drafts:
            self.dismiss(self.sealed_here)
            return
        names = ", ".join(form.label() for form in drafts)

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(self.sealed_here)

        self.app.push_screen(
            GradeConfirm(
                "Discard unsaved results?",
                f"Not saved to the record: {names}.\nctrl+r on its tab saves it.",
                "Discard",
            ),
            answered,
        )

    def action_close_session(self) -> None:
        """Refuse while criteria are undecided; else confirm, then seal in a worker."""
        if self.read_only or self.live is None or self.closing:
            return
        if self._refused_while_saving("closing"):
            return
        self.state = self._load_state()
        pending = undecided(self.state, self.standard)
        if pending:
            message = (
                f"Cannot close yet: not decided: {', '.join(pending)}. "
                "Go back (esc) and decide every criterion first."
            )
            self.notice(message, "error")
            self.app.bell()
            return
        body = close_body(self.state, self.result, [form.label() for form in self.drafts()])
        self.app.push_screen(
            GradeConfirm("Close and seal this session?", body, "Close and seal"), self._confirmed
        )

    def _refused_while_saving(self, what: str) -> bool:
        """Refuse `what` while results are on their way to the record (nothing is lost)."""
        if not (waiting := self.saving.waiting()):
            return False
        problem = self.query_one(RecordSaves).problem
        self.notice(
            f"Wait before {what}: {len(waiting)} result(s) still being saved"
            + (f" ({problem}). {RETRY_FIX}" if problem else "."),
            "error",
        )
        return True

    def _confirmed(self, yes: bool | None) -> None:
        if not yes:
            return
        self.closing = True
        self.refresh_bindings()
        self.notice("Sealing the record…")
        self._close_worker()

    @work(exit_on_error=False, group="close")
    async def _close_worker(self) -> None:
        """Seal on a thread (hashes, fsync); the outcome is handled here, on the UI thread."""
        live = self.live
        assert live is not None
        try:
            event = await asyncio.to_thread(live.close, reason="closed by the assessor")
        except UserError as error:
            self._close_failed(error.message)
            return
        except Exception as error:  # never crash the app: say so and leave it open
            log.exception("closing failed")
            self._close_failed(f"{type(error).__name__}: {error}")
            return
        self._sealed(event)

    def _close_failed(self, message: str) -> None:
        self.closing = False
        self.refresh_bindings()
        self.notice(f"NOT sealed: {message}. The session is still open; ctrl+s retries.", "error")

    def _sealed(self, event: Event) -> None:
        self.closing = False
        self.sealed_here = True
        self.read_only = True
        self.chain_head = event.hash
        self.state = self._load_state()
        for form in self.forms():
            form.read_only = True
            form.disabled = True
        self.refresh_bindings()
        self.notice(f"Sealed. Final chain head {event.hash}", "ok")
        self._refresh()
        grade = self.result.grade if self.result else None
        self.app.push_screen(GradeSealed(event.hash, self.folder, grade), self._after_sealed)

    def _after_sealed(self, choice: str | None) -> None:
        if choice != "export":
            self.dismiss(True)
            return

        def written(path: Path | None) -> None:
            if path is not None:
                self.app.notify(f"Exported to {path}", timeout=10)
            self.dismiss(True)

        self.app.push_screen(GradeExport(self.folder, self.state.info.session_id), written)

    def action_export(self) -> None:
        """Write the record to a file the assessor chooses (never into the session folder)."""
        if not self.read_only:
            return

        def written(path: Path | None) -> None:
            if path is not None:
                self.notice(f"Exported to {path}", "ok")

        self.app.push_screen(GradeExport(self.folder, self.state.info.session_id), written)
