"""Issue 8, the discussion screen in a real terminal (tmux): tags beside the note box follow the
question on screen, a resume restores the question, the layout uses the space, the footer fits,
quitting asks. The session is notes-only and resumed (no audio needed)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tmux_driver import TmuxApp, resume_notes_only
from ui_live_helpers import notes_only_session

from discussion.record.session import load_state

STEP_S = 20.0
# The question's id, its main criterion and (in brackets) its others.
QUESTION = re.compile(r"│ (D-\w+-\d+) · ([0-9A-Z]+)(?: \(\+([0-9A-Z ]+)\))? · ")


@contextmanager
def resumed(
    tmp_path: Path,
    *,
    asked: str | None = None,
    notes: int = 0,
    width: int = 80,
    height: int = 24,
) -> Iterator[TmuxApp]:
    """The app in tmux on the discussion screen of a resumed notes-only session."""
    home = tmp_path / "home"
    live = notes_only_session(home / "sessions")
    if asked is not None:
        live.ask(asked, ["3A", "3B"])
    for number in range(1, notes + 1):
        live.note(f"remark {number} on the complaint", ["3A"], 10.0 + number)
    live.release()
    tmux = TmuxApp(home, width=width, height=height)
    try:
        resume_notes_only(tmux, STEP_S)
        # The status line spans the pane once the app has its size (the first frame may not).
        yield tmux
    finally:
        tmux.close()


def tags_label(app: TmuxApp) -> str:
    """The tags label beside the note box (without the keys for the question's others)."""
    pattern = r"(?m)^\s*tags: ([0-9A-Z ]+?|none)(?: \(\+[^)]*\))?\s+▊"
    return app.wait_match(pattern, STEP_S).group(1)


def test_tags_beside_the_box_follow_the_question_shown_after_next(tmp_path: Path) -> None:
    with resumed(tmp_path) as app:
        first = app.wait_match(QUESTION.pattern, STEP_S)
        assert tags_label(app) == first.group(2), app.screen()  # the main criterion only
        app.keys("C-y", "C-n")  # asked, then the guide's next
        shown = app.wait_match(rf"│ (?!{first.group(1)}){QUESTION.pattern[2:]}", STEP_S)
        criteria = [shown.group(2)]
        app.wait_match(rf"tags: {shown.group(2)}(?: \(\+[^)]*\))?\s+▊", STEP_S)
        app.type("offered a call back")
        app.keys("Enter")
        app.wait_for("offered a call back", STEP_S)
        (folder,) = (app.home / "sessions").iterdir()
        assert load_state(folder).notes[-1].criteria == criteria


def test_resume_shows_the_question_last_asked_and_its_tags(tmp_path: Path) -> None:
    with resumed(tmp_path, asked="D-3A-02") as app:
        screen = app.wait_for("D-3A-02 · 3A (+3B)", STEP_S)
        assert "· ✔" in screen, screen  # asked
        assert tags_label(app) == "3A", app.screen()
        app.wait_for("tags: 3A (+3B: alt+5)", STEP_S)  # the other one key away


def test_footer_at_80x24_shows_every_key_with_its_label(tmp_path: Path) -> None:
    # (Under pytest the app in tmux reads 80×24 whatever the pane's size: larger sizes are
    # checked with Pilot in test_issue8_discussion.py.)
    with resumed(tmp_path, notes=3) as app:
        screen = app.wait_for("f1 Help", STEP_S)
        footer = screen.rstrip("\n").splitlines()[-1]
        # F5 (mark the moment) is in the help: Enter on an empty line does the same.
        for label in ("f2 Asked", "f3 Next", "f4 Choose", "f6 Pause", "f7 Amend", "f8 Status"):
            assert label in footer, screen
        assert "f10 End" in footer and "^q Quit" in footer, screen
        assert "ctrl+y (F2) when asked" in screen.replace("\n", " ").replace("│ ", ""), screen
        assert "remark 3 on" in screen, screen


def test_ctrl_q_during_a_discussion_asks_and_says_it_can_be_resumed(tmp_path: Path) -> None:
    with resumed(tmp_path) as app:
        app.keys("C-q")
        screen = app.wait_for("Quit while a discussion is open?", STEP_S)
        assert "can be" in screen and "resumed" in screen, screen
        assert app.app_alive()
        app.keys("n")
        app.wait_gone("Quit while a discussion is open?", STEP_S)
        app.wait_for("type a note", STEP_S)
        assert app.app_alive()
        app.keys("C-q")
        app.wait_for("Quit while a discussion is open?", STEP_S)
        app.keys("y")
        deadline = time.monotonic() + STEP_S
        while app.app_alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not app.app_alive(), app.screen()
        (folder,) = (app.home / "sessions").iterdir()
        assert load_state(folder).closed is None  # left resumable


def test_palette_jumps_to_a_criterion_and_picks_a_question_by_id(tmp_path: Path) -> None:
    with resumed(tmp_path) as app:
        app.keys("C-p")
        app.wait_for("Search for commands", STEP_S)
        app.type("3B")
        app.wait_for("Criterion 3B", STEP_S)
        app.keys("Enter")
        app.wait_for("3B: board place 5", STEP_S)
        shown = app.wait_match(QUESTION.pattern, STEP_S)
        assert "3B" in [shown.group(2), *(shown.group(3) or "").split()], app.screen()
        assert tags_label(app) == "3B", app.screen()  # the criterion jumped to
        app.keys("C-p")
        app.wait_for("Search for commands", STEP_S)
        app.type("D-3A-02")
        app.wait_for("Question D-3A-02", STEP_S)
        app.keys("Enter")
        app.wait_for("D-3A-02 · 3A (+3B)", STEP_S)
