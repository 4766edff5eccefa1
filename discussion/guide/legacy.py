"""The first next-question guide (kept until the discussion screen uses `advise`): what to ask
next from the time left and the number of notes per criterion.

Rules, in order (an assessor's priorities in a time-boxed discussion):
1. Pass criteria with no evidence yet, in the standard's order: a missed pass criterion fails the
   component, a missed distinction only lowers the grade.
2. Distinction criteria once the pass criterion they build on has evidence (asking about
   relationships management before the apprentice has explained internal/external customers is
   out of order for them).
3. Among the questions for the chosen criterion: not yet asked, fits in the time left, covers the
   most other open criteria, shortest first.
4. After that, while time remains, never nothing to ask: an unasked question for the criterion
   with the least evidence (distinction criteria first on a tie), then a probe of an asked one.
A warning is raised when the time left cannot cover the open pass criteria at their shortest
questions' suggested minutes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from discussion.bank import Question, QuestionBank
from discussion.standard import Component, Criterion


@dataclass(frozen=True)
class Suggestion:
    """A question to ask next and why, plus any time warning."""

    question: Question | None
    criterion_id: str | None
    reason: str
    warnings: tuple[str, ...] = field(default=())


def open_criteria(component: Component, evidence: Mapping[str, int]) -> list[Criterion]:
    """Criteria still without evidence, pass criteria before distinction criteria."""
    missing = [c for c in component.criteria if evidence.get(c.id, 0) == 0]
    return sorted(missing, key=lambda c: (c.level != "pass", component.criteria.index(c)))


def minutes_to_cover(
    criteria: Iterable[Criterion], bank: QuestionBank, asked: set[str], question_set: str
) -> float:
    """Shortest suggested minutes to put one question to each of `criteria`."""
    total = 0.0
    for criterion in criteria:
        options = [
            q.minutes for q in bank.for_criterion(criterion.id, question_set) if q.id not in asked
        ]
        total += min(options, default=0.0)
    return total


def suggest_next(
    component: Component,
    bank: QuestionBank,
    evidence: Mapping[str, int],
    asked: Iterable[str],
    minutes_left: float,
    question_set: str = "assessment",
) -> Suggestion:
    """Suggest the next question for a discussion in progress.

    `evidence` maps criterion id to the number of notes tagged with it; `asked` holds the ids of
    questions already marked asked; `minutes_left` may be negative (overrun).
    """
    asked_ids = set(asked)
    pending = open_criteria(component, evidence)
    open_pass = [c for c in pending if c.level == "pass"]
    warnings: list[str] = []
    needed = minutes_to_cover(open_pass, bank, asked_ids, question_set)
    if open_pass and needed > max(minutes_left, 0.0):
        ids = " ".join(c.id for c in open_pass)
        warnings.append(
            f"{max(minutes_left, 0.0):.0f} min left but the open pass criteria ({ids}) need about "
            f"{needed:.0f} min: use the shortest questions or probe several at once."
        )
    ready = [
        c
        for c in pending
        if c.level == "pass" or not c.builds_on or evidence.get(c.builds_on, 0) > 0
    ]
    open_ids = {c.id for c in pending}
    for criterion in ready:
        candidates = [
            q for q in bank.for_criterion(criterion.id, question_set) if q.id not in asked_ids
        ]
        if not candidates:
            continue
        fitting = [q for q in candidates if q.minutes <= max(minutes_left, 0.0)] or candidates
        best = min(fitting, key=lambda q: (-len(open_ids & set(q.criteria)), q.minutes, q.id))
        kind = "pass criterion" if criterion.level == "pass" else "distinction criterion"
        reason = f"{criterion.id} ({kind}) has no evidence yet"
        if criterion.builds_on:
            reason += f"; {criterion.builds_on} is covered"
        return Suggestion(best, criterion.id, reason, tuple(warnings))
    if minutes_left <= 0:
        ids = " ".join(c.id for c in pending)
        reason = (
            f"Time is up: close the discussion (still open: {ids})."
            if ids
            else ("Time is up: close the discussion.")
        )
        return Suggestion(None, None, reason, tuple(warnings))
    return _after_the_last(
        component, bank, evidence, asked_ids, minutes_left, question_set, warnings
    )


def _after_the_last(
    component: Component,
    bank: QuestionBank,
    evidence: Mapping[str, int],
    asked_ids: set[str],
    minutes_left: float,
    question_set: str,
    warnings: list[str],
) -> Suggestion:
    """Time remains but every criterion ready for a question has evidence (or no question
    left): an unasked question for the criterion with the least evidence (distinction criteria
    first on a tie: they lift the grade), else a probe of an asked question."""
    order = component.criteria.index
    weakest = sorted(
        component.criteria,
        key=lambda c: (evidence.get(c.id, 0), c.level != "distinction", order(c)),
    )
    for criterion in weakest:
        candidates = [
            q for q in bank.for_criterion(criterion.id, question_set) if q.id not in asked_ids
        ]
        if not candidates:
            continue
        fitting = [q for q in candidates if q.minutes <= minutes_left] or candidates
        best = min(fitting, key=lambda q: (q.minutes, q.id))
        count = evidence.get(criterion.id, 0)
        kind = "distinction criterion" if criterion.level == "distinction" else "pass criterion"
        reason = (
            f"{criterion.id} ({kind}) has the least evidence ({count} note"
            f"{'' if count == 1 else 's'}): more depth"
        )
        return Suggestion(best, criterion.id, reason, tuple(warnings))
    for criterion in weakest:
        for question in bank.for_criterion(criterion.id, question_set):
            if question.probes:
                reason = (
                    f"No unasked question left: probe {criterion.id} again with {question.id}: "
                    f"{question.probes[0]}"
                )
                return Suggestion(None, criterion.id, reason, tuple(warnings))
    return Suggestion(
        None,
        None,
        "No unasked question left: probe for depth from the notes so far, or close.",
        tuple(warnings),
    )
