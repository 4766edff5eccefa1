"""Correct a past note: pick it, edit it; the log keeps the original and adds an amendment."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from discussion.notes import format_clock
from discussion.record import SessionState


class AmendNoteScreen(ModalScreen[tuple[int, str] | None]):
    """Dismisses with (note seq, new line as typed: `[CRITERIA:] text`) or None."""

    BINDINGS = [
        Binding(
            "escape",
            "dismiss(None)",
            "Back",
            id="amend.back",
            tooltip="Leave the notes as they are",
        ),
    ]

    DEFAULT_CSS = """
    AmendNoteScreen { align: center middle; }
    AmendNoteScreen > Vertical {
        width: 90%; max-width: 110; height: 80%; border: thick $primary; background: $surface;
    }
    AmendNoteScreen OptionList { height: 1fr; }
    """

    def __init__(self, state: SessionState) -> None:
        super().__init__()
        self.state = state
        self.chosen: int | None = None

    def compose(self) -> ComposeResult:
        options = []
        for note in reversed(self.state.notes):
            tags = ",".join(note.criteria) or "-"
            label = f"{format_clock(note.offset)} {note.label} {tags}: {note.text or '(moment)'}"
            options.append(Option(label, id=str(note.seq)))
        with Vertical():
            yield Label(" Pick the note to correct (Enter), then edit it and press Enter")
            yield OptionList(*options, id="amend-notes")
            yield Input(placeholder="choose a note first", id="amend-text", disabled=True)

    @on(OptionList.OptionSelected, "#amend-notes")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        note = self.state.note(int(event.option.id))
        if note is None:
            return
        self.chosen = note.seq
        box = self.query_one("#amend-text", Input)
        box.disabled = False
        prefix = f"{','.join(note.criteria)}: " if note.criteria else ""
        box.value = prefix + note.text
        box.focus()

    @on(Input.Submitted, "#amend-text")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.chosen is not None:
            self.dismiss((self.chosen, event.value))
