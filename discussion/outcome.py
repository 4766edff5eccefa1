"""The outcome of a session: its discussion attempt plus the other components' results, graded.

Headless glue between the session record and the grading engine (which runs unchanged):

- `grading_input(state, info)`: the engine's input. The discussion attempt is the session's
  (`session.json` attempt) with `achieved` = the criteria whose latest decision is "met"; the
  Showcase and Observation come from `component_result` events, the latest event per
  (component, attempt) winning and earlier attempts kept as separate attempts. A discussion
  that did not go ahead (`SessionState.not_held`, e.g. consent declined) is no attempt at all:
  it is left out, so it fails nothing and uses up no attempt.
- `grade_session(state, info, standard)`: that input through `discussion.grading.grade`; the
  discussion's finding then says that it did not go ahead and why.
- `undecided(state, standard)`: discussion criteria with no decision yet (closing needs none).
- `parse_component_results(text)`: a file in the grade input format (Showcase and Observation
  entries only) as `ComponentResultData`, each problem a `UserError` naming the entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from pydantic import ValidationError

from discussion.errors import UserError
from discussion.grading import (
    AttemptInput,
    GradeResult,
    GradingInput,
    GradingInputError,
    attempt_label,
    grade,
    parse_json,
)
from discussion.record import ComponentResultData, SessionInfo, SessionState
from discussion.standard import Standard, load_standard

DISCUSSION: Final = "discussion"
# The components whose results come from outside this session.
OTHER_COMPONENTS = ("showcase", "observation")
_ENTRY = re.compile(r"attempts\[(\d+)\]")


def latest_component_results(
    results: Iterable[ComponentResultData],
) -> list[ComponentResultData]:
    """One result per (component, attempt): the last one given wins (a correction).

    Discussion entries are dropped: the discussion's result is this session's decisions.
    Ordered by component (Showcase, Observation) then attempt.
    """
    latest: dict[tuple[str, int], ComponentResultData] = {}
    for result in results:
        if result.component != DISCUSSION:
            latest[(result.component, result.attempt)] = result
    order = {cid: i for i, cid in enumerate(OTHER_COMPONENTS)}
    return sorted(latest.values(), key=lambda r: (order.get(r.component, 99), r.attempt))


def grading_input(
    state: SessionState,
    info: SessionInfo | None = None,
    extra: Sequence[ComponentResultData] = (),
) -> GradingInput:
    """The grading engine's input for this session as it stands.

    `info` defaults to `state.info`. `extra` results are treated as logged after every event
    (used to preview an entry before it is saved).
    """
    session = info if info is not None else state.info
    tally = state.tally()
    attempts = []
    if state.not_held is None:  # a discussion that never took place is not an attempt
        attempts.append(
            AttemptInput(component=DISCUSSION, attempt=session.attempt, achieved=tally.achieved)
        )
    for result in latest_component_results([*state.component_results, *extra]):
        attempts.append(_attempt(result))
    return GradingInput(attempts=attempts)


def grade_session(
    state: SessionState,
    info: SessionInfo | None = None,
    standard: Standard | None = None,
    extra: Sequence[ComponentResultData] = (),
) -> GradeResult:
    """The overall grade as it stands (the engine unchanged).

    Raises `GradingInputError` (a `UserError`) when the recorded results cannot be graded
    together, e.g. an attempt recorded after one that already passed.
    """
    if state.mock is not None:  # a mock is rehearsal: it has no grade, not even a preview
        raise UserError(MOCK_REFUSED)
    std = standard or load_standard()
    graded = grading_input(state, info, extra)
    try:
        result = grade(graded, std)
    except GradingInputError as error:
        # The indexes of our own input mean nothing to the assessor: name the entries.
        def label(match: re.Match[str]) -> str:
            entry = graded.attempts[int(match.group(1))]
            return f"{std.component(entry.component).name} attempt {entry.attempt}"

        raise GradingInputError(_ENTRY.sub(label, error.message)) from None
    if state.not_held is not None:
        result = _say_not_held(result, state, info if info is not None else state.info, std)
    if (info if info is not None else state.info).kind == "practice":
        result = _say_practice(result)
    return result


MOCK_REFUSED = (
    "this is a mock discussion for practice, not an end-point assessment: it is never graded; "
    "see how it went with `discussion readiness FOLDER`"
)
PRACTICE_FINDING = (
    "Practice session, not an end-point assessment: this is how its evidence would grade. "
    "No attempt is used and no result is recorded."
)
_ATTEMPTS_LEFT = re.compile(r"[;,]? ?\(?\d+ attempt\(s\) left\)?")


def _say_practice(result: GradeResult) -> GradeResult:
    """A practice session uses no attempt: say so first and drop "N attempt(s) left"."""
    reasons = [PRACTICE_FINDING] + [_ATTEMPTS_LEFT.sub("", line) for line in result.reasons]
    return result.model_copy(update={"reasons": reasons})


def not_held_finding(state: SessionState, info: SessionInfo, standard: Standard) -> str:
    """The discussion's finding when it did not go ahead: what, why, and that it is no attempt."""
    name = standard.component(DISCUSSION).name
    reason = (state.not_held or "").rstrip(".")
    reason = reason[:1].lower() + reason[1:]  # mid-sentence: "did not go ahead: the apprentice"
    return (
        f"{name}: the {attempt_label(info.attempt)} did not go ahead: {reason}. It does not "
        "count as an attempt: nothing was assessed, so no attempt is used."
    )


