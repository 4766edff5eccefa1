"""`discussion mock`: the app opened straight on the mock's set-up.

The full app's keys (help, quit) and keymap apply; when the mock flow ends (set-up left, or the
readiness screen closed) the app ends too.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from textual import events

from discussion.errors import UserError
from discussion.paths import logs_dir
from discussion.settings import load_settings, settings_path
from discussion.ui.app import DiscussionApp, _native_stderr_to_log
from discussion.ui.catalog import Catalog
from discussion.ui.keymap import check_keymap
from discussion.ui.screens.mock_flow import MockParts, start_mock


class MockApp(DiscussionApp):
    """The app with the mock flow only."""

    def __init__(self, catalog: Catalog, *, parts: MockParts | None = None, **kwargs: Any) -> None:
        """`parts` replace the devices, voice, listener and clock (tests)."""
        super().__init__(catalog, **kwargs)
        self.parts = parts

    def on_mount(self, event: events.Mount | None = None) -> None:
        """Open the mock's set-up (not home: the app's own handler is skipped)."""
        if event is not None:
            event.prevent_default()
        start_mock(self, self.parts, on_end=self.exit)


def run_mock_app() -> int:
    """Load the catalog and settings (one-line errors) and run the mock."""
    try:
        catalog = Catalog.load()
        settings = load_settings()
        check_keymap(settings.keymap, str(settings_path()))
        log_dir = logs_dir()
    except UserError as error:
        print(f"discussion: error: {error.message}", file=sys.stderr)
        return error.exit_code
    logging.basicConfig(
        filename=log_dir / "app.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    with _native_stderr_to_log(log_dir / "native.log"):
        MockApp(catalog, settings=settings).run()
    return 0
