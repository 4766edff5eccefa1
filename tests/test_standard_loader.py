"""Broken copies of the standard's data: every problem is a UserError naming the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from discussion.errors import UserError
from discussion.paths import standard_dir
from discussion.standard import load_standard


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(standard_dir(), target)
    return target


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file.name}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def expect_error(folder: Path, *fragments: str) -> str:
    with pytest.raises(UserError) as caught:
        load_standard(folder)
    message = caught.value.message
    for fragment in fragments:
        assert fragment in message, message
    assert "\n" not in message
    return message


def test_copy_loads_with_same_hash(data: Path) -> None:
    assert load_standard(data).content_hash == load_standard().content_hash


def test_hash_tracks_content(data: Path) -> None:
    before = load_standard(data).content_hash
    edit(data / "discussion.toml", "Maximum 1 hour", "Maximum one hour")
    assert load_standard(data).content_hash != before


def test_missing_folder(tmp_path: Path) -> None:
    expect_error(tmp_path / "nowhere", "does not exist")


def test_toml_syntax_error(data: Path) -> None:
    edit(data / "showcase.toml", "threshold = 7", "threshold = = 7")
    expect_error(data, "showcase.toml", "TOML syntax error")


def test_not_utf8(data: Path) -> None:
    (data / "discussion.toml").write_bytes(b'id = "\xff"\n')
    expect_error(data, "discussion.toml", "not UTF-8")


def test_duplicate_criterion_id(data: Path) -> None:
    edit(data / "discussion.toml", 'id = "7A"', 'id = "6A"')
    expect_error(data, "discussion.toml", "duplicate criterion ids: 6A")


def test_bad_level(data: Path) -> None:
    edit(data / "discussion.toml", 'level = "pass"', 'level = "merit"')
    expect_error(data, "discussion.toml", "criteria[0].level")


def test_threshold_above_distinction_count(data: Path) -> None:
    edit(data / "discussion.toml", "threshold = 3", "threshold = 5")
    expect_error(data, "discussion.toml", "threshold 5 exceeds the 4 distinction criteria")


def test_builds_on_must_be_a_pass_criterion(data: Path) -> None:
    edit(data / "discussion.toml", 'builds_on = "3B"', 'builds_on = "2A"')
    expect_error(data, "discussion.toml", "builds_on '2A'")


def test_unknown_performance_requirement(data: Path) -> None:
    edit(
        data / "observation.toml",
        "performance_requirements = [27, 28]",
        "performance_requirements = [27, 99]",
    )
    expect_error(data, "observation.toml", "unknown performance requirement(s) 99")


def test_mode_must_be_known(data: Path) -> None:
    edit(data / "observation.toml", 'modes = ["non-face-to-face"]', 'modes = ["telepathy"]')
    expect_error(data, "observation.toml", "modes")


def test_unknown_key(data: Path) -> None:
    edit(data / "discussion.toml", "threshold = 3", "threshold = 3\ncolour = 1")
    expect_error(data, "discussion.toml", "colour")


def test_missing_component_file(data: Path) -> None:
    (data / "observation.toml").unlink()
    expect_error(data, "no data file for component(s): observation")


def test_missing_rules(data: Path) -> None:
    (data / "rules.toml").unlink()
    expect_error(data, "rules.toml", "missing")


def test_missing_rules_table(data: Path) -> None:
    edit(data / "rules.toml", "[uln]", "[ulnx]")
    expect_error(data, "rules.toml")


def test_rules_attempts_out_of_range(data: Path) -> None:
    edit(
        data / "rules.toml",
        "distinction_counts_on_attempts = [1, 2]",
        "distinction_counts_on_attempts = [1, 4]",
    )
    expect_error(data, "rules.toml", "outside 1-3")


def test_uln_weights_must_match_length(data: Path) -> None:
    edit(data / "rules.toml", "weights = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]", "weights = [10, 9]")
    expect_error(data, "rules.toml", "2 weights for a 10-digit ULN")


def test_rules_are_read_from_data(data: Path) -> None:
    edit(data / "rules.toml", "max_minutes = 60", "max_minutes = 45")
    edit(data / "rules.toml", "max_attempts = 3", "max_attempts = 4")
    standard = load_standard(data)
    assert standard.discussion_conduct.max_minutes == 45
    assert standard.rules.max_attempts == 4


def test_duplicate_order(data: Path) -> None:
    edit(data / "discussion.toml", "order = 3", "order = 2")
    expect_error(data, "share the same `order`")


def test_missing_version(data: Path) -> None:
    edit(data / "standard.toml", 'version = "', 'old_version = "')
    expect_error(data, "standard.toml")
