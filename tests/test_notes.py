"""Parsing typed notes and formatting offsets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from discussion.notes import format_clock, format_offset, parse_note
from discussion.text_safety import visible

IDS = ["1A", "2A", "2B", "3A", "3B", "3C", "4A", "5A", "6A", "6B", "7A"]


def test_prefix_tags_the_note() -> None:
    parsed = parse_note("3A,3B: adapted tone for a deaf customer", IDS)
    assert parsed.criteria == ("3A", "3B")
    assert parsed.text == "adapted tone for a deaf customer"
    assert parsed.unknown == ()


def test_prefix_is_case_insensitive_and_accepts_spaces() -> None:
    assert parse_note("3a 6b : kept calm", IDS).criteria == ("3A", "6B")


def test_unknown_id_keeps_the_whole_line_untagged() -> None:
    parsed = parse_note("9Z,3A: something", IDS)
    assert parsed.criteria == ()
    assert parsed.text == "9Z,3A: something"
    assert parsed.unknown == ("9Z",)


def test_ordinary_colon_is_text() -> None:
    parsed = parse_note("Note: customer was upset", IDS)
    assert parsed.criteria == () and parsed.text == "Note: customer was upset"


def test_duplicate_tags_collapse() -> None:
    assert parse_note("3A,3a: x", IDS).criteria == ("3A",)


@given(st.text())
def test_nothing_typed_is_lost(line: str) -> None:
    parsed = parse_note(line, IDS)
    kept = parsed.text
    shown = visible(line.strip())  # control characters become ␛ and the like, nothing else
    assert kept.strip() in shown
    if not parsed.criteria:
        assert kept == shown


@pytest.mark.parametrize(
    ("line", "text", "controls"),
    [
        ("3A: tone \x1b[2Jcleared", "tone ␛[2Jcleared", ("\x1b",)),
        ("rang\x07 the bell", "rang␇ the bell", ("\x07",)),
        ("crlf line\r", "crlf line", ()),
        ("rtl \u202eevil", "rtl <U+202E>evil", ("\u202e",)),
    ],
)
def test_control_characters_become_visible_and_are_reported(
    line: str, text: str, controls: tuple[str, ...]
) -> None:
    parsed = parse_note(line, IDS)
    assert (parsed.text, parsed.controls) == (text, controls)


def test_offsets_format() -> None:
    assert format_offset(3723.4567) == "01:02:03.457"
    assert format_offset(0) == "00:00:00.000"
    assert format_clock(59.9) == "00:59"
    assert format_clock(-61) == "-01:01"
    assert format_clock(3600) == "1:00:00"
