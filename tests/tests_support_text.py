"""Reading what a widget shows, for assertions."""

from __future__ import annotations

from textual.widgets import Markdown


def markdown_text(widget: Markdown) -> str:
    """The Markdown source currently shown by `widget`."""
    return widget.source
