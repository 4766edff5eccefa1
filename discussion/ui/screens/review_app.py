"""`discussion review FOLDER`: the app opened straight on the review of one session folder.

The full app's keys (help, quit) and keymap apply; leaving the review leaves the app.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from textual import events

from discussion.errors import UserError
from discussion.paths import logs_dir
from discussion.settings import load_settings, settings_path
from discussion.ui.app import DiscussionApp, _native_stderr_to_log
from discussion.ui.catalog import Catalog
from discussion.ui.keymap import check_keymap
from discussion.ui.screens.review import ReviewScreen


class ReviewApp(DiscussionApp):
    """The app with one screen: the review of `folder`."""

    def __init__(self, catalog: Catalog, folder: Path, **kwargs: Any) -> None:
        self.open_stream = kwargs.pop("open_stream", None)
        super().__init__(catalog, **kwargs)
        self.folder = folder

    def on_mount(self, event: events.Mount | None = None) -> None:
        """Open the review (not home: the app's own handler is skipped); leaving it quits."""
        if event is not None:
            event.prevent_default()
        screen = ReviewScreen(
            self.folder,
            self.catalog,
            preroll_s=self.settings.review_preroll_s,
            open_stream=self.open_stream,
        )
        self.push_screen(screen, lambda _result: self.exit())


def run_review(folder: Path) -> int:
    """Load the catalog and settings (one-line errors) and run the review of `folder`."""
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
        ReviewApp(catalog, folder, settings=settings).run()
    return 0
