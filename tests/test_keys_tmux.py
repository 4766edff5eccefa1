"""Keys through a real terminal: the real `discussion` binary in tmux, keys sent by `send-keys`.

Textual's Pilot hands the app key names (`press("alt+1")` is the key alt+1); a terminal sends
bytes, and tmux sends alt+1 as ESC 1, which Textual 8 on its own reads as "¡" and types into the
note. These tests send what a terminal sends, and read the screen and the record back.

The session is notes-only (no audio needed): it is created and left interrupted, so the app
offers to resume it, asks for consent and opens the discussion screen.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tmux_driver import TmuxApp, resume_notes_only
from ui_live_helpers import notes_only_session

from discussion.record.session import load_state

STEP_S = 20.0
QUESTION = re.compile(r"│ (D-\w+-\d+) · ")


def interrupted_session(home: Path) -> Path:
    """A notes-only session, left open before consent (as after a crash)."""
    live = notes_only_session(home / "sessions")
    folder = live.folder
    live.release()
    return folder


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TmuxApp]:
    """The app in tmux, on the discussion screen of a resumed notes-only session."""
    home = tmp_path / "home"
    monkeypatch.setenv("DISCUSSION_HOME", str(home))
    interrupted_session(home)
    tmux = TmuxApp(home)
    try:
        resume_notes_only(tmux, STEP_S)
        yield tmux
    finally:
        tmux.close()


def folder_of(app: TmuxApp) -> Path:
    """The one session folder."""
    (folder,) = (app.home / "sessions").iterdir()
    return folder


def tags_shown(app: TmuxApp, expected: str) -> None:
    """Wait until the tags label beside the note box reads `expected` (e.g. "1A 2B")."""
    # (then, in brackets, the keys for the shown question's other criteria)
    app.wait_match(rf"(?m)^\s*tags: {re.escape(expected)}(?: \(\+[^)]*\))?\s+▊", STEP_S)


def note_box(app: TmuxApp) -> str:
    """The text in the note box (the line between the box's borders)."""
    for line in app.screen().splitlines():
        if "▊" in line and "▎" in line:  # the box's tall border: ▊ text ▎
            text = line.split("▊", 1)[1].rsplit("▎", 1)[0].strip()
            if text.strip("▔▁"):
                return text
    raise AssertionError(app.screen())


def last_note(app: TmuxApp, count: int) -> tuple[str, list[str]]:
    """Wait until the record holds `count` notes; the last one's text and criteria."""
    deadline = time.monotonic() + STEP_S
    while True:
        notes = load_state(folder_of(app)).notes
        if len(notes) >= count:
            return notes[-1].text, list(notes[-1].criteria)
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(notes)} notes on record, not {count}:\n{app.screen()}")
        time.sleep(0.1)


# ---------------------------------------------------------------------------- the tests
def test_ctrl_keys_beside_the_f_keys_do_their_actions(app: TmuxApp) -> None:
    app.wait_for("(F2) when asked", STEP_S)
    app.keys("C-y")  # F2: asked
    app.wait_gone("(F2) when asked", STEP_S)
    first = app.wait_match(QUESTION.pattern, STEP_S).group(1)
    app.keys("C-n")  # F3: the guide's next question
    app.wait_match(rf"│ (?!{first})D-\w+-\d+ · ", STEP_S)
    app.keys("C-o")  # F4: choose a question
    app.wait_for("Choose a question (Enter)", STEP_S)
    app.keys("Escape")
    app.wait_for("type a note", STEP_S)
    app.keys("C-l")  # F5: mark the moment
    app.wait_for("(moment marked)", STEP_S)
    app.keys("C-r")  # F6: pause (a notes-only session has nothing to pause, and says so)
    app.wait_for("Nothing is recording.", STEP_S)
    app.keys("C-f")  # F7: amend a past note
    app.wait_for("Pick the note to correct", STEP_S)
    app.keys("Escape")
    app.wait_for("type a note", STEP_S)
    app.keys("C-g")  # F1: help
    screen = app.wait_for("This screen", STEP_S)
    assert "Tag…" in screen, screen  # the screen's own keys come first
    app.keys("C-g")  # closes it again
    app.wait_gone("This screen", STEP_S)
    app.keys("C-s")  # F10: end the discussion
    app.wait_for("End the discussion?", STEP_S)
    app.keys("y")
    app.wait_for("11 of 11 criteria still to decide", STEP_S)

    # The decisions screen: ctrl+y met, ctrl+n not met, ctrl+l all notes.
    app.type("shown in the answers")
    app.keys("C-y")
    app.wait_for("10 of 11 criteria still to decide", STEP_S)
    app.type("not shown")
    app.keys("C-n")
    app.wait_for("9 of 11 criteria still to decide", STEP_S)
    app.keys("C-l")
    app.wait_for("All notes (F4: only tagged)", STEP_S)
    app.keys("C-s")  # F10: refused while criteria are undecided; the screen stays
    app.wait_for("9 of 11 criteria still to decide", STEP_S)
    decided = load_state(folder_of(app)).criteria
    assert decided["1A"].decision is not None and decided["1A"].decision.met
    assert decided["2A"].decision is not None and not decided["2A"].decision.met


