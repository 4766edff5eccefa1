"""The planned hour: what to ask now, the rest of the hour at the actual pace, and the close.

`advise` is called on every redraw of the discussion screen; `fresh_plan` is the plan for a
discussion not yet started (`discussion plan`). Both read the criterion statuses the assessor
set (none / partial / sufficient): notes alone never make a criterion covered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet

from discussion.bank import QuestionBank
from discussion.errors import UserError
from discussion.guide.choose import EPSILON, Choice, Situation, choose
from discussion.guide.types import Advice, Asked, ClosePrompt, PlanItem, Status
from discussion.standard import Component, DiscussionGuide, Standard

COMPONENT = "discussion"
# Questions asked (warm-ups aside) before the guide asks for the assessor's marks.
UNMARKED_AFTER = 2


def guide_data(component: Component) -> DiscussionGuide:
    """The `[guide]` table of the discussion's data, or a one-line error naming the fix."""
    if component.guide is None:
        raise UserError(
            f"the standard's {component.id}.toml has no [guide] table (the next-question "
            "guide's minutes and texts): restore it from the bundled data"
        )
    return component.guide


def advise(
    standard: Standard,
    bank: QuestionBank,
    *,
    status: Mapping[str, Status],
    asked: Sequence[Asked],
    minutes_elapsed: float,
    skipped: AbstractSet[str] = frozenset(),
    attempt: int = 1,
    current: str | None = None,
    total_minutes: float | None = None,
    question_set: str = "assessment",
) -> Advice:
    """What to ask next, why, any warnings, the close prompt when due, and the projected rest
    of the hour (each later question taking its suggested minutes at the pace so far and
    ending "sufficient").

    `status` holds the assessor's marks (a missing criterion is "none"); `asked` the questions
    marked asked, in order, with the minute each was asked at; `skipped` the questions skipped
    for now; `current` the question on screen, never proposed as the next.
    """
    component = standard.component(COMPONENT)
    data = guide_data(component)
    limit = standard.discussion_conduct.max_minutes
    total = float(limit if total_minutes is None else total_minutes)
    situation = Situation(
        component=component,
        bank=bank,
        question_set=question_set,
        status={c.id: status.get(c.id, "none") for c in component.criteria},
        asked=[a.question_id for a in asked],
        skipped=set(skipped),
        current=current,
        distinctions_count=attempt in standard.rules.distinction_counts_on_attempts,
    )
    pace = measure_pace(bank, asked, minutes_elapsed, data)
    close_at = total - data.closing_minutes
    start = minutes_elapsed if asked else max(minutes_elapsed, data.opening_minutes)
    plan = _project(situation, data, pace, start, close_at, minutes_elapsed, opening=not asked)
    first = next((item for item in plan if item.kind == "question"), None)
    warnings = _warnings(situation, data, pace, minutes_elapsed, close_at - start)
    all_sufficient = not situation.open_pass()
    time_up = minutes_elapsed >= close_at - EPSILON
    if first is not None and not time_up:
        return Advice(
            first.question, first.main, first.reason, warnings, None, plan, pace, all_sufficient
        )
    reason = _close_reason(situation, close_at - minutes_elapsed, time_up=time_up)
    prompt = ClosePrompt(data.close.title, tuple(data.close.steps))
    return Advice(None, None, reason, warnings, prompt, plan, pace, all_sufficient)


def fresh_plan(
    standard: Standard,
    bank: QuestionBank,
    *,
    attempt: int = 1,
    total_minutes: float | None = None,
    question_set: str = "assessment",
) -> tuple[PlanItem, ...]:
    """The plan for a discussion not yet started: each question at its suggested minutes,
    each ending with its criterion marked sufficient."""
    advice = advise(
        standard,
        bank,
        status={},
        asked=[],
        minutes_elapsed=0.0,
        attempt=attempt,
        total_minutes=total_minutes,
        question_set=question_set,
    )
    return advice.plan


def measure_pace(
    bank: QuestionBank, asked: Sequence[Asked], minutes_elapsed: float, data: DiscussionGuide
) -> float:
    """Minutes used per minute suggested for the questions finished so far, within the data's
    bounds; 1.0 until one question is finished (or when the times are not known).

    The question asked last is still under way: it counts only once it has run over its own
    suggested minutes.
    """
    timed = [(a, bank.get(a.question_id)) for a in asked if a.at_min is not None]
    known = [(a.at_min, q.minutes) for a, q in timed if q is not None and a.at_min is not None]
    if len(known) < 1:
        return 1.0
    first_at = known[0][0]
    last_at, last_minutes = known[-1]
    running = minutes_elapsed - last_at
    if running > last_minutes:
        used = minutes_elapsed - first_at
        suggested = sum(m for _, m in known)
    else:
        used = last_at - first_at
        suggested = sum(m for _, m in known[:-1])
    if suggested <= 0:
        return 1.0
    return min(max(used / suggested, data.pace_min), data.pace_max)


