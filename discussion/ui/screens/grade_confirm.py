"""A yes/no question the grade screen asks before something that cannot be undone."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class GradeConfirm(ModalScreen[bool]):
    """Dismisses True when the assessor confirms, False when they cancel."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "Cancel", id="confirm.cancel",
                tooltip="Do nothing and go back"),
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Go ahead"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    GradeConfirm { align: center middle; }
    GradeConfirm > Vertical {
        width: 72; max-width: 95%; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    GradeConfirm #confirm-title { text-style: bold; padding: 0 0 1 0; }
    GradeConfirm #confirm-body { height: auto; padding: 0 0 1 0; }
    GradeConfirm Horizontal { height: auto; align-horizontal: right; }
    GradeConfirm Button { margin-left: 2; }
    """

    def __init__(self, title: str, body: str | Text, confirm_label: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, id="confirm-title")
            yield Static(self.body, id="confirm-body")
            with Horizontal():
                yield Button("Cancel (esc)", id="cancel")
                yield Button(f"{self.confirm_label} (y)", id="confirm", variant="warning")

    def on_mount(self) -> None:
        """Focus Cancel: confirming takes a deliberate key."""
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_answer(self, answer: bool) -> None:
        """Close with the answer."""
        self.dismiss(answer)
