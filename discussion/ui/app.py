"""The Textual application: start-up, navigation from home, help and quit, and the recorder's
news handed to the screen on top. The session flow itself (set-up to the sealed record, and
the one `LiveSession`) is its base, `discussion.ui.session_flow.SessionFlowApp`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from discussion.errors import UserError
from discussion.paths import logs_dir
from discussion.settings import Settings, load_settings, settings_path
from discussion.ui.catalog import Catalog
from discussion.ui.commands import AppCommands, BrowserCommands
from discussion.ui.keymap import apply_keymap, check_keymap
from discussion.ui.messages import (
    BrowserRequested,
    EventLogged,
    NewDiscussionRequested,
    RecorderReported,
    SessionOpenRequested,
    SessionResumeRequested,
)
from discussion.ui.screens.home import HomeScreen
from discussion.ui.screens.transcribe import (
    EngineSource,
    TranscriptionHost,
    Transcriptions,
    WhisperSource,
)
from discussion.ui.session_flow import SessionFlowApp

if TYPE_CHECKING:
    # The live-discussion modules (numpy, PortAudio, the recorder) load on first use, so the
    # home screen paints without waiting for them.
    from discussion.audio import RecorderConfig
    from discussion.ui.screens.discussion import Clock
    from discussion.ui.widgets.audio_check import DevicesProvider, RecorderFactory

log = logging.getLogger(__name__)


class CatalogLoadFailed(Message):
    """The deferred catalog (the bundled standard or bank) could not be loaded."""

    def __init__(self, error: UserError) -> None:
        super().__init__()
        self.error = error


class DiscussionApp(SessionFlowApp, TranscriptionHost):
    """The assessor's app."""

    TITLE = "discussion"
    SUB_TITLE = "CSP Level 2 · Professional Discussion"
    COMMANDS = App.COMMANDS | {AppCommands, BrowserCommands}

    BINDINGS = [
        Binding("f1,ctrl+g", "help", "Help", id="app.help", tooltip="Keys and how to use the app"),
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
        check_recorder_factory: RecorderFactory | None = None,
        devices_provider: DevicesProvider | None = None,
        engine_source: EngineSource | None = None,
    ) -> None:
        """`check_recorder_factory` and `devices_provider` replace the set-up's audio check
        (tests); `engine_source` the speech engine transcripts are made with (tests)."""
        super().__init__(
            catalog,
            settings or Settings(),
            home=home,
            recorder_config=recorder_config,
            clock=clock,
            check_recorder_factory=check_recorder_factory,
            devices_provider=devices_provider,
        )
        apply_keymap(self, self.settings.keymap)  # checked by run_app (check_keymap)
        # Snapshot tests turn blinking off so every frame is the same.
        self.cursor_blink = cursor_blink
        self.start_on_browser = start_on_browser
        # Why the app stopped itself at start-up (run_app prints it on one line).
        self.start_error: UserError | None = None
        # Background transcriptions of sealed records (issue 11): ui/screens/transcribe.py
        self.transcriptions = Transcriptions(
            self,
            engine_source or WhisperSource(),
            assessor=self.settings.assessor,
            rtf=self.settings.transcript_rtf,
        )

    # ------------------------------------------------------------------ start and stop
    def on_mount(self) -> None:
        """Open the home screen (or the browser, for the browser's own tests)."""
        if self.start_on_browser:
            from discussion.ui.screens.browser import BrowserScreen

            self.push_screen(BrowserScreen(self.catalog))
        else:
            self.push_screen(HomeScreen(self.catalog, self.home))
        # A deferred catalog (run_app) loads once the first frame is on the screen.
        self.call_after_refresh(self.call_after_refresh, self._preload_catalog)

    def _preload_catalog(self) -> None:
        self.run_worker(self._load_catalog, thread=True, group="catalog", exit_on_error=False)

    def _load_catalog(self) -> None:
        """Thread worker: load the standard and the bank (posts `CatalogLoadFailed`)."""
        try:
            self.catalog.preload()
        except UserError as error:
            self.post_message(CatalogLoadFailed(error))

    def on_catalog_load_failed(self, message: CatalogLoadFailed) -> None:
        """Broken bundled data: stop, and let run_app print the one-line error."""
        self.start_error = message.error
        self.exit(return_code=message.error.exit_code)

    async def on_unmount(self) -> None:
        """Never leave a recorder running: stop it and leave the session resumable.

        The release queues behind any session work still running (one session thread), and
        is bounded: a device that never lets go cannot keep the app from exiting. A
        transcription is stopped and its thread joined (the work done stays on disk).
        """
        await self.transcriptions.shutdown()
        live, self.live = self.live, None
        if live is not None:
            try:
                await asyncio.wait_for(self._blocking(live.release), timeout=15.0)
            except Exception:
                log.exception("releasing the live session failed")
        self._session_thread.shutdown(wait=False)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Apply the app's blink setting to a text box as it takes focus."""
        if isinstance(event.widget, Input) and event.widget.cursor_blink != self.cursor_blink:
            event.widget.cursor_blink = self.cursor_blink

    # ------------------------------------------------------------------ help
    def action_help(self) -> None:
        """Show every binding of the current screen and the app."""
        from discussion.ui.screens.help import HelpScreen  # Markdown: loaded on demand

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen.of(self.screen))

    async def action_quit(self) -> None:
        """Quit; while a discussion is open, ask first (it stays resumable)."""
        from discussion.ui.screens.quit_confirm import QuitConfirm

        if self.live is None or isinstance(self.screen, QuitConfirm):
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(QuitConfirm(self.live.has_audio), answered)

    # ------------------------------------------------------------------ navigation
    def on_browser_requested(self, _message: BrowserRequested) -> None:
        """Open the standard and bank browser over the current screen."""
        from discussion.ui.screens.browser import BrowserScreen  # Markdown: loaded on demand

        self.push_screen(BrowserScreen(self.catalog))

    def on_new_discussion_requested(self, _message: NewDiscussionRequested) -> None:
        """Set-up first; recording starts when it is complete (not without an assessment set)."""
        from discussion.edition import no_assessment_set
        from discussion.ui.screens.confirm import ConfirmScreen

        reason = no_assessment_set(self.catalog.bank)
        if reason is not None:

            def answered(practise: bool | None) -> None:
                if practise:
                    from discussion.ui.screens.mock_flow import start_mock

                    start_mock(self)

            self.push_screen(
                ConfirmScreen("No assessment set", reason, yes="Practise", no="Close"), answered
            )
            return
        self._start_session(None)

    def on_session_resume_requested(self, message: SessionResumeRequested) -> None:
        """Resume an interrupted discussion: recover it, continue the timeline, go on."""
        self._start_session(message.folder)

    def on_session_open_requested(self, message: SessionOpenRequested) -> None:
        """A closed session: its record read-only (details, notes, decisions, grade), with
        export; the view says itself when the folder cannot be read."""
        from discussion.ui.screens.record_view import RecordViewScreen

        self.push_screen(RecordViewScreen(message.folder, self.catalog))

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
    """Load the settings (failing with a one-line error) and run the app; the catalog loads
    after the first frame (broken bundled data: the same one-line error, once the app stops)."""
    try:
        settings = load_settings()
        check_keymap(settings.keymap, str(settings_path()))
        log_dir = logs_dir()  # UserError naming DISCUSSION_HOME and the fix
    except UserError as error:
        print(f"discussion: error: {error.message}", file=sys.stderr)
        return error.exit_code
    logging.basicConfig(
        filename=log_dir / "app.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # The standard and the bank load after the home screen's first frame (it shows neither).
    app = DiscussionApp(Catalog.deferred(), settings=settings)
    with _native_stderr_to_log(log_dir / "native.log"):
        app.run()
    if app.start_error is not None:
        print(f"discussion: error: {app.start_error.message}", file=sys.stderr)
        return app.start_error.exit_code
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
