"""discussion.outcome: the grading input of a session, its grade, undecided criteria, imports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_record_support import make_info

from discussion.errors import UserError
from discussion.outcome import (
    check_results,
    grade_session,
    grading_input,
    latest_component_results,
    parse_component_results,
    undecided,
)
from discussion.record import ComponentResultData, SessionRecord
from discussion.standard import Standard, load_standard

STANDARD = load_standard()
PASS = [c.id for c in STANDARD.component("discussion").pass_criteria()]
DIST = [c.id for c in STANDARD.component("discussion").distinction_criteria()]
OBS_PASS = [c.id for c in STANDARD.component("observation").pass_criteria()]
SHOW_PASS = [c.id for c in STANDARD.component("showcase").pass_criteria()]


@pytest.fixture
def record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SessionRecord]:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    rec = SessionRecord.create(make_info())
    yield rec
    rec.release()


def decide_all(rec: SessionRecord, met: list[str]) -> None:
    for cid in PASS + DIST:
        rec.decide(cid, cid in met, f"because {cid}", [])


def result(
    component: str, attempt: int, achieved: list[str], modes: list[str] | None = None
) -> ComponentResultData:
    return ComponentResultData(
        component=component, attempt=attempt, achieved=achieved, modes=modes or []
    )


def test_discussion_attempt_uses_latest_decisions(record: SessionRecord) -> None:
    record.decide("1A", False, "first thought", [])
    record.decide("1A", True, "on reflection", [])
    record.decide("3A", True, "yes", [])
    record.decide("3A", False, "no after all", [])
    graded = grading_input(record.state(), record.info)
    [discussion] = graded.attempts
    assert discussion.component == "discussion"
    assert discussion.attempt == record.info.attempt
    assert discussion.achieved == ["1A"]


def test_attempt_comes_from_session_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    with SessionRecord.create(make_info(attempt=3)) as rec:
        decide_all(rec, PASS + DIST)
        rec.append(result("showcase", 1, SHOW_PASS))
        rec.append(result("observation", 1, OBS_PASS))
        outcome = grade_session(rec.state(), rec.info, STANDARD)
    assert outcome.components["discussion"].capped
    assert outcome.components["discussion"].distinction_counted == 0
    assert outcome.grade == "pass"


def test_amendments_do_not_change_decisions(record: SessionRecord) -> None:
    note = record.add_note("talked about the warehouse team", ["1A"], 5.0)
    record.decide("1A", True, "clear", [note.seq])
    record.amend_note(note.seq, "talked about the warehouse team as internal customers", ["3A"])
    state = record.state()
    assert grading_input(state).attempts[0].achieved == ["1A"]
    assert "3A" in undecided(state, STANDARD)
    assert "1A" not in undecided(state, STANDARD)


def test_component_results_latest_per_attempt_wins(record: SessionRecord) -> None:
    record.append(result("observation", 1, ["P1"]))
    record.append(result("observation", 1, OBS_PASS[:-1], ["face-to-face"]))  # correction
    record.append(result("observation", 2, OBS_PASS, ["face-to-face"]))
    record.append(result("showcase", 1, SHOW_PASS))
    record.append(result("discussion", 1, PASS))  # never from events: the session decides
    attempts = grading_input(record.state()).attempts
    summary = [(a.component, a.attempt, len(a.achieved), a.modes) for a in attempts]
    assert summary == [
        ("discussion", 1, 0, None),
        ("showcase", 1, len(SHOW_PASS), None),
        ("observation", 1, len(OBS_PASS) - 1, ["face-to-face"]),
        ("observation", 2, len(OBS_PASS), ["face-to-face"]),
    ]


def test_latest_component_results_orders_and_drops_discussion() -> None:
    rows = latest_component_results(
        [result("observation", 2, []), result("showcase", 1, []), result("discussion", 1, [])]
    )
    assert [(r.component, r.attempt) for r in rows] == [("showcase", 1), ("observation", 2)]


def test_grade_session_distinction(record: SessionRecord) -> None:
    decide_all(record, PASS + DIST[:3])
    record.append(
        result(
            "showcase",
            1,
            SHOW_PASS + [c.id for c in STANDARD.component("showcase").distinction_criteria()][:7],
        )
    )
    obs_d = [c.id for c in STANDARD.component("observation").distinction_criteria()][:4]
    record.append(result("observation", 1, OBS_PASS + obs_d))
    outcome = grade_session(record.state(), record.info, STANDARD)
    assert outcome.grade == "distinction"


def test_grade_session_incomplete_then_fail(record: SessionRecord) -> None:
    decide_all(record, PASS)
    assert grade_session(record.state(), standard=STANDARD).grade == "incomplete"
    record.decide("7A", False, "not evidenced", [])
    outcome = grade_session(record.state(), standard=STANDARD)
    assert outcome.grade == "fail"
    assert any("7A" in reason for reason in outcome.reasons)


def test_undecided_in_standard_order(record: SessionRecord) -> None:
    record.decide("2A", True, "", [])
    state = record.state()
    expected = [c.id for c in STANDARD.component("discussion").criteria if c.id != "2A"]
    assert undecided(state, STANDARD) == expected
    decide_all(record, [])
    assert undecided(record.state(), STANDARD) == []


def test_check_results_names_entries_not_indexes(record: SessionRecord) -> None:
    record.append(result("observation", 1, OBS_PASS))
    with pytest.raises(UserError) as caught:
        check_results(record.state(), [result("observation", 2, OBS_PASS)], STANDARD)
    message = caught.value.message
    assert "Practical Observation attempt 2" in message
    assert "already passed" in message
    assert "attempts[" not in message


def _file(*entries: dict[str, object]) -> str:
    return json.dumps({"attempts": list(entries)})


def test_parse_component_results_valid() -> None:
    text = _file(
        {"component": "showcase", "attempt": 1, "achieved": ["1A", "1A", "1B"]},
        {"component": "observation", "attempt": 2, "achieved": ["P1"], "modes": ["face-to-face"]},
    )
    parsed = parse_component_results(text, STANDARD)
    assert parsed == [
        result("showcase", 1, ["1A", "1B"]),
        result("observation", 2, ["P1"], ["face-to-face"]),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "malformed JSON"),
        (_file(), "no results"),
        (
            _file({"component": "discussion", "attempt": 1, "achieved": []}),
            "attempts[0]: a discussion entry",
        ),
        (_file({"component": "showcase", "attempt": 1, "achieved": ["ZZ"]}), "unknown criterion"),
        (_file({"component": "observation", "attempt": 1, "achieved": ["p1"]}), "did you mean P1"),
        (_file({"component": "showcase", "attempt": 4, "achieved": []}), "outside 1-3"),
        (
            _file(
                {"component": "showcase", "attempt": 1, "achieved": [], "modes": ["face-to-face"]}
            ),
            "modes",
        ),
        (_file({"component": "showcase", "attempt": 1, "acheived": []}), "achieved"),
        (
            _file(
                {"component": "showcase", "attempt": 1, "achieved": []},
                {"component": "showcase", "attempt": 1, "achieved": []},
            ),
            "recorded twice",
        ),
        ("[]", "JSON object"),
    ],
)
def test_parse_component_results_errors(text: str, expected: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_component_results(text, STANDARD)
    assert expected in caught.value.message


def test_parse_discussion_entry_named_after_valid_ones() -> None:
    text = _file(
        {"component": "showcase", "attempt": 1, "achieved": []},
        {"component": "discussion", "attempt": 1, "achieved": []},
    )
    with pytest.raises(UserError, match=r"attempts\[1\].*this session"):
        parse_component_results(text, STANDARD)


def test_unknown_component_in_a_recorded_event_is_a_user_error(record: SessionRecord) -> None:
    record.append(result("portfolio", 1, []))
    with pytest.raises(UserError, match="portfolio"):
        grade_session(record.state(), standard=STANDARD)


def test_default_standard_is_bundled(record: SessionRecord) -> None:
    assert isinstance(STANDARD, Standard)
    assert grade_session(record.state()).grade in {"fail", "incomplete"}


def test_a_practice_session_says_so_and_counts_no_attempts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    rec = SessionRecord.create(make_info(kind="practice", uln="9999999998"))
    try:
        decide_all(rec, PASS[:-1])  # one pass criterion not met: a fail, as graded
        outcome = grade_session(rec.state(), standard=STANDARD)
    finally:
        rec.release()
    assert outcome.reasons[0].startswith("Practice session, not an end-point assessment")
    assert not any("attempt(s) left" in reason for reason in outcome.reasons), outcome.reasons
