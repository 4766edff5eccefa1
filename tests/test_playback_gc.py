"""Full garbage collections are kept short while a review is open (gc.freeze), and the frozen
objects are handed back when it closes, so what a closed review leaves is still collected."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playback_helpers import FakeOutputFactory
from ui_helpers import catalog

from discussion.playback.gc_quiet import QuietCollections
from discussion.ui.screens.review import ReviewScreen

SAMPLE = Path(__file__).resolve().parent.parent / "transcripts" / "sample-discussion"


@pytest.fixture(autouse=True)
def thawed(gc_freeze_untouched: None) -> Iterator[None]:
    """Each test starts and ends with nothing frozen (the freeze is the process's), and only
    the code under test freezes meanwhile (tests/conftest.py freezes after full collections)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_frozen_until_the_last_holder_thaws() -> None:
    first, second = QuietCollections(), QuietCollections()
    first.freeze()
    assert first.held and gc.get_freeze_count() > 0
    second.freeze()
    first.thaw()
    assert gc.get_freeze_count() > 0  # the second review is still open
    second.thaw()
    assert gc.get_freeze_count() == 0
    assert not first.held and not second.held


def test_a_freeze_after_the_thaw_is_ignored() -> None:
    quiet = QuietCollections()
    quiet.thaw()  # the review closed before its freeze came
    quiet.freeze()
    assert not quiet.held and gc.get_freeze_count() == 0


def test_freeze_and_thaw_are_once_each() -> None:
    quiet, other = QuietCollections(), QuietCollections()
    quiet.freeze()
    quiet.freeze()
    other.freeze()
    other.thaw()
    assert gc.get_freeze_count() > 0  # quiet's second freeze did not count twice
    quiet.thaw()
    quiet.thaw()
    assert gc.get_freeze_count() == 0


async def test_the_review_freezes_while_open_and_thaws_when_left(tmp_path: Path) -> None:
    from discussion.ui.screens.review_app import ReviewApp

    folder = tmp_path / SAMPLE.name
    shutil.copytree(SAMPLE, folder)
    app = ReviewApp(catalog(), folder, cursor_blink=False, open_stream=FakeOutputFactory())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        for _ in range(200):
            if screen.player is not None and gc.get_freeze_count() > 0:
                break
            await pilot.pause(0.05)
        assert gc.get_freeze_count() > 0, "the shown review did not freeze the heap"
        await pilot.press("escape")
        await pilot.pause()
    assert gc.get_freeze_count() == 0, "the closed review left the heap frozen"
