"""Bank files that used to be skipped or misreported: BOM, symlinks, unreadable folders,
control characters, deep nesting, huge values."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from discussion.bank import check_bank
from discussion.paths import bundled_bank_dir

PRACTICE_CX = "practice/customer-experience.toml"


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled_bank_dir(), tmp_path / "question_bank"))


def errors(bank: Path) -> list[str]:
    report = check_bank(bank)
    assert not report.ok
    lines = [str(e) for e in report.errors]
    assert all("\n" not in line and len(line) < 700 for line in lines), lines
    return lines


def test_byte_order_mark_is_accepted(bank: Path) -> None:
    # Was "TOML syntax error (column 1): Invalid statement" at line 1.
    path = bank / PRACTICE_CX
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = check_bank(bank)
    assert report.ok, [str(e) for e in report.errors]


def test_unreadable_folder_found_by_walking_is_reported(
    bank: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root, chmod 0 does not stop reads; make the walk fail on practice/ the way it does
    # for an ordinary user (os.walk reports it through onerror).
    real_scandir = os.scandir

    def scandir(path: str = ".") -> object:
        if str(path).endswith("practice"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    lines = errors(bank)
    assert len(lines) == 1, lines  # not 11 "criterion X has no practice question" lines
    assert "question_bank/practice/:" in lines[0] and "Permission denied" in lines[0]


def test_dangling_and_looping_symlinks_are_reported(bank: Path) -> None:
    (bank / "practice" / "gone.toml").symlink_to(bank / "nowhere.toml")
    loop = bank / "practice" / "loop.toml"
    loop.symlink_to(loop)
    lines = errors(bank)
    assert any("practice/gone.toml" in x and "does not exist" in x for x in lines), lines
    assert any("practice/loop.toml" in x and "loops" in x for x in lines), lines
    assert not any("has no practice question" in x for x in lines)


def test_fifo_named_toml_is_reported(bank: Path) -> None:
    os.mkfifo(bank / "practice" / "pipe.toml")
    lines = errors(bank)
    assert any("practice/pipe.toml" in x and "not a regular file" in x for x in lines), lines


@pytest.mark.parametrize(
    ("raw", "name"), [("\\u001b[2J", "ESC (U+001B)"), ("\\u0007", "BEL (U+0007)")]
)
def test_control_characters_in_text_name_file_line_and_field(
    bank: Path, raw: str, name: str
) -> None:
    path = bank / PRACTICE_CX
    text = path.read_text(encoding="utf-8")
    target = 'text = "Imagine you take over'
    line = text[: text.index(target)].count("\n") + 1
    path.write_text(text.replace(target, f'text = "Imagine{raw} you take over', 1))
    lines = errors(bank)
    assert lines == [
        f"question_bank/{PRACTICE_CX}:{line}: P-6A-01: text contains {name}; remove it "
        "(it would act on the assessor's terminal)"
    ]


def test_control_character_in_a_probe(bank: Path) -> None:
    path = bank / PRACTICE_CX
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("Where would you look", "Where\\u009b would you look", 1), encoding="utf-8"
    )
    lines = errors(bank)
    assert len(lines) == 1 and "probes contains control character (U+009B)" in lines[0], lines


def test_nesting_hundreds_deep_is_one_problem(bank: Path) -> None:
    (bank / "practice" / "deep.toml").write_text("x = " + "[" * 3000 + "]" * 3000 + "\n")
    lines = errors(bank)
    assert any("practice/deep.toml" in x and "nested too deeply" in x for x in lines), lines


def test_huge_criterion_id_is_cut(bank: Path) -> None:
    path = bank / PRACTICE_CX
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('criteria = ["6A"]', f'criteria = ["6A", "{"Z" * 100_000}"]', 1))
    lines = errors(bank)
    assert any("unknown criterion 'ZZZ" in x and "…" in x for x in lines), lines
