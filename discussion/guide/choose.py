"""One step of the planned hour: which question to ask next, and why.

The rules, in order (an assessor's priorities in a time-boxed discussion):
1. Nothing asked yet: a warm-up question (bank `kind = "warm-up"`) about the apprentice's role.
2. During the first round, a distinction follow-on once the pass criterion it builds on
   (`builds_on` in the standard) is marked sufficient, if the time left after it still covers a
   question for each pass criterion not yet sufficient (pass criteria have first call on time).
3. First round: each pass criterion not yet attempted, in the standard's order (those a warm-up
   leads into straight after it); work-example questions first (the specification asks for
   real examples) while the time left covers the rest of the round, then a question that also
   serves other open criteria, then the shortest.
4. Pass criteria attempted but not sufficient, brought back with a different question (one that
   lists the criterion as secondary will do): "none" before "partial", the criterion of the
   question just asked last (the assessor may not have marked it yet), the least asked first.
5. Distinction criteria ready (pass evidence sufficient) not yet attempted, then those attempted
   but not sufficient, with a different question.
Distinction questions stop once the distinction threshold is marked sufficient, and are never
offered on an attempt where distinctions do not count. A question never fits when its minutes at
the current pace exceed the time left. Questions skipped for now come back only when nothing
else fits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from discussion.bank import Question, QuestionBank
from discussion.guide.types import Status
from discussion.standard import Component, Criterion

EPSILON = 1e-9


@dataclass
class Situation:
    """The discussion as the guide sees it; the projection changes a copy step by step."""

    component: Component
    bank: QuestionBank
    question_set: str
    status: dict[str, Status]
    asked: list[str]
    skipped: set[str] = field(default_factory=set)
    current: str | None = None
    distinctions_count: bool = True
    by_id: dict[str, Question] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.by_id:  # looked up on every step of the projection: index once
            self.by_id = {q.id: q for q in self.bank.questions}

    def copy(self) -> Situation:
        """An independent copy for the projection."""
        return Situation(
            self.component,
            self.bank,
            self.question_set,
            dict(self.status),
            list(self.asked),
            set(self.skipped),
            self.current,
            self.distinctions_count,
            self.by_id,
        )

    def state_of(self, cid: str) -> Status:
        """The assessor's status of a criterion ("none" until marked)."""
        return self.status.get(cid, "none")

    def attempted(self, cid: str) -> bool:
        """Marked at all, or a question (not a warm-up) with it as primary has been asked."""
        if self.state_of(cid) != "none":
            return True
        for qid in self.asked:
            question = self.by_id.get(qid)
            if question is not None and question.kind != "warm-up" and question.primary == cid:
                return True
        return False

    def asked_for(self, cid: str) -> list[str]:
        """Ids of the asked questions (warm-ups aside) listing `cid`, in the order asked."""
        ids = []
        for qid in self.asked:
            question = self.by_id.get(qid)
            if question is not None and question.kind != "warm-up" and cid in question.criteria:
                ids.append(qid)
        return ids

    def sufficient_distinctions(self) -> int:
        """How many distinction criteria the assessor has marked sufficient."""
        return sum(
            1 for c in self.component.distinction_criteria() if self.state_of(c.id) == "sufficient"
        )

    def distinctions_open(self) -> bool:
        """Distinction questions are worth asking: they count, and the threshold is not met."""
        return self.distinctions_count and self.sufficient_distinctions() < self.component.threshold

    def open_pass(self) -> list[Criterion]:
        """Pass criteria not yet marked sufficient, in the standard's order."""
        return [c for c in self.component.pass_criteria() if self.state_of(c.id) != "sufficient"]

    def first_round(self) -> list[Criterion]:
        """Pass criteria no question has been put to yet, in the standard's order."""
        return [c for c in self.component.pass_criteria() if not self.attempted(c.id)]

    def ready_distinctions(self) -> list[Criterion]:
        """Distinction criteria not sufficient whose pass criterion is marked sufficient."""
        if not self.distinctions_open():
            return []
        return [
            c
            for c in self.component.distinction_criteria()
            if self.state_of(c.id) != "sufficient"
            and (c.builds_on is None or self.state_of(c.builds_on) == "sufficient")
        ]


@dataclass(frozen=True)
class Choice:
    """The question chosen, the criterion it targets, and the reason shown to the assessor."""

    question: Question
    criterion_id: str
    reason: str


Fits = Callable[[Question], bool]


def choose(situation: Situation, available: float, pace: float) -> Choice | None:
    """The next question that fits `available` minutes at `pace`, or None.

    Skipped questions are left out first, and come back only when nothing else fits.
    """

    def fits(question: Question) -> bool:
        return question.minutes * pace <= available + EPSILON

    blocked = set(situation.asked)
    if situation.current is not None:
        blocked.add(situation.current)
    choice = _choose(situation, fits, blocked | situation.skipped, pace, available)
    if choice is not None:
        return choice
    back = _choose(situation, fits, blocked, pace, available)
    if back is None:
        return None
    return Choice(back.question, back.criterion_id, f"Skipped earlier, back now: {back.reason}")


