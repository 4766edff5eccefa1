"""Consent, asked on the recording: the assessor reads a short notice aloud and records the answer.

The app starts the recording before showing this screen, so the notice and the apprentice's
answer are on the audio. "Apprentice agreed" appends a `consent_recorded` event (its offset is on
the recording's sample clock) and dismisses with True; "Apprentice declined" asks to confirm,
appends a `consent_declined` event (the moment of the answer, and the notice read) and
dismisses with False: the discussion does not go ahead and is not an attempt. Either answer is
saved on the record writer's thread (`RecordSaves`): the screen says it is saving, and moves on
only once the answer is on disk; while the record refuses it, it says so with the fix.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Label, Static

from discussion.audio import Level, RecorderState, Started
from discussion.live import LiveSession
from discussion.record.events import ConsentDeclinedData, ConsentRecordedData
from discussion.standard import Standard
from discussion.ui.messages import RecorderReported
from discussion.ui.screens.confirm import ConfirmScreen
from discussion.ui.screens.record_saves import RETRY_FIX, RecordSaves
from discussion.ui.widgets.level_meter import LevelMeter
from discussion.ui.widgets.screen_header import ScreenHeader

STATE_TEXT = {
    RecorderState.IDLE: ("○ not recording", "-warn"),
    RecorderState.WAITING: ("◌ waiting for audio…", "-warn"),
    RecorderState.RECORDING: ("● recording", "-ok"),
    RecorderState.PAUSED: ("❚❚ paused", "-warn"),
    RecorderState.DEVICE_LOST: ("⚠ microphone lost: no audio is arriving", "-error"),
    RecorderState.STOPPED: ("■ recording stopped", "-error"),
}


def consent_notice(has_audio: bool, max_minutes: int) -> str:
    """What the assessor reads aloud (the project's own words); also the consent statement."""
    confidential = (
        "The questions I ask are confidential: please do not share them with anyone. "
        "When you give examples from your work, please do not name or otherwise identify "
        "customers or colleagues. "
    )
    if has_audio:
        return (
            "Before we start: this Professional Discussion is being audio recorded from now "
            f"until the end, which is at most {max_minutes} minutes. The recording and my notes "
            "support my assessment decisions, and the assessment organisation's quality "
            "assurance team may listen to it to check that the assessment was fair and "
            "accurate. Only people involved in your assessment and its quality assurance will "
            "hear it. It is stored securely and kept for as long as the organisation's "
            "retention policy requires, then deleted. "
            + confidential
            + "Do you agree to the discussion being recorded?"
        )
    return (
        "Before we start: this Professional Discussion is not audio recorded. I will take "
        f"written notes of what you say during the discussion, which lasts at most {max_minutes} "
        "minutes. The notes support my assessment decisions, and the assessment "
        "organisation's quality assurance team may read them to check that the assessment was "
        "fair and accurate. They are stored securely and kept for as long as the "
        "organisation's retention policy requires, then deleted. "
        + confidential
        + "Do you agree to notes being taken?"
    )


LEAD = "Read this to the apprentice, then record the answer:"


class ConsentScreen(Screen[bool | None]):
    """The consent notice, the recording status and level, and the apprentice's answer.

    Dismissed with None to go back to set-up and correct the details (before consent only).
    """

    TITLE = "Consent"
    AUTO_FOCUS = None  # Enter must never answer for the apprentice: only a or d

    BINDINGS = [
        Binding(
            "a",
            "agreed",
            "Apprentice agreed",
            id="consent.agreed",
            tooltip="Record the apprentice's consent at this point of the recording and begin",
        ),
        Binding(
            "d",
            "declined",
            "Apprentice declined",
            id="consent.declined",
            tooltip="The apprentice does not agree: the discussion does not go ahead",
        ),
        Binding(
            "escape",
            "back_to_setup",
            "Back to set-up",
            id="consent.back",
            tooltip="Correct the set-up details (kept); this start and its audio are discarded",
        ),
    ]

    DEFAULT_CSS = """
    ConsentScreen #consent-bar { height: 1; padding: 0 1; }
    ConsentScreen #consent-status { width: auto; padding: 0 2 0 0; text-style: bold; }
    ConsentScreen #consent-status.-ok { color: $success; }
    ConsentScreen #consent-status.-warn { color: $warning; }
    ConsentScreen #consent-status.-error { color: $error; }
    ConsentScreen #consent-meter { width: 1fr; }
    ConsentScreen #consent-lead { padding: 1 1 0 1; color: $text-muted; }
    ConsentScreen #consent-lead.-error { color: $error; text-style: bold; }
    ConsentScreen #consent-notice {
        border: round $primary; padding: 0 1; margin: 0 1; height: auto;
    }
    ConsentScreen #consent-buttons { height: auto; padding: 1 1 0 1; }
    ConsentScreen #consent-buttons Button { margin-right: 2; }
    """

    def __init__(self, live: LiveSession, standard: Standard) -> None:
        super().__init__()
        self.live = live
        self.standard = standard
        self.notice = consent_notice(live.has_audio, standard.discussion_conduct.max_minutes)
        self.recorded = False
        self.answering: tuple[int, bool] | None = None  # the answer being saved (key, agreed)

    def compose(self) -> ComposeResult:
        yield ScreenHeader()
        with Horizontal(id="consent-bar"):
            yield Label("", id="consent-status")
            if self.live.has_audio:
                yield LevelMeter(id="consent-meter")
        with VerticalScroll():
            yield Static(LEAD, id="consent-lead")
            yield Static(self.notice, id="consent-notice")
            with Horizontal(id="consent-buttons"):
                yield Button("Apprentice agreed (a)", variant="success", id="consent-agreed")
                yield Button("Apprentice declined (d)", variant="error", id="consent-declined")
        yield RecordSaves(self.live)
        yield Footer()

    def on_mount(self) -> None:
        """Show the recorder's state now and every 0.2 s."""
        self._show_state()
        if self.live.has_audio:
            self.set_interval(0.2, self._show_state)

    def _show_state(self) -> None:
        status = self.query_one("#consent-status", Label)
        if not self.live.has_audio:
            text, style = "Notes-only session: nothing is audio recorded", "-warn"
        else:
            text, style = STATE_TEXT.get(self.live.recorder_state, ("?", "-warn"))
        status.update(text)
        for name in ("-ok", "-warn", "-error"):
            status.set_class(name == style, name)

    def on_recorder_reported(self, message: RecorderReported) -> None:
        """Recorder news forwarded by the app: the level, and recording confirmed."""
        message.stop()  # handled here; never bubble back to the app that forwarded it
        event = message.event
        if isinstance(event, Level) and self.live.has_audio:
            self.query_one(LevelMeter).set_level(event.rms_dbfs, event.peak_dbfs)
        elif isinstance(event, Started):
            self._show_state()

    @on(Button.Pressed, "#consent-agreed")
    def action_agreed(self) -> None:
        """Log the consent at this moment of the recording, then begin the discussion."""
        if self.recorded or self.answering is not None:
            return
        if self.live.has_audio and self.live.recorder_state is not RecorderState.RECORDING:
            self.notify(
                "The recording is not running yet: wait for ● recording so that the consent "
                "is on the recording.",
                severity="warning",
            )
            return
        data = ConsentRecordedData(recording=self.live.recording, statement=self.notice)
        self._answer(data, agreed=True)

    def _answer(self, data: ConsentRecordedData | ConsentDeclinedData, *, agreed: bool) -> None:
        """Hand the answer to the record writer; the screen waits (saying so) until it is saved."""
        key = self.query_one(RecordSaves).submit(data)
        self.answering = (key, agreed)
        self._lead(f"Saving the {'consent' if agreed else 'decline'}…")
        for button in self.query(Button):
            button.disabled = True

    def _lead(self, text: str, *, error: bool = False) -> None:
        lead = self.query_one("#consent-lead", Static)
        lead.update(Text(text))
        lead.set_class(error, "-error")

    def on_record_saves_settled(self, message: RecordSaves.Settled) -> None:
        """The answer is on disk: go on. Refused for now: said, with the fix (it is retried).
        Given up: agreeing can be tried again; a decline still ends the session."""
        outcome = message.outcome
        if self.answering is None or outcome.key != self.answering[0]:
            return
        agreed = self.answering[1]
        what = "consent" if agreed else "decline"
        if outcome.retrying:
            self._lead(f"The {what} is NOT saved yet: {outcome.error}. {RETRY_FIX}", error=True)
            self.app.bell()
            return
        self.answering = None
        if outcome.saved:
            self.recorded = True
            self.dismiss(agreed)
            return
        if not agreed:  # closing then seals the session as declined
            self.notify(
                f"The decline could not be logged ({outcome.error}); the session is still "
                "closed as declined.",
                severity="warning",
                timeout=15,
                markup=False,
            )
            self.recorded = True
            self.dismiss(False)
            return
        self._lead(f"Consent NOT saved ({outcome.error}): press a to try again.", error=True)
        for button in self.query(Button):
            button.disabled = False

    def action_back_to_setup(self) -> None:
        """Confirm, then go back to set-up with the details kept (nothing consented yet)."""
        if self.answering is not None:  # the answer is already on its way to the record
            self.notify("The answer is being saved: it can no longer be undone.", timeout=5)
            return

        def answered(back: bool | None) -> None:
            if back and not self.recorded and self.answering is None:
                self.recorded = True  # no consent can be logged after this
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                "Back to set-up to correct the details?",
                "The details stay filled in. This start is discarded: the apprentice has not "
                "agreed yet, so its few seconds of audio are deleted.",
                yes="Back to set-up",
                no="Stay",
            ),
            answered,
        )

    @on(Button.Pressed, "#consent-declined")
    def action_declined(self) -> None:
        """Confirm, then end without a discussion."""
        if self.recorded or self.answering is not None:
            return

        def answered(declined: bool | None) -> None:
            if not declined or self.recorded or self.answering is not None:
                return
            # The record says when and to what; closing then seals it as not held.
            data = ConsentDeclinedData(recording=self.live.has_audio, statement=self.notice)
            self._answer(data, agreed=False)

        what = "recording" if self.live.has_audio else "notes"
        self.app.push_screen(
            ConfirmScreen(
                "The apprentice declined?",
                f"The apprentice does not agree to the {what}. The discussion will not go ahead.",
                yes="Declined",
                no="Back",
            ),
            answered,
        )
