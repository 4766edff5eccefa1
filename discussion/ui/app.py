"""The Textual application: the flow from home to set-up, discussion, decisions and grade.

The app owns at most one `LiveSession` (the discussion being recorded). Its recorder reports
from its own threads through `post_message`; the app hands those messages to the screen on top.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.widgets import Input

from discussion.errors import UserError
from discussion.paths import data_home
from discussion.settings import Settings, load_settings
from discussion.ui.catalog import Catalog
from discussion.ui.commands import AppCommands, BrowserCommands
from discussion.ui.messages import (
    BrowserRequested,
    EventLogged,
    NewDiscussionRequested,
    RecorderReported,
    SessionOpenRequested,
    SessionResumeRequested,
)
from discussion.ui.screens.browser import BrowserScreen
from discussion.ui.screens.help import HelpScreen
from discussion.ui.screens.home import HomeScreen

if TYPE_CHECKING:
    # The live-discussion modules (numpy, PortAudio, the recorder) load on first use, so the
    # home screen paints without waiting for them.
    from discussion.audio import RecorderConfig, RecorderEvent
    from discussion.live import LiveSession
    from discussion.record import Event
    from discussion.ui.screens.discussion import Clock
    from discussion.ui.screens.setup import SetupResult

log = logging.getLogger(__name__)


class DiscussionApp(App[None]):
    """The assessor's app."""

    TITLE = "discussion"
    SUB_TITLE = "CSP Level 2 · Professional Discussion"
    COMMANDS = App.COMMANDS | {AppCommands, BrowserCommands}

    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help", tooltip="Keys and how to use the app"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", tooltip="Leave the app"),
    ]

    def __init__(
        self,
        catalog: Catalog,
        *,
        settings: Settings | None = None,
        home: Path | None = None,
        cursor_blink: bool = True,
        recorder_config: RecorderConfig | None = None,
        clock: Clock | None = None,
        start_on_browser: bool = False,
    ) -> None:
        super().__init__()
        self.catalog = catalog
        self.settings = settings or Settings()
        self.home = home
        # Snapshot tests turn blinking off so every frame is the same.
        self.cursor_blink = cursor_blink
        self._recorder_config = recorder_config
        self.clock = clock
        self.start_on_browser = start_on_browser
        self.live: LiveSession | None = None

    @property
    def recorder_config(self) -> RecorderConfig:
        """The recorder's settings (built on first use: importing the recorder loads numpy)."""
        if self._recorder_config is None:
            from discussion.audio import RecorderConfig

            self._recorder_config = RecorderConfig(silence_after_s=self.settings.silence_alarm_s)
        return self._recorder_config

    # ------------------------------------------------------------------ start and stop
    def on_mount(self) -> None:
        """Open the home screen (or the browser, for the browser's own tests)."""
        if self.start_on_browser:
            self.push_screen(BrowserScreen(self.catalog))
        else:
            self.push_screen(HomeScreen(self.catalog, self.home))

    def on_unmount(self) -> None:
        """Never leave a recorder running: stop it and leave the session resumable."""
        live, self.live = self.live, None
        if live is not None:
            try:
                live.release()
            except Exception:
                log.exception("releasing the live session failed")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Apply the app's blink setting to a text box as it takes focus."""
        if isinstance(event.widget, Input) and event.widget.cursor_blink != self.cursor_blink:
            event.widget.cursor_blink = self.cursor_blink

    # ------------------------------------------------------------------ help
    def action_help(self) -> None:
        """Show every binding of the current screen and the app."""
        if isinstance(self.screen, HelpScreen):
            return
        rows = []
        for active in self.screen.active_bindings.values():
            binding = active.binding
            rows.append(
                (
                    binding.key_display or binding.key,
                    binding.description or binding.action,
                    binding.tooltip,
                )
            )
        self.push_screen(HelpScreen(rows))

    # ------------------------------------------------------------------ navigation
    def on_browser_requested(self, _message: BrowserRequested) -> None:
        """Open the standard and bank browser over the current screen."""
        self.push_screen(BrowserScreen(self.catalog))

    def on_new_discussion_requested(self, _message: NewDiscussionRequested) -> None:
        """Set-up first; recording starts when it is complete."""
        if self.live is not None:
            self.notify("A discussion is already open.", severity="error")
            return
        from discussion.ui.screens.setup import SetupScreen

        self.push_screen(
            SetupScreen(self.catalog, self.settings, recorder_config=self.recorder_config),
            self._setup_done,
        )

    def _setup_done(self, result: SetupResult | None) -> None:
        if result is None:
            return
        from discussion.audio import AudioUnavailable
        from discussion.live import LiveSession
        from discussion.record import RecordError, SetupConfirmedData
        from discussion.ui.screens.consent import ConsentScreen

        try:
            live = LiveSession.create(
                result.info,
                self.home,
                device=result.device,
                config=self.recorder_config,
                listener=self._from_session,
            )
            live.append(
                SetupConfirmedData(
                    gateway=list(result.gateway),
                    conduct=list(result.conduct),
                    audio_check=result.audio_check,
                )
            )
        except (OSError, RecordError, UserError) as error:
            self.notify(f"Could not create the session: {error}", severity="error", timeout=15)
            return
        self.live = live
        if live.has_audio:
            try:
                live.start_recording()
            except (AudioUnavailable, OSError) as error:
                message = error.message if isinstance(error, UserError) else str(error)
                self._recording_failed(live, message)
                return
        self.push_screen(ConsentScreen(live, self.catalog.standard), self._consent_given)

    def _recording_failed(self, live: LiveSession, message: str) -> None:
        """No recording, so no discussion: undo the empty session and go back to set-up."""
        self.live = None
        try:
            live.abandon_start()
        except Exception:  # the session stays interrupted and can be recovered later
            log.exception("abandoning a session whose recording did not start")
        self.notify(
            f"Recording did not start: {message} Check the microphone, or choose a notes-only "
            "session in set-up.",
            severity="error",
            timeout=20,
        )
        self.post_message(NewDiscussionRequested())

    def _consent_given(self, agreed: bool | None) -> None:
        live = self.live
        if live is None:
            return
        if not agreed:
            self.notify(
                "Consent declined: the session is closed and nothing more is recorded.",
                severity="warning",
                timeout=10,
            )
            self._close_declined(live)
            return
        self._open_discussion(live)

    @work(thread=True, exit_on_error=False, group="session")
    def _close_declined(self, live: LiveSession) -> None:
        live.close("consent declined")
        self.live = None

    def _open_discussion(self, live: LiveSession) -> None:
        from discussion.ui.screens.discussion import DiscussionScreen

        self.push_screen(
            DiscussionScreen(live, self.catalog, self.settings, clock=self.clock),
            self._discussion_ended,
        )

    def _discussion_ended(self, ended: bool | None) -> None:
        live = self.live
        if live is None or not ended:
            return
        from discussion.ui.screens.decisions import DecisionsScreen

        self.push_screen(DecisionsScreen(live, self.catalog.standard), self._decisions_done)

    def _decisions_done(self, to_grade: bool | None) -> None:
        live = self.live
        if live is None or not to_grade:
            return
        from discussion.ui.screens.grade import GradeScreen

        self.push_screen(GradeScreen(live, self.catalog.standard), self._grade_done)

    def _grade_done(self, closed: bool | None) -> None:
        if closed:
            self.live = None
            self._back_home()
        elif self.live is not None:
            from discussion.ui.screens.decisions import DecisionsScreen

            self.push_screen(
                DecisionsScreen(self.live, self.catalog.standard), self._decisions_done
            )

    def _back_home(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if isinstance(self.screen, HomeScreen):
            self.screen.action_refresh()

    def on_session_resume_requested(self, message: SessionResumeRequested) -> None:
        """Resume an interrupted discussion: recover it, continue the timeline, go on."""
        if self.live is not None:
            self.notify("A discussion is already open.", severity="error")
            return
        self._resume(message.folder)

    @work(thread=True, exit_on_error=False, group="session")
    def _resume(self, folder: Path) -> None:
        from discussion.audio import AudioUnavailable
        from discussion.live import LiveSession
        from discussion.record import RecordError
        from discussion.ui.screens.consent import ConsentScreen

        try:
            live = LiveSession.resume(
                folder,
                config=self.recorder_config,
                device=self.settings.device,
                listener=self._from_session,
            )
        except (OSError, RecordError, UserError) as error:
            self.call_from_thread(
                self.notify, f"Could not resume: {error}", severity="error", timeout=15
            )
            return
        self.live = live
        ended = any(
            e.type == "recording_stopped" and e.data.get("reason") == "discussion ended"
            for e in live.record.events
        )
        if ended:
            self.call_from_thread(self._discussion_ended, True)
            return
        if live.has_audio:
            try:
                live.start_recording()
            except (AudioUnavailable, OSError) as error:
                text = error.message if isinstance(error, UserError) else str(error)
                self.call_from_thread(
                    self.notify, f"Recording did not start: {text}", severity="error", timeout=20
                )
        consent = live.record.state().consent
        if consent:
            self.call_from_thread(self._open_discussion, live)
        else:
            self.call_from_thread(
                self.push_screen, ConsentScreen(live, self.catalog.standard), self._consent_given
            )

    def on_session_open_requested(self, message: SessionOpenRequested) -> None:
        """A closed session: show its result read-only, with export."""
        from discussion.record import RecordError
        from discussion.ui.screens.grade import GradeScreen

        try:
            screen = GradeScreen.for_closed(message.folder, self.catalog.standard)
        except (OSError, RecordError, UserError) as error:
            self.notify(f"Could not open the session: {error}", severity="error", timeout=15)
            return
        self.push_screen(screen)

    # ------------------------------------------------------------------ recorder → screens
    def _from_session(self, item: RecorderEvent | Event) -> None:
        """Listener of the live session; runs on recorder threads or the UI thread."""
        from discussion.record import Event

        if isinstance(item, Event):
            self.post_message(EventLogged(item))
        else:
            self.post_message(RecorderReported(item))

    def on_recorder_reported(self, message: RecorderReported) -> None:
        """Hand recorder news to the screen on top (the meter, the banner)."""
        if self.screen_stack:
            self.screen.post_message(RecorderReported(message.event))

    def on_event_logged(self, message: EventLogged) -> None:
        """Hand log news to the screen on top."""
        if self.screen_stack:
            self.screen.post_message(EventLogged(message.event))

    def on_worker_state_changed(self, event: object) -> None:
        """Failures of background work are shown in one place, never as a traceback."""
        from textual.worker import Worker, WorkerState

        worker = getattr(event, "worker", None)
        state = getattr(event, "state", None)
        if isinstance(worker, Worker) and state == WorkerState.ERROR:
            error = worker.error
            log.error("background task %s failed: %r", worker.name, error)
            text = (
                error.message
                if isinstance(error, UserError)
                else f"{type(error).__name__}: {error}"
            )
            self.notify(f"{worker.name or 'task'} failed: {text}", severity="error", timeout=20)


def run_app() -> int:
    """Load the catalog and settings (failing with a one-line error) and run the app."""
    try:
        catalog = Catalog.load()
        settings = load_settings()
        log_dir = data_home() / "logs"
        log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except UserError as error:
        print(f"discussion: error: {error.message}", file=sys.stderr)
        return error.exit_code
    logging.basicConfig(
        filename=log_dir / "app.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    with _native_stderr_to_log(log_dir / "native.log"):
        DiscussionApp(catalog, settings=settings).run()
    return 0


@contextlib.contextmanager
def _native_stderr_to_log(log_path: Path) -> Iterator[None]:
    """PortAudio and ALSA print to fd 2, which is garbage over a TUI: send fd 2 to a log.

    Textual draws on `sys.__stderr__` (fd 2) too, so it gets a duplicate of the terminal first.
    """
    from discussion.native_stderr import redirect_native_stderr

    original = sys.__stderr__
    terminal = os.fdopen(os.dup(2), "w", encoding="utf-8", errors="replace")
    sys.__stderr__ = terminal  # type: ignore[misc]
    try:
        with redirect_native_stderr(log_path):
            yield
    finally:
        sys.__stderr__ = original  # type: ignore[misc]
        terminal.close()
