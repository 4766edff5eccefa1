"""Properties of the planned-hour guide over generated banks and discussions in progress: it works
with any valid bank (the bank's minutes and warm-ups change as the bank is rewritten)."""

from __future__ import annotations

import itertools
from typing import Any

from guide_helpers import CRITERIA, DISTINCTION, GUIDE, STANDARD, bank_of, q
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from discussion.guide import STATUSES, Asked, advise

TOTAL = STANDARD.discussion_conduct.max_minutes
CLOSE_AT = TOTAL - GUIDE.closing_minutes


@st.composite
def discussions(draw: Any) -> dict[str, Any]:
    """A bank (1 to 3 questions per criterion, random minutes, maybe warm-ups) and a discussion
    part-way through: some asked, some skipped, some marks, some minutes gone."""
    questions = []
    for cid in CRITERIA:
        for n in range(draw(st.integers(1, 3))):
            others = draw(st.lists(st.sampled_from(CRITERIA), max_size=2, unique=True))
            criteria = [cid, *(c for c in others if c != cid)]
            minutes = draw(st.sampled_from([1.5, 2, 3, 4, 5, 6, 8]))
            questions.append(q(f"D-{cid}-0{n}", criteria, minutes, work=draw(st.booleans())))
    for n in range(draw(st.integers(0, 2))):
        questions.append(q(f"D-4A-9{n}", ["4A"], draw(st.sampled_from([1, 2, 3])), kind="warm-up"))
    ids = [x.id for x in questions]
    asked_ids = draw(st.lists(st.sampled_from(ids), max_size=12, unique=True))
    elapsed = draw(st.floats(0, TOTAL + 5, allow_nan=False))
    times = sorted(
        draw(st.lists(st.floats(0, elapsed), min_size=len(asked_ids), max_size=len(asked_ids)))
    )
    return {
        "bank": bank_of(questions),
        "asked": [Asked(i, t) for i, t in zip(asked_ids, times, strict=True)],
        "skipped": set(draw(st.lists(st.sampled_from(ids), max_size=4))),
        "status": draw(st.dictionaries(st.sampled_from(CRITERIA), st.sampled_from(STATUSES))),
        "elapsed": elapsed,
        "attempt": draw(st.integers(1, STANDARD.rules.max_attempts)),
        "current": draw(st.none() | st.sampled_from(ids)),
    }


@settings(max_examples=examples(100), deadline=None)
@given(discussions())
def test_the_advice_keeps_every_rule_whatever_the_bank(d: dict[str, Any]) -> None:
    advice = advise(
        STANDARD,
        d["bank"],
        status=d["status"],
        asked=d["asked"],
        skipped=d["skipped"],
        minutes_elapsed=d["elapsed"],
        attempt=d["attempt"],
        current=d["current"],
    )
    asked = {a.question_id for a in d["asked"]}
    assert advice.reason
    assert GUIDE.pace_min <= advice.pace <= GUIDE.pace_max
    if advice.question is None:
        assert advice.close is not None
    else:
        question = advice.question
        assert advice.close is None
        assert question.id not in asked and question.id != d["current"]
        assert d["elapsed"] + question.minutes * advice.pace <= CLOSE_AT + 1e-6, "fits the time"
        assert advice.criterion_id in question.criteria
        if question.kind != "warm-up":  # a warm-up settles the apprentice; it seeks no evidence
            assert d["status"].get(advice.criterion_id) != "sufficient"
    plan = advice.plan
    assert plan[-1].kind == "closing"
    for before, after in itertools.pairwise(plan):
        assert after.start_min >= before.start_min + before.minutes - 1e-6
    for item in plan:
        if item.kind == "question":
            assert item.start_min + item.minutes <= CLOSE_AT + 1e-6
            if item.question is not None and item.question.kind == "warm-up":
                assert not asked, "a warm-up only before anything is asked"
    counts = d["attempt"] in STANDARD.rules.distinction_counts_on_attempts
    sufficient = sum(1 for c in DISTINCTION if d["status"].get(c) == "sufficient")
    if not counts or sufficient >= STANDARD.component("discussion").threshold:
        assert not [i for i in plan if i.kind == "question" and i.main in DISTINCTION]
    projected_ids = [i.question_id for i in plan if i.question_id]
    assert len(projected_ids) == len(set(projected_ids)), "no question planned twice"
