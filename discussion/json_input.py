"""Strict JSON for input a person wrote (grade input, settings.json).

`json.loads` lets the last of two equal keys win silently (`"achieved": [...], "achieved": []`
grades a fail), accepts `NaN` and `Infinity`, and raises `RecursionError` on input nested a few
hundred levels deep. `loads()` refuses all three with a one-line `UserError`.
"""

from __future__ import annotations

import json
from typing import Any

from discussion.errors import UserError
from discussion.text_safety import shorten

TOO_DEEP = "nested too deeply (hundreds of levels): not a file a person wrote; check its contents"


class JsonInputError(UserError):
    """The text is not JSON a person could have meant: says where and what to fix."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JsonInputError(
                f"the key {shorten(key)!r} appears twice in one object: keep only one"
            )
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise JsonInputError(f"{name} is not a number JSON allows: write a number")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise JsonInputError(f"the number {shorten(text)} is too large")
    return value


def loads(text: str, where: str = "") -> Any:
    """Parse `text` as JSON; `JsonInputError` (prefixed with `where`) names the problem."""
    prefix = f"{where}: " if where else ""
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
            parse_float=_finite,
        )
    except JsonInputError as error:
        raise JsonInputError(prefix + error.message) from None
    except json.JSONDecodeError as error:
        raise JsonInputError(
            f"{prefix}malformed JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise JsonInputError(f"{prefix}{TOO_DEEP}") from None
    except ValueError as error:  # e.g. an integer of 5000 digits
        raise JsonInputError(f"{prefix}not valid JSON: {shorten(str(error))}") from None
