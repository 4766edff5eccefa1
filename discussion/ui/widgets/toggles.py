"""Check boxes and radio buttons whose state reads without colour.

Textual draws a ticked and an unticked box with the same `X` (and every radio button with the
same `●`), told apart by colour only: a colour-blind assessor, a monochrome terminal or a plain
text capture cannot see which gateway item is ticked. These draw the mark only when on.
"""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton


class _MarkWhenOn:
    """Mixin: the button's inner character is `MARK` when on and a space when off."""

    MARK = "X"
    BUTTON_INNER = " "
    value: bool

    def _show_mark(self) -> None:
        self.BUTTON_INNER = self.MARK if self.value else " "


class Tick(_MarkWhenOn, Checkbox):
    """A check box showing `X` only when ticked."""

    def on_mount(self) -> None:
        """Draw the starting state."""
        self._show_mark()
        self.refresh()

    def watch_value(self) -> None:
        """Redraw the mark, then let Checkbox post `Changed`."""
        self._show_mark()
        super().watch_value()


class Choice(_MarkWhenOn, RadioButton):
    """A radio button showing `●` only when chosen."""

    MARK = "●"

    def on_mount(self) -> None:
        """Draw the starting state."""
        self._show_mark()
        self.refresh()

    def watch_value(self) -> None:
        """Redraw the mark, then let RadioButton post `Changed`."""
        self._show_mark()
        super().watch_value()
