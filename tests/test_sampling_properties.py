"""The IQA sample's promises as properties over generated session lists (hypothesis):
reproducible whatever the listing order, P% rounded up, at least one per assessor, sessions
not yet verified first, drawn only from closed assessments that went ahead."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from discussion.errors import UserError
from discussion.sampling import (
    STATES,
    SessionEntry,
    SessionFilter,
    draw_sample,
    is_eligible,
    parse_percent,
    sample_size,
)

ASSESSORS = ("Sam Assessor", "sam  assessor", "Pat Checker", "Robin Marker", "Jo Evaluator")


def _key(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


@st.composite
def entries(draw: st.DrawFn, min_size: int = 0) -> list[SessionEntry]:
    """Session entries with unique ids, in any state and kind, some verified."""
    count = draw(st.integers(min_value=min_size, max_value=40))
    ids = draw(st.lists(st.integers(0, 10_000), min_size=count, max_size=count, unique=True))
    made = []
    for number in ids:
        state = draw(st.sampled_from(STATES))
        made.append(
            SessionEntry(
                folder=Path(f"/sessions/2026-03-01T0900-{number:06d}"),
                session_id=f"2026-03-01T0900-{number:06d}",
                apprentice="Alex Example",
                assessor=draw(st.sampled_from(ASSESSORS)),
                date=date(2026, 3, 1 + number % 28),
                attempt=1,
                kind=draw(st.sampled_from(("assessment", "assessment", "practice"))),
                state=state,
                grade=None,
                verification=draw(st.sampled_from(("none", "started", "finished", "unreadable"))),
                problem="broken" if state == "broken" else None,
            )
        )
    return made


percents = st.fractions(min_value=Fraction(1, 1000), max_value=100)
seeds = st.integers(min_value=0, max_value=2**63 - 1)


@given(entries(), percents, seeds, st.booleans(), st.randoms(use_true_random=False))
@settings(max_examples=examples(100), deadline=None)
def test_same_seed_same_sessions_same_sample_in_any_order(
    listed: list[SessionEntry], percent: Fraction, seed: int, per: bool, rng: random.Random
) -> None:
    shuffled = list(listed)
    rng.shuffle(shuffled)
    first = draw_sample(listed, percent, seed, per_assessor=per)
    second = draw_sample(shuffled, percent, seed, per_assessor=per)
    assert first.sessions == second.sessions
    assert first.sets == second.sets


@given(entries(), percents, seeds, st.booleans())
@settings(max_examples=examples(100), deadline=None)
def test_sample_is_drawn_from_the_eligible_only_without_repeats(
    listed: list[SessionEntry], percent: Fraction, seed: int, per: bool
) -> None:
    sample = draw_sample(listed, percent, seed, per_assessor=per)
    assert all(is_eligible(entry) for entry in sample.sessions)
    assert all(e.kind == "assessment" and e.state == "closed" for e in sample.sessions)
    assert len({e.folder for e in sample.sessions}) == len(sample.sessions)
    assert set(sample.sessions) <= set(listed)
    assert sample.eligible == sum(1 for e in listed if is_eligible(e))


@given(entries(), percents, seeds)
@settings(max_examples=examples(100), deadline=None)
def test_size_is_the_percentage_rounded_up(
    listed: list[SessionEntry], percent: Fraction, seed: int
) -> None:
    sample = draw_sample(listed, percent, seed)
    eligible = sum(1 for e in listed if is_eligible(e))
    assert len(sample.sessions) == math.ceil(percent * eligible / 100)
    assert len(sample.sessions) >= percent * eligible / 100  # never under P%
    assert len(sample.sessions) < percent * eligible / 100 + 1  # and less than one over
    if eligible:
        assert sample.sessions  # any P > 0 samples at least one


@given(entries(), percents, seeds)
@settings(max_examples=examples(100), deadline=None)
def test_per_assessor_takes_at_least_one_and_p_percent_of_each(
    listed: list[SessionEntry], percent: Fraction, seed: int
) -> None:
    sample = draw_sample(listed, percent, seed, per_assessor=True)
    pool = Counter(_key(e.assessor) for e in listed if is_eligible(e))
    drawn = Counter(_key(e.assessor) for e in sample.sessions)
    assert set(drawn) == set(pool)  # every assessor with an eligible session is sampled
    for assessor, total in pool.items():
        assert drawn[assessor] == math.ceil(percent * total / 100) >= 1


@given(entries(), percents, seeds, st.booleans())
@settings(max_examples=examples(100), deadline=None)
def test_unverified_sessions_are_taken_before_verified_ones(
    listed: list[SessionEntry], percent: Fraction, seed: int, per: bool
) -> None:
    sample = draw_sample(listed, percent, seed, per_assessor=per)
    for group in {(_key(e.assessor) if per else "") for e in sample.sessions}:
        members = [e for e in listed if is_eligible(e) and (not per or _key(e.assessor) == group)]
        chosen = [e for e in sample.sessions if e in members]
        if any(e.verified for e in chosen):
            assert all(e in chosen for e in members if not e.verified)


@given(entries(min_size=1), percents, seeds)
@settings(max_examples=examples(100), deadline=None)
def test_ineligible_sessions_never_change_the_draw(
    listed: list[SessionEntry], percent: Fraction, seed: int
) -> None:
    eligible = [e for e in listed if is_eligible(e)]
    assert (
        draw_sample(listed, percent, seed).sessions == draw_sample(eligible, percent, seed).sessions
    )


@given(entries(min_size=2), seeds, seeds)
@settings(max_examples=examples(100), deadline=None)
def test_all_of_them_at_100_percent_whatever_the_seed(
    listed: list[SessionEntry], seed: int, other: int
) -> None:
    everything = sorted((e for e in listed if is_eligible(e)), key=lambda e: e.session_id)
    assert draw_sample(listed, Fraction(100), seed).sessions == everything
    assert draw_sample(listed, Fraction(100), other).sessions == everything


def test_different_seeds_give_different_samples() -> None:
    listed = [
        SessionEntry(
            Path(f"/s/2026-03-01T0900-{n:06d}"),
            f"2026-03-01T0900-{n:06d}",
            "A B",
            "Sam Assessor",
            date(2026, 3, 1),
            1,
            "assessment",
            "closed",
            "pass",
            "none",
        )
        for n in range(100)
    ]
    samples = {
        tuple(e.session_id for e in draw_sample(listed, Fraction(10), s).sessions)
        for s in range(20)
    }
    assert len(samples) == 20  # 10 of 100: a repeat would mean the seed is ignored


@pytest.mark.parametrize(
    ("text", "value"),
    [("10", Fraction(10)), ("12.5", Fraction(25, 2)), ("5%", Fraction(5)), ("100", Fraction(100))],
)
def test_percent_accepted(text: str, value: Fraction) -> None:
    assert parse_percent(text) == value


@pytest.mark.parametrize("text", ["0", "-1", "100.01", "1e3", "ten", "nan", "inf", "", "1/0"])
def test_percent_refused_with_the_range(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_percent(text)
    assert "--percent" in caught.value.message and "100" in caught.value.message
    assert caught.value.exit_code == 2


def test_rounding_rule() -> None:
    assert sample_size(Fraction(10), 25) == 3
    assert sample_size(Fraction(10), 30) == 3  # exact: no float error adds a fourth
    assert sample_size(Fraction(1, 10), 1) == 1
    assert sample_size(Fraction(50), 0) == 0


@given(entries(), st.sampled_from(ASSESSORS), st.sampled_from((*STATES, None)))
@settings(max_examples=examples(100), deadline=None)
def test_filter_keeps_exactly_the_matching(
    listed: list[SessionEntry], assessor: str, state: str | None
) -> None:
    wanted = SessionFilter(assessor=assessor.upper(), date_from=date(2026, 3, 5), state=state)  # type: ignore[arg-type]
    kept = wanted.apply(listed)
    for entry in listed:
        matches = (
            _key(entry.assessor) == _key(assessor)
            and entry.date is not None
            and entry.date >= date(2026, 3, 5)
            and (state is None or entry.state == state)
        )
        assert (entry in kept) == matches


@given(entries(), st.sampled_from(("sam", "ASSESSOR", "pat ch", "r", "nobody")))
@settings(max_examples=examples(50), deadline=None)
def test_the_apps_assessor_filter_matches_part_of_the_name(
    listed: list[SessionEntry], part: str
) -> None:
    kept = SessionFilter(assessor=part, assessor_part=True).apply(listed)
    assert kept == [e for e in listed if _key(part) in _key(e.assessor)]
