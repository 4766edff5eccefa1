"""Shared set-up for the UI tests: the bundled catalog, loaded once."""

from __future__ import annotations

from functools import cache

from discussion.ui.app import DiscussionApp
from discussion.ui.catalog import Catalog


@cache
def catalog() -> Catalog:
    """The bundled standard and bank (validated once per test run)."""
    return Catalog.load()


def make_app() -> DiscussionApp:
    """The app as `make run` opens it, with the text cursor not blinking (stable snapshots)."""
    return DiscussionApp(catalog(), cursor_blink=False)
