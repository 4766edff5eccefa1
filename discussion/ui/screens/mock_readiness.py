"""The readiness screen: per criterion what was practised and covered, what to work on next
(with practice questions to try), and a chart of the mocks over time.

The report is built by `discussion.mock.readiness` in a thread (the flow's `load_readiness`);
this screen only draws it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from discussion.ui.catalog import Catalog
from discussion.ui.widgets.mock_chart import ChartPoint, MockChart
from discussion.ui.widgets.screen_header import ScreenHeader


def load_readiness(catalog: Catalog, home: Path | None, folder: Path) -> Any:
    """The report over every mock in the sessions folder (`folder`'s parent: this mock's)."""
    from discussion.mock.readiness import load_mock_records, readiness

    records, skipped = load_mock_records([home if home is not None else folder.parent])
    return readiness(records, catalog.bank, catalog.standard, skipped)


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def work_on_text(report: Any) -> Text:
    """What to work on next, and the practice questions to try for each."""
    text = Text()
    if not report.work_on:
        text.append("Nothing stands out: keep practising the whole set.")
        return text
    text.append("Work on next\n", style="bold")
    for cid in report.work_on:
        row = report.criterion(cid)
        text.append(f"{cid} ", style="bold cyan")
        text.append(f"{row.text}\n")
        for qid, question in row.try_next[:2]:
            text.append(f"   try {qid}: ", style="dim")
            text.append(f"{question}\n", style="italic")
    return text


class MockReadinessScreen(Screen[None]):
    """The readiness report; Esc leaves it."""

    TITLE = "Readiness"

    BINDINGS = [
        Binding("escape", "close", "Done", id="mock_readiness.close", tooltip="Leave the report"),
    ]

    DEFAULT_CSS = """
    MockReadinessScreen #readiness-body { padding: 0 1; }
    MockReadinessScreen DataTable { height: auto; max-height: 16; }
    MockReadinessScreen .section { text-style: bold; color: $accent; margin-top: 1; }
    """

    def __init__(self, report: Any) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        yield ScreenHeader()
        with VerticalScroll(id="readiness-body"):
            yield Static(work_on_text(self.report), id="readiness-next")
            yield Static(
                "By criterion (look-fors: ticked by you / cue words heard)", classes="section"
            )
            yield DataTable(id="readiness-table", cursor_type="row", zebra_stripes=True)
            yield Static("Your mocks over time", classes="section")
            yield MockChart(
                [ChartPoint(label[5:], t / 100, m / 100) for label, m, t in self.report.series()],
                id="readiness-chart",
            )
        yield Footer()

    def on_mount(self) -> None:
        """Fill the table: practised criteria first, in the standard's order."""
        table = self.query_one(DataTable)
        table.add_columns("Criterion", "Questions", "Ticked", "Heard", "Per answer", "Words/min")
        rows = sorted(self.report.criteria, key=lambda r: not r.practised)
        for row in rows:
            if not row.practised:
                table.add_row(row.criterion_id, "not yet", "", "", "", "")
                continue
            wpm = row.words_per_minute
            table.add_row(
                row.criterion_id,
                str(len(row.questions)),
                f"{row.ticked}/{row.look_fors}",
                f"{row.matched}/{row.look_fors}",
                _minutes(row.seconds_per_answer),
                "–" if wpm is None else f"{wpm:.0f}",
            )

    def action_close(self) -> None:
        """Leave the report."""
        self.dismiss(None)
