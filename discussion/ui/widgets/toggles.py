"""Check boxes and radio buttons whose state reads without colour.

Textual draws a ticked and an unticked box with the same `X` (and every radio button with the
same `●`), told apart by colour only: a colour-blind assessor, a monochrome terminal or a plain
text capture cannot see which gateway item is ticked. These draw the mark only when on.
(`TickList` reads Textual's private `ToggleButton` characters: textual is pinned to 8.2.)
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, RadioButton, SelectionList
from textual.widgets._toggle_button import ToggleButton


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


class TickList(SelectionList[int]):
    """A selection list (of note numbers) whose unselected rows show an empty box."""

    def render_line(self, y: int) -> Strip:
        """Textual's line, with the `X` blanked on rows that are not selected."""
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 3 or segments[0].text != ToggleButton.BUTTON_LEFT:
            return strip
        inner = segments[1]
        meta = inner.style.meta if inner.style is not None else {}
        index = meta.get("option")
        if not isinstance(index, int) or inner.text != ToggleButton.BUTTON_INNER:
            return strip
        if self.get_option_at_index(index).value in self.selected:
            return strip
        segments[1] = Segment(" " * len(inner.text), inner.style)
        return Strip(segments, strip.cell_length)
