"""Conduct details in the record (issue 9): the set-up event's new optional fields, records made
before them, and the arrangements as the exports show them."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

from ui_live_helpers import notes_only_session, session_info

from discussion.arrangements import NOT_RECORDED, adjustments_in_place, arrangement_facts
from discussion.export import export_text
from discussion.record import SetupConfirmedData, verify
from discussion.record.events import (
    ZERO_HASH,
    CreatedData,
    Event,
    build_event,
    canonical_json,
    chain_hash,
    parse_line,
)
from discussion.record.info import EVENTS_JSONL, LOCK_FILE, SESSION_JSON
from discussion.record.session import read_log

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "transcripts" / "sample-discussion"
OLD_SETUP = {"gateway": ["seen"], "conduct": ["quiet"], "audio_check": "heard"}


def _raw_line(seq: int, etype: str, data: dict[str, Any], prev: str) -> bytes:
    """A stored line as an earlier version wrote it (its `data` exactly as given)."""
    body = {
        "seq": seq,
        "type": etype,
        "at": "2026-03-14T12:00:00.000Z",
        "offset": 0.0,
        "data": data,
        "prev": prev,
    }
    return (canonical_json({**body, "hash": chain_hash(prev, body)}) + "\n").encode()


def test_a_setup_line_written_before_the_new_fields_still_parses() -> None:
    event = parse_line(_raw_line(1, "setup_confirmed", OLD_SETUP, ZERO_HASH).rstrip(b"\n"))
    assert isinstance(event.payload, SetupConfirmedData)
    assert event.payload.mode_agreed_by == "" and event.payload.adjustments == []
    assert event.data == OLD_SETUP  # the stored bytes (and so the hash) are untouched
    facts = dict(arrangement_facts([event]))
    assert facts == {"Mode agreed": NOT_RECORDED, "Adjustments": NOT_RECORDED}


def test_new_fields_round_trip_and_read_back() -> None:
    data = SetupConfirmedData(
        gateway=["seen"], mode_agreed_by="Pat Manager", adjustments=["Extra time", "Rest breaks"]
    )
    event = parse_line(build_event(1, data, 0.0, ZERO_HASH).line().rstrip(b"\n"))
    assert event.payload == data
    assert adjustments_in_place([event]) == ["Extra time", "Rest breaks"]
    assert dict(arrangement_facts([event])) == {
        "Mode agreed": "with the employer, by Pat Manager",
        "Adjustments": "Extra time; Rest breaks",
    }
    none = build_event(1, SetupConfirmedData(mode_agreed_by="Pat Manager"), 0.0, ZERO_HASH)
    assert dict(arrangement_facts([none]))["Adjustments"] == "none"  # asked: none in place


def test_a_session_without_a_setup_event_says_not_recorded() -> None:
    assert arrangement_facts([]) == [("Mode agreed", NOT_RECORDED), ("Adjustments", NOT_RECORDED)]
    assert adjustments_in_place([]) == []


def test_the_latest_setup_event_counts() -> None:
    first = build_event(1, SetupConfirmedData(adjustments=["Extra time"]), 0.0, ZERO_HASH)
    second = build_event(2, SetupConfirmedData(adjustments=["Rest breaks"]), 0.0, first.hash)
    assert adjustments_in_place([first, second]) == ["Rest breaks"]


def test_an_old_folder_with_an_old_setup_event_verifies_and_exports(tmp_path: Path) -> None:
    folder = tmp_path / "old-session"
    folder.mkdir()
    info = session_info()
    raw = info.to_json_bytes()
    (folder / SESSION_JSON).write_bytes(raw)
    created = build_event(
        0,
        CreatedData(
            session_id=info.session_id,
            schema_version=info.schema_version,
            session_json_sha256=hashlib.sha256(raw).hexdigest(),
        ),
        0.0,
        ZERO_HASH,
    )
    lines = created.line() + _raw_line(1, "setup_confirmed", OLD_SETUP, created.hash)
    (folder / EVENTS_JSONL).write_bytes(lines)
    (folder / LOCK_FILE).touch()  # an unclosed session keeps its lock (its owner is gone)
    report = verify(folder)
    assert report.ok, report.problems
    assert [e.type for e in read_log(folder).events] == ["created", "setup_confirmed"]
    markdown = export_text(folder, "md")
    assert f"- **Adjustments:** {NOT_RECORDED}" in markdown


def test_the_sample_record_still_verifies() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "discussion", "verify", str(SAMPLE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_new_session_keeps_the_arrangements_and_seals(tmp_path: Path) -> None:
    live = notes_only_session(tmp_path)
    live.append(
        SetupConfirmedData(
            gateway=["seen"],
            mode_agreed_by="Pat Manager, line manager",
            adjustments=["A reader for the questions"],
        )
    )
    live.close("test")
    assert verify(live.folder).ok
    events: list[Event] = read_log(live.folder).events
    assert adjustments_in_place(events) == ["A reader for the questions"]
    html = export_text(live.folder, "html")
    assert "<dt>Mode agreed</dt><dd>with the employer, by Pat Manager, line manager</dd>" in html
