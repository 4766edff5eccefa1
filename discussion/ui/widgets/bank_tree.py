"""The question bank as a tree: criterion, then its questions, filtered by set and text."""

from __future__ import annotations

from textual.widgets import Tree

from discussion.bank import Question, QuestionBank
from discussion.standard import Component

SETS = ("all", "assessment", "practice")


class BankTree(Tree[Question | str]):
    """Questions grouped under the criterion they target first (primary criterion)."""

    DEFAULT_CSS = """
    BankTree { width: 36; border-right: solid $primary-background; }
    """

    def __init__(
        self,
        bank: QuestionBank,
        component: Component,
        *,
        sets: tuple[str, ...] = ("assessment", "practice"),
        id: str | None = None,
    ) -> None:
        super().__init__("Question bank", id=id)
        self.bank = bank
        self.component = component
        self.allowed_sets = sets
        self.show_root = False
        self.set_filter = "all"
        self.text_filter = ""

    def on_mount(self) -> None:
        """Build the tree with no filter."""
        self.rebuild()

    def visible_questions(self, criterion_id: str) -> list[Question]:
        """Questions whose primary criterion is `criterion_id`, after the set and text filters."""
        needle = self.text_filter.casefold()
        found = []
        for question in self.bank.questions:
            if question.criteria[0] != criterion_id or question.set not in self.allowed_sets:
                continue
            if self.set_filter != "all" and question.set != self.set_filter:
                continue
            haystack = " ".join([question.id, question.text, *question.probes, *question.look_fors])
            if needle and needle not in haystack.casefold():
                continue
            found.append(question)
        return found

    def rebuild(self) -> None:
        """Redraw the tree after a filter change, keeping criteria with matches open."""
        self.clear()
        for criterion in self.component.criteria:
            questions = self.visible_questions(criterion.id)
            marker = "D" if criterion.level == "distinction" else "P"
            node = self.root.add(
                f"{criterion.id} {marker} ({len(questions)}) {_short(criterion.text)}",
                data=criterion.id,
                expand=bool(self.text_filter) and bool(questions),
            )
            for question in questions:
                tag = "A" if question.set == "assessment" else "p"
                node.add_leaf(f"{tag} {question.id}", data=question)
        self.cursor_line = 0


def _short(text: str, width: int = 22) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
