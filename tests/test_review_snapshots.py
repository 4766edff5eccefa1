"""SVG snapshots of the review screen on a copy of the signed sample record, the player not
started (no audio output, so nothing moves), at 80×24 and 160×45; update with
`pytest --snapshot-update`, then look at the SVGs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from screen_host import ScreenHost
from test_review_screen import SAMPLE
from test_review_transcript import SPOKEN, spoken_segment
from textual.pilot import Pilot
from transcript_helpers import make_transcript, write_signed
from ui_helpers import catalog

from discussion.ui.screens.review import ReviewScreen
from discussion.ui.widgets.review_levels import ReviewLevels
from discussion.ui.widgets.review_list import ReviewList
from discussion.verification.judge import Judgement, judge

SnapCompare = Callable[..., bool]


@pytest.fixture
def record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))  # no trusted keys: said so, stable
    folder = tmp_path / "sessions" / SAMPLE.name
    shutil.copytree(SAMPLE, folder)
    return folder


def review(folder: Path) -> ScreenHost:
    return ScreenHost(lambda: ReviewScreen(folder, catalog(), start_player=False))


async def settle(pilot: Pilot[None]) -> None:
    """Until the record is read and the levels are drawn (both in workers)."""
    for _ in range(400):
        screen = pilot.app.screen
        if isinstance(screen, ReviewScreen):
            levels = screen.query_one("#review-levels", ReviewLevels)
            if screen.query_one("#review-list", ReviewList).items and levels.levels:
                break
        await pilot.pause(0.05)
    else:
        raise AssertionError("the review never loaded")
    await pilot.pause()


def test_review_screen_80x24(snap_compare: SnapCompare, record: Path) -> None:
    assert snap_compare(review(record), terminal_size=(80, 24), run_before=settle)


@pytest.mark.ui_flow
def test_review_screen_with_judgements_160x45(snap_compare: SnapCompare, record: Path) -> None:
    judge(record, "Kim Verifier", judgement=Judgement("1A", agree=True, comment="clear", refs="1"))
    judge(
        record,
        "Kim Verifier",
        judgement=Judgement("5A", agree=False, comment="#6 names no action", refs="6,2:05"),
    )
    assert snap_compare(review(record), terminal_size=(160, 45), run_before=settle)


@pytest.mark.ui_flow
def test_review_judge_form_80x24(snap_compare: SnapCompare, record: Path) -> None:
    async def open_form(pilot: Pilot[None]) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen)
        box = screen.query_one("#review-list", ReviewList)
        box.highlighted = next(
            i
            for i, item in enumerate(box.items)
            if item.kind == "decision" and "3B" in item.criteria
        )
        await pilot.press("j")
        await pilot.pause()

    assert snap_compare(review(record), terminal_size=(80, 24), run_before=open_form)


@pytest.mark.ui_flow
def test_review_transcript_pane_with_a_search_160x45(
    snap_compare: SnapCompare, record: Path
) -> None:
    """The pane beside the list: a hand-made signed transcript (times chosen here, one line of
    unsure words), the notes between its lines, a search for "customer" on its second hit."""
    segments = [spoken_segment(*spoken) for spoken in SPOKEN]
    write_signed(record, make_transcript(record, segments), signer="Vera Verifier")

    async def search(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("t", "slash", *"customer", "enter")
        await pilot.pause()

    assert snap_compare(review(record), terminal_size=(160, 45), run_before=search)
