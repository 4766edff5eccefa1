"""What the apprentice has said so far to the question on screen: while a follow-up is asked
and answered, the answer to the question (and to an earlier follow-up) stays in view."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static


class MockAnswersSoFar(Static):
    """The question's earlier answers, oldest first; hidden while there are none."""

    DEFAULT_CSS = """
    MockAnswersSoFar { padding: 0 1; height: auto; max-height: 10; color: $text-muted; }
    """

    def show(self, answers: Sequence[tuple[str, str, str]]) -> None:
        """Redraw with (what it answered, how long it took, what was said) for each answer, e.g.
        ("the question", "0:42", "I rang the customer back…"); none hides the widget."""
        self.display = bool(answers)
        out = Text()
        for index, (to, took, said) in enumerate(answers):
            if index:
                out.append("\n")
            out.append(f"You said to {to} ({took}): ", style="bold")
            if said:
                out.append(said)
            else:
                out.append("(nothing heard)", style="italic")
        self.update(out)
