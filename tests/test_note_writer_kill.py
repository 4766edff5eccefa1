"""A note the screen calls saved survives kill -9 (issue 14): "saved" is said only after the
record writer's sync. In a real terminal (tmux), notes-only (no audio needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tmux_driver import TmuxApp, resume_notes_only
from ui_live_helpers import notes_only_session

from discussion.record.session import read_log

STEP_S = 20.0
NOTES = ("3a: greeted by name", "4a: followed the procedure", "5a: kept the promise")


@pytest.mark.slow
def test_a_note_shown_as_saved_survives_a_kill_straight_after(tmp_path: Path) -> None:
    home = tmp_path / "home"
    live = notes_only_session(home / "sessions")
    folder = live.folder
    live.release()
    app = TmuxApp(home)
    try:
        resume_notes_only(app, STEP_S)
        for number, line in enumerate(NOTES, start=1):
            app.type(line, delay=0.005)
            app.keys("Enter", pause=0)
            screen = app.wait_match(rf"✔ saved #{number}\b", STEP_S)
        app.kill_app()  # SIGKILL as soon as the last one reads saved: nothing flushed or closed
    finally:
        app.close()
    assert screen is not None
    notes = [e.data["text"] for e in read_log(folder).events if e.type == "note"]
    assert notes == [line.split(": ", 1)[1] for line in NOTES]  # all there, in order
