"""Choose the next question yourself: the assessment set grouped by criterion."""

from __future__ import annotations

from collections.abc import Collection

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from discussion.bank import Question, QuestionBank
from discussion.standard import Component


class QuestionPicker(ModalScreen[Question | None]):
    """Every question of the set, by primary criterion; asked ones are marked ✔."""

    BINDINGS = [
        Binding(
            "escape", "dismiss(None)", "Back", id="picker.back", tooltip="Keep the current question"
        ),
    ]

    DEFAULT_CSS = """
    QuestionPicker { align: center middle; }
    QuestionPicker > Vertical {
        width: 90%; max-width: 110; height: 90%; border: thick $primary; background: $surface;
    }
    QuestionPicker OptionList { height: 1fr; }
    """

    def __init__(
        self,
        component: Component,
        bank: QuestionBank,
        asked: Collection[str],
        question_set: str = "assessment",
    ) -> None:
        super().__init__()
        self.component = component
        self.bank = bank
        self.asked = set(asked)
        self.question_set = question_set

    def compose(self) -> ComposeResult:
        options: list[Option | None] = []
        for criterion in self.component.criteria:
            questions = self.bank.for_criterion(criterion.id, self.question_set)
            if not questions:
                continue
            if options:
                options.append(None)
            level = "distinction" if criterion.level == "distinction" else "pass"
            options.append(
                Option(f"[b]{criterion.id}[/b] ({level}) {criterion.text}", disabled=True)
            )
            for question in questions:
                mark = "✔" if question.id in self.asked else " "
                label = f" {mark} {question.id} ~{question.minutes:g}m  {question.text}"
                options.append(Option(label, id=question.id))
        with Vertical():
            yield Label(" Choose a question (Enter) · Escape keeps the current one")
            yield OptionList(*options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Return the chosen question."""
        if event.option.id is not None:
            self.dismiss(self.bank.get(event.option.id))
