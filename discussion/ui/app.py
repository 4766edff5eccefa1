"""The Textual application: the flow from home to set-up, discussion, decisions and grade.

The app owns at most one `LiveSession` (the discussion being recorded). Its recorder reports
from its own threads through `post_message`; the app hands those messages to the screen on top.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events, work
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

if TYPE_CHECKING:
    # The live-discussion modules (numpy, PortAudio, the recorder) load on first use, so the
    # home screen paints without waiting for them.
    from discussion.audio import RecorderConfig, RecorderEvent
    from discussion.live import LiveSession
    from discussion.record import Event
    from discussion.ui.screens.discussion import Clock
    from discussion.ui.screens.setup import SetupResult
    from discussion.ui.widgets.audio_check import DevicesProvider, RecorderFactory

log = logging.getLogger(__name__)
T = TypeVar("T")


def _release(live: LiveSession) -> None:
    live.release()


def _undo_result(undo: Callable[[T], object], future: Future[T]) -> None:
    """Undo the result of session work whose caller went away (runs on the session thread)."""
    if future.cancelled() or future.exception() is not None:
        return
    try:
        undo(future.result())
    except Exception:
        log.exception("letting go of a session opened while the app quit")


def _discussion_over(live: LiveSession) -> bool:
    """The assessor already ended the discussion (a resumed session goes to the decisions)."""
    return any(
        e.type == "recording_stopped" and e.data.get("reason") == "discussion ended"
        for e in live.record.events
    )


class CatalogLoadFailed(Message):
    """The deferred catalog (the bundled standard or bank) could not be loaded."""

    def __init__(self, error: UserError) -> None:
        super().__init__()
        self.error = error


class DiscussionApp(App[None], TranscriptionHost):
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
        super().__init__()
        self.catalog = catalog
        self.settings = settings or Settings()
        apply_keymap(self, self.settings.keymap)  # checked by run_app (check_keymap)
        self.home = home
        # Snapshot tests turn blinking off so every frame is the same.
        self.cursor_blink = cursor_blink
        self._recorder_config = recorder_config
        self.clock = clock
        self.start_on_browser = start_on_browser
        self._check_recorder_factory = check_recorder_factory
        self._devices_provider = devices_provider
        # Why the app stopped itself at start-up (run_app prints it on one line).
        self.start_error: UserError | None = None
        # Set and cleared only on the UI thread (by the session flow), never by a worker.
        self.live: LiveSession | None = None
        self._session_busy = False
        self._last_setup: SetupResult | None = None  # the set-up of the session being started
        # Blocking session work (create, start, close, release) runs here, one call at a time.
        self._session_thread = ThreadPoolExecutor(1, thread_name_prefix="session")
        # Background transcriptions of sealed records (issue 11): ui/screens/transcribe.py
        self.transcriptions = Transcriptions(
            self,
            engine_source or WhisperSource(),
            assessor=self.settings.assessor,
            rtf=self.settings.transcript_rtf,
        )

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

    def _start_session(self, folder: Path | None) -> None:
        """Run the session flow, unless one is already running (one discussion at a time)."""
        if self._session_busy or self.live is not None:
            self.notify("A discussion is already open.", severity="error")
            return
        self._session_busy = True  # set here, on the UI thread, before any await
        self._session_flow(folder)

    @work(group="session", exit_on_error=False)
    async def _session_flow(self, folder: Path | None) -> None:
        """The whole session, start to end, as one coroutine on the UI thread.

        Every screen is awaited (`wait_for_dismiss`); every blocking call (creating, starting,
        closing, releasing: fsync and PortAudio) runs on the session thread. Only this
        coroutine sets `self.live`. Failures end up in one place, here.
        """
        try:
            live = await (self._set_up() if folder is None else self._resumed(folder))
            while live is not None:  # back from consent to correct the set-up: round again
                correct = await self._discussion(live)
                live = None if correct is None else await self._set_up(correct)
        except UserError as error:
            self.notify(error.message, severity="error", timeout=20)
            await self._let_go()
        except Exception as error:  # last resort: shown, logged, session left resumable
            log.exception("the session flow failed")
            self.notify(
                f"The session stopped: {type(error).__name__}: {error}. It is saved and can "
                "be resumed from the home screen.",
                severity="error",
                timeout=30,
            )
            await self._let_go()
        finally:
            self._session_busy = False

    async def _set_up(self, previous: SetupResult | None = None) -> LiveSession | None:
        """Set-up until a session records (or the assessor cancels: None); `previous`: the
        details to show again for correction."""
        from discussion.audio import AudioUnavailable
        from discussion.preferences import preferences_path
        from discussion.record import RecordError
        from discussion.ui.screens.setup import SetupScreen

        while True:
            result = await self.push_screen(
                SetupScreen(
                    self.catalog,
                    self.settings,
                    recorder_config=self.recorder_config,
                    recorder_factory=self._check_recorder_factory,
                    devices_provider=self._devices_provider,
                    # The data home's; none with a sessions folder of a test's own.
                    preferences=preferences_path() if self.home is None else None,
                    previous=previous,
                ),
                wait_for_dismiss=True,
            )
            if result is None:
                return None
            previous = None  # after a failed start set-up comes back as before: blank
            self._last_setup = result
            try:
                live = await self._blocking(self._create, result, undo=_release)
            except (OSError, RecordError, UserError) as error:
                text = error.message if isinstance(error, UserError) else str(error)
                self.notify(f"Could not create the session: {text}", severity="error", timeout=15)
                return None
            self.live = live
            if not live.has_audio:
                return live
            try:
                await self._blocking(live.start_recording)
            except (AudioUnavailable, OSError) as error:
                text = error.message if isinstance(error, UserError) else str(error)
                await self._recording_failed(live, text)
                continue  # back to set-up
            return live

    def _create(self, result: SetupResult) -> LiveSession:
        """Create the session folder and log the set-up (blocking: on the session thread)."""
        from discussion.live import LiveSession
        from discussion.record import SetupConfirmedData

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
                mode_agreed_by=result.mode_agreed_by,
                adjustments=list(result.adjustments),
            )
        )
        return live

    async def _recording_failed(self, live: LiveSession, message: str) -> None:
        """No recording, so no discussion: undo the empty session; set-up comes back."""
        self.live = None
        try:
            await self._blocking(live.abandon_start)
        except Exception:  # the session stays interrupted and can be recovered later
            log.exception("abandoning a session whose recording did not start")
        self.notify(
            f"Recording did not start: {message} Check the microphone, or choose a notes-only "
            "session in set-up.",
            severity="error",
            timeout=20,
        )

    async def _resumed(self, folder: Path) -> LiveSession | None:
        """Take over an interrupted session and restart its recording (None: could not)."""
        self._last_setup = None  # its set-up is in its session.json
        from discussion.audio import AudioUnavailable
        from discussion.live import LiveSession
        from discussion.record import RecordError

        try:
            live = await self._blocking(
                LiveSession.resume,
                folder,
                undo=_release,
                config=self.recorder_config,
                device=self.settings.device,
                listener=self._from_session,
            )
        except (OSError, RecordError, UserError) as error:
            text = error.message if isinstance(error, UserError) else str(error)
            self.notify(f"Could not resume: {text}", severity="error", timeout=15)
            return None
        self.live = live
        if live.has_audio and not _discussion_over(live):
            try:
                await self._blocking(live.start_recording)
            except (AudioUnavailable, OSError) as error:
                text = error.message if isinstance(error, UserError) else str(error)
                self.notify(f"Recording did not start: {text}", severity="error", timeout=20)
        return live

    async def _discussion(self, live: LiveSession) -> SetupResult | None:
        """Consent, the discussion, then decisions and grade until the record is sealed.

        Returns the set-up to correct when the assessor went back from consent (the start was
        discarded), else None.
        """
        from discussion.ui.screens.consent import ConsentScreen
        from discussion.ui.screens.decisions import DecisionsScreen
        from discussion.ui.screens.discussion import DiscussionScreen
        from discussion.ui.screens.grade import GradeScreen
        from discussion.ui.screens.setup import SetupResult

        over = _discussion_over(live)
        if not over and not live.record.state().consent:
            agreed = await self.push_screen(
                ConsentScreen(live, self.catalog.standard), wait_for_dismiss=True
            )
            if agreed is None:  # back to set-up: nothing agreed, so the start is undone
                correct = self._last_setup or SetupResult(live.record.info, live.device)
                self.live = None
                await self._blocking(live.discard_before_consent)
                return correct
            if not agreed:
                self.notify(
                    "Consent declined: the discussion did not go ahead. The session is closed; "
                    "it does not count as an attempt.",
                    severity="warning",
                    timeout=10,
                )
                await self._blocking(live.close, "consent declined")
                self.live = None
                self._back_home()  # the list shows it did not go ahead, never a stale "open"
                return None
        if not over:
            ended = await self.push_screen(
                DiscussionScreen(live, self.catalog, self.settings, clock=self.clock),
                wait_for_dismiss=True,
            )
            if not ended:
                return None
        while True:
            to_grade = await self.push_screen(
                DecisionsScreen(live, self.catalog.standard), wait_for_dismiss=True
            )
            if not to_grade:
                return None
            closed = await self.push_screen(
                GradeScreen(live, self.catalog.standard), wait_for_dismiss=True
            )
            if closed:
                self.live = None
                self._back_home()
                return None

    async def _let_go(self) -> None:
        """Release the live session (it stays resumable) after a failure."""
        live, self.live = self.live, None
        if live is None:
            return
        try:
            await self._blocking(live.release)
        except Exception:
            log.exception("releasing the live session failed")

    async def _blocking(
        self,
        function: Callable[..., T],
        *args: Any,
        undo: Callable[[T], object] | None = None,
        **kwargs: Any,
    ) -> T:
        """Run blocking session work on the session thread; the UI thread awaits it.

        One thread, so session work runs in order (a release at exit waits for a start). If
        the app quits while waiting, `undo` is applied to the result on that thread (a session
        opened by then is let go, not leaked).
        """
        future = self._session_thread.submit(functools.partial(function, *args, **kwargs))
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            if undo is not None:
                future.add_done_callback(functools.partial(_undo_result, undo))
            raise

    def _back_home(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if isinstance(self.screen, HomeScreen):
            self.screen.action_refresh()

    def on_session_open_requested(self, message: SessionOpenRequested) -> None:
        """A closed session: its record read-only (details, notes, decisions, grade), with
        export; the view says itself when the folder cannot be read."""
        from discussion.ui.screens.record_view import RecordViewScreen

        self.push_screen(RecordViewScreen(message.folder, self.catalog))

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
