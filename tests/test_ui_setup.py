"""The set-up screen, driven by keys: validation, the gateway and conduct checklists, attempt
rules, the audio check against the real private PulseAudio, and the notes-only fallback."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import audio_helpers as ah
import pytest
from screen_host import ScreenHost
from textual.pilot import Pilot
from textual.widgets import Checkbox, Static
from ui_helpers import catalog

from discussion.audio import InputDevice, RecorderConfig, RecorderEvent, list_input_devices
from discussion.epa_window import add_months, check_window
from discussion.record import AudioSettings
from discussion.settings import Settings
from discussion.ui.screens.setup import SetupResult, SetupScreen
from discussion.ui.setup_items import conduct_items
from discussion.ui.widgets.audio_check import AudioCheck
from discussion.ui.widgets.checklist import Checklist

SnapCompare = Callable[..., bool]
TODAY = date(2026, 3, 14)
VALID_ULN = "9276308686"

FAKE_DEVICES = [
    InputDevice(0, "USB Headset Mic", "ALSA", 1, 48000.0, False),
    InputDevice(1, "default", "ALSA", 32, 44100.0, True),
]


class SilentRecorder:
    """A check recorder that opens nothing and never reports (levels stay frozen)."""

    def __init__(
        self,
        path: Path,
        *,
        device: str | int | None,
        on_event: Callable[[RecorderEvent], None],
        config: RecorderConfig,
    ) -> None:
        self.device = device
        self.stopped = False

    def start(self) -> None:
        """Nothing to open."""

    def stop(self, timeout: float = 5.0) -> object:
        """Nothing to close."""
        self.stopped = True
        return None


def stub_screen(**settings: Any) -> SetupScreen:  # Settings' own checks apply
    return SetupScreen(
        catalog(),
        Settings(assessor="Sam Assessor", **settings),
        recorder_factory=SilentRecorder,
        devices_provider=lambda: FAKE_DEVICES,
        today=TODAY,
    )


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_of(app: ScreenHost) -> SetupScreen:
    screen = app.screen
    assert isinstance(screen, SetupScreen)
    return screen


async def fill_form(
    pilot: Pilot[None], *, uln: str = VALID_ULN, skip: frozenset[str] = frozenset()
) -> None:
    """Fill the whole form by keys: typed fields, Enter to move on, space to tick."""
    await pilot.press(*"Alex Apprentice", "enter")
    await pilot.press(*uln, "enter")
    await pilot.press("enter")  # assessor is prefilled from the settings
    await pilot.press("enter")  # mode: the highlighted first button, Virtual
    assert pilot.app.focused is not None and pilot.app.focused.id == "mode"  # choosing stays
    await pilot.press("tab")  # the assessor moves on
    await pilot.press("enter")  # attempt: 1 is preselected; Enter keeps it and moves on
    assert pilot.app.focused is not None and pilot.app.focused.id == "window-start"
    await pilot.press(*"2026-03-02", "enter")
    screen = pilot.app.screen
    assert isinstance(screen, SetupScreen)
    for checklist in screen.query(Checklist):
        for item in checklist.items:
            if item.key not in skip:
                assert pilot.app.focused is checklist.box(item.key)
                await pilot.press("space")
            await pilot.press("tab")
    assert pilot.app.focused is screen.query_one("#mode-agreed")  # the arrangements follow
    if "mode-agreed" not in skip:
        await pilot.press("space")
    await pilot.press("tab")
    if "mode-agreed-by" not in skip:
        await pilot.press(*"Pat Manager, line manager")
    heard = screen.query_one("#audio-heard-ok", Checkbox)
    heard.focus()
    if "heard" not in skip:
        await pilot.press("space")
    await pilot.pause()


# ---------------------------------------------------------------------------- pure rules
def test_one_month_is_the_same_day_next_month_clamped() -> None:
    assert add_months(date(2026, 3, 15)) == date(2026, 4, 15)
    assert add_months(date(2026, 1, 31)) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31)) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 20)) == date(2027, 1, 20)


def test_window_includes_both_ends_and_explains_the_rest() -> None:
    assert check_window("2026-03-14", TODAY)[0] == TODAY
    assert check_window("2026-02-14", TODAY)[0] == date(2026, 2, 14)
    start, problem = check_window("2026-02-13", TODAY)
    assert start is None and "ended on 2026-03-13" in problem
    start, problem = check_window("2026-03-15", TODAY)
    assert start is None and "after today" in problem
    assert "YYYY-MM-DD" in check_window("14/03/2026", TODAY)[1]


def test_conduct_items_use_the_specification_wording() -> None:
    points = catalog().standard.discussion_conduct.points
    items = conduct_items(catalog().standard)
    assert [i.key for i in items] == ["quiet-place", "confidentiality", "questions"]
    assert all(item.label in points for item in items)


# ---------------------------------------------------------------------------- the form
@pytest.mark.ui_flow
async def test_invalid_uln_says_what_is_wrong() -> None:
    app = ScreenHost(stub_screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("tab", *"9276308687")
        await pilot.pause()
        hint = str(screen_of(app).query_one("#uln-hint", Static).render())
        assert "does not check out" in hint and "6" not in hint  # no digit to "fix" it with
        await pilot.press("backspace", "6")
        await pilot.pause()
        assert "valid" in str(screen_of(app).query_one("#uln-hint", Static).render())


@pytest.mark.slow
async def test_complete_form_dismisses_with_the_session_info() -> None:
    app = ScreenHost(stub_screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_form(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(app.results) == 1
        result = app.results[0]
        assert isinstance(result, SetupResult)
        info = result.info
        cat = catalog()
        assert (info.apprentice_name, info.uln, info.assessor) == (
            "Alex Apprentice",
            VALID_ULN,
            "Sam Assessor",
        )
        assert (info.mode, info.attempt, info.epa_window_start) == ("virtual", 1, date(2026, 3, 2))
        # The session is dated by the screen's clock: the EPA-window rule of SessionInfo
        # (at most 3 years back) is checked against the fake day, not the real one.
        assert info.created_at.date() == TODAY
        assert info.kind == "assessment"
        assert (info.standard_version, info.standard_hash) == (
            cat.standard.version,
            cat.standard.content_hash,
        )
        assert (info.bank_version, info.bank_hash) == (cat.bank.version, cat.bank.content_hash)
        assert info.reaction_lag_s == Settings().reaction_lag_s
        assert info.audio == AudioSettings() and info.no_audio_reason is None
        assert result.device == "default"
        assert len(result.gateway) == 7 and len(result.conduct) == 3
        assert result.audio_check == "the assessor heard the apprentice clearly"


@pytest.mark.ui_flow
async def test_settings_device_is_preselected() -> None:
    app = ScreenHost(lambda: stub_screen(device="headset"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert screen_of(app).query_one(AudioCheck).device_name == "USB Headset Mic"


@pytest.mark.slow
async def test_missing_items_block_start_and_are_listed() -> None:
    app = ScreenHost(stub_screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_form(pilot, skip=frozenset({"apprentice-declaration", "questions", "heard"}))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.results == []
        missing = str(screen_of(app).query_one("#setup-missing", Static).render())
        assert "gateway: apprentice declaration" in missing
        assert "conduct: questions not shared" in missing
        assert "no speech heard" in missing
        assert "ULN" not in missing and "apprentice name" not in missing


async def test_empty_form_lists_everything() -> None:
    app = ScreenHost(stub_screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.results == []
        problems = screen_of(app).missing()
        assert problems[:2] == ["apprentice name", "ULN: the ULN is empty: it has 10 digits"]
        assert "mode: virtual or face-to-face" in problems
        assert sum(p.startswith("gateway:") for p in problems) == len(catalog().standard.gateway)


@pytest.mark.ui_flow
async def test_window_outside_today_is_refused() -> None:
    app = ScreenHost(stub_screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen_of(app).query_one("#window-start").focus()
        await pilot.press(*"2026-01-31")
        await pilot.pause()
        hint = str(screen_of(app).query_one("#window-hint", Static).render())
        assert "ended on 2026-02-28" in hint


@pytest.mark.ui_flow
async def test_attempt_3_warns_distinctions_do_not_count() -> None:
    app = ScreenHost(stub_screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        note = screen_of(app).query_one("#attempt-note", Static)
        assert note.has_class("-hidden")
        screen_of(app).query_one("#attempt").focus()
        await pilot.press("right", "enter")
        await pilot.pause()
        assert note.has_class("-hidden")  # attempt 2: distinctions still count
        assert app.focused is screen_of(app).query_one("#attempt")  # choosing never moves on
        await pilot.press("right", "enter")
        await pilot.pause()
        assert not note.has_class("-hidden")
        assert "distinction criteria will not count" in str(note.render())
        rules = catalog().standard.rules
        assert 3 not in rules.distinction_counts_on_attempts


@pytest.mark.ui_flow
async def test_escape_cancels_and_asks_first_when_something_was_typed() -> None:
    app = ScreenHost(stub_screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"Alex", "escape")
        await pilot.pause()
        assert app.results == []  # the confirmation is showing
        await pilot.press("y")
        await settle(pilot)
        assert app.results == [None]


# ---------------------------------------------------------------------------- real audio
def real_screen() -> SetupScreen:
    return SetupScreen(catalog(), Settings(assessor="Sam Assessor"), today=TODAY)


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.1)
    return condition()


@pytest.mark.audio
async def test_audio_check_passes_when_speech_is_played(pulse: Path, tmp_path: Path) -> None:
    speech = ah.speech_wav("Good morning, I am ready for the discussion.", tmp_path / "s.wav")
    app = ScreenHost(real_screen)
    async with app.run_test(size=(80, 24)) as pilot:
        check = screen_of(app).query_one(AudioCheck)
        status = check.query_one("#audio-status", Static)
        assert await wait_for(pilot, lambda: "say a few words" in str(status.render()), 10)
        assert not check.heard
        player = ah.play_wav(speech, wait=False)
        try:
            assert await wait_for(pilot, lambda: check.heard, 15), str(status.render())
        finally:
            player.wait(timeout=30)
        assert "Sound heard" in str(status.render())
        assert check.problems() == []
        await fill_form(pilot, skip=frozenset({"heard"}))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.results[0], SetupResult)
        assert check._recorder is None  # released before the app records for real


@pytest.mark.audio
async def test_dead_sound_server_shows_the_fix_and_allows_notes_only(
    pulse: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    list_input_devices()  # PortAudio initialised against the live server, as in a running app
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'dead.sock'}")
    app = ScreenHost(real_screen)
    async with app.run_test(size=(80, 24)) as pilot:
        check = screen_of(app).query_one(AudioCheck)
        assert await wait_for(pilot, lambda: check.unavailable is not None, 10)
        status = str(check.query_one("#audio-status", Static).render())
        assert "input device" in status and "\n" not in (check.unavailable or "")
        notes_only = check.query_one("#audio-notes-only", Checkbox)
        assert notes_only.display
        assert not check.query_one("#audio-heard-ok", Checkbox).display  # nothing to hear
        await fill_form(pilot, skip=frozenset({"heard"}))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.results == []
        assert "notes-only" in str(screen_of(app).query_one("#setup-missing", Static).render())
        notes_only.focus()
        await pilot.press("space")
        # The reason box appears once the styles are updated; an assessor tabs after seeing it.
        reason_row = check.query_one("#audio-reason-row")
        assert await wait_for(pilot, lambda: reason_row.display, 5)
        await pilot.press("tab")
        assert app.focused is check.query_one("#audio-reason")
        await pilot.press(*"Microphone broken; apprentice agreed to notes")
        await pilot.press("ctrl+s")
        await settle(pilot)
        result = app.results[0]
        assert isinstance(result, SetupResult)
        assert result.info.audio is False
        assert result.info.no_audio_reason == "Microphone broken; apprentice agreed to notes"
        assert result.device is None


# ---------------------------------------------------------------------------- snapshots
@pytest.mark.ui_flow
def test_snapshot_setup(snap_compare: SnapCompare) -> None:
    assert snap_compare(ScreenHost(stub_screen), terminal_size=(80, 24), run_before=settle)


@pytest.mark.slow  # a long Pilot flow: make test runs it, test-fast keeps a shorter one
def test_snapshot_setup_uln_error(snap_compare: SnapCompare) -> None:
    async def type_bad_uln(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(*"Alex Apprentice", "enter", *"9276308687")
        await pilot.pause()

    assert snap_compare(ScreenHost(stub_screen), terminal_size=(80, 24), run_before=type_bad_uln)


@pytest.mark.slow  # a long Pilot flow: make test runs it, test-fast keeps a shorter one
def test_snapshot_setup_missing_and_audio(snap_compare: SnapCompare) -> None:
    async def start_too_soon(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        pilot.app.screen.query_one("#audio-heard-ok").focus()
        await pilot.pause()

    assert snap_compare(ScreenHost(stub_screen), terminal_size=(80, 24), run_before=start_too_soon)
