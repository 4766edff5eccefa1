"""Issue 9, the live screen: the assessor's status of each criterion (none / partial /
sufficient) set with one key, logged on the sample clock, restored on resume, sealed and
verified; notes default to the question's main criterion."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sync_spy import Sync, patch_syncs
from textual.widgets import Label, Static
from ui_helpers import catalog
from ui_live_helpers import Clock, HostApp, discussion_screen, notes_only_session, saved

from discussion.live import LiveSession
from discussion.record import load_state
from discussion.ui.screens.discussion import DiscussionScreen
from discussion.ui.widgets.criteria_board import CriteriaBoard

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    return tmp_path


def _board(screen: DiscussionScreen) -> str:
    return str(screen.query_one(CriteriaBoard).render())


def _row(screen: DiscussionScreen, criterion: str) -> str:
    """The board's row for `criterion`, as text (no colour)."""
    return next(line for line in _board(screen).splitlines() if f" {criterion} " in line)


def _statuses(live: LiveSession) -> list[tuple[str, str, float]]:
    return [
        (e.data["criterion"], e.data["status"], e.offset)
        for e in live.record.events
        if e.type == "criterion_status"
    ]


async def test_status_key_cycles_the_main_criterion_and_logs_it_on_the_clock(home: Path) -> None:
    live = notes_only_session(home)
    live.ask("D-3A-02", ["3A", "3B"])  # resumed on a question whose main criterion is 3A
    clock = Clock(125.0)
    screen, app = discussion_screen(live, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "○ none" in _row(screen, "3A")
        await pilot.press("f8")
        await saved(pilot, live)  # the board shows the status once it is on disk
        assert "◐ partial" in _row(screen, "3A"), _board(screen)
        clock.now = 190.0
        await pilot.press("ctrl+j")  # the same action for terminals that keep F8
        await saved(pilot, live)
        assert "● sufficient" in _row(screen, "3A"), _board(screen)
        await pilot.press("f8")
        await saved(pilot, live)
        assert "○ none" in _row(screen, "3A")
        # Only the main criterion changed; each change is a record event at its moment.
        assert _statuses(live) == [
            ("3A", "partial", 125.0),
            ("3A", "sufficient", 190.0),
            ("3A", "none", 190.0),
        ]
        assert "○ none" in _row(screen, "3B")


async def test_board_sets_any_criterion_with_space_and_letters(home: Path) -> None:
    live = notes_only_session(home)
    screen, app = discussion_screen(live, Clock(60.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("tab")  # from the note box to the board
        await pilot.pause()
        board = screen.query_one(CriteriaBoard)
        assert screen.focused is board
        assert _row(screen, "1A").startswith("▸"), _board(screen)  # the cursor, without colour
        await pilot.press("down", "down", "down", "down", "down")  # 1A 2A 2B 3A 3B → 3C
        await pilot.press("space")
        await saved(pilot, live)
        assert "◐ partial" in _row(screen, "3C"), _board(screen)
        await pilot.press("s")
        await pilot.press("up", "p")  # 3B partial
        await saved(pilot, live)
        assert "● sufficient" in _row(screen, "3C")
        assert "◐ partial" in _row(screen, "3B")
        assert live.state().status_of("3C") == "sufficient"
        # Letters on the board never reach the note box.
        await pilot.press("shift+tab")
        await pilot.pause()
        assert screen.query_one("#note").has_focus
        assert screen.query_one("#note").value == ""  # type: ignore[attr-defined]
        assert not _row(screen, "3B").startswith("▸")


async def test_notes_alone_never_set_a_status(home: Path) -> None:
    live = notes_only_session(home)
    for criterion in catalog().standard.component("discussion").criteria:
        for number in range(3):
            live.note(f"evidence {number} for {criterion.id}", [criterion.id], 10.0 + number)
    screen, app = discussion_screen(live, Clock(60.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for criterion in catalog().standard.component("discussion").criteria:
            row = _row(screen, criterion.id)
            assert "○ none" in row and row.rstrip().endswith("3"), row
        await pilot.press("f10")
        await pilot.pause()
        detail = str(app.screen.query_one("#confirm-body", Static).render())
        passes = " ".join(c.id for c in catalog().standard.component("discussion").pass_criteria())
        assert f"not marked sufficient: {passes}." in " ".join(detail.split()), detail


async def test_quick_status_keys_step_on_from_the_last_while_the_disk_is_slow(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second F8 (or Space on the board) steps on from the status the first one set, not from
    the record's, which has it only once the writer's slow sync is done ("partial" twice)."""
    live = notes_only_session(home)
    live.ask("D-3A-02", ["3A", "3B"])

    def slow(real: Sync) -> Sync:
        def sync(fd: int) -> None:
            time.sleep(0.3)
            real(fd)

        return sync

    patch_syncs(monkeypatch, slow)
    screen, app = discussion_screen(live, Clock(60.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f8", "f8")
        await pilot.press("tab", "space", "space", "space")  # the board: 1A round to none
        await saved(pilot, live)
        assert "● sufficient" in _row(screen, "3A"), _board(screen)
    assert [(criterion, status) for criterion, status, _at in _statuses(live)] == [
        ("3A", "partial"),
        ("3A", "sufficient"),
        ("1A", "partial"),
        ("1A", "sufficient"),
        ("1A", "none"),
    ]
    live.release()


async def test_resume_restores_the_statuses(home: Path) -> None:
    live = notes_only_session(home)
    live.ask("D-3A-02", ["3A", "3B"])
    _screen_under_test, app = discussion_screen(live, Clock(60.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f8", "f8")  # 3A sufficient
        await pilot.press("ctrl+t", "alt+5", "f8")  # 3B (the note's first tag now) partial
        await pilot.pause()
    folder = live.folder
    live.release()
    resumed = LiveSession.resume(folder)
    assert resumed.state().status_of("3A") == "sufficient"
    screen2, app2 = discussion_screen(resumed, Clock(90.0))
    async with app2.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "● sufficient" in _row(screen2, "3A"), _board(screen2)
        assert "◐ partial" in _row(screen2, "3B")
        assert "○ none" in _row(screen2, "1A")
    resumed.release()


async def test_notes_take_the_main_criterion_and_the_others_are_one_key_away(
    home: Path,
) -> None:
    live = notes_only_session(home)
    live.ask("D-3A-02", ["3A", "3B"])
    screen, app = discussion_screen(live, Clock(60.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        label = str(screen.query_one("#tags", Label).render())
        assert label == "tags: 3A (+3B: alt+5)"
        await pilot.press(*"named the need", "enter")
        await pilot.press("alt+5", *"adapted the call", "enter")
        await saved(pilot, live)
        assert [n.criteria for n in live.state().notes] == [["3A"], ["3A", "3B"]]


def test_a_status_in_a_sealed_record_verifies(home: Path) -> None:
    live = notes_only_session(home)
    live.criterion_status("3A", "partial")
    live.criterion_status("3A", "sufficient")
    live.criterion_status("6B", "partial")
    live.close("test")
    folder = live.folder
    result = subprocess.run(
        [sys.executable, "-m", "discussion", "verify", str(folder), "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["sealed"] is True, report
    state = load_state(folder)
    assert {c: v.status for c, v in state.statuses.items()} == {"3A": "sufficient", "6B": "partial"}


async def test_decisions_show_the_status_marked_during_the_discussion(home: Path) -> None:
    from discussion.ui.screens.decisions import DecisionsScreen

    live = notes_only_session(home)
    live.criterion_status("3A", "partial")
    live.criterion_status("3A", "sufficient")
    decisions = DecisionsScreen(live, catalog().standard)
    host = HostApp(decisions)
    async with host.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        decisions._select("3A")
        wording = str(decisions.query_one("#wording", Static).render())
        assert "Marked during the discussion: ● sufficient" in wording, wording
        decisions._select("3B")  # never marked: nothing said
        wording = str(decisions.query_one("#wording", Static).render())
        assert "Marked during" not in wording, wording
