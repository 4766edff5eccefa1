"""Set-up without a sound device (issue 8): the real audio path with PortAudio missing.

`import sounddevice` is made to raise OSError, as it does where the libportaudio2 package is not
installed; everything above it (device listing, the audio check, the set-up screen) is real.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from types import ModuleType

import pytest
from screen_host import ScreenHost
from textual.pilot import Pilot
from textual.widgets import Checkbox, Select, Static
from ui_helpers import catalog

from discussion.settings import Settings
from discussion.ui.screens.setup import SetupScreen
from discussion.ui.widgets.audio_check import AudioCheck

TODAY = date(2026, 3, 14)


class NoPortAudio(importlib.abc.MetaPathFinder):
    """Finds `sounddevice` by failing the way its PortAudio loader does."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        """Raise for sounddevice; leave every other import alone."""
        if fullname == "sounddevice":
            raise OSError("PortAudio library not found")
        return None


@pytest.fixture
def no_portaudio(monkeypatch: pytest.MonkeyPatch) -> None:
    """`import sounddevice` raises OSError for the test's duration."""
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [NoPortAudio(), *sys.meta_path])


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.1)
    return condition()


def real_screen() -> SetupScreen:
    return SetupScreen(catalog(), Settings(assessor="Sam Assessor"), today=TODAY)


async def test_without_portaudio_the_audio_box_names_the_fix_and_offers_notes_only(
    no_portaudio: None,
) -> None:
    app = ScreenHost(real_screen)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = app.screen
        check = screen.query_one(AudioCheck)
        assert await wait_for(pilot, lambda: check.unavailable is not None, 10)
        assert "libportaudio2" in (check.unavailable or "")
        # The microphone box says what happened instead of "looking for microphones…".
        select = check.query_one("#audio-device", Select)
        assert select.prompt == "no microphone found"
        # Nothing can be heard: the "I heard the apprentice" tick is not offered.
        assert not check.query_one("#audio-heard-ok", Checkbox).display
        fix = str(check.query_one("#audio-fix", Static).render())
        assert "PulseAudio" in fix and "libportaudio2" in fix and "microphone" in fix
        assert check.query_one("#audio-notes-only", Checkbox).display
        assert check.problem_widget() is check.query_one("#audio-notes-only")
