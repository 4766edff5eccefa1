"""The grade screen's Import tab: Showcase and Observation results read from a JSON file.

`GradeImport` lays out the help, the path box and a status line, and posts `Requested` when a
path is entered; the grade screen reads the file with `read_import` (checked against the
results saved and being saved) and saves what it holds, telling the tab how it went.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from discussion.errors import UserError
from discussion.outcome import check_results, parse_component_results
from discussion.record import ComponentResultData, SessionState
from discussion.standard import Standard

IMPORT_HELP = (
    "Import Showcase and Observation results from a JSON file in the grade input format "
    "(`discussion grade --schema`), e.g.\n"
    '{"attempts": [{"component": "observation", "attempt": 1, "achieved": ["P1", "P2"], '
    '"modes": ["face-to-face"]}]}\n'
    "The file's results are saved to the record at once; a discussion entry is refused."
)


def read_import(
    path: Path,
    standard: Standard,
    state: SessionState,
    saving: Sequence[ComponentResultData] = (),
) -> list[ComponentResultData]:
    """The results in the file at `path`, checked to stand with those saved (`state`) and
    `saving`; `UserError` with what to fix otherwise."""
    if not str(path).strip() or str(path) == ".":
        raise UserError("type the path of a JSON file first")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not a JSON file") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror or error}") from None
    results = parse_component_results(text, standard)
    check_results(state, [*saving, *results], standard)
    return results


class GradeImport(Vertical):
    """The help, the path of the file, and how the last import went."""

    class Requested(Message):
        """The assessor entered the path of a file to import."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def compose(self) -> ComposeResult:
        yield Static(IMPORT_HELP, id="import-help", markup=False)
        yield Input(placeholder="path of the JSON file, then enter", id="import-path")
        yield Static(id="import-status")

    @on(Input.Submitted, "#import-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Requested(event.value))

    def show(self, text: str, *, error: bool = False) -> None:
        """Say how the import went (plain text: a path or an error may hold brackets)."""
        status = self.query_one("#import-status", Static)
        status.update(Text(text))
        status.set_class(error, "error")

    def clear(self) -> None:
        """Empty the path box (the file was imported)."""
        self.query_one("#import-path", Input).value = ""
