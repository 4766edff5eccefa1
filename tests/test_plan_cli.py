"""`discussion plan` through the real dispatcher (in-process; the console script itself:
test_cli_process.py): text, --json, --attempt, --minutes, bad input."""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cli_inprocess import run_in_process
from guide_helpers import COMPONENT, DISTINCTION, GUIDE, PASS, STANDARD, standard_bank, write_bank

TOTAL = STANDARD.discussion_conduct.max_minutes


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`discussion plan ARGS` through the real dispatcher, in this process."""
    return run_in_process(["plan", *args])


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(write_bank(tmp_path_factory.mktemp("bank"), standard_bank(minutes=4, bank_ids=True)))


def plan_json(*args: str) -> list[dict[str, Any]]:
    result = cli("--json", *args)
    assert result.returncode == 0, result.stderr
    items: list[dict[str, Any]] = json.loads(result.stdout)["items"]
    return items


def test_json_lists_the_hour_in_order(bank: str) -> None:
    items = plan_json("--bank", bank)
    assert set(items[0]) >= {"start_min", "minutes", "question_id", "criteria", "main", "kind"}
    kinds = [i["kind"] for i in items]
    assert kinds[0] == "opening" and kinds[-1] == "closing"
    assert set(kinds[1:-1]) <= {"question", "reserve"}
    assert items[0]["start_min"] == 0 and items[0]["minutes"] == GUIDE.opening_minutes
    assert items[-1]["start_min"] == TOTAL - GUIDE.closing_minutes
    for before, after in itertools.pairwise(items):
        assert after["start_min"] == pytest.approx(before["start_min"] + before["minutes"])
    questions = [i for i in items if i["kind"] == "question"]
    assert questions[0]["question_id"] == "D-4A-09"  # the warm-up first
    assert questions[1]["question_id"] == "D-4A-01"  # then what it leads into, a work example
    assert questions[1]["criteria"] == ["4A"] and questions[1]["main"] == "4A"
    assert questions[2]["question_id"] == "D-1A-01"  # then the standard's order
    mains = {i["main"] for i in questions[1:]}
    assert set(PASS) <= mains
    assert len(mains & set(DISTINCTION)) == COMPONENT.threshold


def test_attempt_3_plans_no_distinction_question(bank: str) -> None:
    items = plan_json("--bank", bank, "--attempt", "3")
    mains = [i["main"] for i in items if i["kind"] == "question"]
    assert not set(mains) & set(DISTINCTION)
    assert set(PASS) <= set(mains)
    text = cli("--bank", bank, "--attempt", "3")
    assert "Distinctions do not count on this attempt" in text.stdout


def test_minutes_plans_a_shorter_discussion(bank: str) -> None:
    items = plan_json("--bank", bank, "--minutes", "30")
    assert items[-1]["start_min"] == 30 - GUIDE.closing_minutes
    assert all(i["start_min"] + i["minutes"] <= 30 for i in items)
    full = plan_json("--bank", bank)
    assert len([i for i in items if i["kind"] == "question"]) < len(
        [i for i in full if i["kind"] == "question"]
    )


def test_text_plan_has_the_columns_an_assessor_prepares_from(bank: str) -> None:
    result = cli("--bank", bank)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("start"))
    assert header.split() == ["start", "min", "question", "criteria", "main", "text"]
    warm_up = next(line for line in lines if " D-4A-09 " in line)
    assert warm_up.split()[:5] == ["3", "2", "D-4A-09", "4A", "4A"]
    first = next(line for line in lines if " D-1A-01 " in line)
    assert first.split()[:5] == ["9", "4", "D-1A-01", "1A", "1A"]
    assert "question D-1A-01" in result.stdout  # the question's text
    assert "Why: 1A (pass) not yet attempted" in result.stdout
    assert GUIDE.close.title in result.stdout
    assert "Pass criteria planned: 1A 3A 3B 4A 5A 6A 7A (7 of 7)" in result.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--attempt", "4"], "--attempt '4' is not an attempt"),
        (["--attempt", "one"], "--attempt 'one' is not an attempt"),
        (["--minutes", "5"], "--minutes '5' is out of range"),
        (["--minutes", "61"], "--minutes '61' is out of range"),
        (["--minutes", "nan"], "--minutes 'nan' is out of range"),
        (["--minutes", "half"], "--minutes 'half' is not a number"),
    ],
)
def test_bad_values_are_one_line_errors(bank: str, args: list[str], fragment: str) -> None:
    result = cli("--bank", bank, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert fragment in result.stderr


def test_a_bad_bank_is_a_one_line_error(tmp_path: Path) -> None:
    result = cli("--bank", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_the_bundled_bank_plans_every_pass_criterion_in_the_hour() -> None:
    for attempt in ("1", "3"):
        items = plan_json("--attempt", attempt)
        mains = {i["main"] for i in items if i["kind"] == "question"}
        assert set(PASS) <= mains, f"attempt {attempt}: {sorted(mains)}"
