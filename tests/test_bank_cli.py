"""`discussion bank ...` through the real dispatcher (in-process; the console script itself:
test_cli_process.py): exit codes, JSON shape, no tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from cli_inprocess import run_in_process

from discussion.paths import bundled_bank_dir

REPO = Path(__file__).resolve().parent.parent
CRITERIA = ["1A", "2A", "2B", "3A", "3B", "3C", "4A", "5A", "6A", "6B", "7A"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """`discussion bank ARGS` through the real dispatcher, in this process, from the repo."""
    result = run_in_process(["bank", *args], cwd=REPO)
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout
    return result


def broken_copy(tmp_path: Path) -> Path:
    root = Path(shutil.copytree(bundled_bank_dir(), tmp_path / "question_bank"))
    path = root / "assessment" / "customer-experience.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('criteria = ["6B"]', 'criteria = ["6B", "8Q"]', 1))
    return root


def test_check_bundled_bank() -> None:
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line}
    for cid in CRITERIA:
        assert cid in rows
        assert int(rows[cid][2]) >= 3 and int(rows[cid][3]) >= 3


def test_check_bundled_bank_json() -> None:
    result = run("check", "--json")
    assert result.returncode == 0
    payload: dict[str, Any] = json.loads(result.stdout)
    assert payload["ok"] is True
    assert payload["errors"] == []
    assert sorted(payload["coverage"]) == CRITERIA
    for counts in payload["coverage"].values():
        assert set(counts) == {"assessment", "practice"}
    assert len(payload["content_hash"]) == 64
    assert payload["version"]


def test_check_explicit_path(tmp_path: Path) -> None:
    root = Path(shutil.copytree(bundled_bank_dir(), tmp_path / "copy"))
    assert run("check", str(root)).returncode == 0


def test_check_invalid_bank_human(tmp_path: Path) -> None:
    result = run("check", str(broken_copy(tmp_path)))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("question_bank/assessment/customer-experience.toml:")
    assert "D-6B-02: unknown criterion '8Q'" in lines[0]
    assert "INVALID, 1 problem" in lines[1]


def test_check_invalid_bank_json(tmp_path: Path) -> None:
    result = run("check", str(broken_copy(tmp_path)), "--json")
    assert result.returncode == 2
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    [error] = payload["errors"]
    assert set(error) >= {"file", "line", "question", "message"}
    assert error["question"] == "D-6B-02"
    assert isinstance(error["line"], int)
    assert payload["coverage"]["6B"]["assessment"] == 3


def test_check_missing_folder(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    json_result = run("check", str(tmp_path / "nowhere"), "--json")
    assert json_result.returncode == 2
    assert json.loads(json_result.stdout)["ok"] is False


def test_bank_without_action_is_a_usage_error() -> None:
    result = run()
    assert result.returncode == 2
    assert "check, lint or list" in result.stderr


def test_list_filters_and_json() -> None:
    result = run("list", "--set", "practice", "--criterion", "3a", "--json")
    assert result.returncode == 0, result.stderr
    questions = json.loads(result.stdout)
    assert len(questions) >= 3
    assert all(q["set"] == "practice" and "3A" in q["criteria"] for q in questions)
    assert questions[0]["criteria"][0] == "3A"
    assert set(questions[0]) >= {"id", "text", "probes", "look_fors", "minutes", "work_example"}


def test_list_human() -> None:
    result = run("list", "--set", "assessment")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) >= 33
    assert all(line.startswith("D-") for line in lines)


def test_list_unknown_criterion() -> None:
    result = run("list", "--criterion", "9Z")
    assert result.returncode == 2
    assert "unknown criterion '9Z'" in result.stderr


def test_list_invalid_bank_is_one_line(tmp_path: Path) -> None:
    result = run("list", "--bank", str(broken_copy(tmp_path)))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "the question bank is invalid" in result.stderr


def test_timing_range_leaves_warm_ups_out() -> None:
    from discussion.bank import check_bank
    from discussion.cli.bank_cmd import timing_range
    from discussion.standard import load_standard

    report = check_bank(None, load_standard())
    assert report.bank is not None
    warm_ups = [q for q in report.bank.questions if q.kind == "warm-up" and q.set == "assessment"]
    assert warm_ups, "the bundled bank has an assessment warm-up"
    low, _ = timing_range(report)
    expected = sum(
        min(q.minutes for q in report.bank.for_criterion(cid, "assessment") if q.kind != "warm-up")
        for cid in report.coverage
    )
    assert low == expected
