"""Set-up shared by the Pilot tests of the live mock screen (with fakes or real audio): the mock
app on a test home, through its set-up screen to the first question, and out again."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import catalog

from discussion.settings import Settings
from discussion.ui.screens.mock_app import MockApp
from discussion.ui.screens.mock_discussion import MockDiscussionScreen
from discussion.ui.screens.mock_flow import MockParts
from discussion.ui.screens.mock_setup import MockSetupScreen

SIZE = (100, 30)


def mock_app(
    monkeypatch: pytest.MonkeyPatch, home: Path, parts: MockParts, settings: Settings | None = None
) -> MockApp:
    """The mock app on the bundled sets, its records under `home`."""
    monkeypatch.setenv("DISCUSSION_HOME", str(home))
    return MockApp(catalog(), settings=settings or Settings(), cursor_blink=False, parts=parts)


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float) -> bool:
    """Let the app run until `condition()` holds (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


async def open_mock(
    pilot: Pilot[None], app: MockApp, devices_timeout: float = 10
) -> MockDiscussionScreen:
    """From the set-up screen (its defaults: 15 minutes, all criteria, spoken answers when a
    microphone is found) to the discussion screen asking its first question.
    `devices_timeout`: the device probe's thread (longer with real audio)."""
    assert await wait_until(pilot, lambda: isinstance(app.screen, MockSetupScreen), 10)
    setup = app.screen
    assert isinstance(setup, MockSetupScreen)
    assert await wait_until(pilot, lambda: setup.devices is not None, devices_timeout)
    await pilot.pause()
    await pilot.press("ctrl+s")
    assert await wait_until(pilot, lambda: isinstance(app.screen, MockDiscussionScreen), 10)
    screen = app.screen
    assert isinstance(screen, MockDiscussionScreen)
    assert await wait_until(pilot, lambda: screen.prompt is not None, 10)  # mounted, asking
    return screen


async def end_mock(pilot: Pilot[None], settle_s: float = 0.5) -> None:
    """End the mock (and confirm), then give its parts time to close."""
    await pilot.press("ctrl+o", "y")
    await pilot.pause(settle_s)
