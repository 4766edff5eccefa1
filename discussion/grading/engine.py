"""The grading engine: a pure function from recorded attempts to the overall grade as it stands.

Rules (specification "Grading" and "Reassessment"; numbers come from the standard's data):
- A component passes on an attempt where every applicable pass criterion is achieved.
- A pass counts the distinction criteria achieved on that attempt, unless the attempt is not in
  `rules.distinction_counts_on_attempts` (the second reassessment): then none count (capped).
- Overall: `fail` if any component's latest attempt failed; else `incomplete` if a component has
  no attempt; else `distinction` if every component reached its threshold; else `pass`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from discussion.errors import UserError
from discussion.grading.models import (
    AttemptInput,
    ComponentResult,
    Grade,
    GradeResult,
    GradingInput,
)
from discussion.json_input import loads
from discussion.standard import Component, Standard, load_standard
from discussion.text_safety import shown
from discussion.validation import location, problem

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


class GradingInputError(UserError):
    """The grading input is malformed; the message names the attempt entry at fault."""


@dataclass(frozen=True)
class _Evaluated:
    """One attempt judged against its component's pass criteria."""

    index: int
    entry: AttemptInput
    passed: bool
    missing: list[str]
    distinctions: list[str]
    ignored: list[str]


def parse_json(text: str, standard: Standard | None = None) -> GradingInput:
    """Parse grading input from JSON text; `GradingInputError` says what is wrong and where."""
    try:
        data = loads(text)
    except UserError as error:  # duplicate keys, NaN, nesting hundreds deep, bad syntax
        raise GradingInputError(error.message) from None
    return parse_input(data, standard)


def parse_input(data: object, standard: Standard | None = None) -> GradingInput:
    """Validate already-decoded input (e.g. from the session record) into a `GradingInput`."""
    std = standard or load_standard()
    try:
        return GradingInput.model_validate(data)
    except ValidationError as error:
        raise GradingInputError(_describe(error, std)) from None


def grade(
    grading_input: GradingInput | Mapping[str, Any], standard: Standard | None = None
) -> GradeResult:
    """Grade the recorded attempts against the standard (default: the bundled one).

    Accepts a `GradingInput` or its plain-data form. Raises `GradingInputError` for input the
    standard cannot grade: unknown criteria, attempt numbers out of range or repeated, an attempt
    recorded after the component already passed, or modes on a component other than observation.
    """
    std = standard or load_standard()
    parsed = (
        grading_input
        if isinstance(grading_input, GradingInput)
        else parse_input(grading_input, std)
    )
    by_component = _check_entries(parsed, std)
    results: dict[str, ComponentResult] = {}
    reasons: list[str] = []
    for component in std.components:
        evaluated = [_evaluate(i, e, component) for i, e in by_component.get(component.id, [])]
        evaluated.sort(key=lambda ev: ev.entry.attempt)
        _check_nothing_after_pass(evaluated, component)
        result, lines = _component_result(component, evaluated[-1] if evaluated else None, std)
        results[component.id] = result
        reasons += lines
    overall, summary = _overall(std, results)
    reasons.append(summary)
    return GradeResult(grade=overall, components=results, reasons=reasons)


def attempt_label(attempt: int) -> str:
    """`first assessment` for attempt 1, then `first reassessment`, `second reassessment`, ..."""
    if attempt == 1:
        return "first assessment"
    n = attempt - 1
    ordinal = _ORDINALS[n - 1] if n <= len(_ORDINALS) else f"{n}th"
    return f"{ordinal} reassessment"


def _check_entries(
    parsed: GradingInput, std: Standard
) -> dict[str, list[tuple[int, AttemptInput]]]:
    """Per-entry checks against the standard, then group entries by component."""
    max_attempts = std.rules.max_attempts
    groups: dict[str, list[tuple[int, AttemptInput]]] = {}
    seen: dict[tuple[str, int], int] = {}
    for index, entry in enumerate(parsed.attempts):
        where = f"attempts[{index}]"
        component = std.component(entry.component)
        if entry.attempt > max_attempts:
            raise GradingInputError(f"{where}: attempt {entry.attempt} is outside 1-{max_attempts}")
        if entry.modes and not component.observation_modes:
            raise GradingInputError(
                f"{where}: `modes` applies only to the observation, not to the {entry.component}"
            )
        unknown = [cid for cid in dict.fromkeys(entry.achieved) if component.criterion(cid) is None]
        if unknown:
            raise GradingInputError(f"{where}: {_unknown_ids(unknown, component)}")
        key = (entry.component, entry.attempt)
        if key in seen:
            raise GradingInputError(
                f"{where}: {entry.component} attempt {entry.attempt} is recorded twice "
                f"(also attempts[{seen[key]}])"
            )
        seen[key] = index
        groups.setdefault(entry.component, []).append((index, entry))
    return groups


def _unknown_ids(unknown: list[str], component: Component) -> str:
    names = ", ".join(shown(cid) for cid in unknown[:5]) + (", ..." if len(unknown) > 5 else "")
    text = f"unknown criterion id(s) for the {component.id}: {names}"
    hints = [c.id for cid in unknown[:5] if (c := component.criterion(cid.strip().upper()))]
    if hints:
        text += f" (ids are case-sensitive: did you mean {', '.join(hints)}?)"
    else:
        text += " (see `discussion standard`)"
    return text


def _evaluate(index: int, entry: AttemptInput, component: Component) -> _Evaluated:
    # An empty modes list means "not stated", the same as omitting it (the record stores []).
    modes = set(entry.modes) if entry.modes else None
    achieved = set(entry.achieved)
    required = component.pass_criteria(modes)
    missing = [c.id for c in required if c.id not in achieved]
    ignored = [c.id for c in component.criteria if c.id in achieved and not c.applies(modes)]
    distinctions = [c.id for c in component.distinction_criteria() if c.id in achieved]
    return _Evaluated(index, entry, not missing, missing, distinctions, ignored)


