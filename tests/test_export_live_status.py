"""The md and html records show the live statuses set during the discussion (criterion_status
events) per criterion, every change in time order, and say they are not the decision."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from test_record_support import make_info

from discussion.export import export_text
from discussion.record.events import CriterionStatusData
from discussion.record.session import SessionRecord


def record_with_statuses(home: Path) -> Path:
    """1A: partial at 5 s, sufficient at 12.9 s, decided met; 2A: partial, then none; 3A:
    no status set."""
    rec = SessionRecord.create(make_info(), home=home)
    note = rec.add_note("Named the warehouse team", ["1A"], 4.0)
    rec.append(CriterionStatusData(criterion="1A", status="partial"), 5.0)
    rec.append(CriterionStatusData(criterion="2A", status="partial"), 7.0)
    rec.append(CriterionStatusData(criterion="1A", status="sufficient"), 12.9)
    rec.append(CriterionStatusData(criterion="2A", status="none"), 65.0)
    rec.decide("1A", True, "clear example", [note.seq])
    rec.close()
    return rec.folder


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "h3"):
            self.blocks.append("")
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "h3"):
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth and self.blocks:
            self.blocks[-1] += data


def section(lines: list[str], heading: str) -> list[str]:
    """The lines of one criterion's section of the Markdown record."""
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("#"))
    return lines[start:end]


def test_markdown_shows_each_criterions_live_statuses(tmp_path: Path) -> None:
    folder = record_with_statuses(tmp_path)
    lines = export_text(folder, "md").splitlines()
    live = "- **Live statuses:**"
    one_a = [line for line in section(lines, "### 1A") if line.startswith(live)]
    assert one_a == [
        f"{live} partial at 00:00:05, sufficient at 00:00:12 "
        "(set during the discussion; not the decision)"
    ]
    two_a = [line for line in section(lines, "### 2A") if line.startswith(live)]
    assert two_a == [
        f"{live} partial at 00:00:07, none at 00:01:05 "
        "(set during the discussion; not the decision)"
    ]
    assert not [line for line in section(lines, "### 3A") if line.startswith(live)]
    assert "- **Rationale:** clear example" in section(lines, "### 1A")


def test_html_shows_them_under_each_criterion(tmp_path: Path) -> None:
    folder = record_with_statuses(tmp_path)
    parser = _Paragraphs()
    parser.feed(export_text(folder, "html"))
    parser.close()
    blocks = parser.blocks
    heading = next(i for i, b in enumerate(blocks) if b.startswith("1A ("))
    following = blocks[heading + 1 : heading + 4]
    assert (
        "Live statuses: partial at 00:00:05, sufficient at 00:00:12 "
        "(set during the discussion; not the decision)"
    ) in following
    live = [b for b in blocks if b.startswith("Live statuses:")]
    assert len(live) == 2  # 1A and 2A; 3A had none


def test_a_record_without_live_statuses_has_no_such_line(tmp_path: Path) -> None:
    rec = SessionRecord.create(make_info(), home=tmp_path)
    rec.add_note("a note", ["1A"], 1.0)
    rec.close()
    assert "Live statuses" not in export_text(rec.folder, "md")
    assert "Live statuses" not in export_text(rec.folder, "html")
