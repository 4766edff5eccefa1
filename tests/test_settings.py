"""settings.json: strict types, sane sizes, and one-line errors naming the field and the range."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from discussion.errors import UserError
from discussion.settings import Settings, load_settings


def refused(tmp_path: Path, text: str) -> str:
    path = tmp_path / "settings.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_settings(path)
    line = caught.value.message
    assert "\n" not in line and line.startswith(f"{path}: ") and "fix or delete" in line
    assert "validation error" not in line and "pydantic" not in line
    return line


def test_no_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "settings.json") == Settings()


def test_good_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"reaction_lag_s": 2, "warn_at_minutes": [50], "assessor": "Sam"}')
    settings = load_settings(path)
    assert (settings.reaction_lag_s, settings.warn_at_minutes) == (2.0, [50])


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ('{"reaction_lag_s": "1.5"}', ("reaction_lag_s: got '1.5' (text)", "number from 0 to 10")),
        ('{"reaction_lag_s": 99}', ("reaction_lag_s: 99 is too large", "from 0 to 10")),
        ('{"warn_at_minutes": [-5, 1000000]}', ("warn_at_minutes", "-5", "1 to 60")),
        ('{"warn_at_minutes": [45, 1000000]}', ("warn_at_minutes", "1000000", "1 to 60")),
        ('{"silence_alarm_s": 1e308}', ("silence_alarm_s", "too large", "from 1 to 600")),
        ('{"recent_notes": true}', ("recent_notes", "true/false", "whole number")),
        ('{"assessor": "Sam\\u001b[2J"}', ("assessor", "ESC (U+001B)")),
        ('{"colour": "red"}', ("colour: unknown field", "known: assessor")),
        ('{"reaction_lag_s": 2, "reaction_lag_s": 3}', ("'reaction_lag_s' appears twice",)),
        ("[1, 2]", ("must be a JSON object",)),
        ('{"reaction_lag_s": NaN}', ("NaN",)),
        ('{"reaction_lag_s": 2,', ("malformed JSON at line 1",)),
    ],
)
def test_bad_values_name_the_field_and_the_range(
    tmp_path: Path, text: str, fragments: tuple[str, ...]
) -> None:
    line = refused(tmp_path, text)
    for fragment in fragments:
        assert fragment in line, line


def test_nesting_hundreds_deep_is_one_line(tmp_path: Path) -> None:
    # json.loads raised RecursionError (a traceback) on this.
    line = refused(tmp_path, '{"warn_at_minutes": ' + "[" * 5000 + "]" * 5000 + "}")
    assert "nested too deeply" in line
    line = refused(tmp_path, '{"warn_at_minutes": ' + "[" * 400 + "]" * 400 + "}")
    assert "warn_at_minutes" in line and len(line) < 300


def test_special_and_huge_files_are_refused_without_reading_them(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.symlink_to("/dev/zero")  # read whole, this hung `record`
    with pytest.raises(UserError, match="not a regular file"):
        load_settings(path)
    path.unlink()
    path.write_bytes(b" " * (2 << 20))
    with pytest.raises(UserError, match="larger than"):
        load_settings(path)
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(UserError, match="not a regular file"):
        load_settings(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b'{"assessor": "\xff"}')
    with pytest.raises(UserError, match="not UTF-8"):
        load_settings(path)