def test_alt_digit_keys_toggle_tags_and_type_nothing(app: TmuxApp) -> None:
    app.keys("C-t")  # the shown question's tags off
    tags_shown(app, "none")
    app.keys("M-1")  # ESC 1, as tmux and most terminals send alt+1
    tags_shown(app, "1A")
    app.keys("M-3")  # ESC 3: Textual alone reads it as "£"
    tags_shown(app, "1A 2B")
    app.keys("M--")  # alt+minus, the 11th place
    tags_shown(app, "1A 2B 7A")
    assert note_box(app).startswith("type a note · 3a: tags"), app.screen()  # nothing typed
    app.type("called back")
    app.keys("Enter")
    assert last_note(app, 1) == ("called back", ["1A", "2B", "7A"])


def test_option_characters_from_a_mac_toggle_tags_but_pound_stays_text(app: TmuxApp) -> None:
    app.keys("C-t")  # the shown question's tags off
    tags_shown(app, "none")
    for character in "¡™º–":  # Option+1, +2, +0, +- on a Mac (Option not sent as Meta)
        app.type(character)
    tags_shown(app, "1A 2A 6B 7A")
    app.type("£20 refund")
    app.wait_for("£20 refund", STEP_S)
    app.keys("Enter")
    assert last_note(app, 1) == ("£20 refund", ["1A", "2A", "6B", "7A"])


def test_esc_then_a_place_toggles_a_tag_and_a_stray_esc_eats_nothing(app: TmuxApp) -> None:
    app.keys("C-t")  # the shown question's tags off
    tags_shown(app, "none")
    app.keys("Escape", pause=0.4)  # slower than the 0.1 s that makes ESC 4 an alt key
    app.wait_for("Tag: press a board place", STEP_S)
    app.keys("4")
    tags_shown(app, "3A")
    app.keys("Escape", pause=0.4)
    app.type("a")  # not a place: the chord is over and the letter is typed
    app.type(" 1 day later")  # so this 1 is text, not a tag
    app.wait_for("a 1 day later", STEP_S)
    tags_shown(app, "3A")
    app.keys("Enter")
    assert last_note(app, 1) == ("a 1 day later", ["3A"])


def test_keymap_setting_remaps_a_key_in_the_real_app(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.json").write_text(json.dumps({"keymap": {"app.help": "f9"}}))
    with TmuxApp(home) as app:
        app.wait_for("New discussion", STEP_S)
        app.keys("F9")
        app.wait_for("This screen", STEP_S)
        app.keys("Escape")
        app.wait_gone("This screen", STEP_S)
        app.keys("C-g")  # no longer the help key
        app.keys("F1")
        app.wait_for("New discussion", STEP_S)
        assert "This screen" not in app.screen()


def test_home_footer_keeps_quit_and_help_at_80_columns(tmp_path: Path) -> None:
    # Found in tmux: the home footer ended "f5 Refre" at 80 columns, with Quit and Help gone.
    home = tmp_path / "home"
    home.mkdir()
    with TmuxApp(home) as app:
        app.wait_for("New discussion", STEP_S)
        footer = app.screen().rstrip("\n").splitlines()[-1]
        assert "^q Quit" in footer and "f1 Help" in footer, footer
