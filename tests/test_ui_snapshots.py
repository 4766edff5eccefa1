"""SVG snapshots of each screen at 80×24 (update with `pytest --snapshot-update`, then look)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ui_helpers import catalog, make_app
from ui_live_helpers import Clock, HostApp, notes_only_session

from discussion.live import LiveSession
from discussion.settings import Settings
from discussion.ui.screens.decisions import DecisionsScreen
from discussion.ui.screens.discussion import DiscussionScreen

SnapCompare = Callable[..., bool]


@pytest.mark.ui_flow
def test_browser_standard(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), press=["down", "down"], terminal_size=(80, 24))


@pytest.mark.slow  # a long Pilot flow: make test runs it, test-fast keeps a shorter one
def test_browser_question(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), press=["2", "enter", "down"], terminal_size=(80, 24))


@pytest.mark.slow  # a long Pilot flow: make test runs it, test-fast keeps a shorter one
def test_browser_help(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), press=["f1"], terminal_size=(80, 24))


def _live_screens(home: Path) -> tuple[LiveSession, Clock]:
    live = notes_only_session(home)
    live.ask("D-1A-01", ["1A"])
    live.note("finance team are internal customers; callers are external", ["1A"], 65.0)
    live.note("deaf caller: switched to text relay and confirmed by email", ["3A", "3B"], 190.5)
    live.note("", ["3B"], 250.0)
    return live, Clock(47 * 60 + 5.0)  # past the first time warning


def test_discussion_screen(
    snap_compare: SnapCompare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    live, clock = _live_screens(tmp_path)
    screen = DiscussionScreen(live, catalog(), Settings(), clock=clock, tick_seconds=3600)
    app = HostApp(screen)
    assert snap_compare(app, terminal_size=(80, 24))


def test_decisions_screen(
    snap_compare: SnapCompare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    live, _clock = _live_screens(tmp_path)
    live.decide("1A", True, "clear example of both kinds of customer", [2])
    app = HostApp(DecisionsScreen(live, catalog().standard))
    assert snap_compare(app, terminal_size=(80, 24))
