"""The plan of a mock discussion: which practice questions, in which order, in how many minutes.

    options = MockOptions(length_min=15, focus="pass")        # or "all", or ("3A", "6B")
    plan = plan_mock(bank, options, seed=7)
    plan.questions            # tuple[PlannedQuestion]: the practice question, its minute budget
    plan.warn_at_minutes      # the live discussion's time warnings scaled to the length

Only the practice set is ever read: the plan is built from `bank.in_set("practice")` and every
question is checked again on the way out, so an assessment question cannot reach a mock whatever
the options or the bank (a bank holding only assessment questions gives a UserError).

The order follows the live guide where it fits: the warm-up first, then one question per
criterion in the standard's order (pass criteria before distinctions), the first question for a
criterion picked by `seed` so mocks differ, then second questions while minutes remain. Each
question's budget is its bank minutes, scaled down together when the length is short, and the
opening and close the guide keeps back are scaled to the length too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from discussion.bank.models import Question, QuestionBank
from discussion.errors import UserError
from discussion.standard import Standard, load_standard

Length = Literal[15, 30, 60]
LENGTHS: tuple[Length, ...] = (15, 30, 60)
Focus = Literal["all", "pass"] | tuple[str, ...]
FULL_MINUTES = 60  # the live discussion's length, which the warnings and the guide assume
DEFAULT_WARN_AT = (45, 55)  # discussion.settings' warn_at_minutes default


@dataclass(frozen=True)
class MockOptions:
    """What the apprentice chose: the length in minutes and the focus.

    `focus` is "all" (every criterion), "pass" (pass criteria only) or a tuple of criterion ids.
    """

    length_min: Length = 15
    focus: Focus = "all"


@dataclass(frozen=True)
class PlannedQuestion:
    """A practice question of the plan, with the minutes it should take in this mock."""

    question: Question
    minutes: float

    @property
    def id(self) -> str:
        """The question's id."""
        return self.question.id

    @property
    def criterion_id(self) -> str:
        """The criterion it is asked for (its primary one)."""
        return self.question.primary


@dataclass(frozen=True)
class MockPlan:
    """The questions of one mock, in order, and its clock."""

    options: MockOptions
    questions: tuple[PlannedQuestion, ...]
    criteria: tuple[str, ...]  # the criteria in focus, standard order
    length_min: int
    opening_minutes: float
    closing_minutes: float
    warn_at_minutes: tuple[int, ...]
    seed: int

    @property
    def question_minutes(self) -> float:
        """Minutes planned for the questions."""
        return sum(q.minutes for q in self.questions)


def focus_criteria(standard: Standard, focus: Focus) -> tuple[str, ...]:
    """The discussion criteria a focus names, in the standard's order (UserError if unknown)."""
    component = standard.component("discussion")
    ids = [c.id for c in component.criteria]
    if focus == "all":
        return tuple(ids)
    if focus == "pass":
        return tuple(c.id for c in component.pass_criteria())
    if isinstance(focus, str):
        raise UserError(f"focus {focus!r} is not known: use all, pass or a list of criteria")
    chosen = {c.strip().upper() for c in focus}
    unknown = sorted(chosen - set(ids))
    if unknown:
        raise UserError(
            f"criterion {', '.join(unknown)} is not a discussion criterion: choose from "
            f"{', '.join(ids)}"
        )
    if not chosen:
        raise UserError("no criteria chosen: choose at least one, or focus on all or pass")
    return tuple(c for c in ids if c in chosen)


def scaled_warnings(length_min: int, warn_at: tuple[int, ...] = DEFAULT_WARN_AT) -> tuple[int, ...]:
    """The live discussion's warning minutes scaled from the hour to `length_min` (each at
    least a minute, below the length, no repeats)."""
    scaled = {max(1, round(m * length_min / FULL_MINUTES)) for m in warn_at}
    return tuple(sorted(m for m in scaled if m < length_min))


def plan_mock(
    bank: QuestionBank,
    options: MockOptions,
    seed: int = 0,
    *,
    standard: Standard | None = None,
    warn_at: tuple[int, ...] = DEFAULT_WARN_AT,
) -> MockPlan:
    """The practice questions for a mock of `options`, in the order they are asked."""
    if options.length_min not in LENGTHS:
        raise UserError(f"a mock lasts 15, 30 or 60 minutes, not {options.length_min}")
    standard = standard or load_standard()
    guide = standard.component("discussion").guide
    criteria = focus_criteria(standard, options.focus)
    scale = options.length_min / FULL_MINUTES
    opening = (guide.opening_minutes if guide else 3) * scale
    closing = (guide.closing_minutes if guide else 4) * scale
    budget = options.length_min - opening - closing
    practice = [q for q in bank.in_set("practice") if q.set == "practice"]
    if not practice:
        raise UserError("the question bank has no practice questions: reinstall the bank")
    rng = random.Random(seed)
    order = _order(practice, criteria, rng)
    # The bank's minutes assume the full hour's depth; a short mock asks the same questions in
    # proportion (never below 1.5 minutes: a question and a probe).
    squeeze = max(0.5, scale) if options.length_min < FULL_MINUTES else 1.0
    chosen: list[PlannedQuestion] = []
    used = 0.0
    for question in order:
        minutes = max(1.5, round(question.minutes * squeeze * 2) / 2)
        if used + minutes > budget + 1e-9 and chosen:
            continue
        chosen.append(PlannedQuestion(question, minutes))
        used += minutes
    for planned in chosen:
        if planned.question.set != "practice":  # by construction; kept as a hard stop
            raise UserError(f"{planned.id} is not a practice question")
    return MockPlan(
        options=options,
        questions=tuple(chosen),
        criteria=criteria,
        length_min=options.length_min,
        opening_minutes=round(opening, 2),
        closing_minutes=round(closing, 2),
        warn_at_minutes=scaled_warnings(options.length_min, warn_at),
        seed=seed,
    )


def _order(
    practice: list[Question], criteria: tuple[str, ...], rng: random.Random
) -> list[Question]:
    """Warm-up first; one question per criterion in order; then the rest, criterion by criterion."""
    warm = [q for q in practice if q.kind == "warm-up"]
    rounds: list[list[Question]] = []
    for cid in criteria:
        mine = [q for q in practice if q.primary == cid and q.kind != "warm-up"]
        rng.shuffle(mine)
        for depth, question in enumerate(mine):
            while len(rounds) <= depth:
                rounds.append([])
            rounds[depth].append(question)
    return warm[:1] + [q for batch in rounds for q in batch]
