"""The current question with probes and look-fors, and the planned-hour guide's advice."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from discussion.bank import Question
from discussion.guide import Advice


class QuestionPanel(Static):
    """What to ask now, why the guide proposed it, whether it has been asked, what to look for
    (by criterion) and what is enough; the guide's next question and why, its warnings, and
    the close prompt when the guide says it is time.

    Plain rich text rather than Markdown: it is redrawn after every note and must be cheap.
    """

    DEFAULT_CSS = """
    QuestionPanel { padding: 0 1; }
    """

    _shown: Text | None = None

    def show(
        self, question: Question | None, asked: bool, advice: Advice, reason: str = ""
    ) -> None:
        """Redraw the panel for `question` (None when the guide has nothing to propose);
        `reason` says why the guide proposed it ("" when the assessor chose it)."""
        text = Text()
        for warning in advice.warnings:
            text.append(f"⚠ {warning}\n\n", style="bold yellow")
        if advice.close is not None:
            text.append(f"▶ {advice.close.title}\n", style="bold cyan")
            text.append(f"{advice.reason}\n", style="italic")
            for number, step in enumerate(advice.close.steps, 1):
                text.append(f"{number}. {step}\n")
            text.append("\n")
        if question is None:
            if advice.close is None:
                text.append("Guide: ", style="bold")
                text.append(advice.reason)
            text.append("ctrl+o (F4) chooses any question.", style="dim")
            self._update(text)
            return
        self._question(text, question, asked, reason)
        if advice.question is not None:
            text.append("\nGuide next (ctrl+n, F3): ", style="bold cyan")
            text.append(f"{advice.question.id}: {advice.reason}")
        self._update(text)

    @staticmethod
    def _question(text: Text, question: Question, asked: bool, reason: str) -> None:
        others = f" (+{' '.join(question.secondary)})" if question.secondary else ""
        text.append(question.id, style="bold")
        text.append(f" · {question.primary}{others} · ~{question.minutes:g} min")
        if question.kind == "warm-up":
            text.append(" · warm-up")
        if question.work_example:
            text.append(" · real example")
        text.append(" · ")
        if asked:
            text.append("✔ asked", style="bold green")
        else:
            text.append("not asked yet: ctrl+y (F2) when asked", style="italic yellow")
        text.append("\n")
        if reason:
            text.append(f"Why: {reason}\n", style="italic cyan")
        text.append("\n")
        if question.reminder:
            text.append("Say first: ", style="bold")
            text.append(question.reminder + "\n\n", style="italic")
        text.append(question.text + "\n\n", style="bold")
        text.append("Probes\n", style="underline")
        for probe in question.probes:
            text.append(f"• {probe}\n")
        for cid in question.criteria:
            items = question.look_fors_for(cid)
            if not items:
                continue
            text.append(f"Look for · {cid}\n", style="underline")
            for item in items:
                text.append(f"• {item}\n", style="dim")
        if question.sufficient:
            text.append("Enough: ", style="bold")
            text.append(question.sufficient + "\n")

    def _update(self, text: Text) -> None:
        if text != self._shown:  # an unchanged panel costs no layout pass
            self._shown = text
            self.update(text)
