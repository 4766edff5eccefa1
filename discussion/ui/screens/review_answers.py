"""The review's answers pane, for a mock's practice record: each question with what the
apprentice said or typed, the probes asked and why each was chosen, and the self-check, each
look-for with the apprentice's tick beside the cue match (`export.mock_answers`, the data the
exports render). Shown in place of the transcript pane on a practice record; `m` switches.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from discussion.bank.models import QuestionBank
from discussion.export.mock_answers import (
    NOTHING_HEARD,
    PRACTICE_NOTE,
    MockQuestion,
    check_summary,
    mock_answers,
    texts_note,
)
from discussion.export.report import Report
from discussion.text_safety import visible


def answers_text(report: Report, bank: QuestionBank | None) -> Text:
    """The mock's answers as one text for the pane (empty for a record that is not a mock)."""
    if report.state.mock is None:
        return Text("")
    out = Text()
    out.append(PRACTICE_NOTE + "\n", "bold")
    if note := texts_note(report, bank):
        out.append(note + "\n", "yellow")
    questions = mock_answers(report, bank)
    if not questions:
        out.append("\nNo answer was given in this mock.\n", "dim")
    for question in questions:
        out.append_text(_question_text(question))
    return out


def _question_text(question: MockQuestion) -> Text:
    out = Text("\n")
    out.append(visible(question.question_id), "bold reverse")
    out.append(" " + visible(question.text or "") + "\n", "bold")
    for answer in question.answers:
        out.append(f"{answer.label} ", "bold cyan")
        out.append(f"{answer.span}", "dim")
        if answer.probe_text:
            out.append(": " + visible(answer.probe_text), "cyan")
        out.append("\n")
        if answer.kind == "probe":
            out.append("  why: " + visible(answer.why) + "\n", "italic")
        out.append("  " + (visible(answer.text) or NOTHING_HEARD) + "\n")
    if not question.checked:
        out.append("Not self-checked.\n", "dim")
        return out
    out.append("Self-check: " + check_summary(question) + "\n", "bold")
    for look_for in question.look_fors:
        tick = "[✓]" if look_for.ticked else "[ ]"
        match = "cue match" if look_for.matched else "no cue match"
        out.append(f"  {tick} ", "green" if look_for.ticked else "")
        out.append(f"{look_for.index}. {visible(look_for.text or '')}  ")
        out.append(f"({match})\n", "green" if look_for.matched else "dim")
    return out


class AnswersPane(VerticalScroll):
    """The scrollable answers of a mock (keys: arrows, page up/down)."""

    DEFAULT_CSS = """
    AnswersPane { width: 1fr; border-left: solid $primary; padding: 0 1; }
    AnswersPane:focus { border-left: thick $accent; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=True)
        self.text = Text("")

    def compose(self) -> ComposeResult:
        yield Static("", id="review-answers-text")

    def show(self, report: Report, bank: QuestionBank | None) -> None:
        """Show `report`'s mock answers."""
        self.text = answers_text(report, bank)
        self.query_one("#review-answers-text", Static).update(self.text)
