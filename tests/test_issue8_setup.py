"""Set-up without a sound device (issue 8): the real audio path with PortAudio missing.

`import sounddevice` is made to raise OSError, as it does where the libportaudio2 package is not
installed; everything above it (device listing, the audio check, the set-up screen) is real.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import ValidationError
from screen_host import ScreenHost
from test_ui_setup import VALID_ULN, fill_form, screen_of, settle, stub_screen
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, Static
from ui_helpers import catalog
from ui_live_helpers import notes_only_session, session_info

from discussion.export import export_text
from discussion.preferences import load_preferences, remember_assessor
from discussion.record import DetailsCorrectedData, SessionInfo, load_state
from discussion.settings import Settings
from discussion.ui.screens.setup import SetupResult, SetupScreen
from discussion.ui.widgets.audio_check import AudioCheck
from discussion.uln import make_uln
from discussion.validation import describe

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


# ---------------------------------------------------------------------------- names
@pytest.mark.parametrize("name", ["J", "J.", " J"[1:], "J-"])
def test_a_one_letter_name_is_refused_with_the_reason(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        session_info(assessor=name)
    line = describe(caught.value, SessionInfo)
    assert "assessor" in line and "fewer than 2 letters: write the full name" in line
    with pytest.raises(ValidationError, match="fewer than 2 letters"):
        session_info(apprentice_name=name)
    assert session_info(assessor="Jo").assessor == "Jo"  # two letters are a name


@pytest.mark.slow
async def test_the_set_up_screen_refuses_a_one_letter_name_as_the_domain_does() -> None:
    app = ScreenHost(stub_screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await fill_form(pilot)
        screen_of(app).query_one("#assessor", Input).value = "S"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.results == []
        shown = str(screen_of(app).query_one("#setup-missing", Static).render())
        assert "assessor" in shown and "fewer than 2 letters" in shown, shown


# ---------------------------------------------------------------------------- remembered name
def test_preferences_round_trip_and_a_broken_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    assert load_preferences(path).assessor == ""  # none yet
    remember_assessor("Sam Assessor", path)
    assert load_preferences(path).assessor == "Sam Assessor"
    assert [p.name for p in tmp_path.iterdir()] == ["preferences.json"]  # no temporary left
    path.write_text("{not json", encoding="utf-8")
    assert load_preferences(path).assessor == ""


@pytest.mark.slow
async def test_the_assessor_is_remembered_for_the_next_set_up(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"

    def first() -> SetupScreen:
        screen = stub_screen()
        screen.preferences = path
        return screen

    app = ScreenHost(first)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await fill_form(pilot)  # the assessor prefilled from the settings: "Sam Assessor"
        assessor = screen_of(app).query_one("#assessor", Input)
        assessor.value = "Robin Marsh"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.results[0], SetupResult)
    assert load_preferences(path).assessor == "Robin Marsh"
    later = SetupScreen(catalog(), Settings(assessor="Sam Assessor"), preferences=path)
    assert later.assessor == "Robin Marsh"  # the name last used, over the settings' default


@pytest.mark.slow
async def test_a_set_up_shown_again_keeps_every_detail() -> None:
    app = ScreenHost(stub_screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await fill_form(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    first = app.results[0]
    assert isinstance(first, SetupResult)

    def again() -> SetupScreen:
        screen = stub_screen()
        screen.previous = first
        return screen

    app = ScreenHost(again)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert screen.query_one("#apprentice", Input).value == "Alex Apprentice"
        assert screen.query_one("#uln", Input).value == VALID_ULN
        assert [p for p in screen.missing() if not p.startswith("audio")] == []
        screen.query_one("#audio-heard-ok", Checkbox).value = True  # the check is redone
        await pilot.press("ctrl+s")
        await settle(pilot)
        second = app.results[0]
        assert isinstance(second, SetupResult)
        fields = ("apprentice_name", "uln", "assessor", "mode", "attempt", "epa_window_start")
        assert [getattr(second.info, f) for f in fields] == [getattr(first.info, f) for f in fields]
        assert (second.gateway, second.conduct) == (first.gateway, first.conduct)


# ---------------------------------------------------------------------------- corrections
def test_a_correction_is_an_event_and_the_export_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    live = notes_only_session(tmp_path / "sessions")
    good = make_uln("123456789")
    assert good is not None
    live.append(
        DetailsCorrectedData(field="uln", previous="9276308686", value=good, reason="mistyped")
    )
    live.append(DetailsCorrectedData(field="attempt", previous="1", value="2", reason="a resit"))
    state = live.state()
    assert (state.info.uln, state.info.attempt) == (good, 2)
    assert [c.field for c in state.corrections] == ["uln", "attempt"]
    folder = live.folder
    live.release()
    assert json.loads((folder / "session.json").read_text())["uln"] == "9276308686"  # unedited
    assert load_state(folder).info.uln == good  # every reader folds the correction in
    text = export_text(folder, "md")
    assert good in text and "corrected from '9276308686'" in text and "mistyped" in text
    assert "2 (first reassessment) (corrected from '1'" in text
