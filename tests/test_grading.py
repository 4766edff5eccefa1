"""Grading engine: every rule and every input error."""

from __future__ import annotations

from typing import Any

import pytest

from discussion.grading import GradingInputError, grade, parse_json
from discussion.standard import Standard, load_standard

STD = load_standard()


def pass_ids(component: str, modes: set[str] | None = None) -> list[str]:
    return [c.id for c in STD.component(component).pass_criteria(modes)]


def dist_ids(component: str, k: int) -> list[str]:
    return [c.id for c in STD.component(component).distinction_criteria()][:k]


def entry(
    component: str, attempt: int = 1, *, ok: bool = True, d: int = 0, **extra: Any
) -> dict[str, Any]:
    achieved = pass_ids(component) if ok else pass_ids(component)[:-1]
    return {
        "component": component,
        "attempt": attempt,
        "achieved": achieved + dist_ids(component, d),
        **extra,
    }


def all_pass(d: tuple[int, int, int] = (0, 0, 0)) -> list[dict[str, Any]]:
    return [entry("showcase", d=d[0]), entry("observation", d=d[1]), entry("discussion", d=d[2])]


def run(attempts: list[dict[str, Any]], standard: Standard = STD) -> Any:
    return grade({"attempts": attempts}, standard)


def error(attempts: Any) -> str:
    data = attempts if isinstance(attempts, dict) else {"attempts": attempts}
    with pytest.raises(GradingInputError) as caught:
        grade(data, STD)
    assert caught.value.exit_code == 2
    assert "\n" not in caught.value.message
    return caught.value.message


# --- the rules ---------------------------------------------------------------------------------


def test_all_pass_no_distinctions_is_pass() -> None:
    result = run(all_pass())
    assert result.grade == "pass"
    assert all(c.status == "passed" and c.pass_met for c in result.components.values())


def test_thresholds_exactly_met_is_distinction() -> None:
    assert run(all_pass((7, 4, 3))).grade == "distinction"


@pytest.mark.parametrize("short", [(6, 4, 3), (7, 3, 3), (7, 4, 2)])
def test_one_below_threshold_is_pass(short: tuple[int, int, int]) -> None:
    result = run(all_pass(short))
    assert result.grade == "pass"
    assert "not distinction because" in result.reasons[-1]


def test_threshold_counts_come_from_data() -> None:
    thresholds = {c.id: c.threshold for c in STD.components}
    result = run(all_pass((10, 5, 4)))
    for cid, res in result.components.items():
        assert res.threshold == thresholds[cid]
        assert res.distinction_total == len(STD.component(cid).distinction_criteria())


def test_failed_component_fails_and_says_attempts_left() -> None:
    result = run([entry("showcase", d=10), entry("observation", ok=False), entry("discussion")])
    assert result.grade == "fail"
    obs = result.components["observation"]
    assert obs.status == "failed" and not obs.pass_met
    assert obs.pass_missing == [pass_ids("observation")[-1]]
    assert obs.attempts_left == 2
    assert "2 attempt(s) left" in result.reasons[-1]


def test_third_failed_attempt_has_no_attempts_left() -> None:
    attempts = [entry("discussion", n, ok=False) for n in (1, 2, 3)]
    result = run([entry("showcase"), entry("observation"), *attempts])
    assert result.grade == "fail"
    assert result.components["discussion"].attempts_left == 0
    assert "no attempts left" in result.reasons[-1]


def test_distinctions_on_failed_attempt_do_not_count() -> None:
    result = run([entry("showcase", ok=False, d=10), entry("observation"), entry("discussion")])
    sc = result.components["showcase"]
    assert sc.distinction_achieved == dist_ids("showcase", 10)
    assert sc.distinction_counted == 0


