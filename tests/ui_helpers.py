"""Shared set-up for the UI tests: the bundled catalog, loaded once."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from discussion.ui.catalog import Catalog

if TYPE_CHECKING:
    from discussion.ui.app import DiscussionApp


@cache
def catalog() -> Catalog:
    """The bundled standard and bank (validated once per test run)."""
    return Catalog.load()


def make_app() -> DiscussionApp:
    """The app opened on the browser, with the text cursor not blinking (stable snapshots)."""
    from discussion.ui.app import DiscussionApp

    return DiscussionApp(catalog(), cursor_blink=False, start_on_browser=True)
