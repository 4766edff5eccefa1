"""A one-line question over the review (go to a time, filter by a criterion)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class ReviewPrompt(ModalScreen[str | None]):
    """Dismisses with the text typed once `check` accepts it (returns None), or None on Esc."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", id="review_prompt.back",
                tooltip="Back to the review without changing anything"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    ReviewPrompt { align: center middle; }
    ReviewPrompt > Vertical {
        width: 70%; max-width: 80; height: auto; border: thick $primary; background: $surface;
        padding: 0 1;
    }
    ReviewPrompt #prompt-error { color: $error; height: auto; }
    """

    def __init__(self, question: str, placeholder: str, check: Callable[[str], str | None]) -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Input(placeholder=self.placeholder, id="prompt-input")
            yield Label("", id="prompt-error")

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        problem = self.check(event.value)
        if problem is None:
            self.dismiss(event.value)
        else:
            self.query_one("#prompt-error", Label).update(problem)
