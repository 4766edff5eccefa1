"""The current question with probes and look-fors, and the guide's advice."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from discussion.bank import Question
from discussion.guide import Suggestion


class QuestionPanel(Static):
    """What to ask now; shows whether it has been asked and why the guide suggests it.

    Plain rich text rather than Markdown: it is redrawn after every note and must be cheap.
    """

    DEFAULT_CSS = """
    QuestionPanel { padding: 0 1; }
    """

    _shown: Text | None = None

    def show(self, question: Question | None, asked: bool, suggestion: Suggestion) -> None:
        """Redraw the panel for `question` (None when nothing is left to suggest)."""
        text = Text()
        for warning in suggestion.warnings:
            text.append(f"⚠ {warning}\n\n", style="bold yellow")
        if question is None:
            text.append("Guide: ", style="bold")
            text.append(suggestion.reason)
            self._update(text)
            return
        text.append(question.id, style="bold")
        text.append(f" · {', '.join(question.criteria)} · ~{question.minutes:g} min")
        if question.work_example:
            text.append(" · real example")
        text.append(" · ")
        if asked:
            text.append("✔ asked", style="bold green")
        else:
            text.append("not asked yet: ctrl+y (F2) when asked", style="italic yellow")
        text.append("\n\n")
        text.append(question.text + "\n\n", style="bold")
        text.append("Probes\n", style="underline")
        for probe in question.probes:
            text.append(f"• {probe}\n")
        text.append("Look for\n", style="underline")
        for item in question.look_fors:
            text.append(f"• {item}\n", style="dim")
        if suggestion.question is not None and suggestion.question.id != question.id:
            text.append("\nGuide next (ctrl+n, F3): ", style="bold cyan")
            text.append(f"{suggestion.question.id}: {suggestion.reason}")
        elif suggestion.question is not None:
            text.append(f"\nGuide: {suggestion.reason}", style="italic cyan")
        self._update(text)

    def _update(self, text: Text) -> None:
        if text != self._shown:  # an unchanged panel costs no layout pass
            self._shown = text
            self.update(text)
