"""The mock's set-up screen, driven by keys: length, focus, chosen criteria, answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from screen_host import ScreenHost
from textual.widgets import SelectionList
from ui_helpers import catalog

from discussion.settings import Settings
from discussion.ui.screens.mock_setup import Devices, MockSetup, MockSetupScreen
from discussion.ui.widgets.toggles import Choice

NO_DEVICES = Devices(None, "no microphone found", False, "no audio output")
MICROPHONE = Devices("Test microphone", "", True, "")


def _host(devices: Devices) -> tuple[MockSetupScreen, ScreenHost]:
    screen = MockSetupScreen(catalog(), Settings(), probe=lambda: devices)
    return screen, ScreenHost(lambda: screen)


async def test_defaults_without_devices_are_15_minutes_all_criteria_typed() -> None:
    screen, host = _host(NO_DEVICES)
    async with host.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert screen.query_one("#mock-spoken", Choice).disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
    [result] = host.results
    assert isinstance(result, MockSetup)
    assert (result.length_min, result.focus, result.spoken_answers, result.voice) == (
        15,
        "all",
        False,
        False,
    )


async def test_a_microphone_makes_spoken_answers_the_default() -> None:
    screen, host = _host(MICROPHONE)
    async with host.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert screen.query_one("#mock-spoken", Choice).value
        await pilot.press("ctrl+s")
        await pilot.pause()
    [result] = host.results
    assert isinstance(result, MockSetup)
    assert result.spoken_answers and result.voice and result.device == "Test microphone"


@pytest.mark.ui_flow
async def test_chosen_criteria_by_keys_and_none_chosen_is_refused() -> None:
    screen, host = _host(NO_DEVICES)
    async with host.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        # Length: 30 minutes (→ then Enter moves on), focus: the third choice.
        await pilot.press("right", "enter", "tab", "right", "right", "enter")
        await pilot.pause()
        box = screen.query_one("#mock-criteria", SelectionList)
        assert box.display and not box.has_class("-hidden")
        await pilot.press("ctrl+s")  # nothing chosen: refused, the list has the focus
        await pilot.pause()
        assert host.results == []
        assert "at least one criterion" in str(screen.query_one("#mock-problem").render())
        assert screen.focused is box
        await pilot.press("down", "space")  # the second criterion of the list
        await pilot.press("ctrl+s")
        await pilot.pause()
    [result] = host.results
    assert isinstance(result, MockSetup)
    second = screen.choosable[1].id
    assert (result.length_min, result.focus) == (30, (second,))


async def test_escape_goes_back_with_nothing() -> None:
    _screen, host = _host(NO_DEVICES)
    async with host.run_test(size=(100, 30)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert host.results == [None]


@pytest.mark.ui_flow
async def test_m_on_home_opens_the_mock_set_up_and_esc_comes_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    from discussion.ui.app import DiscussionApp
    from discussion.ui.screens.home import HomeScreen

    app = DiscussionApp(catalog(), home=tmp_path / "sessions", cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        for _ in range(40):
            await pilot.pause(0.05)
            if isinstance(app.screen, MockSetupScreen):
                break
        assert isinstance(app.screen, MockSetupScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
