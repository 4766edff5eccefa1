"""Recovery of interrupted sessions: torn line, stale WAV header, resume, refusal when owned."""

from __future__ import annotations

import importlib.util
import json
import struct
from pathlib import Path

import pytest
from test_record_support import make_info, run_cli, write_wav

from discussion.record import (
    RecordingStartedData,
    RecoveredData,
    SessionLockedError,
    SessionRecord,
    recover,
    resume,
    verify,
)
from discussion.record.recover import recover_session

HAVE_WAVFILE = importlib.util.find_spec("discussion.audio.wavfile") is not None


def _interrupted(home: Path, seconds: float = 0.5) -> tuple[Path, list[bytes]]:
    """A session 'killed' mid-recording: running segment with a stale header, torn line."""
    record = SessionRecord.create(make_info(), home=home)
    segment = record.next_segment_path()
    record.append(RecordingStartedData(segment="audio/segment-001.wav", start_offset=0.0), 0.0)
    record.add_note("before the crash", ["1A"], 0.3)
    write_wav(segment, seconds)
    data = bytearray(segment.read_bytes())
    data[4:8] = struct.pack("<I", 36)  # stale header: sizes as when the file was opened
    data[40:44] = struct.pack("<I", 0)
    segment.write_bytes(bytes(data))
    good = (record.folder / "events.jsonl").read_bytes().splitlines(keepends=True)
    record.release()  # the process died: lock gone, no closed event
    with (record.folder / "events.jsonl").open("ab") as handle:
        handle.write(b'{"at":"2026-11-23T20:0')
    return record.folder, good


def test_recover_sets_aside_torn_line_and_records_audio_length(tmp_path: Path) -> None:
    folder, good = _interrupted(tmp_path)
    assert not verify(folder).ok  # the torn line is a problem until recovered
    report = recover(home=tmp_path)
    assert report.ok and len(report.sessions) == 1
    outcome = report.sessions[0]
    assert outcome.action == "recovered"
    assert outcome.torn_file == "events.torn-1.jsonl"
    assert (folder / "events.torn-1.jsonl").read_bytes() == b'{"at":"2026-11-23T20:0'
    lines = (folder / "events.jsonl").read_bytes().splitlines(keepends=True)
    assert lines[: len(good)] == good
    record, _ = resume(folder)
    last = record.events[-1]
    assert isinstance(last.payload, RecoveredData)
    assert last.payload.torn_line_set_aside
    if HAVE_WAVFILE:
        assert outcome.repaired_files == ["audio/segment-001.wav"]
        assert last.payload.segment_frames == {"audio/segment-001.wav": 8000}
        assert outcome.audio_seconds == pytest.approx(0.5)
        assert record.timeline_end_offset() == pytest.approx(0.5)
    # a new run continues the same timeline in a new segment
    assert record.next_segment_path().name == "segment-002.wav"
    record.close()
    report_after = verify(folder)
    assert report_after.ok, report_after.problems


def test_recover_twice_does_nothing_the_second_time(tmp_path: Path) -> None:
    folder, _ = _interrupted(tmp_path)
    assert recover(folder).sessions[0].action == "recovered"
    count = len((folder / "events.jsonl").read_bytes().splitlines())
    assert recover(folder).sessions[0].action == "nothing-to-do"
    assert len((folder / "events.jsonl").read_bytes().splitlines()) == count


def test_recover_refuses_a_session_whose_owner_is_running(tmp_path: Path) -> None:
    record = SessionRecord.create(make_info(), home=tmp_path)
    with pytest.raises(SessionLockedError):
        recover_session(record.folder)
    sweep = recover(home=tmp_path)
    assert [s.action for s in sweep.sessions] == ["in-use"]
    result = run_cli("recover", str(record.folder))
    assert result.returncode == 2
    assert "in use by a running process" in result.stderr
    assert "Traceback" not in result.stderr
    record.release()


def test_recover_cleans_a_stale_lock_of_a_closed_session(tmp_path: Path) -> None:
    record = SessionRecord.create(make_info(), home=tmp_path)
    record.close()
    (record.folder / "recorder.lock").write_text("12345\n")  # killed right after closing
    assert not verify(record.folder).ok
    assert recover(record.folder).sessions[0].action == "cleaned"
    assert verify(record.folder).ok


def test_corrupt_log_is_reported_not_truncated(tmp_path: Path) -> None:
    record = SessionRecord.create(make_info(), home=tmp_path)
    record.add_note("one", [], 1.0)
    record.add_note("two", [], 2.0)
    record.release()
    path = record.folder / "events.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b"one", b"ONE")
    path.write_bytes(b"".join(lines))
    outcome = recover(record.folder).sessions[0]
    assert outcome.action == "failed" and "line 2" in outcome.message
    assert path.read_bytes() == b"".join(lines)


def test_cli_recover_all_and_json(tmp_path: Path) -> None:
    folder, _ = _interrupted(tmp_path / "sessions")
    result = run_cli("recover", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body[0]["folder"] == str(folder) and body[0]["action"] == "recovered"
    again = run_cli("recover", home=tmp_path)
    assert again.returncode == 0 and "nothing-to-do" in again.stdout
    missing = run_cli("recover", str(tmp_path / "nope"), home=tmp_path)
    assert missing.returncode == 2 and "not a session folder" in missing.stderr
    assert "Traceback" not in result.stderr + again.stderr + missing.stderr


# ------------------------- issue 14, faults 9-11: one bad folder never stops the others
def _break_log(folder: Path, kind: str) -> None:
    log = folder / "events.jsonl"
    log.unlink()
    if kind == "folder":
        log.mkdir()
    else:
        log.symlink_to("events.jsonl")  # a loop


def test_sweep_reports_each_bad_folder_and_recovers_the_rest(tmp_path: Path) -> None:
    good = [_interrupted(tmp_path)[0] for _ in range(3)]
    bad = {kind: _interrupted(tmp_path)[0] for kind in ("folder", "loop")}
    for kind, folder in bad.items():
        _break_log(folder, kind)
    report = recover(home=tmp_path)
    outcomes = {o.folder: o for o in report.sessions}
    assert all(outcomes[f].action == "recovered" for f in good)
    assert outcomes[bad["folder"]].action == "failed"
    assert "events.jsonl is a folder, not a regular file" in outcomes[bad["folder"]].message
    assert outcomes[bad["loop"]].action == "failed"
    assert "events.jsonl is a symbolic link" in outcomes[bad["loop"]].message
    assert not report.ok
    assert (bad["folder"] / "events.jsonl").is_dir()  # nothing changed in a broken folder


@pytest.mark.parametrize("kind", ["folder", "loop"])
def test_cli_recover_of_a_bad_log_is_one_line(tmp_path: Path, kind: str) -> None:
    folder, _ = _interrupted(tmp_path / "sessions")
    _break_log(folder, kind)
    for args in ([str(folder)], []):
        result = run_cli("recover", *args, home=tmp_path)
        assert result.returncode == 1, result.stderr
        assert result.stderr == "" and result.stdout.count("\n") == 1
        assert f"{folder.name}: failed: events.jsonl is a" in result.stdout


def test_a_segment_linked_to_dev_zero_is_not_read(tmp_path: Path) -> None:
    folder, _ = _interrupted(tmp_path)
    segment = folder / "audio" / "segment-001.wav"
    segment.unlink()
    segment.symlink_to("/dev/zero")
    outcome = recover_session(folder)
    assert outcome.action == "recovered"
    assert "audio/segment-001.wav is a symbolic link" in outcome.message
    assert segment.is_symlink()
