"""Property tests of the grading engine over generated valid inputs."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from discussion.grading import GRADE_ORDER, grade
from discussion.standard import COMPONENT_IDS, MODES, load_standard

STD = load_standard()
MAX = STD.rules.max_attempts


@st.composite
def component_attempts(draw: st.DrawFn, cid: str) -> list[dict[str, Any]]:
    """0..MAX attempts of one component; every attempt but the latest failed (a valid history)."""
    component = STD.component(cid)
    ids = [c.id for c in component.criteria]
    numbers = sorted(draw(st.sets(st.integers(1, MAX), max_size=MAX)))
    entries: list[dict[str, Any]] = []
    for position, number in enumerate(numbers):
        modes = (
            draw(st.none() | st.lists(st.sampled_from(MODES), min_size=1, max_size=2, unique=True))
            if component.observation_modes
            else None
        )
        achieved = draw(st.lists(st.sampled_from(ids), max_size=len(ids)))
        if position < len(numbers) - 1:
            # Earlier attempts must not pass: drop one applicable pass criterion.
            required = component.pass_criteria(set(modes) if modes else None)
            dropped = draw(st.sampled_from(required)).id
            achieved = [i for i in achieved if i != dropped]
        item: dict[str, Any] = {"component": cid, "attempt": number, "achieved": achieved}
        if modes is not None:
            item["modes"] = modes
        entries.append(item)
    return entries


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    attempts: list[dict[str, Any]] = []
    for cid in COMPONENT_IDS:
        attempts += draw(component_attempts(cid))
    return attempts


def rank(attempts: list[dict[str, Any]]) -> int:
    return GRADE_ORDER.index(grade({"attempts": attempts}, STD).grade)


@settings(max_examples=examples(200), deadline=None)
@given(histories(), st.data())
def test_adding_achieved_criteria_never_lowers_the_grade(
    attempts: list[dict[str, Any]], data: st.DataObject
) -> None:
    before = rank(attempts)
    latest: dict[str, int] = {}
    for index, item in enumerate(attempts):
        if item["attempt"] >= attempts[latest.get(item["component"], index)]["attempt"]:
            latest[item["component"]] = index
    extended = [dict(item) for item in attempts]
    for index in latest.values():
        ids = [c.id for c in STD.component(extended[index]["component"]).criteria]
        extra = data.draw(st.lists(st.sampled_from(ids), max_size=len(ids)))
        extended[index]["achieved"] = extended[index]["achieved"] + extra
    assert rank(extended) >= before


@settings(max_examples=examples(200), deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_input_order_never_changes_the_result(attempts: list[dict[str, Any]], rnd: Any) -> None:
    shuffled = list(attempts)
    rnd.shuffle(shuffled)
    first = grade({"attempts": attempts}, STD)
    second = grade({"attempts": shuffled}, STD)
    assert first.grade == second.grade
    assert first.components == second.components


@settings(max_examples=examples(200), deadline=None)
@given(histories())
def test_pass_on_last_attempt_never_yields_distinction(attempts: list[dict[str, Any]]) -> None:
    result = grade({"attempts": attempts}, STD)
    capped = [r for r in result.components.values() if r.status == "passed" and r.attempt == MAX]
    if capped:
        assert result.grade != "distinction"
        assert all(r.capped and r.distinction_counted == 0 for r in capped)


@settings(max_examples=examples(200), deadline=None)
@given(histories())
def test_result_is_consistent(attempts: list[dict[str, Any]]) -> None:
    result = grade({"attempts": attempts}, STD)
    statuses = {r.status for r in result.components.values()}
    assert list(result.components) == list(COMPONENT_IDS)
    assert (result.grade == "fail") == ("failed" in statuses)
    if result.grade in ("pass", "distinction"):
        assert statuses == {"passed"}
    for r in result.components.values():
        assert r.pass_met == (r.status == "passed")
        assert 0 <= r.distinction_counted <= r.distinction_total
        assert 0 <= r.attempts_left <= MAX
        assert r.distinction_counted == 0 or r.status == "passed"
    assert result.reasons[-1].startswith(f"Grade: {result.grade}")
