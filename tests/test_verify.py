"""verify(): intact records pass; alterations are named; the CLI's exit codes and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_record_support import make_closed_session, make_info, populate, run_cli

from discussion.errors import UserError
from discussion.record import SessionRecord, verify


def test_closed_session_verifies_and_is_sealed(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    report = verify(folder)
    assert report.ok, report.problems
    assert report.sealed and report.events == 9
    assert report.audio_seconds == pytest.approx(0.25)


def test_open_session_is_ok_but_not_sealed(tmp_path: Path) -> None:
    record = SessionRecord.create(make_info(), home=tmp_path)
    populate(record)
    report = verify(record.folder)
    assert report.ok and not report.sealed
    record.release()
    assert verify(record.folder).ok


def _lines(folder: Path) -> list[bytes]:
    return (folder / "events.jsonl").read_bytes().splitlines(keepends=True)


def test_whitespace_edit_is_caught_with_its_line_number(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    lines = _lines(folder)
    lines[3] = lines[3].replace(b'"seq":3', b'"seq": 3')
    (folder / "events.jsonl").write_bytes(b"".join(lines))
    report = verify(folder)
    assert not report.ok
    assert "line 4" in report.problems[0] and "canonical" in report.problems[0]


def test_altered_audio_missing_and_extra_files(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    wav = folder / "audio" / "segment-001.wav"
    data = bytearray(wav.read_bytes())
    data[-1] ^= 1
    wav.write_bytes(bytes(data))
    (folder / "recorder.log").unlink()
    (folder / "audio" / "extra.txt").write_text("added")
    problems = "\n".join(verify(folder).problems)
    assert "audio/segment-001.wav has been altered" in problems
    assert "recorder.log is missing" in problems
    assert "audio/extra.txt was added after closing" in problems


def test_session_json_change_and_trailing_byte(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    path = folder / "session.json"
    path.write_bytes(path.read_bytes().replace(b"Test Apprentice", b"Test Apprentise"))
    with (folder / "events.jsonl").open("ab") as handle:
        handle.write(b" ")
    problems = "\n".join(verify(folder).problems)
    assert "session.json does not match" in problems
    assert "after the closed line" in problems


def test_removed_closed_line_is_caught(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    (folder / "events.jsonl").write_bytes(b"".join(_lines(folder)[:-1]))
    report = verify(folder)
    assert not report.ok and "closed line may have been removed" in report.problems[0]


def test_invalid_utf8_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    lines = _lines(folder)
    lines[2] = b"\xff\xfe" + lines[2]
    (folder / "events.jsonl").write_bytes(b"".join(lines))
    report = verify(folder)
    assert not report.ok and "line 3" in report.problems[0]


def test_not_a_session_raises_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        verify(tmp_path / "missing")
    with pytest.raises(UserError):
        verify(tmp_path)


def test_cli_exit_codes_and_json(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    ok = run_cli("verify", str(folder), "--json")
    assert ok.returncode == 0, ok.stderr
    body = json.loads(ok.stdout)
    assert body["ok"] is True and body["events"] == 9 and body["problems"] == []
    assert body["audio_seconds"] == pytest.approx(0.25) and body["sealed"] is True
    human = run_cli("verify", str(folder))
    assert human.returncode == 0 and "intact" in human.stdout

    with (folder / "events.jsonl").open("ab") as handle:
        handle.write(b"\n")
    bad = run_cli("verify", str(folder), "--json")
    assert bad.returncode == 1
    assert json.loads(bad.stdout)["ok"] is False and json.loads(bad.stdout)["problems"]
    human_bad = run_cli("verify", str(folder))
    assert human_bad.returncode == 1 and "NOT INTACT" in human_bad.stdout

    missing = run_cli("verify", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "not a folder" in missing.stderr
    not_session = run_cli("verify", str(tmp_path))
    assert not_session.returncode == 2 and "not a session folder" in not_session.stderr
    usage = run_cli("verify")
    assert usage.returncode == 2
    for result in (ok, human, bad, human_bad, missing, not_session, usage):
        assert "Traceback" not in result.stderr


def test_odd_file_types_are_problems_not_exceptions(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    (folder / "audio" / "empty-dir").mkdir()  # directories are not files: ignored
    (folder / "session.json").unlink()
    (folder / "session.json").mkdir()
    report = verify(folder)
    assert not report.ok
    assert "session.json cannot be read: Is a directory" in report.problems
    assert "session.json is missing (sealed by the closed event)" in report.problems


def test_list_and_recover_on_a_missing_home(tmp_path: Path) -> None:
    from discussion.record import list_sessions, recover

    assert list_sessions(tmp_path / "none") == []
    assert recover(home=tmp_path / "none").sessions == []