def _check_nothing_after_pass(evaluated: list[_Evaluated], component: Component) -> None:
    for earlier, later in itertools.pairwise(evaluated):
        if earlier.passed:
            raise GradingInputError(
                f"attempts[{later.index}]: {component.id} attempt {later.entry.attempt} comes "
                f"after attempt {earlier.entry.attempt} (attempts[{earlier.index}]), which "
                "already passed: a passed component is not reassessed"
            )


def _component_result(
    component: Component, latest: _Evaluated | None, std: Standard
) -> tuple[ComponentResult, list[str]]:
    total = len(component.distinction_criteria())
    max_attempts = std.rules.max_attempts
    if latest is None:
        result = ComponentResult(
            attempt=None, status="not attempted", pass_met=False, pass_missing=[],
            distinction_achieved=[], distinction_counted=0, distinction_total=total,
            threshold=component.threshold, capped=False, attempts_left=max_attempts,
        )  # fmt: skip
        return result, [f"{component.name}: not attempted yet."]
    n = latest.entry.attempt
    counts = n in std.rules.distinction_counts_on_attempts
    capped = latest.passed and not counts
    counted = len(latest.distinctions) if latest.passed and counts else 0
    left = 0 if latest.passed else max_attempts - n
    result = ComponentResult(
        attempt=n, status="passed" if latest.passed else "failed", pass_met=latest.passed,
        pass_missing=latest.missing, distinction_achieved=latest.distinctions,
        distinction_counted=counted, distinction_total=total, threshold=component.threshold,
        capped=capped, attempts_left=left,
    )  # fmt: skip
    lines = [_component_line(component, latest, result)]
    if latest.ignored:
        observed = " and ".join(sorted(set(latest.entry.modes or [])))
        lines.append(
            f"{component.name}: {', '.join(latest.ignored)} ignored on attempt {n}: "
            f"not applicable when only {observed} interactions are observed."
        )
    return result, lines


def _component_line(component: Component, latest: _Evaluated, result: ComponentResult) -> str:
    n = latest.entry.attempt
    head = f"{component.name}: attempt {n} ({attempt_label(n)})"
    achieved = ", ".join(result.distinction_achieved) or "none"
    if not latest.passed:
        left = (
            f"{result.attempts_left} attempt(s) left"
            if result.attempts_left
            else f"no attempts left (attempt {n} was the last allowed)"
        )
        return f"{head} failed: pass criteria not achieved: {', '.join(latest.missing)}; {left}."
    if result.capped:
        return (
            f"{head} passed, capped at Pass: distinction criteria achieved on this attempt "
            f"do not count toward the grade (achieved {achieved}; counted 0 of "
            f"{result.distinction_total})."
        )
    verdict = (
        "threshold reached"
        if result.distinction_counted >= result.threshold
        else ("threshold not reached")
    )
    return (
        f"{head} passed; distinction criteria achieved: {achieved}; counted "
        f"{result.distinction_counted} of {result.distinction_total}, "
        f"{result.threshold} needed: {verdict}."
    )


def _overall(std: Standard, results: dict[str, ComponentResult]) -> tuple[Grade, str]:
    names: dict[str, str] = {c.id: c.name for c in std.components}
    failed = [cid for cid, r in results.items() if r.status == "failed"]
    if failed:
        parts = [
            f"{names[cid]} ({results[cid].attempts_left} attempt(s) left)"
            if results[cid].attempts_left
            else f"{names[cid]} (no attempts left)"
            for cid in failed
        ]
        return "fail", "Grade: fail as it stands: pass criteria not met in " + ", ".join(
            parts
        ) + "."
    missing = [names[cid] for cid, r in results.items() if r.status == "not attempted"]
    if missing:
        return "incomplete", "Grade: incomplete: no attempt recorded yet for " + ", ".join(
            missing
        ) + "."
    short = []
    for cid, r in results.items():
        if r.capped:
            short.append(f"{names[cid]} passed on attempt {r.attempt} (capped at Pass)")
        elif r.distinction_counted < r.threshold:
            short.append(
                f"{names[cid]} counted {r.distinction_counted} of {r.distinction_total} "
                f"distinction criteria ({r.threshold} needed)"
            )
    if not short:
        return "distinction", (
            "Grade: distinction: every pass criterion achieved and every component reached "
            "its distinction threshold."
        )
    return "pass", "Grade: pass: every pass criterion achieved; not distinction because " + (
        "; ".join(short)
    ) + "."


def _describe(error: ValidationError, std: Standard) -> str:
    """One line for the first validation problem, naming the attempt entry."""
    first = error.errors(include_url=False)[0]
    loc = first["loc"]
    kind = first["type"]
    if not loc:
        return 'the input must be a JSON object: {"attempts": [...]}'
    where = location(loc[:-1]) if len(loc) > 1 else "the input"
    field = loc[-1]
    if kind == "missing":
        return f"{where}: missing field {shown(field)}"
    if kind == "extra_forbidden":
        return f"{where}: unknown field {shown(field)}"
    if field == "component" and kind == "literal_error":
        known = ", ".join(c.id for c in std.components)
        return f"{where}: unknown component {shown(first['input'])} (expected one of: {known})"
    if field == "attempt" and kind == "greater_than_equal":
        return f"{where}: attempt {shown(first['input'])} is outside 1-{std.rules.max_attempts}"
    if "achieved" in loc:
        return f"{location(loc)}: `achieved` must be a list of criterion ids (strings)"
    return f"{location(loc)}: {problem(first)}"
