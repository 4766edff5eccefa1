"""The mock's plan: lengths, focus, minute budgets, scaled warnings, and only ever the practice
set (by construction: the plan reads `in_set("practice")`, and is checked on the way out)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from discussion.bank import Question, QuestionBank, load_bank
from discussion.errors import UserError
from discussion.mock.plan import LENGTHS, MockOptions, plan_mock, scaled_warnings
from discussion.standard import load_standard

BANK = load_bank()
STANDARD = load_standard()
CRITERIA = [c.id for c in STANDARD.component("discussion").criteria]
PASS = [c.id for c in STANDARD.component("discussion").pass_criteria()]
ASSESSMENT_IDS = {q.id for q in BANK.in_set("assessment")}


@pytest.mark.parametrize("length", LENGTHS)
def test_each_length_fits_its_minutes_and_starts_with_the_warm_up(length: int) -> None:
    plan = plan_mock(BANK, MockOptions(length, "all"), seed=1)  # type: ignore[arg-type]
    assert plan.questions[0].question.kind == "warm-up"
    assert plan.question_minutes + plan.opening_minutes + plan.closing_minutes <= length
    assert all(q.question.set == "practice" for q in plan.questions)
    assert len({q.id for q in plan.questions}) == len(plan.questions)


def test_longer_mocks_ask_more_and_cover_every_criterion_at_an_hour() -> None:
    counts = [len(plan_mock(BANK, MockOptions(n, "all"), 0).questions) for n in LENGTHS]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    hour = plan_mock(BANK, MockOptions(60, "all"), 0)
    assert {q.criterion_id for q in hour.questions} == set(CRITERIA)


def test_pass_focus_asks_pass_criteria_only() -> None:
    plan = plan_mock(BANK, MockOptions(30, "pass"), 0)
    assert plan.criteria == tuple(PASS)
    assert {q.criterion_id for q in plan.questions} <= set(PASS)


def test_chosen_criteria_in_the_standards_order() -> None:
    plan = plan_mock(BANK, MockOptions(30, ("6b", "3A")), 0)
    assert plan.criteria == ("3A", "6B")
    asked = [q.criterion_id for q in plan.questions if q.question.kind != "warm-up"]
    assert set(asked) == {"3A", "6B"} and asked[:2] == ["3A", "6B"]


def test_the_seed_varies_the_questions_and_repeats_itself() -> None:
    plans = {
        tuple(q.id for q in plan_mock(BANK, MockOptions(15, "all"), s).questions) for s in range(8)
    }
    assert len(plans) > 1
    again = plan_mock(BANK, MockOptions(15, "all"), 3)
    assert again == plan_mock(BANK, MockOptions(15, "all"), 3)


def test_warnings_are_the_hours_scaled() -> None:
    assert scaled_warnings(60) == (45, 55)
    assert scaled_warnings(30) == (22, 28)
    assert scaled_warnings(15) == (11, 14)
    assert plan_mock(BANK, MockOptions(15, "all"), 0).warn_at_minutes == (11, 14)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (MockOptions(20, "all"), "15, 30 or 60 minutes"),  # type: ignore[arg-type]
        (MockOptions(15, ("9Z",)), "9Z is not a discussion criterion"),
        (MockOptions(15, ()), "no criteria chosen"),
        (MockOptions(15, "distinction"), "is not known"),  # type: ignore[arg-type]
    ],
)
def test_bad_options_are_one_line_errors(options: MockOptions, message: str) -> None:
    with pytest.raises(UserError, match=message):
        plan_mock(BANK, options, 0)


@settings(max_examples=examples(200), deadline=None)
@given(
    length=st.sampled_from(LENGTHS),
    focus=st.one_of(
        st.sampled_from(["all", "pass"]),
        st.lists(st.sampled_from(CRITERIA), min_size=1, max_size=4, unique=True).map(tuple),
    ),
    seed=st.integers(0, 2**32),
)
def test_no_options_ever_reach_an_assessment_question(
    length: int, focus: object, seed: int
) -> None:
    plan = plan_mock(BANK, MockOptions(length, focus), seed)  # type: ignore[arg-type]
    assert plan.questions
    assert not {q.id for q in plan.questions} & ASSESSMENT_IDS
    assert all(q.question.set == "practice" for q in plan.questions)


def test_a_bank_with_assessment_questions_only_refuses(tmp_path: Path) -> None:
    secret = QuestionBank(
        root=tmp_path,
        version="t",
        title=None,
        content_hash="0" * 64,
        questions=BANK.in_set("assessment"),
        criterion_ids=CRITERIA,
    )
    with pytest.raises(UserError, match="no practice questions"):
        plan_mock(secret, MockOptions(60, "all"), 0)


def test_an_assessment_question_marked_practice_in_the_list_is_still_left_out() -> None:
    # A bank whose `in_set` were wrong would still be caught: the plan re-checks each `set`.
    class Leaky(QuestionBank):
        def in_set(self, set_name: str) -> list[Question]:
            return list(self.questions)

    leaky = Leaky(BANK.root, BANK.version, None, BANK.content_hash, BANK.questions, CRITERIA)
    plan = plan_mock(leaky, MockOptions(60, "all"), 0)
    assert all(q.question.set == "practice" for q in plan.questions)
