"""Shown once the session is sealed: the final chain head and how to export the record."""

from __future__ import annotations

import shlex
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class GradeSealed(ModalScreen[str]):
    """Dismisses with "done" (enter / escape) or "export" (e)."""

    BINDINGS = [
        Binding("enter,escape", "finish('done')", "Done", id="sealed.done",
                tooltip="Leave the grade screen: the session is sealed"),
        Binding("e", "finish('export')", "Export", id="sealed.export",
                tooltip="Export the assessment record now"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    GradeSealed { align: center middle; }
    GradeSealed > Vertical {
        width: 76; max-width: 98%; height: auto; border: thick $success; background: $surface;
        padding: 0 1;
    }
    GradeSealed Static { height: auto; }
    """

    def __init__(self, chain_head: str, folder: Path, grade: str | None) -> None:
        super().__init__()
        self.chain_head = chain_head
        self.folder = folder
        self.grade = grade

    def compose(self) -> ComposeResult:
        command = f"discussion export {shlex.quote(str(self.folder))} --format html -o FILE"
        text = Text()
        text.append("Session closed and sealed.\n\n", "bold")
        if self.grade:
            text.append(f"Grade as it stands: {self.grade.upper()}\n\n")
        text.append("Final chain head (record hash):\n")
        text.append(f"{self.chain_head}\n\n", "bold")
        text.append("Export the record from here (e), or later with:\n")
        text.append(f"{command}\n\n", "bold")
        text.append("enter: done   e: export")
        with Vertical():
            yield Static(text, id="sealed-text")

    def action_finish(self, choice: str) -> None:
        """Close with the choice."""
        self.dismiss(choice)
