"""Broken copies of the real bank: `bank check` exits 2 and names the file, line and question."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from discussion.cli import bank_cmd
from discussion.paths import bundled_bank_dir

ASSESS_KYC = "assessment/knowing-your-customers.toml"
PRACTICE_CX = "practice/customer-experience.toml"
PRACTICE_RR = "practice/role-and-responsibility.toml"


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    """A fresh copy of the bundled bank, named like the original."""
    return Path(shutil.copytree(bundled_bank_dir(), tmp_path / "question_bank"))


def run_check(path: Path, *extra: str) -> int:
    parser = argparse.ArgumentParser(prog="discussion")
    bank_cmd.add_parser(parser.add_subparsers())
    args = parser.parse_args(["bank", "check", str(path), *extra])
    result: int = args.func(args)
    return result


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace the first `old` with `new`; return the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text[:at].count("\n") + 1


def header_line(path: Path, qid: str) -> int:
    """The line of the `[[question]]` header of question `qid` (the line above its id)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index(f'id = "{qid}"')
    assert lines[at - 1] == "[[question]]"
    return at


def problems(capsys: pytest.CaptureFixture[str], path: Path) -> list[str]:
    assert run_check(path) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert "INVALID" in lines[-1]
    return lines[:-1]


def test_the_copy_is_valid(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check(bank) == 0
    assert "OK" in capsys.readouterr().out


def test_toml_syntax_error(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = replace_once(bank / PRACTICE_RR, "minutes = 4\n", "minutes = four\n")
    [problem] = problems(capsys, bank)
    assert problem.startswith(f"question_bank/{PRACTICE_RR}:{line}: TOML syntax error (column ")


def test_unknown_criterion(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bank / ASSESS_KYC
    line = replace_once(path, 'criteria = ["2B"]', 'criteria = ["2B", "9Z"]')
    [problem] = problems(capsys, bank)
    assert problem.startswith(f"question_bank/{ASSESS_KYC}:{line}: D-2B-01: unknown criterion")
    assert "'9Z'" in problem and "use one of 1A, 2A" in problem


def test_duplicate_id(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bank / PRACTICE_RR
    first = header_line(path, "P-5A-02")
    replace_once(path, 'id = "P-5A-03"', 'id = "P-5A-02"')
    lines = path.read_text(encoding="utf-8").splitlines()
    second = [n for n, text in enumerate(lines) if text == 'id = "P-5A-02"'][1]  # its header
    [problem] = problems(capsys, bank)
    assert problem.startswith(f"question_bank/{PRACTICE_RR}:{second}: P-5A-02: duplicate")
    assert f"also defined at question_bank/{PRACTICE_RR}:{first}" in problem


def test_missing_field(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bank / PRACTICE_CX
    replace_once(
        path,
        'criteria = ["6B"]\nset = "practice"\ntext = "Describe how your body',
        'criteria = ["6B"]\ntext = "Describe how your body',
    )
    line = header_line(path, "P-6B-02")
    [problem] = problems(capsys, bank)
    assert problem == (
        f"question_bank/{PRACTICE_CX}:{line}: P-6B-02: missing field 'set'; add set = ..."
    )


def test_empty_text(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bank / ASSESS_KYC
    text = path.read_text(encoding="utf-8")
    start = text.index('id = "D-3C-02"')
    old = text[text.index("text = ", start) : text.index("\n", text.index("text = ", start))]
    line = replace_once(path, old, 'text = "  "')
    [problem] = problems(capsys, bank)
    assert problem.startswith(f"question_bank/{ASSESS_KYC}:{line}: D-3C-02: text is empty")


def test_criterion_without_questions(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bank / "assessment" / "role-and-responsibility.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("# --- 5A")], encoding="utf-8")
    [problem] = problems(capsys, bank)
    assert problem.startswith("question_bank: criterion 5A has no assessment question")


def test_same_text_in_both_sets(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assessment = bank / "assessment" / "customer-experience.toml"
    a_line = header_line(assessment, "D-7A-01")
    path = bank / PRACTICE_CX
    replace_once(
        path,
        "Why might a customer be wary of you when a conversation starts?",
        "How do you build trust with the customers you deal with?",
    )
    line = header_line(path, "P-7A-03")
    [problem] = problems(capsys, bank)
    assert problem.startswith(f"question_bank/{PRACTICE_CX}:{line}: P-7A-03: same text as D-7A-01")
    assert f"question_bank/assessment/customer-experience.toml:{a_line}" in problem
    assert "in the other set" in problem


def test_several_problems_reported_together(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replace_once(bank / ASSESS_KYC, 'criteria = ["2B"]', 'criteria = ["2B", "9Z"]')
    replace_once(bank / PRACTICE_RR, "minutes = 4\n", 'minutes = "4"\n')
    replace_once(bank / PRACTICE_CX, 'set = "practice"', 'set = "practise"')
    found = problems(capsys, bank)
    assert len(found) == 3
    assert [p.split(":")[0] for p in found] == sorted(p.split(":")[0] for p in found)


def test_json_for_a_broken_copy(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = replace_once(bank / ASSESS_KYC, 'criteria = ["2B"]', 'criteria = ["2B", "9Z"]')
    assert run_check(bank, "--json") == 2
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False
    [error] = payload["errors"]
    assert error["file"] == f"question_bank/{ASSESS_KYC}"
    assert error["line"] == line
    assert error["question"] == "D-2B-01"
    assert payload["coverage"]["2B"] == {"assessment": 3, "practice": 3}
