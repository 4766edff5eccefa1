"""The Unique Learner Number (ULN): ten digits, first non-zero, last a check digit.

Valid when sum(digit * weight) % modulus == remainder, with the weights, modulus and remainder
read from the standard's `rules.toml` (10..1, 11 and 10 as published by HESA).
"""

from __future__ import annotations

from dataclasses import dataclass

from discussion.standard import UlnRules, load_standard

DOES_NOT_CHECK_OUT = (
    "does not check out: a digit is wrong or two are swapped; copy it again from the "
    "apprentice's record"
)


@dataclass(frozen=True)
class UlnCheck:
    """The result of checking a ULN: `ok`, and when not ok a `reason` saying what is wrong."""

    ok: bool
    reason: str = ""
    uln: str = ""  # the normalised ULN (surrounding whitespace removed) when ok


def _rules(rules: UlnRules | None) -> UlnRules:
    return rules if rules is not None else load_standard().uln


def expected_check_digit(first_digits: str, rules: UlnRules | None = None) -> int | None:
    """The last digit that makes `first_digits` (all but the last digit) valid, or None.

    Some leading digits have no valid check digit (the required value would be 10).
    """
    rule = _rules(rules)
    if len(first_digits) != rule.length - 1 or not _ascii_digits(first_digits):
        raise ValueError(f"need exactly {rule.length - 1} digits, got {first_digits!r}")
    partial = sum(int(d) * w for d, w in zip(first_digits, rule.weights, strict=False))
    last_weight = rule.weights[-1]
    for digit in range(10):
        if (partial + digit * last_weight) % rule.modulus == rule.remainder:
            return digit
    return None


def check_uln(text: str, rules: UlnRules | None = None) -> UlnCheck:
    """Check a ULN as typed; surrounding whitespace is ignored, anything else must be digits."""
    rule = _rules(rules)
    uln = text.strip()
    if not uln:
        return UlnCheck(False, f"the ULN is empty: it has {rule.length} digits")
    # Fast path (listing 10,000 sessions checks 10,000 ULNs): all ASCII digits skips the loop.
    for position, char in enumerate("" if uln.isascii() and uln.isdigit() else uln, start=1):
        if not _ascii_digits(char):
            return UlnCheck(
                False, f"{char!r} at position {position} is not a digit: a ULN is digits only"
            )
    if len(uln) != rule.length:
        size = "short" if len(uln) < rule.length else "long"
        return UlnCheck(False, f"too {size}: {len(uln)} digits, a ULN has exactly {rule.length}")
    if uln[0] == "0":
        return UlnCheck(False, "a ULN cannot start with 0")
    # Never say which last digit would pass: the mistake may be in any digit, and naming one
    # invites changing the last to fit.
    if expected_check_digit(uln[:-1], rule) != int(uln[-1]):
        return UlnCheck(False, DOES_NOT_CHECK_OUT)
    return UlnCheck(True, "", uln)


def validate_uln(text: str, rules: UlnRules | None = None) -> str | None:
    """None when `text` is a valid ULN, else the reason it is not (for form validators)."""
    result = check_uln(text, rules)
    return None if result.ok else result.reason


def make_uln(first_digits: str, rules: UlnRules | None = None) -> str | None:
    """A valid ULN from its first nine digits (not starting with 0), or None if none exists."""
    rule = _rules(rules)
    if first_digits.startswith("0"):
        return None
    digit = expected_check_digit(first_digits, rule)
    return None if digit is None else f"{first_digits}{digit}"


def _ascii_digits(text: str) -> bool:
    # str.isdigit() accepts '²' and other Unicode digits that int() rejects or a ULN never holds.
    return all("0" <= c <= "9" for c in text)
