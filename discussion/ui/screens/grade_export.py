"""Export the assessment record of a session to a file the assessor chooses.

The default is `data_home()/exports/<session id>.<format>`; nothing is ever written into a
session folder (it would change a sealed record).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioSet, Static

from discussion.errors import UserError
from discussion.export import FORMATS, default_export_path, export_text, write_export
from discussion.ui.widgets.toggles import Choice


class GradeExport(ModalScreen[Path | None]):
    """Dismisses with the path written, or None when cancelled."""

    BINDINGS = [
        Binding(
            "escape", "cancel", "Cancel", id="export.cancel", tooltip="Close without exporting"
        ),
    ]

    DEFAULT_CSS = """
    GradeExport { align: center middle; }
    GradeExport > Vertical {
        width: 76; max-width: 98%; height: auto; border: thick $primary; background: $surface;
        padding: 0 1;
    }
    GradeExport Horizontal { height: 1; }
    GradeExport Label { width: auto; padding: 0 1 0 0; }
    GradeExport RadioSet { layout: horizontal; border: none; height: 1; width: auto; padding: 0;
        background: transparent; }
    GradeExport RadioSet > RadioButton { padding: 0 1 0 0; width: auto; background: transparent; }
    GradeExport Input { margin: 1 0 0 0; }
    GradeExport #export-status { height: auto; }
    GradeExport #export-status.error { color: $error; }
    """

    def __init__(self, folder: Path, session_id: str, fmt: str = "html") -> None:
        super().__init__()
        self.folder = folder
        self.session_id = session_id
        self.fmt = fmt if fmt in FORMATS else "html"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Export the assessment record", classes="title")
            with Horizontal():
                yield Label("Format")
                with RadioSet(id="export-format"):
                    for fmt in FORMATS:
                        yield Choice(fmt, value=fmt == self.fmt)
            yield Input(str(self._default(self.fmt)), id="export-path")
            yield Static(
                "enter: write the file · esc: cancel · the file holds personal data (mode 0600)",
                id="export-status",
            )

    def on_mount(self) -> None:
        """Start in the path box."""
        self.query_one(Input).focus()

    def _default(self, fmt: str) -> Path:
        try:
            return default_export_path(self.session_id, fmt)
        except (OSError, UserError):  # an unusable data home: suggest the home folder
            return Path.home() / f"{self.session_id}.{fmt}"

    @on(RadioSet.Changed)
    def _format_changed(self, event: RadioSet.Changed) -> None:
        new = FORMATS[event.index]
        box = self.query_one(Input)
        path = Path(box.value)
        if path.suffix.lstrip(".") in FORMATS:
            box.value = str(path.with_suffix(f".{new}"))
        self.fmt = new
        box.focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._status("Writing…")
        self._write(Path(event.value.strip()).expanduser(), self.fmt)

    @work(exit_on_error=False, group="export")
    async def _write(self, path: Path, fmt: str) -> None:
        """Write on a thread (reads the record, fsync); the outcome is shown here."""

        def write() -> Path:
            return write_export(export_text(self.folder, fmt), path, session_folder=self.folder)

        try:
            written = await asyncio.to_thread(write)
        except UserError as error:
            self._status(error.message, True)
            return
        except OSError as error:
            self._status(f"cannot write: {error}", True)
            return
        self.dismiss(written)

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#export-status", Static)
        status.update(text)
        status.set_class(error, "error")

    def action_cancel(self) -> None:
        """Close without writing."""
        self.dismiss(None)
