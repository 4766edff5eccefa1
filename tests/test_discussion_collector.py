"""While the discussion screen is up, full collections wait for a quiet moment (issue 14: a
60 ms full collection on the writer's thread held up a note's "saved")."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest
from ui_live_helpers import Clock, discussion_screen, notes_only_session

from discussion.ui.screens import discussion_collector
from discussion.ui.screens.discussion_collector import NO_AUTOMATIC_FULL, QuietCollector


def test_a_full_collection_runs_only_when_nobody_types_and_no_note_is_on_its_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(discussion_collector, "FULL_AFTER", 0)  # whatever the counts are
    collector = QuietCollector()
    collector.typed()
    assert not collector.collect_if_quiet(False)  # typing just now
    collector.typed_at = time.monotonic() - 10
    assert not collector.collect_if_quiet(True)  # a note on its way to the disk
    assert collector.collect_if_quiet(False)
    assert gc.get_count()[2] == 0  # it was a full collection


def test_a_full_collection_held_back_too_long_runs_even_while_the_assessor_types(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(discussion_collector, "FULL_AFTER", 0)
    collector = QuietCollector()
    collector.typed()
    assert not collector.collect_if_quiet(True)  # typing, a note on its way, not overdue
    collector.collected_at = time.monotonic() - discussion_collector.MAX_HOLD_S - 1
    assert collector.collect_if_quiet(True)  # an hour of typing never starves it
    assert not collector.collect_if_quiet(True)  # and the clock starts again


async def test_the_screen_holds_full_collections_back_and_gives_them_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    before = gc.get_threshold()
    _screen, app = discussion_screen(notes_only_session(tmp_path), Clock(30.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gc.get_threshold() == (*before[:2], NO_AUTOMATIC_FULL)
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
