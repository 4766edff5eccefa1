"""A titled list of checkboxes that must all be ticked (gateway declaration, conduct points)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.widgets import Checkbox, Label

from discussion.ui.widgets.toggles import Tick


@dataclass(frozen=True)
class CheckItem:
    """One thing to confirm: `label` is shown, `short` names it in the list of what is missing."""

    key: str
    label: str
    short: str


class WrappingCheckbox(Tick):
    """A checkbox whose long label wraps onto more lines instead of being cut off."""

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many lines as the label needs at this width."""
        return max(1, len(self.render().wrap(width)))


class Checklist(Vertical):
    """Checkboxes with wrapped labels; `missing()` names the unticked ones."""

    DEFAULT_CSS = """
    Checklist { height: auto; }
    Checklist > .checklist--title { text-style: bold; margin-top: 1; }
    Checklist > .checklist--hint { color: $text-muted; }
    Checklist > Checkbox {
        width: 1fr; height: auto; border: none; padding: 0 0 0 1; background: transparent;
        text-wrap: wrap; text-overflow: fold;
    }
    Checklist > Checkbox:focus { border: none; background: $boost; }
    Checklist > Checkbox:focus > .toggle--label { text-style: bold; }
    """

    def __init__(
        self, title: str, items: list[CheckItem], *, hint: str = "", id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.heading = title
        self.hint = hint
        self.items = items

    def compose(self) -> ComposeResult:
        yield Label(self.heading, classes="checklist--title")
        if self.hint:
            yield Label(self.hint, classes="checklist--hint")
        for item in self.items:
            yield WrappingCheckbox(item.label, id=f"check-{item.key}")

    def box(self, key: str) -> Checkbox:
        """The checkbox of one item."""
        return self.query_one(f"#check-{key}", Checkbox)

    def ticked(self) -> dict[str, bool]:
        """Each item's state by key."""
        return {item.key: self.box(item.key).value for item in self.items}

    def missing(self) -> list[str]:
        """The short names of the unticked items, in order."""
        return [item.short for item in self.items if not self.box(item.key).value]

    def first_unticked(self) -> Checkbox | None:
        """The first unticked checkbox (to move the focus to), or None."""
        return next((self.box(i.key) for i in self.items if not self.box(i.key).value), None)
