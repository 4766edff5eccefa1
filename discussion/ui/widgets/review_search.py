"""The transcript pane's search box: what is typed searches at once; Enter goes to the next
hit, Escape closes the box (the hits stay highlighted) without leaving the review."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBox(Input):
    """A one-line search field, hidden until `/`; posts `Closed` on Escape."""

    BINDINGS = [
        Binding("escape", "close", "Close search", id="review.search_close",
                tooltip="Close the search box (the matches stay highlighted; / opens it again)"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    SearchBox { display: none; height: 3; }
    SearchBox.open { display: block; }
    """

    class Closed(Message):
        """The verifier closed the search box."""

    def action_close(self) -> None:
        """Hide the box and say so (the pane takes the focus back)."""
        self.remove_class("open")
        self.post_message(self.Closed())
