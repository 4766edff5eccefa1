"""The app's session flow: set-up, consent, the discussion, decisions and grade, as one worker.

`SessionFlowApp` is the base of `DiscussionApp`: it owns at most one `LiveSession` (the
discussion being recorded) and the one thread blocking session work runs on (creating,
starting, closing, releasing: fsync and PortAudio). The recorder reports from its own threads
through `post_message` (`EventLogged`, `RecorderReported`); the app hands those on.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual import work
from textual.app import App

from discussion.errors import UserError
from discussion.settings import Settings
from discussion.ui.catalog import Catalog
from discussion.ui.messages import EventLogged, RecorderReported
from discussion.ui.screens.home import HomeScreen

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


class SessionFlowApp(App[None]):
    """The part of the app that runs a session from set-up to the sealed record."""

    def __init__(
        self,
        catalog: Catalog,
        settings: Settings,
        *,
        home: Path | None,
        recorder_config: RecorderConfig | None,
        clock: Clock | None,
        check_recorder_factory: RecorderFactory | None,
        devices_provider: DevicesProvider | None,
    ) -> None:
        """`home` is the sessions folder (None: the data home's); the rest as `DiscussionApp`."""
        super().__init__()
        self.catalog = catalog
        self.settings = settings
        self.home = home
        self._recorder_config = recorder_config
        self.clock = clock
        self._check_recorder_factory = check_recorder_factory
        self._devices_provider = devices_provider
        # Set and cleared only on the UI thread (by the session flow), never by a worker.
        self.live: LiveSession | None = None
        self._session_busy = False
        self._last_setup: SetupResult | None = None  # the set-up of the session being started
        # Blocking session work (create, start, close, release) runs here, one call at a time.
        self._session_thread = ThreadPoolExecutor(1, thread_name_prefix="session")

    @property
    def recorder_config(self) -> RecorderConfig:
        """The recorder's settings (built on first use: importing the recorder loads numpy)."""
        if self._recorder_config is None:
            from discussion.audio import RecorderConfig

            self._recorder_config = RecorderConfig(silence_after_s=self.settings.silence_alarm_s)
        return self._recorder_config

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

    def _from_session(self, item: RecorderEvent | Event) -> None:
        """Listener of the live session; runs on recorder threads or the UI thread."""
        from discussion.record import Event

        if isinstance(item, Event):
            self.post_message(EventLogged(item))
        else:
            self.post_message(RecorderReported(item))
