"""`discussion standard` and `discussion grade` through the real dispatcher (in-process; the
console script itself: test_cli_process.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cli_inprocess import run_in_process

from discussion.standard import load_standard

STD = load_standard()
COMPONENT_KEYS = {
    "attempt", "status", "pass_met", "pass_missing", "distinction_achieved",
    "distinction_counted", "distinction_total", "threshold", "capped", "attempts_left",
}  # fmt: skip


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`discussion ARGS` through the real dispatcher, in this process."""
    return run_in_process(args, input=stdin)


def passing(cid: str, attempt: int = 1, d: int = 0) -> dict[str, Any]:
    component = STD.component(cid)
    achieved = [c.id for c in component.pass_criteria()]
    achieved += [c.id for c in component.distinction_criteria()][:d]
    return {"component": cid, "attempt": attempt, "achieved": achieved}


def write(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "attempts.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return str(path)


def assert_clean_error(done: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert fragment in done.stderr
    assert done.stdout == ""


def test_standard_table() -> None:
    done = cli("standard")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    for component in STD.components:
        assert component.name in done.stdout
    assert "7A" in done.stdout and "P16" in done.stdout and "3Z" in done.stdout
    assert "builds on 1A" in done.stdout


def test_standard_json_shape() -> None:
    done = cli("standard", "--json")
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert list(data) == ["components"]
    assert [c["id"] for c in data["components"]] == ["showcase", "observation", "discussion"]
    for component in data["components"]:
        assert set(component) == {"id", "name", "threshold", "criteria"}
        for criterion in component["criteria"]:
            assert {"id", "level", "text"} <= set(criterion)
            assert criterion["level"] in ("pass", "distinction")
    counts = {c["id"]: len(c["criteria"]) for c in data["components"]}
    assert counts == {"showcase": 40, "observation": 21, "discussion": 11}


def test_grade_distinction_json(tmp_path: Path) -> None:
    data = {
        "attempts": [
            passing("discussion", d=3),
            passing("observation", d=4),
            passing("showcase", d=7),
        ]
    }
    done = cli("grade", write(tmp_path, data), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"grade", "components", "reasons"}
    assert result["grade"] == "distinction"
    assert list(result["components"]) == ["showcase", "observation", "discussion"]
    for component in result["components"].values():
        assert set(component) == COMPONENT_KEYS
    assert result["reasons"]


def test_grade_fail_still_exits_zero_from_stdin() -> None:
    data = {"attempts": [{"component": "discussion", "attempt": 1, "achieved": ["1A"]}]}
    done = cli("grade", "-", stdin=json.dumps(data))
    assert done.returncode == 0
    assert "Grade: fail" in done.stdout
    assert "3A" in done.stdout  # a missing pass criterion is named
    assert "2 attempt(s) left" in done.stdout


def test_grade_human_explains_capping(tmp_path: Path) -> None:
    data = {
        "attempts": [
            passing("showcase", d=10),
            passing("observation", 3, d=5),
            passing("discussion", d=4),
        ]
    }
    done = cli("grade", write(tmp_path, data))
    assert done.returncode == 0
    assert "capped at Pass" in done.stdout
    assert done.stdout.rstrip().splitlines()[-1].startswith("Grade: pass")


def test_schema() -> None:
    done = cli("grade", "--schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert "attempts" in schema["properties"]
    entry = schema["$defs"]["AttemptInput"]
    assert set(entry["required"]) == {"component", "attempt", "achieved"}
    assert entry["additionalProperties"] is False


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "malformed JSON"),
        (
            '{"attempts": [{"component": "essay", "attempt": 1, "achieved": []}]}',
            "unknown component 'essay'",
        ),
        (
            '{"attempts": [{"component": "discussion", "attempt": 1, "achieved": ["9Z"]}]}',
            "attempts[0]",
        ),
        (
            '{"attempts": [{"component": "discussion", "attempt": 5, "achieved": []}]}',
            "outside 1-3",
        ),
        (
            '{"attempts": [{"component": "discussion", "attempt": 1, "achieved": "1A"}]}',
            "list of criterion ids",
        ),
        ('{"attempts": [{"component": "discussion", "attempt": 1}]}', "missing field 'achieved'"),
        (
            '{"attempts": [{"component": "discussion", "attempt": 1, "achieved": []},'
            ' {"component": "discussion", "attempt": 1, "achieved": []}]}',
            "recorded twice",
        ),
    ],
)
def test_grade_input_errors(tmp_path: Path, content: str, fragment: str) -> None:
    assert_clean_error(cli("grade", write(tmp_path, content), "--json"), fragment)


def test_attempt_after_pass_error(tmp_path: Path) -> None:
    data = {"attempts": [passing("discussion", 1), passing("discussion", 2)]}
    assert_clean_error(cli("grade", write(tmp_path, data)), "already passed")


def test_missing_file(tmp_path: Path) -> None:
    assert_clean_error(cli("grade", str(tmp_path / "absent.json")), "no such file")


def test_no_file_given() -> None:
    assert_clean_error(cli("grade"), "give a FILE")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b'{"attempts": ["\xff"]}')
    assert_clean_error(cli("grade", str(path)), "not UTF-8")
