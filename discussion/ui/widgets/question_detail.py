"""One question in full: text, probes, look-fors and timing."""

from __future__ import annotations

from textual.widgets import Markdown

from discussion.bank import Question, QuestionBank
from discussion.standard import Component


class QuestionDetail(Markdown):
    """What the assessor reads out, and what to listen for."""

    DEFAULT_CSS = """
    QuestionDetail { padding: 0 1; }
    """

    def show_question(self, question: Question) -> None:
        """Show a question with its probes and look-fors."""
        kind = "Assessment (confidential)" if question.set == "assessment" else "Practice"
        example = " · asks for a real work example" if question.work_example else ""
        lines = [
            f"## {question.id}",
            f"*{kind} · {', '.join(question.criteria)} · about {question.minutes:g} min{example}*",
            "",
            question.text,
            "",
            "**Probes**",
            *[f"- {probe}" for probe in question.probes],
            "",
            "**Look for**",
            *[f"- {item}" for item in question.look_fors],
        ]
        self.update("\n".join(lines))

    def show_criterion(self, component: Component, bank: QuestionBank, criterion_id: str) -> None:
        """Summarise a criterion's coverage in the bank."""
        criterion = component.criterion(criterion_id)
        wording = criterion.text if criterion else ""
        assessment = len(bank.for_criterion(criterion_id, "assessment"))
        practice = len(bank.for_criterion(criterion_id, "practice"))
        self.update(
            f"## {criterion_id}\n\n{wording}\n\n"
            f"- Assessment questions: **{assessment}**\n- Practice questions: **{practice}**\n\n"
            "Open the criterion (Enter) to list its questions."
        )
