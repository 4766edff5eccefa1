"""Session rules live in the domain models and the standard's data, and agree with each other."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from annotated_types import Ge, Le
from pydantic import ValidationError
from session_factory import make_session_info

import discussion.standard as standard_module
from discussion.errors import UserError
from discussion.paths import standard_dir
from discussion.record import SessionInfo
from discussion.record.events import ComponentResultData
from discussion.record.info import PRACTICE_APPRENTICE, PRACTICE_ULN
from discussion.settings import Settings
from discussion.standard import Standard, load_standard
from discussion.ui.setup_items import gateway_items
from discussion.validation import describe

VALID_ULN = "9276308686"


def make(**changes: Any) -> SessionInfo:
    return make_session_info(**{"uln": VALID_ULN, "standard_version": "1", **changes})


def refused(**changes: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        make(**changes)
    line = describe(caught.value, SessionInfo)
    assert "\n" not in line
    return line


def bounds(model: type[Any], name: str) -> tuple[float, float]:
    meta = model.model_fields[name].metadata
    low = next(m.ge for m in meta if isinstance(m, Ge))
    high = next(m.le for m in meta if isinstance(m, Le))
    assert isinstance(low, (int, float)) and isinstance(high, (int, float))
    return float(low), float(high)


# ---------------------------------------------------------------- fault 8: one set of rules
def test_reaction_lag_default_and_bounds_agree_between_settings_and_session() -> None:
    assert Settings().reaction_lag_s == make().reaction_lag_s == 1.5
    assert bounds(Settings, "reaction_lag_s") == bounds(SessionInfo, "reaction_lag_s") == (0, 10)
    assert "0 to 10" in refused(reaction_lag_s=30.0)


def test_attempt_range_comes_from_the_rules_data(monkeypatch: pytest.MonkeyPatch) -> None:
    most = load_standard().rules.max_attempts
    assert make(attempt=most).attempt == most
    assert f"outside 1 to {most}" in refused(attempt=most + 1)
    assert "attempt" in refused(attempt=0)
    # Change the data: the model follows (no 3 written anywhere else).
    standard = load_standard()
    bigger = standard.model_copy(
        update={"rules": standard.rules.model_copy(update={"max_attempts": most + 2})}
    )
    monkeypatch.setattr(standard_module, "load_standard", lambda: bigger)
    assert make(attempt=most + 2).attempt == most + 2


def test_component_result_event_attempt_follows_the_rules_data() -> None:
    most = load_standard().rules.max_attempts
    assert ComponentResultData(component="showcase", attempt=most).attempt == most
    with pytest.raises(ValidationError, match=r"rules\.toml max_attempts"):
        ComponentResultData(component="showcase", attempt=most + 1)


def test_gateway_items_are_the_standards_data(tmp_path: Path) -> None:
    standard = load_standard()
    assert [g.key for g in standard.gateway][:2] == ["employer-ready", "english-l1"]
    assert len(standard.gateway) == 7
    items = gateway_items(standard)
    assert [i.short for i in items][-1] == "gateway: apprentice declaration"
    data = tmp_path / "data"
    shutil.copytree(standard_dir(), data)
    rules = data / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text.replace('short = "Level 2 taken"', 'short = "Level 2 sat"', 1), encoding="utf-8"
    )
    edited: Standard = load_standard(data)
    assert "gateway: Level 2 sat" in [i.short for i in gateway_items(edited)]


def test_standard_without_gateway_items_names_the_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(standard_dir(), data)
    rules = data / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text[: text.index("[[gateway]]")], encoding="utf-8")
    with pytest.raises(UserError, match=r"rules\.toml: missing the \[\[gateway\]\] items"):
        load_standard(data)


# ---------------------------------------------------------------- session rules in the model
def test_uln_check_digit_is_checked_by_the_model() -> None:
    assert "does not check out" in refused(uln="1234567890")


def test_practice_name_with_a_real_uln_is_refused() -> None:
    # `record --apprentice "" --uln REAL` used to make exactly this session.
    line = refused(kind="practice", apprentice_name=PRACTICE_APPRENTICE, uln=VALID_ULN)
    assert PRACTICE_ULN in line and "apprentice's name" in line
    ok = make(kind="practice", apprentice_name=PRACTICE_APPRENTICE, uln=PRACTICE_ULN)
    assert ok.kind == "practice"
    assert "practice ULN" in refused(uln=PRACTICE_ULN)  # an assessment needs a real ULN


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("apprentice_name", "Alex\nExample", "newline (U+000A)"),
        ("assessor", "Sam\x1b[2JAssessor", "ESC (U+001B)"),
        ("assessor", "Sam\x07", "BEL (U+0007)"),
        ("apprentice_name", "   ", "blank"),
        ("apprentice_name", "x" * 5000, "at most 100"),
    ],
)
def test_names_are_one_line_of_text(field: str, value: str, fragment: str) -> None:
    line = refused(**{field: value})
    assert line.startswith(f"{field}: ") and fragment in line, line
    assert len(line) < 300


@pytest.mark.parametrize("start", [date(1900, 1, 1), date(9999, 12, 31), date(2000, 6, 1)])
def test_epa_window_far_from_the_session_date_is_refused(start: date) -> None:
    line = refused(epa_window_start=start)
    assert "epa_window_start" in line and start.isoformat() in line


def test_epa_window_is_judged_against_the_sessions_own_date() -> None:
    # An old record stays valid years later: the range moves with created_at, not today.
    old = make(
        created_at=datetime(2020, 3, 4, 10, 0, tzinfo=UTC), epa_window_start=date(2020, 3, 1)
    )
    assert SessionInfo.model_validate_json(old.to_json_bytes()) == old
    assert make(epa_window_start=date.today()).epa_window_start == date.today()


def test_session_json_errors_name_the_field_and_the_fix(tmp_path: Path) -> None:
    from discussion.record.errors import RecordError
    from discussion.record.session import load_info

    data = json.loads(make().to_json_bytes())
    data["reaction_lag_s"] = 99
    (tmp_path / "session.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        load_info(tmp_path)
    line = caught.value.message
    # Was: "session.json cannot be read: 1 validation error for SessionInfo".
    assert "validation error" not in line and "\n" not in line
    assert "session.json: reaction_lag_s: 99 is too large: allowed from 0 to 10" in line
    assert "discussion verify" in line


def test_standard_file_nested_hundreds_deep_is_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(standard_dir(), data)
    (data / "standard.toml").write_text("x = " + "[" * 3000 + "]" * 3000 + "\n")
    with pytest.raises(UserError, match=r"standard\.toml: nested too deeply"):
        load_standard(data)
