"""Session folders, session.json, the lock, notes and derived state, list_sessions."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError
from test_record_support import make_info, populate

from discussion.record import (
    AlarmClearedData,
    AlarmData,
    AudioGapData,
    ComponentResultData,
    ConsentRecordedData,
    CreatedData,
    RecordingPausedData,
    RecordingResumedData,
    RecordingStartedData,
    RecordingStoppedData,
    SessionClosedError,
    SessionLockedError,
    SessionRecord,
    TimeWarningData,
    is_owned_by_running_process,
    list_sessions,
    load_state,
    verify,
)
from discussion.record.info import new_session_id
from discussion.record.listing import TAIL_BYTES


def test_create_writes_private_folder_session_json_and_created_event(tmp_path: Path) -> None:
    record = SessionRecord.create(make_info(), home=tmp_path)
    folder = record.folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("session.json", "events.jsonl", "recorder.lock"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    info = json.loads((folder / "session.json").read_text())
    assert info["audio"] == {
        "samplerate": 16000,
        "channels": 1,
        "format": "WAV",
        "subtype": "PCM_16",
    }
    assert info["kind"] == "assessment" and info["attempt"] == 1
    assert info["software_version"]
    created = record.events[0]
    assert created.type == "created" and created.prev == "0" * 64
    assert isinstance(created.payload, CreatedData)
    digest = hashlib.sha256((folder / "session.json").read_bytes()).hexdigest()
    assert created.payload.session_json_sha256 == digest
    record.release()


def test_folder_name_is_sortable_and_free_of_personal_data(tmp_path: Path) -> None:
    record = SessionRecord.create(make_info(), home=tmp_path)
    name = record.folder.name
    assert name[:4].isdigit() and "T" in name
    assert "Apprentice" not in name and "1234567899" not in name
    assert new_session_id() != new_session_id()
    record.release()


def test_notes_only_session_needs_a_reason() -> None:
    with pytest.raises(ValidationError, match="no_audio_reason"):
        make_info(audio=False)
    info = make_info(audio=False, no_audio_reason="apprentice declined recording")
    assert json.loads(info.to_json_bytes())["audio"] is False


def test_lock_marks_the_owner_and_refuses_a_second_owner(tmp_path: Path) -> None:
    record = SessionRecord.create(make_info(), home=tmp_path)
    assert is_owned_by_running_process(record.folder)
    with pytest.raises(SessionLockedError):
        SessionRecord.open(record.folder)
    record.release()
    assert not is_owned_by_running_process(record.folder)
    again = SessionRecord.open(record.folder)
    assert again.events == record.events
    again.close()
    assert not (record.folder / "recorder.lock").exists()
    with pytest.raises(SessionClosedError):
        SessionRecord.open(record.folder)


def test_note_offset_applies_the_reaction_lag_and_clamps(tmp_path: Path) -> None:
    record = SessionRecord.create(make_info(reaction_lag_s=2.0), home=tmp_path)
    late = record.add_note("late", ["1A"], 10.5)
    early = record.add_note("early", [], 1.0)
    assert late.offset == 8.5 and late.data["raw_offset"] == 10.5 and late.data["lag_s"] == 2.0
    assert early.offset == 0.0 and early.data["raw_offset"] == 1.0
    record.release()


def test_amendments_keep_the_original_and_decisions_supersede(tmp_path: Path) -> None:
    record = SessionRecord.create(make_info(), home=tmp_path)
    note = record.add_note("origin", ["1A"], 4.0)
    record.amend_note(note.seq, "corrected", ["2A"])
    with pytest.raises(ValueError):
        record.amend_note(0, "not a note", [])
    record.decide("2A", False, "not yet", [note.seq])
    record.decide("2A", True, "after probing", [note.seq])
    state = record.state()
    view = state.note(note.seq)
    assert view is not None
    assert (view.text, view.criteria) == ("corrected", ["2A"])
    assert (view.original_text, view.original_criteria) == ("origin", ["1A"])
    assert view.amended_by == [note.seq + 1]
    evidence = state.criteria["2A"]
    assert evidence.note_count == 1 and "1A" not in state.criteria
    assert evidence.decision is not None and evidence.decision.met
    assert len(evidence.superseded) == 1
    tally = state.tally()
    assert tally.achieved == ["2A"] and tally.not_met == []
    assert tally.as_grading_input() == {"component": "discussion", "attempt": 1, "achieved": ["2A"]}
    # nothing rewritten: the original line is still in the file
    assert b'"text":"origin"' in (record.folder / "events.jsonl").read_bytes()
    record.release()


def test_derived_timeline_alarms_and_other_events(tmp_path: Path) -> None:
    record = SessionRecord.create(make_info(), home=tmp_path)
    record.append(ConsentRecordedData(recording=True, statement="agreed"), 0.0)
    seg1 = record.next_segment_path()
    assert seg1.name == "segment-001.wav"
    record.append(RecordingStartedData(segment="audio/segment-001.wav", start_offset=0.0), 0.0)
    record.append(RecordingPausedData(reason="break"), 30.0)
    record.append(RecordingResumedData(), 30.0)
    record.append(AudioGapData(cause="device_lost", duration_s=2.5), 40.0)
    record.append(AlarmData(kind="device_lost", message="microphone unplugged"), 40.0)
    record.append(AlarmClearedData(kind="device_lost"), 42.5)
    record.append(AlarmData(kind="silence", message="no sound for 30 s"), 50.0)
    record.append(TimeWarningData(minutes=5), 55.0)
    record.append(RecordingStoppedData(segment="audio/segment-001.wav", frames=16000 * 60), 60.0)
    assert record.next_segment_path().name == "segment-002.wav"
    record.append(ComponentResultData(component="showcase", attempt=1, achieved=["S1"]), 60.0)
    state = record.state()
    assert state.status == "open" and state.consent is True
    assert len(state.segments) == 1 and state.segments[0].frames == 16000 * 60
    assert state.segments[0].pauses[0].reason == "break"
    assert state.segments[0].pauses[0].resumed_at is not None
    assert state.gaps[0].duration_s == 2.5
    assert state.active_alarms == {"silence": "no sound for 30 s"}
    assert state.time_warnings == [5]
    assert state.audio_seconds == 60.0 and record.timeline_end_offset() == 60.0
    assert state.component_results[0].component == "showcase"
    record.release()
    assert load_state(record.folder).status == "interrupted"


def test_list_sessions_reports_broken_folders(tmp_path: Path) -> None:
    closed = SessionRecord.create(make_info(apprentice_name="A One"), home=tmp_path)
    populate(closed)
    closed.close()
    practice = make_info(attempt=2, kind="practice", uln="9999999998")  # the made-up ULN
    running = SessionRecord.create(practice, home=tmp_path)
    interrupted = SessionRecord.create(make_info(), home=tmp_path)
    interrupted.release()
    (tmp_path / "zz-broken").mkdir()
    (tmp_path / "zz-broken" / "session.json").write_text("{not json")
    (tmp_path / "zz-nolog").mkdir()
    (tmp_path / "zz-nolog" / "session.json").write_bytes(make_info().to_json_bytes())
    (tmp_path / "stray-file").write_text("x")
    rows = {row.folder.name: row for row in list_sessions(tmp_path)}
    assert rows[closed.folder.name].status == "closed"
    assert rows[closed.folder.name].apprentice == "A One"
    assert rows[running.folder.name].status == "open"
    assert rows[running.folder.name].kind == "practice"
    assert rows[running.folder.name].attempt == 2
    assert rows[interrupted.folder.name].status == "interrupted"
    assert rows["zz-broken"].status == "broken" and rows["zz-broken"].problem
    assert rows["zz-nolog"].status == "broken"
    assert "stray-file" not in rows
    running.release()


def test_list_sessions_uses_discussion_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    record = SessionRecord.create(make_info())
    assert record.folder.parent == tmp_path / "sessions"
    assert [row.session_id for row in list_sessions()] == [record.folder.name]
    record.release()


# ------------------------------- issue 14, faults 10 and 11: every folder listed on its own
def test_one_bad_folder_never_hides_the_others(tmp_path: Path) -> None:
    """Nine good sessions and four broken ones: thirteen rows, each broken one with its reason."""
    good = []
    for _ in range(9):
        record = SessionRecord.create(make_info(), home=tmp_path)
        record.close()
        good.append(record.folder.name)
    broken: dict[str, str] = {}
    for kind in ("log-folder", "log-loop", "json-zero", "unreadable"):
        record = SessionRecord.create(make_info(), home=tmp_path)
        record.release()
        folder = record.folder
        if kind == "log-folder":
            (folder / "events.jsonl").unlink()
            (folder / "events.jsonl").mkdir()
        elif kind == "log-loop":
            (folder / "events.jsonl").unlink()
            (folder / "events.jsonl").symlink_to("events.jsonl")
        elif kind == "json-zero":
            (folder / "session.json").unlink()
            (folder / "session.json").symlink_to("/dev/zero")  # used to fill the memory
        else:
            (folder / "events.jsonl").unlink()
            os.mkfifo(folder / "events.jsonl")  # would block a plain open()
        broken[folder.name] = kind
    rows = {row.folder.name: row for row in list_sessions(tmp_path)}
    assert len(rows) == 13
    assert all(rows[name].status == "closed" for name in good)
    reasons = {broken[name]: row.problem for name, row in rows.items() if name in broken}
    assert all(rows[name].status == "broken" for name in broken)
    assert reasons["log-folder"] == "events.jsonl is a folder, not a regular file"
    assert reasons["log-loop"] == "events.jsonl is a symbolic link, not a regular file"
    assert reasons["unreadable"] == "events.jsonl is a named pipe, not a regular file"
    assert (
        reasons["json-zero"] is not None
        and "session.json is a symbolic link" in reasons["json-zero"]
    )


def test_listing_reads_only_the_tail_of_a_log(tmp_path: Path) -> None:
    """The status is in the last line: a damaged first line (far from the end) is verify's
    to find; the listing never reads that far."""
    record = SessionRecord.create(make_info(), home=tmp_path)
    for index in range(400):
        record.add_note(f"note {index} " + "x" * 300, [], float(index))
    record.close()
    path = record.folder / "events.jsonl"
    content = bytearray(path.read_bytes())
    assert len(content) > 2 * TAIL_BYTES
    content[10] ^= 0x01  # same length, first line no longer matches its hash
    path.write_bytes(bytes(content))
    assert list_sessions(tmp_path)[0].status == "closed"
    assert "line 1" in " ".join(verify(record.folder).problems)


def test_a_torn_last_line_is_listed_with_the_fix(tmp_path: Path) -> None:
    record = SessionRecord.create(make_info(), home=tmp_path)
    record.add_note("one", [], 1.0)
    record.release()
    with (record.folder / "events.jsonl").open("ab") as handle:
        handle.write(b'{"at":"2026')
    row = list_sessions(tmp_path)[0]
    assert row.status == "interrupted"
    assert row.problem == "torn last line (last line has no newline): run `discussion recover`"
