"""The one formatter of validation errors, strict JSON input, and safe text."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from discussion.json_input import JsonInputError, loads
from discussion.text_safety import shorten, visible
from discussion.validation import describe


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    lag: float = Field(default=1.0, ge=0, le=10)
    name: str = Field(default="x", min_length=1, max_length=5)
    mode: str = Field(default="a", pattern="^[ab]$")
    count: int = 1


def line(data: object) -> str:
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate(data)
    text = describe(caught.value, Sample, where="f.json", fix="fix it")
    assert "\n" not in text and text.startswith("f.json: ") and text.endswith("; fix it")
    return text


def test_type_error_names_field_value_kind_and_range() -> None:
    assert line({"lag": "1.5"}) == (
        "f.json: lag: got '1.5' (text), need a number from 0 to 10; fix it"
    )


def test_range_error_states_the_whole_range() -> None:
    assert "lag: 11 is too large: allowed from 0 to 10" in line({"lag": 11})
    assert "lag: -1 is too small: allowed from 0 to 10" in line({"lag": -1})


def test_unknown_missing_length_and_counts() -> None:
    assert "lagg: unknown field: remove it or check its spelling (known: lag," in line({"lagg": 1})
    assert "name: has 9 characters, at most 5 allowed" in line({"name": "x" * 9})
    assert "name: is empty" in line({"name": ""})
    assert "(and 1 more problem(s))" in line({"lag": "x", "count": "y"})


def test_long_values_are_cut() -> None:
    text = line({"mode": "é" * 5_000_000})  # 10 MB of UTF-8: the cut is by length, not size
    assert len(text) < 200 and "…" in text


def test_long_unknown_key_is_cut() -> None:
    text = line({"k" * 100_000: 1})
    assert len(text) < 300


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(JsonInputError, match="'achieved' appears twice"):
        loads('{"attempts": [{"achieved": ["P1"], "achieved": []}]}')


def test_deep_nesting_nan_and_huge_numbers_are_one_line() -> None:
    for text in ("[" * 100_000, "NaN", "1e999", "9" * 5000):
        with pytest.raises(JsonInputError) as caught:
            loads(text, "in.json")
        assert caught.value.message.startswith("in.json: ")
        assert len(caught.value.message) < 200


def test_visible_makes_controls_harmless() -> None:
    assert visible("a\x1b[2Jb\x07c") == "a␛[2Jb␇c"
    assert visible("line\nnext\ttab") == "line\nnext\ttab"
    assert visible("one\nline", allow_newlines=False) == "one␊line"
    assert visible("\u202eevil\x9b") == "<U+202E>evil<U+009B>"
    assert visible("Zoë 😀 日本") == "Zoë 😀 日本"


def test_shorten() -> None:
    assert shorten("x" * 10) == "x" * 10
    cut = shorten("x" * 1000)
    assert len(cut) == 60 and cut.endswith("…")
