"""The standard as data: counts, ids, wordings and the rules the other modules read."""

from __future__ import annotations

import re

import pytest

from discussion.errors import UserError
from discussion.standard import MODES, Component, Standard, load_standard


@pytest.fixture(scope="module")
def standard() -> Standard:
    return load_standard()


def ids(component: Component, level: str) -> list[str]:
    return [c.id for c in component.criteria if c.level == level]


def test_components_in_assessment_order(standard: Standard) -> None:
    assert [c.id for c in standard.components] == ["showcase", "observation", "discussion"]
    assert [c.order for c in standard.components] == [1, 2, 3]
    assert [c.threshold for c in standard.components] == [7, 4, 3]


def test_showcase_ids_are_corrected_and_complete(standard: Standard) -> None:
    showcase = standard.component("showcase")
    expected_pass = [f"1{x}" for x in "ABCDEF"] + [f"2{x}" for x in "ABCD"]
    expected_pass += [f"3{chr(c)}" for c in range(ord("A"), ord("T") + 1)]
    assert sorted(ids(showcase, "pass")) == sorted(expected_pass)
    assert len(showcase.pass_criteria()) == 30
    assert ids(showcase, "distinction") == [
        "1G",
        "1H",
        "2E",
        "2F",
        "3U",
        "3V",
        "3W",
        "3X",
        "3Y",
        "3Z",
    ]
    # The OCR slips of the source never leak into the data.
    all_ids = [c.id for c in showcase.criteria]
    assert "D" not in all_ids and "31" not in all_ids and "30" not in all_ids
    assert all(re.fullmatch(r"[0-9A-Z]+", i) and i.isascii() for i in all_ids)
    assert showcase.criterion("3K") is not None and showcase.criterion("3I") is not None


def test_showcase_groups_are_the_three_tasks(standard: Standard) -> None:
    groups = {c.group for c in standard.component("showcase").criteria}
    assert len(groups) == 3
    assert all(g is not None and g.startswith("Task ") for g in groups)


def test_discussion_criteria_and_builds_on(standard: Standard) -> None:
    discussion = standard.component("discussion")
    assert ids(discussion, "pass") == ["1A", "3A", "3B", "4A", "5A", "6A", "7A"]
    assert ids(discussion, "distinction") == ["2A", "2B", "3C", "6B"]
    builds = {c.id: c.builds_on for c in discussion.distinction_criteria()}
    assert builds == {"2A": "1A", "2B": "1A", "3C": "3B", "6B": "6A"}
    assert all(c.group and c.outcome for c in discussion.criteria)
    modules = {c.group for c in discussion.criteria}
    assert modules == {
        "Knowing your customers",
        "Your role and responsibility",
        "Customer experience",
    }


def test_observation_follows_annexe_a(standard: Standard) -> None:
    observation = standard.component("observation")
    assert ids(observation, "pass") == [f"P{n}" for n in range(1, 17)]
    assert ids(observation, "distinction") == [f"D{n}" for n in range(1, 6)]
    assert observation.observation_modes == list(MODES)
    with_wordings = [c.id for c in observation.criteria if c.wordings]
    assert with_wordings == ["P4", "P5", "P6", "P9"]
    for criterion in observation.criteria:
        if criterion.wordings:
            assert [w.mode for w in criterion.wordings] == list(MODES)
            assert all(w.text in criterion.text for w in criterion.wordings)
    mapping = {c.id: c.performance_requirements for c in observation.distinction_criteria()}
    assert mapping == {"D1": [6], "D2": [15], "D3": [29], "D4": [6], "D5": [9, 10]}


def test_p11_applies_only_non_face_to_face(standard: Standard) -> None:
    observation = standard.component("observation")
    p11 = observation.criterion("P11")
    assert p11 is not None and p11.modes == ["non-face-to-face"]
    assert "P11" not in [c.id for c in observation.pass_criteria({"face-to-face"})]
    assert "P11" in [c.id for c in observation.pass_criteria({"non-face-to-face"})]
    assert "P11" in [c.id for c in observation.pass_criteria({"face-to-face", "non-face-to-face"})]
    assert len(observation.pass_criteria()) == 16
    assert len(observation.pass_criteria({"face-to-face"})) == 15


def test_performance_requirements(standard: Standard) -> None:
    prs = standard.component("observation").performance_requirements
    assert [p.ref for p in prs] == list(range(1, 30))
    assert [p.ref for p in prs if p.level == "distinction"] == [6, 9, 10, 15, 29]
    afterwards = [p.ref for p in prs if p.evidence_afterwards]
    assert afterwards == [6, 9, 10, 15, 17, 18, *range(20, 30)]
    alternatives = [p.ref for p in prs if p.non_face_to_face_text]
    assert alternatives == [1, 5, 7, 13]
    # Every pass performance requirement is mapped by at least one pass grade criterion.
    mapped = {
        r
        for c in standard.component("observation").pass_criteria()
        for r in c.performance_requirements
    }
    assert {p.ref for p in prs if p.level == "pass"} <= mapped


def test_rules_conduct_and_uln(standard: Standard) -> None:
    assert standard.rules.max_attempts == 3
    assert standard.rules.distinction_counts_on_attempts == [1, 2]
    assert standard.discussion_conduct.max_minutes == 60
    assert len(standard.discussion_conduct.points) == 9
    assert standard.uln.weights == list(range(10, 0, -1))
    assert (standard.uln.modulus, standard.uln.remainder, standard.uln.length) == (11, 10, 10)


def test_version_and_hash(standard: Standard) -> None:
    assert standard.version
    assert re.fullmatch(r"[0-9a-f]{64}", standard.content_hash)
    assert load_standard().content_hash == standard.content_hash


def test_unknown_component_is_a_user_error(standard: Standard) -> None:
    with pytest.raises(UserError, match="unknown component 'portfolio'"):
        standard.component("portfolio")


def test_criterion_lookup(standard: Standard) -> None:
    discussion = standard.component("discussion")
    found = discussion.criterion("2A")
    assert found is not None and found.level == "distinction"
    assert discussion.criterion("9Z") is None
    # Ids are per component: the Showcase 1A is a different criterion.
    showcase_1a = standard.component("showcase").criterion("1A")
    assert showcase_1a is not None and showcase_1a.text != discussion.criteria[0].text
