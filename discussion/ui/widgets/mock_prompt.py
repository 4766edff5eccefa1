"""What the examiner asks now: the question or follow-up, and why that follow-up was chosen."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class MockPrompt(Static):
    """The question on screen (as spoken), its place in the mock and, for a follow-up, why the
    examiner chose it. Plain rich text: redrawn only when the prompt changes."""

    DEFAULT_CSS = """
    MockPrompt { padding: 0 1; height: auto; }
    """

    _shown: Text | None = None

    def show(
        self,
        *,
        kind: str,
        place: str,
        text: str,
        reminder: str | None = None,
        why: str | None = None,
        criteria: str = "",
    ) -> None:
        """Draw a prompt: `kind` "question" or "probe", `place` e.g. "Question 2 of 5"."""
        out = Text()
        heading = place if kind == "question" else f"{place} · follow-up"
        out.append(heading, style="bold cyan")
        if criteria:
            out.append(f" · {criteria}", style="dim")
        out.append("\n")
        if reminder:
            out.append(reminder + "\n", style="italic")
        out.append(text + "\n", style="bold")
        if why:
            out.append("Why this follow-up: ", style="italic cyan")
            out.append(why + "\n", style="italic")
        self._update(out)

    def show_text(self, text: str) -> None:
        """A line instead of a prompt (the mock is over, or not started)."""
        self._update(Text(text))

    def _update(self, text: Text) -> None:
        if text != self._shown:
            self._shown = text
            self.update(text)
