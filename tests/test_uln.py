"""Unique Learner Number check digit: examples and properties."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from discussion.standard import load_standard
from discussion.uln import check_uln, expected_check_digit, make_uln, validate_uln

first_nine = st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda s: s[0] != "0")


def test_published_example_is_valid() -> None:
    result = check_uln("9276308686")
    assert result.ok and result.reason == "" and result.uln == "9276308686"
    assert validate_uln("9276308686") is None


def test_surrounding_whitespace_is_ignored() -> None:
    assert check_uln("  9276308686\n").uln == "9276308686"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("927630868", "too short: 9 digits"),
        ("92763086860", "too long: 11 digits"),
        ("92763O8686", "'O' at position 6 is not a digit"),
        ("9276 308686", "' ' at position 5"),
        ("927630868²", "not a digit"),
        ("0276308686", "cannot start with 0"),
        ("9276308687", "does not check out"),
    ],
)
def test_reasons(text: str, fragment: str) -> None:
    result = check_uln(text)
    assert not result.ok
    assert fragment in result.reason
    assert validate_uln(text) == result.reason


def test_first_digits_without_any_check_digit() -> None:
    # Find nine leading digits whose required check digit would be 10.
    candidate = next(f"{n}" for n in range(100000000, 100001000) if make_uln(f"{n}") is None)
    assert expected_check_digit(candidate) is None
    reason = validate_uln(candidate + "0")
    assert reason is not None and "does not check out" in reason


def test_a_wrong_uln_never_names_the_digit_that_would_pass() -> None:
    # Naming the "right" last digit invites changing it when the mistake is elsewhere.
    for wrong in ("9276308687", "9276308680", "2976308686"):
        reason = check_uln(wrong).reason
        assert "does not check out" in reason
        assert "should be" not in reason and not any(d in reason for d in "0123456789")


def test_make_uln_rejects_leading_zero() -> None:
    assert make_uln("027630868") is None


def test_expected_check_digit_needs_nine_digits() -> None:
    with pytest.raises(ValueError, match="exactly 9 digits"):
        expected_check_digit("123")


def test_weights_come_from_the_standard() -> None:
    rules = load_standard().uln
    custom = rules.model_copy(update={"remainder": 0})
    # Under a different remainder the published example no longer validates.
    assert not check_uln("9276308686", custom).ok
    made = make_uln("927630868", custom)
    assert made is not None and check_uln(made, custom).ok


@given(first_nine)
def test_every_made_uln_validates(first: str) -> None:
    made = make_uln(first)
    if made is not None:
        assert made.startswith(first) and len(made) == 10
        assert check_uln(made).ok


@given(first_nine, st.integers(0, 9), st.integers(1, 9))
def test_changing_any_single_digit_invalidates(first: str, position: int, delta: int) -> None:
    uln = make_uln(first)
    assume(uln is not None)
    assert uln is not None
    digit = (int(uln[position]) + delta) % 10
    changed = uln[:position] + str(digit) + uln[position + 1 :]
    assert changed != uln
    assert not check_uln(changed).ok


@given(first_nine, st.integers(0, 8))
def test_swapping_adjacent_different_digits_invalidates(first: str, position: int) -> None:
    uln = make_uln(first)
    assume(uln is not None and uln[position] != uln[position + 1])
    assert uln is not None
    swapped = uln[:position] + uln[position + 1] + uln[position] + uln[position + 2 :]
    assert not check_uln(swapped).ok


@given(st.text(max_size=14))
def test_never_raises_and_ok_means_ten_digits(text: str) -> None:
    result = check_uln(text)
    if result.ok:
        assert len(result.uln) == 10 and result.uln.isascii() and result.uln.isdigit()
        assert result.uln[0] != "0"
    else:
        assert result.reason