def test_first_reassessment_counts_distinctions() -> None:
    attempts = [
        entry("showcase", d=7),
        entry("observation", d=4),
        entry("discussion", 1, ok=False),
        entry("discussion", 2, d=3),
    ]
    result = run(attempts)
    assert result.grade == "distinction"
    assert result.components["discussion"].distinction_counted == 3
    assert not result.components["discussion"].capped


def test_second_reassessment_is_capped() -> None:
    attempts = [entry("showcase", d=10), entry("observation", d=5), entry("discussion", 3, d=4)]
    result = run(attempts)
    dis = result.components["discussion"]
    assert result.grade == "pass"
    assert dis.capped and dis.distinction_counted == 0
    assert dis.distinction_achieved == dist_ids("discussion", 4)
    assert any("capped" in r for r in result.reasons)


def test_missing_component_is_incomplete() -> None:
    result = run([entry("showcase", d=10), entry("observation", d=5)])
    assert result.grade == "incomplete"
    dis = result.components["discussion"]
    assert dis.attempt is None and dis.status == "not attempted"
    assert dis.attempts_left == STD.rules.max_attempts
    assert "Professional Discussion" in result.reasons[-1]


def test_failure_outranks_missing() -> None:
    assert run([entry("showcase", ok=False)]).grade == "fail"


def test_empty_attempts_is_incomplete_with_all_components() -> None:
    result = run([])
    assert result.grade == "incomplete"
    assert list(result.components) == ["showcase", "observation", "discussion"]


def test_latest_attempt_decides() -> None:
    attempts = [
        entry("showcase"),
        entry("observation"),
        entry("discussion", 2),
        entry("discussion", 1, ok=False),
    ]
    result = run(attempts)
    assert result.grade == "pass"
    assert result.components["discussion"].attempt == 2


def test_duplicate_achieved_ids_count_once() -> None:
    dup = entry("discussion", d=2)
    dup["achieved"] += dist_ids("discussion", 2)
    result = run([entry("showcase", d=7), entry("observation", d=4), dup])
    assert result.components["discussion"].distinction_counted == 2
    assert result.grade == "pass"


def test_face_to_face_only_does_not_need_p11() -> None:
    obs: dict[str, Any] = {
        "component": "observation",
        "attempt": 1,
        "achieved": pass_ids("observation", {"face-to-face"}),
        "modes": ["face-to-face"],
    }
    assert "P11" not in obs["achieved"]
    assert run([entry("showcase"), obs, entry("discussion")]).components["observation"].pass_met


def test_non_face_to_face_needs_p11() -> None:
    achieved = [i for i in pass_ids("observation") if i != "P11"]
    obs = {
        "component": "observation",
        "attempt": 1,
        "achieved": achieved,
        "modes": ["non-face-to-face"],
    }
    result = run([entry("showcase"), obs, entry("discussion")])
    assert result.components["observation"].pass_missing == ["P11"]
    assert result.grade == "fail"


def test_modes_not_stated_requires_every_pass_criterion() -> None:
    achieved = [i for i in pass_ids("observation") if i != "P11"]
    options: list[list[str] | None] = [None, []]
    for modes in options:
        obs: dict[str, Any] = {"component": "observation", "attempt": 1, "achieved": achieved}
        if modes is not None:
            obs["modes"] = modes
        assert run([obs]).components["observation"].pass_missing == ["P11"]


def test_criterion_for_unobserved_mode_is_ignored_with_reason() -> None:
    obs = entry("observation", modes=["face-to-face"])
    assert "P11" in obs["achieved"]
    result = run([entry("showcase"), obs, entry("discussion")])
    assert result.grade == "pass"
    assert any("P11 ignored" in r and "face-to-face" in r for r in result.reasons)


def test_component_ids_are_namespaced() -> None:
    # 1A is a criterion of both the Showcase and the Discussion; P1 only of the observation.
    assert "unknown criterion" in error(
        [{"component": "discussion", "attempt": 1, "achieved": ["P1"]}]
    )
    assert run([{"component": "showcase", "attempt": 1, "achieved": ["1A"]}]).grade == "fail"


