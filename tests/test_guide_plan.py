"""The planned-hour guide (`discussion.guide.advise`), one rule at a time, on small banks."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from guide_helpers import (
    COMPONENT,
    DISTINCTION,
    GUIDE,
    PASS,
    STANDARD,
    bank_of,
    q,
    standard_bank,
)

from discussion.bank import Question, QuestionBank, load_bank
from discussion.errors import UserError
from discussion.guide import Advice, Asked, Status, advise, fresh_plan, measure_pace
from discussion.standard import load_standard

TOTAL = STANDARD.discussion_conduct.max_minutes
CLOSE_AT = TOTAL - GUIDE.closing_minutes


def ask(
    bank: QuestionBank,
    status: Mapping[str, Status] | None = None,
    asked: Sequence[str | Asked] = (),
    elapsed: float = 5.0,
    **kwargs: Any,
) -> Advice:
    items = [a if isinstance(a, Asked) else Asked(a) for a in asked]
    return advise(
        STANDARD, bank, status=status or {}, asked=items, minutes_elapsed=elapsed, **kwargs
    )


def all_of(ids: Sequence[str], value: Status = "sufficient") -> dict[str, Status]:
    return dict.fromkeys(ids, value)


def question_of(advice: Advice) -> Question:
    assert advice.question is not None, advice.reason
    return advice.question


# ------------------------------------------------------------------ the opening
def test_a_warm_up_comes_first_and_only_first() -> None:
    bank = bank_of(standard_bank())
    first = ask(bank, elapsed=0)
    assert question_of(first).id == "WARM"
    assert "Warm-up" in first.reason
    # Once anything is asked the warm-up is over, even though it was never asked.
    later = ask(bank, asked=["W-1A"])
    assert question_of(later).id != "WARM"
    assert all(i.question_id != "WARM" for i in later.plan)


def test_after_the_warm_up_the_criterion_it_leads_into_comes_next() -> None:
    bank = bank_of(standard_bank())  # the warm-up leads into 4A
    advice = ask(bank, asked=["WARM"], elapsed=5)
    assert advice.criterion_id == "4A"
    assert "warm-up leads into it" in advice.reason
    mains = [i.main for i in advice.plan if i.kind == "question"]
    assert mains[:2] == ["4A", "1A"]  # then the standard's order


def test_without_a_warm_up_the_first_pass_criterion_comes_first() -> None:
    advice = ask(bank_of(standard_bank(warm_up=False)), elapsed=0)
    assert question_of(advice).id == "W-1A"
    assert advice.criterion_id == "1A"


def test_the_fresh_plan_keeps_the_opening_and_the_closing_reserve() -> None:
    plan = fresh_plan(STANDARD, bank_of(standard_bank()))
    assert (plan[0].kind, plan[0].start_min, plan[0].minutes) == (
        "opening",
        0,
        GUIDE.opening_minutes,
    )
    assert (plan[-1].kind, plan[-1].start_min, plan[-1].minutes) == (
        "closing",
        CLOSE_AT,
        GUIDE.closing_minutes,
    )
    questions = [i for i in plan if i.kind == "question"]
    assert questions[0].start_min == GUIDE.opening_minutes
    assert all(i.start_min + i.minutes <= CLOSE_AT for i in questions)
    # In order, back to back: each item starts where the one before ended.
    for before, after in itertools.pairwise(plan):
        assert after.start_min == pytest.approx(before.start_min + before.minutes)


# ------------------------------------------------------------------ pass before distinction
def test_work_examples_are_preferred_for_pass_criteria() -> None:
    bank = bank_of([q("Q-3A", ["3A"], 3), q("W-3A", ["3A"], 5, work=True)])
    advice = ask(bank, status=all_of([p for p in PASS if p != "3A"]), asked=["X"])
    assert question_of(advice).id == "W-3A"
    assert "work example" in advice.reason


def test_distinctions_wait_for_their_pass_criterion_to_be_sufficient() -> None:
    bank = bank_of(standard_bank())
    # 1A asked but only partial: no 2A/2B follow-on; the next pass criterion comes first.
    advice = ask(bank, status={"1A": "partial"}, asked=["W-1A"])
    assert advice.criterion_id == "3A"
    # Every pass criterion sufficient except 1A (partial): 1A comes back first, and 2A/2B
    # (which build on 1A) only after it in the projection.
    status = all_of(PASS) | {"1A": "partial"}
    asked = [f"W-{p}" for p in PASS]
    advice = ask(bank, status=status, asked=asked)
    assert advice.criterion_id == "1A"
    first_1a = next(i for i in advice.plan if i.main == "1A")
    assert all(i.start_min > first_1a.start_min for i in advice.plan if i.main in ("2A", "2B"))
    # No 1A question left: 1A stays partial, so 2A and 2B are never offered; 3C and 6B are.
    advice = ask(bank, status=status, asked=[*asked, "Q-1A"])
    targets = {i.main for i in advice.plan if i.kind == "question"}
    assert targets == {"3C", "6B"}


def test_a_follow_on_comes_once_the_pass_criterion_is_sufficient() -> None:
    bank = bank_of(standard_bank())
    advice = ask(bank, status={"1A": "sufficient"}, asked=["W-1A"], elapsed=8)
    assert advice.criterion_id == "2A"
    assert "follows on from 1A" in advice.reason


def test_pass_criteria_come_before_a_follow_on_when_time_is_short() -> None:
    bank = bank_of(standard_bank(minutes=4))
    # 6 pass criteria at 4 min = 24 min; at minute 28 there are 28 min before the close: a
    # 4-minute follow-on would leave 24, just enough; at minute 31 it would not.
    roomy = ask(bank, status={"1A": "sufficient"}, asked=["W-1A"], elapsed=CLOSE_AT - 28)
    tight = ask(bank, status={"1A": "sufficient"}, asked=["W-1A"], elapsed=CLOSE_AT - 27)
    assert roomy.criterion_id == "2A"
    assert tight.criterion_id == "3A"
    assert "(pass) not yet attempted" in tight.reason


def test_the_fresh_plan_covers_every_pass_criterion_before_the_last_distinction() -> None:
    plan = fresh_plan(STANDARD, bank_of(standard_bank(minutes=4)))
    mains = [i.main for i in plan if i.kind == "question" and i.question_id != "WARM"]
    assert set(PASS) <= set(mains)
    # The threshold is 3 of 4: the plan stops offering distinctions after three, and says which
    # one is left for the spare time.
    planned = [m for m in mains if m in DISTINCTION]
    assert len(planned) == COMPONENT.threshold
    (left,) = set(DISTINCTION) - set(planned)
    reserve = next(i for i in plan if i.kind == "reserve")
    assert reserve.reason.startswith(f"Not planned: {left};")


# ------------------------------------------------------------------ bringing criteria back
def test_partial_criteria_come_back_after_the_first_round_with_a_different_question() -> None:
    bank = bank_of(
        [*standard_bank(), q("X-4A-3A", ["4A", "3A"], 4)]  # lists 3A as secondary
    )
    # First round not finished (7A never asked): 3A (partial) waits.
    asked = ["W-1A", "W-3A", "W-3B", "W-4A", "W-5A", "W-6A"]
    status: dict[str, Status] = all_of(["1A", "3B", "4A", "5A", "6A"]) | {"3A": "partial"}
    early = ask(bank, status=status, asked=asked, attempt=3)
    assert early.criterion_id == "7A"
    # First round done: 3A comes back with a question not yet asked.
    status["7A"] = "sufficient"
    again = ask(bank, status=status, asked=[*asked, "W-7A"], attempt=3)
    assert again.criterion_id == "3A"
    assert question_of(again).id == "Q-3A"
    assert "partial" in again.reason
    # Its own questions used up: one listing 3A as secondary will do.
    last = ask(bank, status=status, asked=[*asked, "W-7A", "Q-3A"], attempt=3)
    assert question_of(last).id == "X-4A-3A"
    assert last.criterion_id == "3A"


def test_a_criterion_still_none_after_a_question_comes_back_before_a_partial_one() -> None:
    bank = bank_of(standard_bank())
    status = all_of(PASS) | {"3A": "partial", "6A": "none"}
    asked = [f"W-{p}" for p in PASS]
    advice = ask(bank, status=status, asked=asked, attempt=3)
    assert advice.criterion_id == "6A"


def test_the_criterion_just_asked_is_not_brought_straight_back() -> None:
    bank = bank_of(standard_bank())
    # 7A asked last and not yet marked: 3A (partial) comes back first, 7A after it.
    status = all_of(PASS) | {"3A": "partial", "7A": "none"}
    advice = ask(bank, status=status, asked=[f"W-{p}" for p in PASS], attempt=3)
    assert advice.criterion_id == "3A"
    mains = [i.main for i in advice.plan if i.kind == "question"]
    assert mains[:2] == ["3A", "7A"]


def test_a_second_round_visits_each_open_criterion_before_a_third() -> None:
    questions = [*standard_bank(), *(q(f"R-{p}", [p], 4) for p in PASS)]
    bank = bank_of(questions)
    asked = [f"W-{p}" for p in PASS] + ["Q-1A"]  # 1A has had two questions already
    advice = ask(bank, asked=asked, elapsed=10, attempt=3)
    mains = [i.main for i in advice.plan if i.kind == "question"]
    assert mains[: len(PASS) - 1] == [p for p in PASS if p != "1A"]
    assert mains[len(PASS) - 1] == "1A"


def test_the_guide_asks_for_marks_when_none_are_set() -> None:
    bank = bank_of(standard_bank())
    unmarked = ask(bank, asked=["WARM", "W-1A", "W-3A"], elapsed=12)
    assert any("No criterion marked yet" in w for w in unmarked.warnings)
    assert not any("marked yet" in w for w in ask(bank, asked=["WARM", "W-1A"]).warnings)
    marked = ask(bank, status={"1A": "partial"}, asked=["WARM", "W-1A", "W-3A"], elapsed=12)
    assert not any("marked yet" in w for w in marked.warnings)


# ------------------------------------------------------------------ when distinctions stop
def test_no_distinction_question_once_the_threshold_is_sufficient() -> None:
    bank = bank_of(standard_bank())
    status = all_of(PASS) | all_of(DISTINCTION[: COMPONENT.threshold])
    asked = [f"W-{c}" for c in PASS + DISTINCTION[: COMPONENT.threshold]]
    advice = ask(bank, status=status, asked=asked, elapsed=30)
    assert advice.question is None
    assert advice.close is not None
    assert "threshold" in advice.reason
    assert advice.all_sufficient
    # One short of the threshold: a distinction is offered again.
    status[DISTINCTION[0]] = "partial"
    assert ask(bank, status=status, asked=asked, elapsed=30).criterion_id in DISTINCTION


@pytest.mark.parametrize("attempt", [3])
def test_no_distinction_question_on_an_attempt_where_they_cannot_count(attempt: int) -> None:
    assert attempt not in STANDARD.rules.distinction_counts_on_attempts
    bank = bank_of(standard_bank())
    advice = ask(bank, status=all_of(PASS), asked=[f"W-{p}" for p in PASS], attempt=attempt)
    assert advice.question is None
    assert "do not count" in advice.reason
    plan = fresh_plan(STANDARD, bank, attempt=attempt)
    assert not [i for i in plan if i.main in DISTINCTION]
    assert {i.main for i in plan if i.kind == "question"} >= set(PASS)


# ------------------------------------------------------------------ time
def test_never_a_question_that_does_not_fit_the_time_left() -> None:
    bank = bank_of([q("LONG-7A", ["7A"], 5, work=True), q("SHORT-7A", ["7A"], 3)])
    status = all_of([p for p in PASS if p != "7A"])
    fits_both = ask(bank, status=status, asked=["X"], elapsed=CLOSE_AT - 6)
    assert question_of(fits_both).id == "LONG-7A"
    fits_one = ask(bank, status=status, asked=["X"], elapsed=CLOSE_AT - 4)
    assert question_of(fits_one).id == "SHORT-7A"
    fits_none = ask(bank, status=status, asked=["X"], elapsed=CLOSE_AT - 2)
    assert fits_none.question is None
    assert fits_none.close is not None
    assert "7A" in fits_none.reason


def test_a_shorter_question_when_a_work_example_would_crowd_out_the_round() -> None:
    questions = [q(f"S-{p}", [p], 3) for p in PASS] + [q("W-1A", ["1A"], 6, work=True)]
    bank = bank_of(questions)
    # 7 pass criteria: 3 min each = 21 min. With 22 min left the 6-minute work example for 1A
    # would leave 16 for the other six (18 needed): the 3-minute question goes first.
    advice = ask(bank, asked=["X"], elapsed=CLOSE_AT - 22)
    assert question_of(advice).id == "S-1A"
    assert "short" in advice.reason
    roomy = ask(bank, asked=["X"], elapsed=CLOSE_AT - 40)
    assert question_of(roomy).id == "W-1A"


def test_the_projection_follows_the_actual_pace() -> None:
    bank = bank_of(standard_bank(minutes=4, warm_up=False))
    # Two questions of 4 min took 6 min each: pace 1.5.
    asked = [Asked("W-1A", 3), Asked("W-3A", 9), Asked("W-3B", 15)]
    assert measure_pace(bank, asked, 16, GUIDE) == pytest.approx(1.5)
    slow = ask(bank, status=all_of(["1A", "3A", "3B"]), asked=asked, elapsed=16)
    steady = ask(
        bank,
        status=all_of(["1A", "3A", "3B"]),
        asked=[Asked("W-1A", 4), Asked("W-3A", 8), Asked("W-3B", 12)],
        elapsed=16,
    )
    assert slow.pace == pytest.approx(1.5) and steady.pace == pytest.approx(1.0)
    slow_items = [i for i in slow.plan if i.kind == "question"]
    assert all(i.minutes == pytest.approx(6) for i in slow_items)
    assert len(slow_items) < len([i for i in steady.plan if i.kind == "question"])


def test_pace_counts_an_overrunning_current_question_and_stays_within_bounds() -> None:
    bank = bank_of(standard_bank(minutes=4, warm_up=False))
    assert measure_pace(bank, [], 10, GUIDE) == 1.0
    assert measure_pace(bank, [Asked("W-1A", 3)], 5, GUIDE) == 1.0  # under way, on time
    assert measure_pace(bank, [Asked("W-1A", 3)], 9, GUIDE) == pytest.approx(1.5)  # overrun
    assert measure_pace(bank, [Asked("W-1A", 3), Asked("W-3A", 40)], 41, GUIDE) == GUIDE.pace_max
    assert measure_pace(bank, [Asked("W-1A", 3), Asked("W-3A", 4)], 5, GUIDE) == GUIDE.pace_min


def test_warns_by_minute_40_about_pass_criteria_not_attempted() -> None:
    bank = bank_of(standard_bank())
    asked = [f"W-{p}" for p in PASS if p not in ("5A", "7A")]
    at = GUIDE.warn_unattempted_at_minute
    before = ask(bank, asked=asked, elapsed=at - 1)
    after = ask(bank, asked=asked, elapsed=at)
    assert not any("not attempted" in w or "no question asked" in w for w in before.warnings)
    warning = next(w for w in after.warnings if "no question asked" in w)
    assert "5A" in warning and "7A" in warning and "1A" not in warning
    every = ask(bank, asked=[f"W-{p}" for p in PASS], elapsed=at + 5)
    assert not any("no question asked" in w for w in every.warnings)


def test_the_close_is_prompted_when_the_time_says_so() -> None:
    bank = bank_of(standard_bank())
    advice = ask(bank, asked=["W-1A"], elapsed=CLOSE_AT)
    assert advice.question is None
    assert advice.close is not None
    assert advice.close.title == GUIDE.close.title
    assert list(advice.close.steps) == GUIDE.close.steps
    assert "time to close" in advice.reason
    assert "3A" in advice.reason  # what is still open is named
    assert ask(bank, asked=["W-1A"], elapsed=CLOSE_AT - 10).close is None


# ------------------------------------------------------------------ skip for now
def test_a_skipped_question_comes_back_when_nothing_better_fits() -> None:
    bank = bank_of([q("A-7A", ["7A"], 4, work=True), q("B-7A", ["7A"], 4)])
    status = all_of([p for p in PASS if p != "7A"])
    advice = ask(bank, status=status, asked=["X"], skipped={"A-7A"})
    assert question_of(advice).id == "B-7A"
    # B asked, 7A still not sufficient: A comes back, saying so.
    back = ask(bank, status=status, asked=["X", "B-7A"], skipped={"A-7A"})
    assert question_of(back).id == "A-7A"
    assert back.reason.startswith("Skipped earlier")


def test_the_question_on_screen_is_never_the_next_suggestion() -> None:
    bank = bank_of(standard_bank(warm_up=False))
    assert question_of(ask(bank, asked=["X"])).id == "W-1A"
    assert question_of(ask(bank, asked=["X"], current="W-1A")).id == "Q-1A"


def test_every_suggestion_says_why_in_a_line_that_fits_the_screen() -> None:
    bank = bank_of(standard_bank())
    for item in fresh_plan(STANDARD, bank):
        if item.kind == "question":
            assert item.reason and len(item.reason) <= 120, item.reason


# ------------------------------------------------------------------ notes never cover
def simulate_notes_only_hour(bank: QuestionBank) -> list[Advice]:
    """One asked question per step, each taking its suggested minutes; the assessor marks
    nothing, as when only notes are taken. Returns every piece of advice given."""
    asked: list[Asked] = []
    elapsed = 0.0
    seen: list[Advice] = []
    while len(seen) < 100:
        advice = ask(bank, status={}, asked=asked, elapsed=elapsed)
        seen.append(advice)
        if advice.question is None:
            break
        asked.append(Asked(advice.question.id, elapsed))
        elapsed += advice.question.minutes
    return seen


@pytest.mark.parametrize("source", ["small", "bundled"])
def test_a_notes_only_hour_never_declares_coverage(source: str) -> None:
    bank = bank_of(standard_bank()) if source == "small" else load_bank()
    seen = simulate_notes_only_hour(bank)
    assert seen[-1].question is None and seen[-1].close is not None
    assert not any(a.all_sufficient for a in seen)
    for advice in seen:
        text = " ".join([advice.reason, *advice.warnings]).lower()
        assert "covered" not in text and "every pass criterion is marked" not in text, text
    targets = {a.criterion_id for a in seen if a.question is not None}
    assert set(PASS) <= targets, "every pass criterion is put to the apprentice"
    assert not targets & set(DISTINCTION), "no distinction before its pass criterion is marked"
    assert "not marked sufficient" in seen[-1].reason


# ------------------------------------------------------------------ the data
def test_the_guide_numbers_and_texts_are_data() -> None:
    assert GUIDE.opening_minutes == 3 and GUIDE.closing_minutes == 4
    assert GUIDE.warn_unattempted_at_minute == 40
    assert len(GUIDE.close.steps) >= 3


def test_a_standard_without_the_guide_table_is_a_one_line_error(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    text = (data / "discussion.toml").read_text(encoding="utf-8")
    (data / "discussion.toml").write_text(text[: text.index("[guide]")], encoding="utf-8")
    standard = load_standard(data)
    with pytest.raises(UserError, match=r"discussion\.toml has no \[guide\] table"):
        advise(standard, bank_of(standard_bank()), status={}, asked=[], minutes_elapsed=0)


def test_inconsistent_guide_data_names_the_file_and_the_field(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    path = data / "discussion.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("pace_min = 0.6", "pace_min = 1.2"), encoding="utf-8")
    with pytest.raises(UserError, match=r"discussion\.toml: .*pace_min must be at most 1"):
        load_standard(data)


def _copy_data(tmp_path: Path) -> Path:
    from discussion.paths import standard_dir

    data = tmp_path / "data"
    data.mkdir()
    for file in standard_dir().glob("*.toml"):
        (data / file.name).write_bytes(file.read_bytes())
    return data
