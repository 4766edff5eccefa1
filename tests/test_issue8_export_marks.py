"""Issue 8: marked moments (empty notes: F5, ctrl+l or an empty Enter) are bookmarks, not evidence.

HTML and CSV show them as marks (a "Marked moments" list; `mark` rows), never as blank evidence
rows under a criterion, and notes are numbered 1, 2, 3 over real notes only, the same in every
format and on screen (`NoteView.number`, `NoteView.label`). A mark amended with text becomes the
next note. The HTML is parsed, not searched as text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from ui_live_helpers import notes_only_session

from discussion.export import build_report, render
from discussion.export.report import Report
from discussion.standard import load_standard

STANDARD = load_standard()


@dataclass
class Seqs:
    first: int
    mark: int
    second: int
    late: int  # a mark, amended with text: a note now


def build(home: Path) -> tuple[Report, Seqs]:
    live = notes_only_session(home)
    live.ask("D-1A-01", ["1A"])
    first = live.note("named the warehouse team", ["1A"], 10.0)
    mark = live.note("", ["1A"], 20.0)  # a mark, tagged with the question's criteria
    second = live.note("handled a complaint calmly", ["3A"], 30.0)
    late = live.note("", ["3A"], 40.0)
    live.amend(late.seq, "explained the refund policy", ["2A"])
    # An older version pre-ticked marks under "Rests on": the record keeps the citation.
    live.decide("1A", True, "named internal customers", [first.seq, mark.seq])
    live.close("closed by the assessor")
    return build_report(live.folder, STANDARD), Seqs(first.seq, mark.seq, second.seq, late.seq)


@pytest.fixture
def report(tmp_path: Path) -> tuple[Report, Seqs]:
    return build(tmp_path)


def test_notes_are_numbered_over_real_notes_and_a_mark_has_its_own(
    report: tuple[Report, Seqs],
) -> None:
    rep, seqs = report
    state = rep.state
    labels = {n.seq: n.label for n in state.notes}
    assert labels == {seqs.first: "#1", seqs.mark: "mark 1", seqs.second: "#2", seqs.late: "#3"}
    assert [n.seq for n in rep.marks] == [seqs.mark]
    assert [n.number for n in rep.notes] == [1, 2, 3]


@dataclass
class Section:
    """What the parser saw under one <h2>: table rows (cell texts) and list items."""

    rows: list[list[str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class Sections(HTMLParser):
    """Splits the page at each <h2>/<h3> heading and collects its table rows and list items."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, Section] = {}
        self.current = Section()
        self.heading: list[str] | None = None
        self.cell: list[str] | None = None
        self.row: list[str] | None = None
        self.item: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"h2", "h3"}:
            self.heading = []
        elif tag == "tr":
            self.row = []
        elif tag in {"td", "th"}:
            self.cell = []
        elif tag == "li":
            self.item = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"h2", "h3"} and self.heading is not None:
            self.current = self.sections.setdefault("".join(self.heading).strip(), Section())
            self.heading = None
        elif tag in {"td", "th"} and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.current.rows.append(self.row)
            self.row = None
        elif tag == "li" and self.item is not None:
            self.current.items.append("".join(self.item).strip())
            self.item = None

    def handle_data(self, data: str) -> None:
        for part in (self.heading, self.cell, self.item):
            if part is not None:
                part.append(data)
        self.current.text.append(data)


def parse(html: str) -> dict[str, Section]:
    parser = Sections()
    parser.feed(html)
    parser.close()
    return parser.sections


def test_html_lists_marks_apart_and_never_as_evidence_rows(report: tuple[Report, Seqs]) -> None:
    rep, _ = report
    sections = parse(render(rep, "html"))
    header, *rows = sections["Notes"].rows
    assert header == ["Time", "No.", "Criteria", "Note"]
    assert [r[1] for r in rows] == ["1", "2", "3"]
    assert all(r[3] for r in rows), "no blank note rows"
    assert rows[2][3].endswith("from a marked moment."), "the amended mark says what it was"
    assert "00:00:20" not in [r[0] for r in rows], "the mark is not a note row"
    marks = sections["Marked moments"]
    assert marks.items == ["00:00:20 mark 1 (question D-1A-01)"]
    criterion = next(s for name, s in sections.items() if name.startswith("1A "))
    header, *cited = criterion.rows
    assert [r[1] for r in cited] == ["1"], "only the real note rests under 1A"
    assert all(r[3] for r in cited)
    assert "Also cites marked moment(s), not evidence: mark 1 at 00:00:20" in "".join(
        criterion.text
    )


def test_csv_has_mark_rows_and_numbers_real_notes(report: tuple[Report, Seqs]) -> None:
    rep, seqs = report
    rows = list(csv.DictReader(io.StringIO(render(rep, "csv"))))
    notes = [r for r in rows if r["row_type"] == "note"]
    marks = [r for r in rows if r["row_type"] == "mark"]
    assert [r["number"] for r in notes] == ["1", "2", "3"]
    assert all(r["text"] for r in notes)
    assert [(r["event_seq"], r["number"]) for r in marks] == [(str(seqs.mark), "1")]
    assert marks[0]["criteria"] == "" and marks[0]["text"] == ""
    assert marks[0]["time_on_recording_hhmmss"] == "00:00:20"
    decision = next(r for r in rows if r["row_type"] == "decision" and r["criteria"] == "1A")
    assert decision["note_seqs"] == f"{seqs.first} {seqs.mark}"  # the record, as logged
    assert decision["note_numbers"] == "1", "a mark is no note to rest on"


def test_markdown_uses_the_same_numbers(report: tuple[Report, Seqs]) -> None:
    rep, _ = report
    md = render(rep, "md")
    notes = md.split("## Notes", 1)[1].split("## Marked moments", 1)[0]
    assert "(note 1)" in notes and "(note 2)" in notes and "(amended; note 3)" in notes
    assert "moment marked (bookmark" not in notes, "no mark listed as a note"
    assert "a moment marked at" in notes  # note 3 was a mark until amended
    marks = md.split("## Marked moments", 1)[1].split("## Questions asked", 1)[0]
    assert "**00:00:20** mark 1 (question D-1A-01)" in marks
    criterion = md.split("### 1A", 1)[1].split("### ", 1)[0]
    assert "also cites **00:00:20** mark 1: moment marked" in criterion
