"""Set-up through a real terminal (issue 8): the real `discussion` binary in tmux, keys sent by
`send-keys`, the screen read back as plain text.

No sound server is reachable (PULSE_SERVER points at a dead socket), as on a machine without a
sound device: the form must still be usable by keys, and the audio box must say what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from tmux_driver import TmuxApp

STEP_S = 20.0
BAD_ULN = "9276308687"  # the published example with its last digit changed


@pytest.fixture
def setup_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TmuxApp]:
    """The app in tmux at 80×24 on the set-up screen, with no sound server."""
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'dead.sock'}")
    home = tmp_path / "home"
    app = TmuxApp(home)
    try:
        app.start()
        app.wait_for("New discussion", STEP_S)
        app.keys("n")
        app.wait_for("EPA window", STEP_S)
        yield app
    finally:
        app.close()


def test_a_wrong_uln_stays_readable_while_focused(setup_screen: TmuxApp) -> None:
    app = setup_screen
    app.type("Alex Smith")
    app.keys("Tab")
    app.type(BAD_ULN)
    screen = app.wait_for("does not check out", STEP_S)
    # The digits typed are still on the ULN row (the red box used to swallow the text row).
    assert re.search(rf"ULN\s+{BAD_ULN}", screen), screen
    assert "should be" not in screen  # no digit offered to make it pass
    app.keys("BSpace")
    app.type("6")
    app.wait_for("✓ valid ULN", STEP_S)


def test_choosing_a_radio_option_leaves_the_focus_where_it_is(setup_screen: TmuxApp) -> None:
    app = setup_screen
    app.type("Alex Smith")
    app.keys("Tab")
    app.type("9276308686")
    app.wait_for("✓ valid ULN", STEP_S)
    app.keys("Tab")
    app.type("Jo Assessor")
    app.keys("Tab")  # the mode
    app.keys("Enter")  # chooses Virtual; the focus stays on the mode
    app.keys("Tab")  # the attempt (1, preselected)
    app.keys("Tab")  # the EPA window
    today = date.today().isoformat()
    app.type(today)
    # Had the choice moved the focus on, the second Tab would have reached the gateway and the
    # date would have been typed nowhere.
    app.wait_for(f"✓ window {today}", STEP_S)
    app.keys("Tab")  # the first gateway item
    app.keys("Space")  # ticks it, not the one below
    app.keys("C-s")
    screen = app.wait_for("Before starting", STEP_S)
    missing = screen.split("Before starting", 1)[1]
    assert "mode:" not in missing and "EPA window:" not in missing, screen
    assert "employer sign-off" not in missing and "English Level 1" in missing, screen


def test_without_a_sound_server_the_audio_box_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'dead.sock'}")
    with TmuxApp(tmp_path / "home") as app:
        app.wait_for("New discussion", STEP_S)
        app.keys("n")
        app.wait_for("EPA window", STEP_S)
        # Back round past the scrolling form itself to the buttons: the audio box shows.
        app.keys("BTab", "BTab")
        screen = app.wait_for("Notes-only session", STEP_S)
        assert "looking for microphones" not in screen, screen
        assert "I heard the apprentice clearly" not in screen, screen
        assert "PulseAudio" in screen and "libportaudio2" in screen, screen


def fill_notes_only(app: TmuxApp, assessor: str) -> None:
    """Fill the whole set-up by keys, choosing notes-only (no sound server), and start."""
    app.type("Alex Smith")
    app.keys("Tab")
    app.type("9276308686")
    app.wait_for("✓ valid ULN", STEP_S)
    app.keys("Tab", "C-u")  # the assessor: clear a remembered name first
    app.type(assessor)
    app.keys("Tab", "Enter", "Tab", "Tab")  # mode Virtual, attempt 1, to the window
    today = date.today().isoformat()
    app.type(today)
    app.wait_for(f"✓ window {today}", STEP_S)
    app.keys("Tab")
    for _ in range(10):  # 7 gateway items and 3 conduct points
        app.keys("Space", "Tab")
    app.keys("Space", "Tab")  # the employer agreed the mode,
    app.type("Pat Manager")  # and who agreed it
    app.keys("C-s")  # focuses what is missing: the notes-only choice
    app.wait_for("Notes-only session", STEP_S)
    app.keys("Space", "Tab")
    app.type("no sound device in the room")
    app.keys("C-s")
    app.wait_for("Apprentice agreed (a)", STEP_S)


def test_back_from_consent_keeps_the_details_and_the_name_is_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'dead.sock'}")
    home = tmp_path / "home"
    with TmuxApp(home) as app:
        app.wait_for("New discussion", STEP_S)
        app.keys("n")
        app.wait_for("EPA window", STEP_S)
        fill_notes_only(app, "Jo Assessor")
        assert len(list((home / "sessions").iterdir())) == 1
        app.keys("Escape")  # back to set-up, before consent
        app.wait_for("Back to set-up to correct the details?", STEP_S)
        app.keys("y")
        screen = app.wait_for("✓ window", STEP_S)  # the window date is kept
        # Every detail kept; the discarded start left nothing behind.
        assert "Alex Smith" in screen and "9276308686" in screen and "Jo Assessor" in screen
        assert list((home / "sessions").iterdir()) == []
        app.keys("Escape")  # cancel the set-up (asks: something was typed)
        app.keys("y")
        app.wait_for("New discussion", STEP_S)
        app.keys("n")  # a new set-up: the assessor's name is remembered
        screen = app.wait_for("EPA window", STEP_S)
        assert "Jo Assessor" in screen, screen
