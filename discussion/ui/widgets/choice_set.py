"""A RadioSet where Enter on the option already chosen moves on (set-up's mode and attempt)."""

from __future__ import annotations

from textual.widgets import RadioButton, RadioSet


class ChoiceSet(RadioSet):
    """A RadioSet where Enter on the option already chosen moves on, as Enter does in a box.

    Choosing an option never moves the focus by itself (a Tab after it would skip a field);
    only a second Enter, or Tab, does. (A plain RadioSet ignores that Enter.)
    """

    def action_toggle_button(self) -> None:
        """Choose the highlighted option; if it is already chosen, go to the next field."""
        selected = self._selected
        buttons = list(self.query(RadioButton))
        if selected is not None and selected < len(buttons) and buttons[selected].value:
            self.screen.focus_next()
            return
        super().action_toggle_button()
