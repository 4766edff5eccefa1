"""The worked examples in docs/grading.md are graded here, so the document cannot drift."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from discussion.grading import grade
from discussion.standard import COMPONENT_IDS, load_standard

STD = load_standard()
DOC = Path(__file__).resolve().parent.parent / "docs" / "grading.md"
MODE_WORDS = {"f2f": ["face-to-face"], "nf2f": ["non-face-to-face"]}
CELL = re.compile(r"^a(?P<n>\d) (?P<ok>pass|fail)(?: (?P<d>\d+)D)?(?: (?P<mode>f2f|nf2f))?$")


def rows() -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- examples:start -->")[1].split("<!-- examples:end -->")[0]
    lines = [line for line in block.strip().splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def attempts_of(cid: str, cell: str) -> list[dict[str, Any]]:
    if cell == "—":
        return []
    component = STD.component(cid)
    out = []
    for part in cell.split(";"):
        match = CELL.match(part.strip())
        assert match, f"bad cell {part!r}"
        modes = MODE_WORDS.get(match["mode"] or "")
        required = [c.id for c in component.pass_criteria(set(modes) if modes else None)]
        achieved = required if match["ok"] == "pass" else required[:-1]
        achieved += [c.id for c in component.distinction_criteria()][: int(match["d"] or 0)]
        item: dict[str, Any] = {"component": cid, "attempt": int(match["n"]), "achieved": achieved}
        if modes:
            item["modes"] = modes
        out.append(item)
    return out


def test_table_has_examples_of_every_grade() -> None:
    grades = {row[4] for row in rows()}
    assert grades == {"fail", "incomplete", "pass", "distinction"}
    assert len(rows()) >= 15


@pytest.mark.parametrize("row", rows(), ids=lambda row: f"example-{row[0]}")
def test_worked_example(row: list[str]) -> None:
    number, *cells, expected, why = row
    attempts: list[dict[str, Any]] = []
    for cid, cell in zip(COMPONENT_IDS, cells, strict=True):
        attempts += attempts_of(cid, cell)
    result = grade({"attempts": attempts}, STD)
    assert result.grade == expected, f"example {number} ({why}): {result.reasons}"
