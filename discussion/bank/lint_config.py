"""The settings of `discussion bank lint` (word lists, thresholds), read from `lint.toml`.

The bank's authors tune them as data. A broken file is a `UserError` naming the file, the line
and the fix, never a traceback.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from discussion.bank.files import LINT_CONFIG
from discussion.errors import UserError
from discussion.paths import bundled_bank_dir
from discussion.text_safety import shorten

CONFIG_NAME = LINT_CONFIG

Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Terms = list[Term]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ClosedSettings(_Section):
    """Words that open a yes/no question (closed-question, closed-probe)."""

    starters: Terms


class DoubleSettings(_Section):
    """Phrases that join a second ask to the first (double-question, double-probe)."""

    joiners: Terms


class LeadingSettings(_Section):
    """How many items after a colon make a list of answers (lists-answers)."""

    min_listed: Annotated[int, Field(ge=2)]


class LengthSettings(_Section):
    """Most words a spoken text or probe should have (long-text, long-probe)."""

    max_text_words: Annotated[int, Field(gt=0)]
    max_probe_words: Annotated[int, Field(gt=0)]


class WorkExampleSettings(_Section):
    """What counts as an anonymity reminder and as an outcome probe."""

    anonymity_terms: Terms
    outcome_terms: Terms


class LookForSettings(_Section):
    """Wording an assessor cannot observe, and conduct points that are not evidence."""

    subjective_terms: Terms
    unobservable_starts: Terms
    conduct_terms: Terms


class SimilaritySettings(_Section):
    """How practice items are compared with assessment items (practice-too-similar)."""

    threshold: Annotated[float, Field(gt=0, le=1)]
    top_matches: Annotated[int, Field(ge=1, le=10)]
    gram: Annotated[int, Field(ge=2, le=8)]
    boilerplate_questions: Annotated[int, Field(ge=2)]
    stop_words: Terms


class LintConfig(_Section):
    """Everything `lint.toml` holds."""

    disable: Terms = Field(default_factory=list)
    closed: ClosedSettings
    double: DoubleSettings
    leading: LeadingSettings
    length: LengthSettings
    work_example: WorkExampleSettings
    look_fors: LookForSettings
    similarity: SimilaritySettings


def default_config_path(bank_root: Path) -> Path:
    """`lint.toml` in the bank folder when it has one, else the bundled bank's."""
    own = bank_root / CONFIG_NAME
    return own if own.is_file() else bundled_bank_dir() / CONFIG_NAME


def load_lint_config(path: Path, known_rules: set[str]) -> LintConfig:
    """Read and validate `path`; `UserError` naming `file:line` and the fix when it is broken.

    `known_rules` are the rule ids `disable` may name.
    """
    shown = _shown(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(
            f"{shown}: no lint settings here; pass --config FILE or restore {CONFIG_NAME}"
        ) from None
    except UnicodeDecodeError:
        raise UserError(f"{shown}: not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise UserError(f"{shown}: cannot read it: {error.strerror or error}") from error
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        where = f"{shown}:{match.group(1)}" if match else shown
        reason = re.sub(r"\s*\(at line \d+, column \d+\)\s*$", "", str(error))
        raise UserError(f"{where}: TOML syntax error: {reason}; fix the syntax") from None
    lines = text.splitlines()
    try:
        config = LintConfig.model_validate(data)
    except ValidationError as error:
        detail = error.errors()[0]
        loc = [str(part) for part in detail["loc"]]
        line = _line_of(lines, loc)
        where = f"{shown}:{line}" if line else shown
        more = len(error.errors()) - 1
        also = f" (and {more} more)" if more else ""
        raise UserError(f"{where}: {_explain(loc, detail)}{also}") from None
    unknown = [rule for rule in config.disable if rule not in known_rules]
    if unknown:
        line = _line_of(lines, ["disable"])
        where = f"{shown}:{line}" if line else shown
        raise UserError(
            f"{where}: disable names unknown rule '{shorten(unknown[0])}'; "
            f"use rule ids from: {', '.join(sorted(known_rules))}"
        )
    return config


def _shown(path: Path) -> str:
    """The config path as messages show it: `question_bank/lint.toml` for a bank's own."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else str(path)


def _line_of(lines: list[str], loc: list[str]) -> int | None:
    """The line of the key at `loc` (a table name then a key), else of its table."""
    section = loc[0] if len(loc) > 1 and not loc[0].isdigit() else None
    key = loc[1] if section else (loc[0] if loc else None)
    start = 0
    if section is not None:
        header = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\]")
        found = next((n for n, line in enumerate(lines) if header.match(line)), None)
        if found is None:
            return None
        start = found
    if key is not None and not key.isdigit():
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start, len(lines)):
            if number > start and section is not None and lines[number].lstrip().startswith("["):
                break
            if pattern.match(lines[number]):
                return number + 1
    return start + 1 if section is not None else None


def _explain(loc: list[str], detail: Any) -> str:
    """A validation problem as what to change."""
    kind = detail["type"]
    section = loc[0] if len(loc) > 1 else None
    key = loc[1] if section else (loc[0] if loc else "?")
    table = f"[{section}]" if section else ""
    name = key if not table else (table if key.isdigit() else f"{table} {key}")
    if kind == "missing":
        if len(loc) == 1:
            return f"missing table [{loc[0]}]; add it (see the bundled {CONFIG_NAME})"
        return f"{name} is missing; add {key} = ... under [{section}]"
    if kind == "extra_forbidden":
        return f"unknown setting {name}; remove it or check its spelling"
    if kind == "string_too_short":
        return f"{name} holds an empty word; remove it"
    value = shorten(repr(detail.get("input")))
    if kind in ("greater_than", "greater_than_equal", "less_than_equal"):
        return f"{name} = {value} is out of range ({detail['msg'].lower()}); change it"
    expected = {
        "int_type": "a whole number",
        "float_type": "a number",
        "list_type": 'a list of words like ["...", "..."]',
        "string_type": "text in quotes",
        "model_type": "a table",
        "dict_type": "a table",
    }.get(kind, detail["msg"])
    return f"{name} = {value} has the wrong type; it should be {expected}"
