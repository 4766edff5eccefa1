"""The record view through a real terminal (issue 8): the real `discussion` binary in tmux opens
the sealed sample from the home screen; the screen is read back as plain text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tmux_driver import TmuxApp

STEP_S = 20.0
SAMPLE = Path(__file__).resolve().parent.parent / "transcripts" / "sample-discussion"


def _home_with_sample(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    (home / "sessions").mkdir(parents=True)
    shutil.copytree(SAMPLE, home / "sessions" / SAMPLE.name)
    return home


def test_at_80x24_a_closed_session_opens_as_its_record(tmp_path: Path) -> None:
    app = TmuxApp(_home_with_sample(tmp_path))
    try:
        app.start()
        app.wait_for("Alex Example (fictional)", STEP_S)
        app.keys("Enter")
        screen = app.wait_for("9999999904", STEP_S)  # the details drawn, not only the bar
        assert "grade: FAIL" in screen
        assert "9999999904" in screen and "Sam Sample (fictional)" in screen
        for key in ("esc Back", "e Export", "c Criteria", "n Notes", "g Grade"):
            assert key in screen, f"{key!r} not in the footer:\n{screen}"
        app.keys("c")
        screen = app.wait_for("1A  MET", STEP_S)
        assert "Rationale: Clear internal customer" in screen
        app.keys("n")
        app.wait_for("#1      00:00:20 1A", STEP_S)
        app.keys("Escape")
        app.wait_for("Data folder", STEP_S)
    finally:
        app.close()


@pytest.mark.parametrize("size", [(200, 50)])
def test_at_200x50_details_criteria_and_notes_stand_side_by_side(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = TmuxApp(_home_with_sample(tmp_path), width=size[0], height=size[1])
    try:
        app.start()
        app.wait_for("Alex Example (fictional)", STEP_S)
        # The first frame may come before the app has the pane's size: wait for the full width.
        app.wait_match(r"(?m)^ Data folder: .*$\n.{150,}", STEP_S)
        app.keys("Enter")
        # The record loads in a thread and the columns fill as it lands: wait for the sixth
        # note, not only the column titles (CI once caught the frame in between).
        screen = app.wait_for("named a target but no practical actions", STEP_S)
        row = next(line for line in screen.splitlines() if "Criteria decided" in line)
        assert "Session (d)" in row and "Notes in time order" in row
    finally:
        app.close()