def test_custom_rules_are_used(tmp_path: Any) -> None:
    import shutil

    from discussion.paths import standard_dir

    data = tmp_path / "data"
    shutil.copytree(standard_dir(), data)
    rules = data / "rules.toml"
    rules.write_text(rules.read_text().replace("[1, 2]", "[1, 2, 3]"))
    custom = load_standard(data)
    result = run(
        [entry("showcase", d=10), entry("observation", d=5), entry("discussion", 3, d=4)], custom
    )
    assert result.grade == "distinction"


# --- input errors --------------------------------------------------------------------------------


def test_malformed_json() -> None:
    with pytest.raises(GradingInputError, match="malformed JSON at line 1"):
        parse_json('{"attempts": [', STD)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([], "must be a JSON object"),
        ({}, "missing field 'attempts'"),
        ({"attempts": {}}, "attempts"),
        ({"attempts": [], "grade": "pass"}, "unknown field 'grade'"),
    ],
)
def test_top_level_shape(data: Any, fragment: str) -> None:
    with pytest.raises(GradingInputError) as caught:
        grade(data, STD)
    assert fragment in caught.value.message


def test_unknown_component() -> None:
    assert error(
        [entry("discussion"), {"component": "portfolio", "attempt": 1, "achieved": []}]
    ).startswith("attempts[1]: unknown component 'portfolio'")


def test_unknown_criterion_names_entry_and_id() -> None:
    message = error(
        [entry("discussion"), {"component": "observation", "attempt": 1, "achieved": ["P17"]}]
    )
    assert message.startswith("attempts[1]:") and "'P17'" in message


def test_wrong_case_criterion_gets_hint() -> None:
    assert "did you mean 1A" in error(
        [{"component": "discussion", "attempt": 1, "achieved": ["1a"]}]
    )


@pytest.mark.parametrize("attempt", [0, 4, -1])
def test_attempt_out_of_range(attempt: int) -> None:
    assert "outside 1-3" in error([{"component": "discussion", "attempt": attempt, "achieved": []}])


@pytest.mark.parametrize("attempt", ["1", 1.0, True, None])
def test_attempt_must_be_an_integer(attempt: Any) -> None:
    assert error([{"component": "discussion", "attempt": attempt, "achieved": []}]).startswith(
        "attempts[0].attempt"
    )


def test_same_attempt_twice() -> None:
    message = error(
        [entry("discussion", 1, ok=False), entry("showcase"), entry("discussion", 1, ok=False)]
    )
    assert message.startswith("attempts[2]:") and "twice" in message and "attempts[0]" in message


def test_attempt_after_a_pass() -> None:
    message = error([entry("discussion", 2), entry("discussion", 1)])
    assert message.startswith("attempts[0]:") and "already passed" in message


@pytest.mark.parametrize("achieved", ["1A", [1, 2], [["1A"]], None, {"1A": True}])
def test_achieved_must_be_list_of_strings(achieved: Any) -> None:
    message = error([{"component": "discussion", "attempt": 1, "achieved": achieved}])
    assert message.startswith("attempts[0].achieved") and "list of criterion ids" in message


@pytest.mark.parametrize("field", ["component", "attempt", "achieved"])
def test_missing_fields(field: str) -> None:
    item = entry("discussion")
    del item[field]
    assert error([item]) == f"attempts[0]: missing field {field!r}"


def test_unknown_field_in_entry() -> None:
    assert (
        error([{**entry("discussion"), "acheived": []}]) == "attempts[0]: unknown field 'acheived'"
    )


def test_modes_on_other_component() -> None:
    assert "only to the observation" in error([entry("discussion", modes=["face-to-face"])])


def test_unknown_mode() -> None:
    assert error([entry("observation", modes=["video"])]).startswith("attempts[0].modes[0]")
