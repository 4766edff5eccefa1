"""The help screen: what the app is for and every key binding of the screen below it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

INTRO = """\
# Help

**discussion** runs the Professional Discussion of the Customer Service Practitioner (Level 2)
end-point assessment: at most one hour, audio recorded, every note timestamped against the
criterion it supports.

- Press **ctrl+p** for the command palette: jump to any criterion or question by typing.
- The footer shows the keys of the current screen; all keys are listed below.
- Assessment questions are confidential: never share them with apprentices.
"""


class HelpScreen(ModalScreen[None]):
    """A modal page listing the bindings active on the screen that opened it."""

    BINDINGS = [
        Binding(
            "escape,q,f1,question_mark",
            "dismiss",
            "Close",
            id="help.close",
            tooltip="Close the help",
        ),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%; border: thick $primary; background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, bindings: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.bindings_text = bindings

    def compose(self) -> ComposeResult:
        rows = ["| Key | Action | What it does |", "|---|---|---|"]
        rows += [f"| `{key}` | {name} | {tip} |" for key, name, tip in self.bindings_text]
        with VerticalScroll():
            yield Markdown(INTRO + "\n## Keys\n\n" + "\n".join(rows))
