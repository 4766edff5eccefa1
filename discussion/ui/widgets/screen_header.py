"""The screens' header: Textual's, tolerant of a screen that goes away as it mounts.

Textual's Header updates its title from a watcher that only expects `NoScreen`; when a screen is
dismissed a moment after it is pushed (set-up shown again after a failed recording start, on a
busy machine) the title child is already gone and `NoMatches` stops the whole app.
(Overrides Textual's private `_on_mount`: textual is pinned to 8.2.)
"""

from __future__ import annotations

import contextlib

from textual import events
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


class ScreenHeader(Header):
    """Header whose title update is skipped when the header is already being taken down."""

    def _on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # replaces Header's handler (and Widget's, which only scrolls)

        async def set_title() -> None:
            # The header's screen is gone or going: nothing to draw.
            with contextlib.suppress(NoScreen, NoMatches):
                self.query_one(HeaderTitle).update(self.format_title())

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
