"""`discussion bank lint` through the real dispatcher (in-process; the console script itself:
test_cli_process.py): output format, JSON, exit codes, settings."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bank_lint_helpers import question, run_bank, run_lint, write_bank

from discussion.bank.lint import RULES
from discussion.bank.lint_config import load_lint_config
from discussion.errors import UserError
from discussion.paths import bundled_bank_dir

LINE = re.compile(r"^[\w./-]+\.toml:\d+: [A-Z]-\w\w-\d\d: [a-z-]+: .+; .+$")


def tripped(tmp_path: Path) -> Path:
    """A valid bank whose D-1A-01 is closed and has no `sufficient`."""
    entry = question("D-1A-01", text="Do you serve colleagues?", sufficient=None)
    return write_bank(tmp_path / "question_bank", entry)


def test_warnings_print_file_line_id_rule_message_and_fix(tmp_path: Path) -> None:
    result = run_lint(str(tripped(tmp_path)))
    assert result.returncode == 0, result.stderr
    *lines, summary = result.stdout.splitlines()
    assert len(lines) == 2
    for line in lines:
        assert LINE.match(line), line
    assert lines[0].startswith("question_bank/assessment/questions.toml:")
    assert ": D-1A-01: closed-question: 'Do you serve colleagues?' can be answered yes or no; " in (
        result.stdout
    )
    assert summary.endswith("2 warnings in 1 question")


def test_json_shape(tmp_path: Path) -> None:
    result = run_lint(str(tripped(tmp_path)), "--json")
    assert result.returncode == 0
    payload = json.loads(result.stdout)
    assert set(payload) == {"warnings", "waived"}
    assert {w["rule"] for w in payload["warnings"]} == {"closed-question", "no-sufficient"}
    for warning in payload["warnings"]:
        assert {"file", "line", "id", "rule", "message", "fix"} <= set(warning)
        assert warning["file"] == "question_bank/assessment/questions.toml"
        assert isinstance(warning["line"], int)
        assert warning["id"] == "D-1A-01"
        assert warning["rule"] in RULES


def test_clean_bank_exits_0_with_a_summary(tmp_path: Path) -> None:
    result = run_lint(str(write_bank(tmp_path / "question_bank")))
    assert result.returncode == 0
    assert result.stdout.strip().endswith("lint clean, no warnings")


def test_invalid_bank_exits_2_with_the_messages_of_bank_check(tmp_path: Path) -> None:
    root = write_bank(tmp_path / "question_bank", question("D-1A-01", criteria=["1A", "8Q"]))
    lint_result = run_lint(str(root))
    assert lint_result.returncode == 2
    assert lint_result.stdout == ""
    assert "D-1A-01: unknown criterion '8Q'" in lint_result.stderr
    assert lint_result.stderr == run_bank("check", str(root)).stderr
    as_json = run_lint(str(root), "--json")
    assert as_json.returncode == 2
    payload = json.loads(as_json.stdout)
    assert payload["warnings"] == []
    assert "unknown criterion" in payload["errors"][0]["message"]


def test_the_banks_own_lint_toml_is_used(tmp_path: Path) -> None:
    settings = (bundled_bank_dir() / "lint.toml").read_text(encoding="utf-8")
    relaxed = settings.replace("disable = []", 'disable = ["closed-question"]')
    root = write_bank(
        tmp_path / "question_bank",
        question("D-1A-01", text="Do you serve colleagues?"),
        lint_toml=relaxed,
    )
    result = run_lint(str(root), "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["warnings"] == []
    # --config overrides the bank's own file.
    bundled = run_lint(str(root), "--json", "--config", str(bundled_bank_dir() / "lint.toml"))
    assert [w["rule"] for w in json.loads(bundled.stdout)["warnings"]] == ["closed-question"]


SETTINGS = (bundled_bank_dir() / "lint.toml").read_text(encoding="utf-8")


def broken_settings(tmp_path: Path, old: str, new: str) -> str:
    """The error for the bundled lint.toml with `old` replaced by `new` (read in-process)."""
    assert old in SETTINGS
    folder = tmp_path / "question_bank"
    folder.mkdir(parents=True)
    (folder / "lint.toml").write_text(SETTINGS.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_lint_config(folder / "lint.toml", set(RULES))
    assert caught.value.exit_code == 2
    assert "\n" not in caught.value.message
    return caught.value.message


def line_of(needle: str) -> int:
    return next(n for n, line in enumerate(SETTINGS.splitlines(), 1) if needle in line)


def test_broken_settings_name_file_line_and_fix(tmp_path: Path) -> None:
    where = f"question_bank/lint.toml:{line_of('max_text_words')}:"
    message = broken_settings(tmp_path / "a", "max_text_words = 35", 'max_text_words = "35"')
    assert message.startswith(where)
    assert "[length] max_text_words" in message and "whole number" in message

    message = broken_settings(tmp_path / "b", "max_text_words = 35", "max_text_words = 0")
    assert message.startswith(where) and "out of range" in message

    extra = "threshold = 0.41\ncolour = 1"
    message = broken_settings(tmp_path / "c", "threshold = 0.41", extra)
    assert message.startswith(f"question_bank/lint.toml:{line_of('threshold =') + 1}:")
    assert "unknown setting [similarity] colour" in message

    message = broken_settings(tmp_path / "d", "[length]", "[length")
    assert message.startswith(f"question_bank/lint.toml:{line_of('[length]')}:")
    assert "TOML syntax error" in message

    message = broken_settings(tmp_path / "e", "disable = []", 'disable = ["no-such-rule"]')
    assert message.startswith(f"question_bank/lint.toml:{line_of('disable =')}:")
    assert "'no-such-rule'" in message and "closed-question" in message

    message = broken_settings(tmp_path / "f", "[work_example]", "[work_examples]")
    assert "missing table [work_example]" in message


def test_broken_settings_exit_2_in_one_line(tmp_path: Path) -> None:
    broken = SETTINGS.replace("max_probe_words = 25", "max_probe_words = -1")
    root = write_bank(tmp_path / "question_bank", lint_toml=broken)
    result = run_lint(str(root))
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    where = f"question_bank/lint.toml:{line_of('max_probe_words')}:"
    assert line.startswith(f"discussion: error: {where} [length] max_probe_words = -1")


def test_a_missing_settings_file_names_the_fix(tmp_path: Path) -> None:
    root = write_bank(tmp_path / "question_bank")
    result = run_lint(str(root), "--config", str(tmp_path / "none.toml"))
    assert result.returncode == 2
    assert "no lint settings here" in result.stderr


def test_lint_toml_is_not_read_as_questions(tmp_path: Path) -> None:
    root = Path(shutil.copytree(bundled_bank_dir(), tmp_path / "question_bank"))
    assert (root / "lint.toml").is_file()
    result = run_lint(str(root))
    assert result.returncode == 0, result.stderr


def test_the_bundled_bank_lints_clean() -> None:
    result = run_lint("--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [w["text"] for w in payload["warnings"]] == []
    assert all(w["reason"].strip() for w in payload["waived"])
