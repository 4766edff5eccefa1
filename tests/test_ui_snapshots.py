"""SVG snapshots of each screen at 80×24 (update with `pytest --snapshot-update`, then look)."""

from __future__ import annotations

from collections.abc import Callable

from ui_helpers import make_app

SnapCompare = Callable[..., bool]


def test_browser_standard(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), press=["down", "down"], terminal_size=(80, 24))


def test_browser_question(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), press=["2", "enter", "down"], terminal_size=(80, 24))


def test_browser_help(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), press=["f1"], terminal_size=(80, 24))
