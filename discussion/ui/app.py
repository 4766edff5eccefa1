"""The Textual application: loads the catalog, opens the first screen, hosts help and palette."""

from __future__ import annotations

import sys

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.widgets import Input

from discussion.errors import UserError
from discussion.ui.catalog import Catalog
from discussion.ui.commands import BrowserCommands
from discussion.ui.screens.browser import BrowserScreen
from discussion.ui.screens.help import HelpScreen


class DiscussionApp(App[None]):
    """The assessor's app."""

    TITLE = "discussion"
    SUB_TITLE = "CSP Level 2 · Professional Discussion"
    COMMANDS = App.COMMANDS | {BrowserCommands}

    BINDINGS = [
        Binding(
            "f1,question_mark", "help", "Help", id="app.help", tooltip="Keys and how to use the app"
        ),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", tooltip="Leave the app"),
    ]

    def __init__(self, catalog: Catalog, *, cursor_blink: bool = True) -> None:
        super().__init__()
        self.catalog = catalog
        # Snapshot tests turn blinking off so every frame is the same.
        self.cursor_blink = cursor_blink

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Apply the app's blink setting to a text box as it takes focus."""
        if isinstance(event.widget, Input) and event.widget.cursor_blink != self.cursor_blink:
            event.widget.cursor_blink = self.cursor_blink

    def on_mount(self) -> None:
        """Open the browser on the bundled standard and bank."""
        self.push_screen(BrowserScreen(self.catalog))

    def action_help(self) -> None:
        """Show every binding of the current screen and the app."""
        if isinstance(self.screen, HelpScreen):
            return
        rows = []
        for _key, active in self.screen.active_bindings.items():
            binding = active.binding
            rows.append(
                (
                    binding.key_display or binding.key,
                    binding.description or binding.action,
                    binding.tooltip,
                )
            )
        self.push_screen(HelpScreen(rows))


def run_app() -> int:
    """Load the catalog (failing with a one-line error) and run the app."""
    try:
        catalog = Catalog.load()
    except UserError as error:
        print(f"discussion: error: {error.message}", file=sys.stderr)
        return error.exit_code
    DiscussionApp(catalog).run()
    return 0
