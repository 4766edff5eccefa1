"""The apprentice's spoken answer as it is transcribed, and what the examiner is doing."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class MockLiveAnswer(Static):
    """The words heard so far of the answer being given (spoken answers only)."""

    DEFAULT_CSS = """
    MockLiveAnswer {
        padding: 0 1; height: auto; min-height: 3; border-top: solid $primary-background;
    }
    """

    def show(self, text: str, listening: bool) -> None:
        """Redraw: `text` heard so far; `listening` whether the answer is still being taken."""
        out = Text()
        if not text:
            out.append(
                "Listening… speak your answer." if listening else "Your answer will show here.",
                style="dim italic",
            )
        else:
            out.append(text)
            if listening:
                out.append(" …", style="dim")
        self.update(out)
