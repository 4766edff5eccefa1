"""Keys: every binding has an id, a tooltip and (for F keys) a key terminals pass through; the
`keymap` setting remaps bindings and refuses what could never work; the help lists the screen's
own keys first; the terminal parser delivers alt+digit. The real-terminal half is
test_keys_tmux.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from ui_helpers import catalog
from ui_live_helpers import Clock, HostApp, notes_only_session, saved

from discussion.errors import UserError
from discussion.settings import Settings, load_settings
from discussion.ui.app import DiscussionApp
from discussion.ui.keymap import (
    _binding_classes,
    apply_keymap,
    check_keymap,
    deliver_alt_digits,
    known_bindings,
)
from discussion.ui.screens.discussion import DiscussionScreen
from discussion.ui.screens.help import HelpScreen, help_sections

WHERE = "settings.json"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    return tmp_path


def _discussion(
    home: Path, keymap: dict[str, str] | None = None
) -> tuple[DiscussionScreen, HostApp]:
    live = notes_only_session(home)
    screen = DiscussionScreen(live, catalog(), Settings(reaction_lag_s=0.0), clock=Clock(30.0))
    app = HostApp(screen)
    live.listener = app.listener
    apply_keymap(app, keymap or {})
    return screen, app


# ---------------------------------------------------------------------------- the bindings
def test_every_binding_has_an_id_and_a_tooltip() -> None:
    missing = [
        f"{cls.__name__}: {binding.key} -> {binding.action}"
        for cls in _binding_classes()
        for binding in cls.__dict__["BINDINGS"]
        if not getattr(binding, "id", None) or not getattr(binding, "tooltip", "")
    ]
    assert missing == []


def test_every_f_key_action_has_a_key_terminals_pass_through() -> None:
    for binding_id, info in known_bindings().items():
        f_keys = [key for key in info.keys if key[0] == "f" and key[1:].isdigit()]
        if f_keys:
            others = [key for key in info.keys if key not in f_keys]
            assert any(key.startswith("ctrl+") for key in others), (binding_id, info.keys)


def test_the_parser_reads_esc_digit_as_alt_digit_not_as_a_mac_character() -> None:
    deliver_alt_digits()
    parsed: list[events.Key] = []
    parser = XTermParser(debug=False)
    for token in parser.feed("\x1b3\x1b1\x1b-x"):
        if isinstance(token, events.Key):
            parsed.append(token)
    assert [(key.key, key.character) for key in parsed] == [
        ("alt+3", None),  # Textual alone: ("pound_sign", "£"), typed into the note
        ("alt+1", None),
        ("alt+minus", None),
        ("x", "x"),
    ]


# ---------------------------------------------------------------------------- tag keys (Pilot)
async def test_esc_then_a_place_toggles_a_tag_and_other_keys_cancel_it(home: Path) -> None:
    screen, app = _discussion(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t")  # the shown question's tags off
        await pilot.press("escape", "4")
        await pilot.pause()
        assert screen.tags == ["3A"]
        await pilot.press("4")  # no Esc: typed
        await pilot.press("escape", "x", "1")  # a letter ends the chord: both are typed
        await pilot.pause()
        assert screen.query_one("#note").value == "4x1"  # type: ignore[attr-defined]
        assert screen.tags == ["3A"]
        await pilot.press("escape", "escape", "2")  # Esc again cancels
        await pilot.pause()
        assert screen.tags == ["3A"]
        assert screen.query_one("#note").value == "4x12"  # type: ignore[attr-defined]


async def test_mac_option_characters_toggle_tags_and_are_not_typed(home: Path) -> None:
    screen, app = _discussion(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t")  # the shown question's tags off
        await pilot.press("¡", "–", "x")  # (that £ stays text is proven in test_keys_tmux.py)
        await pilot.pause()
        assert screen.tags == ["1A", "7A"]
        assert screen.query_one("#note").value == "x"  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------- the keymap
async def test_keymap_remaps_a_discussion_key(home: Path) -> None:
    screen, app = _discussion(home, {"discussion.mark": "f12,ctrl+b"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5", "ctrl+l")  # the old keys do nothing now
        await saved(pilot, screen.live)
        assert screen.live.record.state().notes == []
        await pilot.press("f12", "ctrl+b")
        await saved(pilot, screen.live)
        assert [note.text for note in screen.live.record.state().notes] == ["", ""]


@pytest.mark.ui_flow
async def test_keymap_from_settings_remaps_the_help_key(home: Path) -> None:
    app = DiscussionApp(
        catalog(), settings=Settings(keymap={"app.help": "f9"}), start_on_browser=True
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


def test_a_valid_keymap_is_normalised() -> None:
    keymap = {"discussion.end": "f9, ctrl+b", "browser.filter": "?", "discussion.tag1": "alt+q"}
    assert check_keymap({**keymap, "decisions.met": "alt+5"}, WHERE) == {
        "discussion.end": "f9,ctrl+b",
        "browser.filter": "question_mark",
        "discussion.tag1": "alt+q",  # a tag key is seen before the box: alt+letter works
        "decisions.met": "alt+5",  # alt+digit carries no character
    }


@pytest.mark.parametrize(
    ("keymap", "expected"),
    [
        ({"discussion.ned": "f9"}, "no binding 'discussion.ned'; did you mean 'discussion.end'?"),
        ({"discussion.end": "ctl+e"}, '"ctl" is not a modifier'),
        ({"discussion.end": "f9,,ctrl+b"}, "an empty key"),
        ({"discussion.end": "ctrl+"}, 'has no key after its last "+"'),
        ({"discussion.end": "ctrl+escap"}, '"escap" is not a key name'),
        ({"discussion.end": "ctrl+i"}, "'ctrl+i' arrives as tab"),
        ({"discussion.end": "ctrl+e"}, "'ctrl+e' is a text-editing key (go to end)"),
        ({"discussion.end": "ctrl+p"}, "'ctrl+p' opens the command palette"),
        ({"discussion.end": "e"}, "'e' types a character in this screen's text box"),
        ({"discussion.tag1": "m"}, "'m' types a character"),
        ({"discussion.next": "alt+n"}, "'alt+n' types a character"),
        ({"app.help": "question_mark"}, "'question_mark' types a character"),
        ({"review_judge.record": "r"}, "'r' types a character"),
        ({"sessions.back": "b"}, "'b' types a character"),
        ({"mock.done": "d"}, "'d' types a character"),  # the typed answer's box
        ({"discussion.mark": "ctrl+n"}, "'ctrl+n' would be both"),
        ({"app.help": "ctrl+y"}, "'ctrl+y' would be both"),
    ],
)
def test_a_keymap_that_could_not_work_is_refused_naming_the_id(
    keymap: dict[str, str], expected: str
) -> None:
    with pytest.raises(UserError) as caught:
        check_keymap(keymap, WHERE)
    message = caught.value.message
    assert expected in message, message
    assert message.startswith(f"{WHERE}: keymap")
    assert next(iter(keymap)) in message
    assert "\n" not in message


def test_the_settings_file_refuses_a_keymap_of_the_wrong_shape(home: Path) -> None:
    path = home / "settings.json"
    path.write_text(json.dumps({"keymap": {"End": "f9"}}))
    with pytest.raises(UserError) as caught:
        load_settings(path)
    assert "keymap" in caught.value.message and "'End' is not a binding id" in caught.value.message
    path.write_text(json.dumps({"keymap": {"discussion.end": 9}}))
    with pytest.raises(UserError) as caught:
        load_settings(path)
    assert "keymap" in caught.value.message


def test_the_app_refuses_to_start_with_a_broken_keymap(home: Path) -> None:
    (home / "settings.json").write_text(json.dumps({"keymap": {"discussion.end": "ctl+e"}}))
    result = subprocess.run(
        [sys.executable, "-m", "discussion"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "settings.json: keymap 'discussion.end'" in lines[0]
    assert '"ctl" is not a modifier' in lines[0]


# ---------------------------------------------------------------------------- the help
async def test_help_lists_the_screen_keys_then_the_app_then_text_editing(home: Path) -> None:
    screen, app = _discussion(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        sections = help_sections(screen)
    titles = [title for title, _ in sections]
    assert titles == ["This screen", "Everywhere", "Editing text in a box"]
    own = {row.id_text(): row for row in sections[0][1]}
    assert own["discussion.end"].key_text() == "F10 · ctrl+s"
    assert own["discussion.asked"].key_text() == "F2 · ctrl+y"
    assert own["discussion.tag1 … discussion.tag11"].key_text() == "alt+1 … alt+-"
    assert "discussion.tag_chord" in own
    editing = [row.name for row in sections[2][1]]
    assert "Go to end" in editing and "Delete all to the left" in editing


@pytest.mark.ui_flow
async def test_help_screen_shows_both_keys_of_the_help(home: Path) -> None:
    app = DiscussionApp(catalog(), start_on_browser=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {row.id_text(): row for _, rows in app.screen.sections for row in rows}
        assert rows["app.help"].key_text() == "F1 · ctrl+g"
        assert app.screen.sections[0][0] == "This screen"
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.ui_flow
async def test_browse_has_a_back_key_shown_in_the_footer(home: Path) -> None:
    app = DiscussionApp(catalog(), home=home / "sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home_screen = app.screen
        await pilot.press("b")
        await pilot.pause()
        browser = app.screen
        assert browser is not home_screen
        shown = [b.binding.description for b in browser.active_bindings.values() if b.binding.show]
        assert "Back" in shown
        await pilot.press("slash", *"refund", "escape")  # first Escape: clears the filter
        await pilot.pause()
        assert app.screen is browser
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home_screen
