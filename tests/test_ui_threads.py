"""The threading rule in the app: workers post messages, the UI thread never waits on them.

Each scenario runs its Pilot session on a thread of its own with a deadline, so a deadlock of
the UI thread (which would stop the event loop and with it any asyncio timeout) fails the test
instead of hanging the run.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen

from discussion.audio import AudioUnavailable, InputDevice, RecorderConfig, RecorderEvent
from discussion.ui.widgets.audio_check import AudioCheck

DEVICES = [InputDevice(0, "default", "ALSA", 1, 48000.0, True)]


def run_with_deadline(scenario: Callable[[], Coroutine[Any, Any, None]], seconds: float) -> None:
    """Run `scenario` in a fresh event loop on its own thread; fail if it is not done in time."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(scenario())
        except BaseException as error:  # reported on the test's thread
            errors.append(error)

    thread = threading.Thread(target=target, name="scenario", daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"the app did not finish within {seconds} s (deadlock?)"
    if errors:
        raise errors[0]


class SlowFailingRecorder:
    """A check recorder whose device takes 0.6 s to refuse to open."""

    opening = threading.Event()

    def __init__(
        self,
        path: Path,
        *,
        device: str | int | None,
        on_event: Callable[[RecorderEvent], None],
        config: RecorderConfig,
    ) -> None:
        self.device = device

    def start(self) -> None:
        """Pause, then fail as a busy device does."""
        SlowFailingRecorder.opening.set()
        time.sleep(0.6)
        raise AudioUnavailable("the microphone is busy: close the other program using it")

    def stop(self, timeout: float = 5.0) -> object:
        """Nothing was opened."""
        return None


class CheckHost(App[None]):
    """Just the audio check."""

    def compose(self) -> ComposeResult:
        yield AudioCheck(
            recorder_factory=SlowFailingRecorder,
            devices_provider=lambda: DEVICES,
            id="check",
        )


class CheckScreen(Screen[None]):
    """A screen holding the audio check, as the set-up screen does."""

    def compose(self) -> ComposeResult:
        yield AudioCheck(recorder_factory=SlowFailingRecorder, devices_provider=lambda: DEVICES)


class ScreenCheckHost(App[None]):
    """Pushes the check's screen; the test pops it while the device is still opening."""

    def on_mount(self) -> None:
        self.push_screen(CheckScreen())


def test_leaving_while_the_device_is_opening_does_not_hang() -> None:
    """Fault 3: the starting thread held the lock across `call_from_thread` (waiting for the
    UI thread) while the UI thread's `on_unmount` waited for the same lock: the app hung."""
    SlowFailingRecorder.opening.clear()
    app = ScreenCheckHost()
    check: list[AudioCheck] = []

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            check.append(app.screen.query_one(AudioCheck))
            while not SlowFailingRecorder.opening.is_set():
                await pilot.pause(0.01)
            app.pop_screen()  # unmounts the check while its device is opening
            await pilot.pause(0.8)  # the device fails meanwhile
            await pilot.press("tab")  # the UI thread still handles keys
            app.exit()

    began = time.monotonic()
    run_with_deadline(scenario, 10.0)
    assert time.monotonic() - began < 5.0
    stopper = check[0].shutdown_thread
    assert stopper is not None
    stopper.join(5.0)
    assert not stopper.is_alive()
    assert check[0]._tmpdir is not None and not check[0]._tmpdir.exists()


def test_quitting_while_the_device_is_opening_exits_promptly() -> None:
    """Quitting mid-open neither waits on the UI thread for the device nor leaves threads."""
    SlowFailingRecorder.opening.clear()
    app = CheckHost()
    check: list[AudioCheck] = []

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            check.append(app.query_one(AudioCheck))
            while not SlowFailingRecorder.opening.is_set():
                await pilot.pause(0.01)
            quit_at = time.monotonic()
            app.exit()
        assert time.monotonic() - quit_at < 0.5  # the 0.6 s open is not waited for

    run_with_deadline(scenario, 10.0)
    stopper = check[0].shutdown_thread
    assert stopper is not None
    stopper.join(5.0)
    assert not stopper.is_alive()


def test_a_device_that_fails_slowly_is_reported_with_its_fix() -> None:
    """The failure arrives as a message and shows the fix with the notes-only choice."""
    SlowFailingRecorder.opening.clear()
    app = CheckHost()

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            check = app.query_one(AudioCheck)
            deadline = time.monotonic() + 5
            while check.unavailable is None and time.monotonic() < deadline:
                await pilot.pause(0.05)
            assert check.unavailable is not None and "microphone is busy" in check.unavailable
            assert check.has_class("-unavailable")

    run_with_deadline(scenario, 10.0)
