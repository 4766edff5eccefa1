"""Correcting a set-up detail after the session began: a logged `details_corrected` event.

session.json is written once and never edited; a correction is one more event in the chain,
with the previous value and the reason, and the record shows the corrected value and that it
was corrected. The value is checked as a new session's would be (`SessionInfo.corrected`).
The correction is saved on the record writer's thread (`RecordSaves`): the screen says it is
being logged and closes once it is on disk; while the record refuses it, it says so with the fix.
"""

from __future__ import annotations

from pydantic import ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioSet, Static

from discussion.live import LiveSession
from discussion.record import DetailsCorrectedData, SessionInfo
from discussion.ui.screens.record_saves import RETRY_FIX, RecordSaves
from discussion.ui.widgets.toggles import Choice
from discussion.validation import describe

FIELDS = (
    ("apprentice_name", "Apprentice name"),
    ("uln", "ULN"),
    ("assessor", "Assessor"),
    ("mode", "Mode (virtual or face-to-face)"),
    ("attempt", "Attempt"),
    ("epa_window_start", "EPA window start (YYYY-MM-DD)"),
)


def current_value(info: SessionInfo, field: str) -> str:
    """The detail as the record now reads it, as text."""
    return str(getattr(info, field))


class CorrectDetailsScreen(ModalScreen[bool]):
    """Pick the detail, type the right value and why; dismissed True once logged."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="correct.cancel", tooltip="Back, nothing logged"),
        Binding(
            "ctrl+s", "save", "Log correction", id="correct.save", tooltip="Log the correction"
        ),
    ]

    DEFAULT_CSS = """
    CorrectDetailsScreen { align: center middle; }
    CorrectDetailsScreen > Vertical {
        width: 76; max-width: 98%; height: auto; border: thick $primary; background: $surface;
        padding: 0 1;
    }
    CorrectDetailsScreen #correct-title { text-style: bold; }
    CorrectDetailsScreen RadioSet { border: none; height: auto; width: 1fr; }
    CorrectDetailsScreen Input { border: none; height: 1; padding: 0 1; background: $boost; }
    CorrectDetailsScreen Input:focus, CorrectDetailsScreen Input.-invalid:focus,
    CorrectDetailsScreen Input.-invalid { border: none; }
    CorrectDetailsScreen #correct-problem { color: $error; height: auto; }
    CorrectDetailsScreen Horizontal { height: auto; align-horizontal: right; }
    CorrectDetailsScreen Button { margin-left: 2; }
    """

    def __init__(self, live: LiveSession) -> None:
        super().__init__()
        self.live = live
        self.logging: int | None = None  # the key of the correction being saved

    def compose(self) -> ComposeResult:
        info = self.live.state().info
        with Vertical():
            yield Label("Correct a set-up detail (logged, never edited)", id="correct-title")
            with RadioSet(id="correct-field"):
                for index, (field, label) in enumerate(FIELDS):
                    yield Choice(f"{label}: {current_value(info, field)}", value=index == 0)
            yield Label("Correct value")
            yield Input(current_value(info, FIELDS[0][0]), id="correct-value")
            yield Label("Why (recorded with the correction)")
            yield Input(placeholder="e.g. ULN mistyped at set-up", id="correct-reason")
            yield Static("", id="correct-problem")
            with Horizontal():
                yield Button("Log correction (ctrl+s)", variant="primary", id="correct-save")
                yield Button("Cancel (esc)", id="correct-cancel")
        yield RecordSaves(self.live)

    @property
    def field(self) -> str:
        """The detail chosen."""
        return FIELDS[max(self.query_one(RadioSet).pressed_index, 0)][0]

    @on(RadioSet.Changed)
    def _field_changed(self) -> None:
        value = self.query_one("#correct-value", Input)
        value.value = current_value(self.live.state().info, self.field)

    @on(Input.Submitted)
    def _next(self) -> None:
        self.focus_next()

    def problem(self) -> str | None:
        """Why the correction cannot be logged as typed (None: it can)."""
        value = self.query_one("#correct-value", Input).value.strip()
        reason = self.query_one("#correct-reason", Input).value.strip()
        info = self.live.state().info
        if value == current_value(info, self.field):
            return "the value is unchanged: type the correct one"
        if not reason:
            return "say why the detail is corrected (it is recorded with it)"
        try:
            info.corrected(self.field, value)
        except ValidationError as error:
            return describe(error, SessionInfo)
        return None

    @on(Button.Pressed, "#correct-save")
    def action_save(self) -> None:
        """Check the value, then hand the correction to the record writer."""
        if self.logging is not None:
            return
        box = self.query_one("#correct-problem", Static)
        problem = self.problem()
        if problem is not None:
            box.update(f"Not logged: {problem}")
            return
        info = self.live.state().info
        data = DetailsCorrectedData.model_validate(
            {
                "field": self.field,
                "previous": current_value(info, self.field),
                "value": self.query_one("#correct-value", Input).value.strip(),
                "reason": self.query_one("#correct-reason", Input).value.strip(),
            }
        )
        self.logging = self.query_one(RecordSaves).submit(data)
        box.update("Logging the correction…")
        self._editable(False)

    def _editable(self, editable: bool) -> None:
        for widget in (*self.query(Input), *self.query(Button), self.query_one(RadioSet)):
            widget.disabled = not editable

    def on_record_saves_settled(self, message: RecordSaves.Settled) -> None:
        """On disk: closed. Refused for now: said, with the fix (retried). Given up: the
        values stay, ctrl+s tries again."""
        outcome = message.outcome
        if outcome.key != self.logging:
            return
        box = self.query_one("#correct-problem", Static)
        if outcome.retrying:
            box.update(Text(f"Not logged yet: {outcome.error}. {RETRY_FIX}"))
            return
        self.logging = None
        if outcome.saved:
            self.dismiss(True)
            return
        self._editable(True)
        box.update(Text(f"Not logged: the record could not be written ({outcome.error}). "
                        "ctrl+s tries again."))  # fmt: skip

    @on(Button.Pressed, "#correct-cancel")
    def action_cancel(self) -> None:
        """Back without logging anything (not once the correction is on its way)."""
        if self.logging is not None:
            problem = self.query_one(RecordSaves).problem
            waiting = f"Not logged yet: {problem}. {RETRY_FIX} " if problem else ""
            self.query_one("#correct-problem", Static).update(
                Text(f"{waiting}The correction is on its way: this closes once it is logged.")
            )
            return
        self.dismiss(False)
