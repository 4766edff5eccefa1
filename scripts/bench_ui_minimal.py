"""The baseline of `ui.first_frame_ratio`: a minimal Textual app (Header, DataTable, Footer).

Launched by scripts/bench_ui.py in the same terminal size as `discussion`; it shows the same
marker text as the home screen, so both first frames are detected the same way.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class MinimalApp(App[None]):
    """Header, a one-row table with the marker, Footer."""

    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        """One column, one row holding the marker."""
        table = self.query_one(DataTable)
        table.add_column("Sessions")
        table.add_row("New discussion")


if __name__ == "__main__":
    MinimalApp().run()
