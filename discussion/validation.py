"""One line from a pydantic `ValidationError`: the field, what is wrong, what is allowed.

Every place that validates user input with a model (settings.json, session.json, grade input,
the set-up screen) shows its errors through `describe()`, so the same mistake reads the same
everywhere:

    reaction_lag_s: got '1.5' (text), need a number from 0 to 10
    attempts[0].achieved: missing: add it
    warn_at_minutes[1]: 1000000 is too large: at most 120
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from discussion.text_safety import shorten, shown

_KINDS = {
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "text",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "datetime_type": "a date and time (ISO 8601)",
    "datetime_parsing": "a date and time (ISO 8601)",
    "datetime_from_date_parsing": "a date and time (ISO 8601)",
}
_JSON_KIND = {str: "text", bool: "true/false", int: "a number", float: "a number"}


def location(loc: Sequence[int | str]) -> str:
    """`attempts[0].achieved` from pydantic's `('attempts', 0, 'achieved')`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = shorten(str(part))
            text += f".{name}" if text else name
    return text


def describe(
    error: ValidationError,
    model: type[BaseModel] | None = None,
    *,
    where: str = "",
    fix: str = "",
) -> str:
    """The first problem of `error` as one line, with a count of any others.

    `model` (the validated class) lets the line state a field's whole allowed range, not only the
    bound that was crossed. `where` prefixes the line (a file name); `fix` ends it.
    """
    problems = error.errors(include_url=False)
    first = problems[0]
    field = location(first["loc"])
    text = problem(first, model)
    line = f"{field}: {text}" if field else text
    if where:
        line = f"{where}: {line}"
    if len(problems) > 1:
        line += f" (and {len(problems) - 1} more problem(s))"
    if fix:
        line += f"; {fix}"
    return line


def problem(detail: ErrorDetails, model: type[BaseModel] | None = None) -> str:
    """What is wrong with one field and what would be accepted, without the field's name."""
    kind = detail["type"]
    value = detail.get("input")
    ctx: dict[str, Any] = dict(detail.get("ctx") or {})
    allowed = _allowed(detail["loc"], model, ctx)
    if kind == "missing":
        return "missing: add it" + (f" ({allowed})" if allowed else "")
    if kind == "extra_forbidden":
        known = _known_fields(detail["loc"], model)
        return "unknown field: remove it or check its spelling" + (
            f" (known: {known})" if known else ""
        )
    if kind in _KINDS:
        got = _JSON_KIND.get(type(value), type(value).__name__)
        need = _KINDS[kind]
        if kind.startswith(("int", "float")) and allowed:
            need += f" {allowed}"
        return f"got {shown(value)} ({got}), need {need}"
    if kind == "finite_number":
        return f"got {shown(value)}, need a finite number" + (f" {allowed}" if allowed else "")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        size = "small" if kind.startswith("greater") else "large"
        return f"{shown(value)} is too {size}: allowed {allowed}"
    if kind == "literal_error":
        return f"got {shown(value)}, need one of: {shorten(str(ctx.get('expected', '')), 120)}"
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        return _length_problem(kind, value, ctx)
    if kind == "string_pattern_mismatch":
        return f"{shown(value)} is not in the expected form ({ctx.get('pattern', '')})"
    message = str(detail.get("msg", "")).removeprefix("Value error, ")
    return shorten(message, 200)


def _length_problem(kind: str, value: object, ctx: dict[str, Any]) -> str:
    count = len(value) if isinstance(value, (str, list, tuple, dict)) else None
    unit = "characters" if isinstance(value, str) else "items"
    if "short" in kind:
        least = ctx.get("min_length", 1)
        if count == 0:
            return f"is empty: need at least {least} {unit}"
        return f"has {count} {unit}, need at least {least}"
    return f"has {count} {unit}, at most {ctx.get('max_length')} allowed"


def _field(loc: Sequence[int | str], model: type[BaseModel] | None) -> Any:
    """The pydantic FieldInfo of a top-level field named by `loc`, if any."""
    if model is None or not loc or not isinstance(loc[0], str):
        return None
    return model.model_fields.get(loc[0])


def _allowed(loc: Sequence[int | str], model: type[BaseModel] | None, ctx: dict[str, Any]) -> str:
    """`from 0 to 10`, `at least 1`... from the field's bounds (or the bound the error names)."""
    low: tuple[str, object] | None = None
    high: tuple[str, object] | None = None
    field = _field(loc, model)
    # Bounds on a list field's items live in the item type; only a field's own bounds apply
    # when the location is the field itself.
    if field is not None and len(loc) == 1:
        for meta in field.metadata:
            if isinstance(meta, Ge):
                low = (">=", meta.ge)
            elif isinstance(meta, Gt):
                low = (">", meta.gt)
            elif isinstance(meta, Le):
                high = ("<=", meta.le)
            elif isinstance(meta, Lt):
                high = ("<", meta.lt)
    for key, op in (("ge", ">="), ("gt", ">")):
        if key in ctx:
            low = (op, ctx[key])
    for key, op in (("le", "<="), ("lt", "<")):
        if key in ctx:
            high = (op, ctx[key])
    return _range_text(low, high)


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _range_text(low: tuple[str, object] | None, high: tuple[str, object] | None) -> str:
    if low and high and low[0] == ">=" and high[0] == "<=":
        return f"from {_number(low[1])} to {_number(high[1])}"
    parts = []
    if low:
        parts.append(("at least " if low[0] == ">=" else "more than ") + _number(low[1]))
    if high:
        parts.append(("at most " if high[0] == "<=" else "less than ") + _number(high[1]))
    return " and ".join(parts)


def _known_fields(loc: Sequence[int | str], model: type[BaseModel] | None) -> str:
    if model is None or len(loc) != 1:
        return ""
    return ", ".join(model.model_fields)