def _choose(
    s: Situation, fits: Fits, unavailable: set[str], pace: float, available: float
) -> Choice | None:
    def options(cid: str, *, secondary: bool) -> list[Question]:
        found = s.bank.for_criterion(cid, s.question_set, include_secondary=secondary)
        return [
            q
            for q in found
            if q.kind != "warm-up" and q.id not in unavailable and fits(q) and cid in q.criteria
        ]

    if not s.asked:
        warm_ups = [
            q
            for q in s.bank.in_set(s.question_set)
            if q.kind == "warm-up" and q.id not in unavailable and fits(q)
        ]
        if warm_ups:
            warm_up = min(warm_ups, key=lambda q: q.minutes)
            leads = " ".join(warm_up.criteria)
            return Choice(
                warm_up,
                warm_up.primary,
                f"Warm-up about the apprentice's role, to settle them; leads into {leads}",
            )

    first_round = s.first_round()
    # Pass criteria have first call on the time: those not yet asked and those to bring back.
    still_needed = _minutes_needed(s.open_pass(), options, pace)
    # Follow-ons belong to the first round; after it, pass criteria to bring back come first.
    for criterion in s.ready_distinctions() if first_round else []:
        if s.attempted(criterion.id):
            continue
        question = _best(s, criterion, options(criterion.id, secondary=True))
        if question is not None and question.minutes * pace + still_needed <= available + EPSILON:
            return Choice(
                question,
                criterion.id,
                f"{criterion.id} (distinction) follows on from {criterion.builds_on} "
                "(sufficient); the pass criteria still fit after it",
            )

    # Straight after a warm-up, the criteria it leads into: the answer about the role runs on.
    last = s.by_id.get(s.asked[-1]) if s.asked else None
    led = set(last.criteria) if last is not None and last.kind == "warm-up" else set()
    first_round.sort(key=lambda c: c.id not in led)
    for index, criterion in enumerate(first_round):
        primary = options(criterion.id, secondary=False)
        listed = primary or options(criterion.id, secondary=True)
        question = _best(s, criterion, listed, prefer_work=True)
        if question is None:
            continue
        reason = _first_round_reason(criterion, question)
        if criterion.id in led:
            reason += "; the warm-up leads into it"
        # A work example is preferred while the time still covers the rest of the first round
        # at its shortest questions; when it does not, a shorter question goes first.
        after = _minutes_needed(first_round[index + 1 :], options, pace)
        shortest = min(listed, key=lambda q: (q.minutes, not q.work_example))
        if (
            question.minutes * pace + after > available + EPSILON
            and shortest.minutes < question.minutes
        ):
            question = shortest
            reason = _first_round_reason(criterion, question) + "; short, so the rest fits"
        return Choice(question, criterion.id, reason)

    not_sufficient = [c for c in s.open_pass() if s.attempted(c.id)]
    # The criterion of the question just asked goes last (not straight back to the same topic);
    # otherwise "none" after a question is further from a pass than "partial": it comes first;
    # then the criterion asked about least, so a second round visits each before a third.
    just = s.by_id.get(s.asked[-1]) if s.asked else None
    not_sufficient.sort(
        key=lambda c: (
            just is not None and c.id == just.primary,
            s.state_of(c.id) != "none",
            len(s.asked_for(c.id)),
        )
    )
    for criterion in not_sufficient:
        question = _best(s, criterion, options(criterion.id, secondary=True), prefer_work=True)
        if question is not None:
            return Choice(question, criterion.id, _again_reason(s, criterion, question))

    ready = s.ready_distinctions()
    for criterion in [c for c in ready if not s.attempted(c.id)] + [
        c for c in ready if s.attempted(c.id)
    ]:
        question = _best(s, criterion, options(criterion.id, secondary=True))
        if question is None:
            continue
        if s.attempted(criterion.id):
            return Choice(question, criterion.id, _again_reason(s, criterion, question))
        base = f"; {criterion.builds_on} is marked sufficient" if criterion.builds_on else ""
        return Choice(
            question, criterion.id, f"{criterion.id} (distinction) not yet attempted{base}"
        )
    return None


def _best(
    s: Situation, criterion: Criterion, questions: list[Question], *, prefer_work: bool = False
) -> Question | None:
    """Primary questions before secondary ones; then (for pass criteria) work examples; then the
    one serving most other open criteria; then the shortest; then bank order."""
    if not questions:
        return None
    open_ids = {c.id for c in s.open_pass()} | {c.id for c in s.ready_distinctions()}
    order = {q.id: i for i, q in enumerate(questions)}

    def key(q: Question) -> tuple[bool, bool, int, float, int]:
        others = len(open_ids & set(q.criteria) - {criterion.id})
        work_last = prefer_work and not q.work_example
        return (q.primary != criterion.id, work_last, -others, q.minutes, order[q.id])

    return min(questions, key=key)


def _minutes_needed(
    criteria: Iterable[Criterion], options: Callable[..., list[Question]], pace: float
) -> float:
    """Minutes at `pace` to put the shortest fitting question to each of `criteria`."""
    total = 0.0
    for criterion in criteria:
        fitting = options(criterion.id, secondary=True)
        if fitting:
            total += min(q.minutes for q in fitting) * pace
    return total


def _first_round_reason(criterion: Criterion, question: Question) -> str:
    reason = f"{criterion.id} (pass) not yet attempted"
    if question.primary != criterion.id:
        reason += f"; {question.id} lists it as secondary"
    if question.work_example:
        reason += "; a work example"
    return reason


def _again_reason(s: Situation, criterion: Criterion, question: Question) -> str:
    level = "pass" if criterion.level == "pass" else "distinction"
    before = ", ".join(s.asked_for(criterion.id)) or "the first round"
    how = (
        "a different question"
        if question.primary == criterion.id
        else f"{question.id}, which lists it as secondary"
    )
    return f"{criterion.id} ({level}) is {s.state_of(criterion.id)} after {before}: back with {how}"