def _project(
    situation: Situation,
    data: DiscussionGuide,
    pace: float,
    start: float,
    close_at: float,
    now: float,
    *,
    opening: bool,
) -> tuple[PlanItem, ...]:
    """The rest of the hour: the opening (if nothing is asked yet), questions while one fits,
    spare time, then the close. Each projected question ends with its criterion sufficient."""
    items: list[PlanItem] = []
    if opening and now < data.opening_minutes:
        items.append(PlanItem("opening", 0.0, data.opening_minutes, data.opening_text))
    sim = situation.copy()
    clock = start
    while True:
        choice: Choice | None = choose(sim, close_at - clock, pace)
        if choice is None:
            break
        minutes = choice.question.minutes * pace
        items.append(
            PlanItem(
                "question",
                clock,
                minutes,
                choice.question.text,
                choice.reason,
                choice.question,
                choice.criterion_id,
            )
        )
        clock += minutes
        sim.asked.append(choice.question.id)
        sim.skipped.discard(choice.question.id)
        sim.current = None
        if choice.question.kind != "warm-up":  # a warm-up settles; it is not evidence
            sim.status[choice.criterion_id] = "sufficient"
    if clock < close_at - EPSILON:
        items.append(
            PlanItem("reserve", clock, close_at - clock, data.reserve_text, _unplanned(sim))
        )
    close_start = max(close_at, clock, now)
    items.append(PlanItem("closing", close_start, data.closing_minutes, data.closing_text))
    return tuple(items)


def _unplanned(sim: Situation) -> str:
    """The criteria the projection leaves without a question: candidates for the spare time."""
    wanted = list(sim.component.pass_criteria())
    if sim.distinctions_count:
        wanted += sim.component.distinction_criteria()
    left = [c.id for c in wanted if sim.state_of(c.id) != "sufficient"]
    if not left:
        return ""
    return f"Not planned: {' '.join(left)}; ask here if a planned criterion falls short"


def _warnings(
    s: Situation, data: DiscussionGuide, pace: float, now: float, available: float
) -> tuple[str, ...]:
    warnings: list[str] = []
    questions = [q for q in (s.by_id.get(i) for i in s.asked) if q and q.kind != "warm-up"]
    if len(questions) >= UNMARKED_AFTER and all(v == "none" for v in s.status.values()):
        # The guide reads only the assessor's marks: without them it cannot tell what is met.
        warnings.append(
            "No criterion marked yet: mark each none, partial or sufficient on the board as the "
            "evidence comes"
        )
    untried = [c.id for c in s.first_round()]
    if untried and now >= data.warn_unattempted_at_minute:
        warnings.append(
            f"Minute {now:.0f}: no question asked yet for pass criteria {' '.join(untried)}; "
            "ask them now"
        )
    needed = 0.0
    for cid in untried:
        options = [
            q.minutes
            for q in s.bank.for_criterion(cid, s.question_set, include_secondary=True)
            if q.id not in s.asked and q.kind != "warm-up"
        ]
        needed += min(options, default=0.0) * pace
    if untried and needed > max(available, 0.0) + EPSILON:
        warnings.append(
            f"Pass criteria {' '.join(untried)} need about {needed:.0f} min at this pace; "
            f"{max(available, 0.0):.0f} min left before the close: use the shortest questions"
        )
    for criterion in s.open_pass():
        left = [
            q
            for q in s.bank.for_criterion(criterion.id, s.question_set, include_secondary=True)
            if q.id not in s.asked and q.kind != "warm-up"
        ]
        if not left:
            warnings.append(
                f"No unasked question left for {criterion.id} (pass): probe it from the answers "
                "so far"
            )
    return tuple(warnings)


def _close_reason(s: Situation, left: float, *, time_up: bool) -> str:
    """Why the guide proposes the close: the time, the criteria, or nothing left that fits."""
    open_pass = [c.id for c in s.open_pass()]
    still = f" (pass criteria not marked sufficient: {' '.join(open_pass)})" if open_pass else ""
    if time_up:
        return f"{max(left, 0.0):.0f} min to the end: time to close{still}"
    if not open_pass:
        if not s.distinctions_count:
            why = "distinctions do not count on this attempt"
        elif not s.distinctions_open():
            why = "the distinction threshold is marked sufficient"
        else:
            why = "no distinction question left that fits"
        return f"Every pass criterion is marked sufficient and {why}: close the discussion"
    return (
        f"No question left that fits the {max(left, 0.0):.0f} min before the close{still}: "
        "probe, then close"
    )
