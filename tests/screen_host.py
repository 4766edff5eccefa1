"""A tiny app that shows one screen, for testing screens before (and apart from) the real app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from discussion.ui.messages import (
    BrowserRequested,
    NewDiscussionRequested,
    SessionOpenRequested,
    SessionResumeRequested,
)


class ScreenHost(App[None]):
    """Pushes `make_screen()` on mount; keeps the messages the screen posts and its result."""

    def __init__(self, make_screen: Callable[[], Screen[Any]], *, cursor_blink: bool = False):
        super().__init__()
        self.make_screen = make_screen
        self.cursor_blink = cursor_blink
        self.messages: list[Message] = []
        self.results: list[object] = []

    def compose(self) -> ComposeResult:
        yield Static("host")

    def on_mount(self) -> None:
        """Show the screen under test."""
        self.push_screen(self.make_screen(), self.results.append)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Stable snapshots: no blinking text cursor."""
        if isinstance(event.widget, Input):
            event.widget.cursor_blink = self.cursor_blink

    def on_new_discussion_requested(self, message: NewDiscussionRequested) -> None:
        """Keep it."""
        self.messages.append(message)

    def on_session_resume_requested(self, message: SessionResumeRequested) -> None:
        """Keep it."""
        self.messages.append(message)

    def on_session_open_requested(self, message: SessionOpenRequested) -> None:
        """Keep it."""
        self.messages.append(message)

    def on_browser_requested(self, message: BrowserRequested) -> None:
        """Keep it."""
        self.messages.append(message)
