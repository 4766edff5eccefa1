"""Issue 9, the live screen in a real terminal (tmux): ctrl+j (F8's twin) sets the status of the
note's criterion, the board takes Space and letters, the footer shows the key at 80×24, and a
SIGKILL then a resume brings the statuses back. Notes-only sessions (no audio needed)."""

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


def board_row(app: TmuxApp, criterion: str, status: str) -> None:
    """Wait until the board's row for `criterion` reads `status` (e.g. "◐ partial")."""
    app.wait_match(rf"(?m)^\s*▸?\s*\d {criterion} [PD] {re.escape(status)}\b", STEP_S)


def statuses(folder: Path) -> dict[str, str]:
    """The record's statuses (the latest per criterion)."""
    return {cid: view.status for cid, view in load_state(folder).statuses.items()}


def wait_statuses(folder: Path, expected: dict[str, str]) -> None:
    deadline = time.monotonic() + STEP_S
    while statuses(folder) != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"{statuses(folder)} != {expected}")
        time.sleep(0.1)


@contextmanager
def resumed(home: Path) -> Iterator[TmuxApp]:
    """The app on the discussion screen of the interrupted session under `home`."""
    tmux = TmuxApp(home)
    try:
        resume_notes_only(tmux, STEP_S)
        yield tmux
    finally:
        tmux.close()


def test_status_keys_in_a_real_terminal_survive_a_kill_and_resume(tmp_path: Path) -> None:
    home = tmp_path / "home"
    live = notes_only_session(home / "sessions")
    live.ask("D-3A-02", ["3A", "3B"])  # the question on screen when resumed: main criterion 3A
    folder = live.folder
    live.release()
    with resumed(home) as app:
        app.wait_for("tags: 3A (+3B: alt+5)", STEP_S)
        screen = app.wait_for("f10 End", STEP_S)
        footer = screen.rstrip("\n").splitlines()[-1]
        assert "f8 Status" in footer, screen  # one key, shown at 80×24
        app.keys("C-j")  # what a terminal sends for ctrl+j: the note's criterion, 3A
        board_row(app, "3A", "◐ partial")
        app.keys("C-j")
        board_row(app, "3A", "● sufficient")
        app.keys("Tab")  # to the board: ↓ to 2A, then p
        app.wait_match(r"(?m)^\s*▸1 1A", STEP_S)
        app.keys("Down", "p")
        board_row(app, "2A", "◐ partial")
        wait_statuses(folder, {"3A": "sufficient", "2A": "partial"})
        app.kill_app()  # SIGKILL: nothing flushed or closed
    with resumed(home) as again:
        board_row(again, "3A", "● sufficient")
        board_row(again, "2A", "◐ partial")
        board_row(again, "1A", "○ none")
