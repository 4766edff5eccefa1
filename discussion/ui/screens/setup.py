"""Setting up a discussion: who, which attempt, the gateway, the conduct points, the audio check.

Dismissed with a `SetupResult` (the `SessionInfo` to create and the microphone) or None.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time
from pathlib import Path

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Input,
    Label,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
)

from discussion.audio import RecorderConfig
from discussion.epa_window import add_months, check_window
from discussion.errors import UserError
from discussion.preferences import load_preferences, remember_assessor
from discussion.record import SessionInfo
from discussion.settings import Settings
from discussion.standard.conduct import SessionMode
from discussion.ui.catalog import Catalog
from discussion.ui.screens.confirm import ConfirmScreen
from discussion.ui.setup_items import CONDUCT_POINTS, attempt_label, conduct_items, gateway_items
from discussion.ui.setup_items import SetupResult as SetupResult  # app, tests import it here
from discussion.ui.widgets.arrangements import ArrangementsForm
from discussion.ui.widgets.audio_check import AudioCheck, DevicesProvider, RecorderFactory
from discussion.ui.widgets.checklist import Checklist
from discussion.ui.widgets.choice_set import ChoiceSet
from discussion.ui.widgets.screen_header import ScreenHeader
from discussion.ui.widgets.toggles import Choice
from discussion.uln import check_uln
from discussion.validation import describe

MODES: tuple[tuple[SessionMode, str], ...] = (
    ("virtual", "Virtual"),
    ("face-to-face", "Face-to-face"),
)


class SetupScreen(Screen[SetupResult | None]):
    """The form the assessor completes with the apprentice before recording starts."""

    TITLE = "New discussion"

    BINDINGS = [
        Binding(
            "ctrl+s",
            "start",
            "Start recording",
            id="setup.start",
            tooltip="Check the form and start the discussion (lists anything missing)",
        ),
        Binding("escape", "cancel", "Cancel", id="setup.cancel", tooltip="Back without starting"),
        Binding(
            "f2,ctrl+o",
            "briefing",
            "Briefing",
            id="setup.briefing",
            tooltip="Write the apprentice's pre-briefing (HTML to print) for the mode chosen",
        ),
    ]

    DEFAULT_CSS = """
    SetupScreen VerticalScroll { padding: 0 1; }
    SetupScreen .section { text-style: bold; margin-top: 1; color: $accent; }
    SetupScreen .row { height: auto; }
    SetupScreen .label { width: 14; padding: 0 1 0 0; }
    SetupScreen Input { border: none; height: 1; width: 1fr; padding: 0 1; background: $boost; }
    SetupScreen Input:focus { border: none; background: $primary 30%; }
    /* Textual's invalid style is a tall border: at height 1 it hides the text being fixed. */
    SetupScreen Input.-invalid, SetupScreen Input.-invalid:focus {
        border: none; background: $error 20%;
    }
    SetupScreen #uln { width: 16; }
    SetupScreen #window-start { width: 16; }
    SetupScreen .hint { width: 1fr; padding: 0 0 0 1; color: $text-muted; }
    SetupScreen .hint.-error { color: $error; }
    SetupScreen .hint.-ok { color: $success; }
    SetupScreen RadioSet { layout: horizontal; border: none; padding: 0; width: 1fr; }
    SetupScreen RadioSet:focus { border: none; background: $boost; }
    SetupScreen RadioButton { padding: 0 2 0 0; }
    SetupScreen #attempt-note { color: $warning; text-style: bold; padding: 0 0 0 14; }
    SetupScreen #attempt-note.-hidden { display: none; }
    SetupScreen #setup-buttons { height: auto; margin: 1 0; }
    SetupScreen #setup-buttons Button { margin-right: 2; }
    SetupScreen #setup-missing {
        height: auto; max-height: 9; padding: 0 1; color: $error; background: $error 10%;
    }
    SetupScreen #setup-missing.-hidden { display: none; }
    """

    def __init__(
        self,
        catalog: Catalog,
        settings: Settings,
        *,
        recorder_config: RecorderConfig | None = None,
        recorder_factory: RecorderFactory | None = None,
        devices_provider: DevicesProvider | None = None,
        today: date | None = None,
        preferences: Path | None = None,
        previous: SetupResult | None = None,
    ) -> None:
        """`recorder_factory`, `devices_provider` and `today` are for tests and snapshots.

        `preferences`: the file remembering the assessor's name between sessions (None: nothing
        is remembered). `previous`: a set-up to correct (back from consent), shown filled in.
        """
        super().__init__()
        self.preferences = preferences
        self.previous = previous
        remembered = load_preferences(preferences).assessor if preferences else ""
        self.assessor = remembered or settings.assessor
        self.catalog = catalog
        self.settings = settings
        self.recorder_config = recorder_config
        self.recorder_factory = recorder_factory
        self.devices_provider = devices_provider
        self.today = today
        self.rules = catalog.standard.rules
        self.gateway = gateway_items(catalog.standard)
        self._attempted = False
        self._finishing = False

    def _today(self) -> date:
        return self.today or date.today()

    def _now(self) -> datetime:
        """The session's creation time on this screen's clock (a test's day at noon UTC), so
        SessionInfo's EPA-window rule is checked against the same day as the form."""
        if self.today is None:
            return datetime.now(UTC)
        return datetime.combine(self.today, time(12, 0), UTC)

    def compose(self) -> ComposeResult:
        conduct = self.catalog.standard.discussion_conduct
        yield ScreenHeader()
        with VerticalScroll(id="setup-form"):
            yield Label("Apprentice", classes="section")
            with Horizontal(classes="row"):
                yield Label("Name", classes="label")
                yield Input(placeholder="apprentice's full name", id="apprentice")
            with Horizontal(classes="row"):
                yield Label("ULN", classes="label")
                yield Input(placeholder="10 digits", id="uln", max_length=10, restrict=r"[0-9 ]*")
                yield Static("", id="uln-hint", classes="hint")
            with Horizontal(classes="row"):
                yield Label("Assessor", classes="label")
                yield Input(self.assessor, placeholder="your name", id="assessor")
            yield Label("Discussion", classes="section")
            with Horizontal(classes="row"):
                yield Label("Mode", classes="label")
                with ChoiceSet(id="mode"):
                    for _value, text in MODES:
                        yield Choice(text)
            with Horizontal(classes="row"):
                yield Label("Attempt", classes="label")
                with ChoiceSet(id="attempt"):
                    for number in range(1, self.rules.max_attempts + 1):
                        yield Choice(attempt_label(number), value=number == 1)
            yield Static("", id="attempt-note", classes="-hidden")
            with Horizontal(classes="row"):
                yield Label("EPA window", classes="label")
                yield Input(placeholder="YYYY-MM-DD", id="window-start", max_length=10)
                yield Static(
                    "start date of the one-month EPA period", id="window-hint", classes="hint"
                )
            yield Checklist(
                "Gateway (declaration form, Annexe B)",
                self.gateway,
                hint="Tick each item seen on the signed declaration.",
                id="gateway",
            )
            yield Checklist(
                "Conduct (specification)",
                conduct_items(self.catalog.standard),
                hint=f"Confirm with the apprentice. The discussion lasts at most "
                f"{conduct.max_minutes} minutes.",
                id="conduct",
            )
            yield ArrangementsForm(self.catalog.standard.conduct, id="arrangements")
            yield Label("Audio check", classes="section")
            yield AudioCheck(
                preferred_device=self.settings.device,
                recorder_config=self.recorder_config,
                recorder_factory=self.recorder_factory,
                devices_provider=self.devices_provider,
                id="audio-check",
            )
            with Horizontal(id="setup-buttons"):
                yield Button("Start recording (ctrl+s)", variant="primary", id="setup-start")
                yield Button("Cancel (esc)", id="setup-cancel")
        yield Static("", id="setup-missing", classes="-hidden")
        yield Footer()

    def on_mount(self) -> None:
        """Start with the apprentice's name (with the details to correct, if any)."""
        if self.previous is not None:
            self._fill(self.previous)
        self.query_one("#apprentice").focus()
        self._attempt_changed()

    def _fill(self, previous: SetupResult) -> None:
        """Show a set-up again (back from consent): every detail and tick as it was; the audio
        check is done again (the device was let go)."""
        info = previous.info
        self.query_one("#apprentice", Input).value = info.apprentice_name
        self.query_one("#uln", Input).value = info.uln
        self.query_one("#assessor", Input).value = info.assessor
        self.query_one("#window-start", Input).value = info.epa_window_start.isoformat()
        modes = [value for value, _text in MODES]
        choices = (("#mode", modes.index(info.mode)), ("#attempt", info.attempt - 1))
        for selector, index in choices:
            buttons = list(self.query_one(selector, RadioSet).query(RadioButton))
            if 0 <= index < len(buttons):
                buttons[index].value = True
        ticked = {*previous.gateway, *previous.conduct}  # the labels confirmed
        for checklist in self.query(Checklist):
            for item in checklist.items:
                checklist.box(item.key).value = item.label in ticked
        self.query_one(ArrangementsForm).fill(previous.mode_agreed_by, previous.adjustments)

    # ------------------------------------------------------------------ live feedback
    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    @on(Input.Changed, "#uln")
    def _uln_changed(self, event: Input.Changed) -> None:
        hint = self.query_one("#uln-hint", Static)
        if not event.value.strip():
            self._hint(hint, "", "")
            event.input.remove_class("-invalid")
            return
        result = check_uln(event.value, self.catalog.standard.uln)
        if result.ok:
            self._hint(hint, "✓ valid ULN", "-ok")
        elif len(event.value.strip()) < self.catalog.standard.uln.length:
            self._hint(hint, f"{len(event.value.strip())} of 10 digits", "")
        else:
            self._hint(hint, f"✗ {result.reason}", "-error")
        event.input.set_class(not result.ok and hint.has_class("-error"), "-invalid")

    @on(Input.Changed, "#window-start")
    def _window_changed(self, event: Input.Changed) -> None:
        hint = self.query_one("#window-hint", Static)
        if len(event.value.strip()) < 10:
            self._hint(hint, "start date of the one-month EPA period", "")
            event.input.remove_class("-invalid")
            return
        start, problem = check_window(event.value, self._today())
        if start is not None:
            self._hint(
                hint, f"✓ window {start.isoformat()} to {add_months(start).isoformat()}", "-ok"
            )
        else:
            self._hint(hint, f"✗ {problem}", "-error")
        event.input.set_class(start is None, "-invalid")

    @on(RadioSet.Changed, "#attempt")
    def _attempt_changed(self) -> None:
        attempt = self._attempt()
        note = self.query_one("#attempt-note", Static)
        counts = attempt in self.rules.distinction_counts_on_attempts
        note.set_class(counts, "-hidden")
        if not counts:
            note.update(
                f"⚠ Attempt {attempt}: distinction criteria will not count on this attempt; "
                "the grade is capped at Pass."
            )

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(RadioSet.Changed)
    @on(AudioCheck.Changed)
    @on(SelectionList.SelectedChanged)
    def _form_changed(self) -> None:
        if self._attempted:
            self._show_missing(self.missing())

    @staticmethod
    def _hint(widget: Static, text: str, style: str) -> None:
        widget.update(text)
        widget.set_class(style == "-ok", "-ok")
        widget.set_class(style == "-error", "-error")

    # ------------------------------------------------------------------ reading the form
    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def _attempt(self) -> int:
        return self.query_one("#attempt", RadioSet).pressed_index + 1

    def _mode(self) -> SessionMode | None:
        index = self.query_one("#mode", RadioSet).pressed_index
        return MODES[index][0] if index >= 0 else None

    def missing(self) -> list[str]:
        """Everything that stops the discussion from starting, in form order."""
        problems = []
        if not self._value("#apprentice"):
            problems.append("apprentice name")
        uln = check_uln(self._value("#uln"), self.catalog.standard.uln)
        if not uln.ok:
            problems.append(f"ULN: {uln.reason}")
        if not self._value("#assessor"):
            problems.append("assessor name")
        if self._mode() is None:
            problems.append("mode: virtual or face-to-face")
        if self._attempt() < 1:
            problems.append("attempt")
        _start, window = check_window(self._value("#window-start"), self._today())
        if window:
            problems.append(f"EPA window: {window}")
        problems += self.query_one("#gateway", Checklist).missing()
        problems += self.query_one("#conduct", Checklist).missing()
        problems += self.query_one(ArrangementsForm).missing()
        problems += self.query_one(AudioCheck).problems()
        return problems

    def _show_missing(self, problems: list[str]) -> None:
        """One line per kind of problem: `gateway: a, b` rather than a line per checkbox."""
        lines: dict[str, list[str]] = {}
        for problem in problems:
            head, _, rest = problem.partition(": ")
            if head in ("gateway", "conduct") and rest:
                lines.setdefault(head, []).append(rest)
            else:
                lines.setdefault(problem, [])
        sizes = {"gateway": len(self.gateway), "conduct": len(CONDUCT_POINTS)}
        for head, size in sizes.items():
            if len(lines.get(head, [])) == size > 1:
                lines[head] = [f"nothing ticked yet ({size} items)"]
        text = "\n".join(
            f"• {head}: {', '.join(parts)}" if parts else f"• {head}"
            for head, parts in lines.items()
        )
        box = self.query_one("#setup-missing", Static)
        box.set_class(not problems, "-hidden")
        box.update(f"Before starting ({len(problems)} missing):\n{text}" if problems else "")

    def _first_problem(self) -> Widget | None:
        """The field to fix first, in form order."""
        if not self._value("#apprentice"):
            return self.query_one("#apprentice")
        if not check_uln(self._value("#uln"), self.catalog.standard.uln).ok:
            return self.query_one("#uln")
        if not self._value("#assessor"):
            return self.query_one("#assessor")
        if self._mode() is None:
            return self.query_one("#mode")
        if check_window(self._value("#window-start"), self._today())[1]:
            return self.query_one("#window-start")
        for checklist in self.query(Checklist):
            box = checklist.first_unticked()
            if box is not None:
                return box
        return self.query_one(ArrangementsForm).first_problem() or (
            self.query_one(AudioCheck).problem_widget()
        )

    def build_info(self) -> SessionInfo:
        """The session the form describes (call only when `missing()` is empty)."""
        standard, bank = self.catalog.standard, self.catalog.bank
        audio = self.query_one(AudioCheck)
        start, _problem = check_window(self._value("#window-start"), self._today())
        extra: dict[str, object] = {}
        if audio.notes_only:
            extra = {"audio": False, "no_audio_reason": audio.no_audio_reason}
        return SessionInfo.model_validate(
            {
                "kind": "assessment",
                "created_at": self._now(),
                "apprentice_name": self._value("#apprentice"),
                "uln": check_uln(self._value("#uln"), standard.uln).uln,
                "assessor": self._value("#assessor"),
                "mode": self._mode(),
                "attempt": self._attempt(),
                "epa_window_start": start,
                "standard_version": standard.version,
                "standard_hash": standard.content_hash,
                "bank_version": bank.version,
                "bank_hash": bank.content_hash,
                "reaction_lag_s": self.settings.reaction_lag_s,
                **extra,
            }
        )

    # ------------------------------------------------------------------ actions
    @on(Button.Pressed, "#setup-start")
    def action_start(self) -> None:
        """Validate; list what is missing, or hand the session over to be created."""
        if self._finishing:
            return
        self._attempted = True
        problems = self.missing()
        self._show_missing(problems)
        if problems:
            target = self._first_problem()
            if target is not None:
                target.focus()
                target.scroll_visible()
            return
        try:
            info = self.build_info()
        except ValidationError as error:
            self._show_missing([describe(error, SessionInfo)])  # the field and the fix
            return
        audio = self.query_one(AudioCheck)
        device = None if audio.notes_only else audio.device_name
        self._finishing = True
        if audio.notes_only:
            audio_check = "notes only: " + audio.no_audio_reason
        elif audio.heard:
            audio_check = "speech heard by the level check"
        else:
            audio_check = "the assessor heard the apprentice clearly"
        result = SetupResult(
            info,
            device,
            gateway=tuple(item.label for item in self.gateway),
            conduct=tuple(item.label for item in conduct_items(self.catalog.standard)),
            audio_check=audio_check,
            mode_agreed_by=self.query_one(ArrangementsForm).agreed_by,
            adjustments=tuple(self.query_one(ArrangementsForm).adjustments()),
        )
        self._finish(result, audio)

    @work(exit_on_error=False, group="setup-briefing")
    async def action_briefing(self) -> None:
        """Write the pre-briefing for the mode chosen (either mode if none yet), off the UI
        thread, and say where it is."""
        from discussion.briefing import save_for_printing

        try:
            path = await asyncio.to_thread(save_for_printing, self.catalog.standard, self._mode())
        except (OSError, UserError) as error:
            self.notify(f"Pre-briefing not written: {error}", severity="error", timeout=15)
            return
        self.notify(f"Pre-briefing for the apprentice written: {path}", timeout=20)

    @on(Button.Pressed, "#setup-cancel")
    def action_cancel(self) -> None:
        """Leave without starting; asks first when something was typed."""
        if self._finishing:
            return
        if not (self._value("#apprentice") or self._value("#uln")):
            self._finishing = True
            self._finish(None, self.query_one(AudioCheck))
            return

        def answered(discard: bool | None) -> None:
            if discard and not self._finishing:
                self._finishing = True
                self._finish(None, self.query_one(AudioCheck))

        self.app.push_screen(
            ConfirmScreen(
                "Discard this set-up?",
                "Nothing has been recorded or saved yet.",
                yes="Discard",
                no="Keep editing",
            ),
            answered,
        )

    @work(exit_on_error=False, group="setup-finish")
    async def _finish(self, result: SetupResult | None, audio: AudioCheck) -> None:
        """Release the microphone (on a thread: PortAudio blocks) before the app starts the
        real recording, remember the assessor's name (fsync: on a thread too), then close."""
        await asyncio.to_thread(audio.stop_check)
        if result is not None and self.preferences is not None:
            await asyncio.to_thread(remember_assessor, result.info.assessor, self.preferences)
        self.dismiss(result)