def _say_not_held(
    result: GradeResult, state: SessionState, info: SessionInfo, standard: Standard
) -> GradeResult:
    """Replace the engine's "not attempted yet" for the discussion with why it was not held."""
    plain = f"{standard.component(DISCUSSION).name}: not attempted yet."
    finding = not_held_finding(state, info, standard)
    reasons = [finding if line == plain else line for line in result.reasons]
    if finding not in reasons:  # the engine's wording changed: say it anyway, first
        reasons.insert(0, finding)
    return result.model_copy(update={"reasons": reasons})


def undecided(state: SessionState, standard: Standard) -> list[str]:
    """Discussion criteria (in the standard's order) with no decision recorded.

    None for a discussion that did not go ahead: nothing was assessed, so nothing is pending.
    """
    if state.not_held is not None:
        return []
    component = standard.component(DISCUSSION)
    return [
        c.id
        for c in component.criteria
        if (evidence := state.criteria.get(c.id)) is None or evidence.decision is None
    ]


def parse_component_results(
    json_text: str, standard: Standard | None = None
) -> list[ComponentResultData]:
    """Read Showcase and Observation results from a file in the grade input format.

    Raises `UserError` naming the entry at fault (`attempts[2]` is the third): malformed JSON,
    the input's own strict checks, a `discussion` entry (its result comes from this session),
    unknown criterion ids for the component, attempts out of range or repeated, an attempt after
    one that passed, or a file with no entries.
    """
    std = standard or load_standard()
    parsed = parse_json(json_text, std)
    if not parsed.attempts:
        raise UserError("the file holds no results: its `attempts` list is empty")
    for index, entry in enumerate(parsed.attempts):
        if entry.component == DISCUSSION:
            raise UserError(
                f"attempts[{index}]: a discussion entry cannot be imported: the discussion's "
                "result comes from this session's decisions; remove the entry and import again"
            )
    grade(parsed, std)  # every other check of the engine: ids, attempts, passes, modes
    return [
        ComponentResultData(
            component=entry.component,
            attempt=entry.attempt,
            achieved=list(dict.fromkeys(entry.achieved)),
            modes=list(entry.modes or []),
        )
        for entry in parsed.attempts
    ]


def check_results(
    state: SessionState,
    new: Sequence[ComponentResultData],
    standard: Standard,
    info: SessionInfo | None = None,
) -> GradeResult:
    """Grade the session as if `new` were saved; `UserError` if they cannot stand together.

    Call before appending results so the record never holds a set the engine refuses.
    """
    try:
        return grade_session(state, info, standard, new)
    except UserError as error:
        raise UserError(f"not saved: {error.message}") from None


def _attempt(result: ComponentResultData) -> AttemptInput:
    try:
        return AttemptInput.model_validate(
            {
                "component": result.component,
                "attempt": result.attempt,
                "achieved": list(result.achieved),
                "modes": list(result.modes) or None,
            }
        )
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise GradingInputError(
            f"the recorded {result.component} attempt {result.attempt} result is not gradable "
            f"({where}: {first['msg']})"
        ) from None
