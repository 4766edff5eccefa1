"""verify(): intact records pass; alterations are named; the CLI's exit codes and JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_record_support import REPO, make_closed_session, make_info, populate, run_cli

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
    (folder / "audio" / "empty-dir").mkdir()  # an empty folder is named too (issue 10)
    (folder / "session.json").unlink()
    (folder / "session.json").mkdir()
    report = verify(folder)
    assert not report.ok
    assert report.problems == [
        "session.json is a folder, not a regular file",
        "audio/empty-dir/ is an empty folder: a session folder holds only the record's files "
        "(remove it, or restore what it held)",
    ]


def test_list_and_recover_on_a_missing_home(tmp_path: Path) -> None:
    from discussion.record import list_sessions, recover

    assert list_sessions(tmp_path / "none") == []
    assert recover(home=tmp_path / "none").sessions == []


# ------------------------------------ issue 14, fault 10: devices, FIFOs, symlinks in a folder
def run_cli_quickly(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh interpreter; a hang (reading /dev/zero for ever) fails in 30 s."""
    env = dict(os.environ, DISCUSSION_HOME=str(home), PYTHONPATH=str(REPO))
    try:
        return subprocess.run(
            [sys.executable, "-m", "discussion", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`discussion {' '.join(args)}` hung", pytrace=False)


def zero_linked(home: Path, name: str) -> Path:
    """A closed session whose `name` has been replaced by a symlink to /dev/zero."""
    folder = make_closed_session(home)
    (folder / name).unlink()
    (folder / name).symlink_to("/dev/zero")
    return folder


@pytest.mark.parametrize("name", ["session.json", "audio/segment-001.wav"])
def test_a_file_linked_to_dev_zero_is_reported_not_read(tmp_path: Path, name: str) -> None:
    folder = zero_linked(tmp_path / "sessions", name)
    result = run_cli_quickly("verify", str(folder), home=tmp_path)
    assert result.returncode == 1, result.stderr
    assert f"{name} is a symbolic link" in result.stdout and "Traceback" not in result.stderr
    exported = run_cli_quickly("export", str(folder), home=tmp_path)
    assert "Traceback" not in exported.stderr
    if name == "session.json":  # nothing to export without it: one line, exit 1 (damaged)
        assert exported.returncode == 1
        assert "session.json is a symbolic link" in exported.stderr
    else:
        assert exported.returncode == 0 and "NOT INTACT" in exported.stdout


def test_special_files_anywhere_in_the_folder_are_reported(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    os.mkfifo(folder / "audio" / "segment-002.wav")
    (folder / "notes-link").symlink_to(folder / "recorder.log")
    (folder / "loop").symlink_to("loop")
    report = verify(folder)
    assert not report.ok
    for name, kind in (
        ("audio/segment-002.wav", "a named pipe"),
        ("notes-link", "a symbolic link"),
        ("loop", "a symbolic link"),
    ):
        assert any(
            p.startswith(f"{name} is {kind}: a session folder holds only") for p in report.problems
        ), report.problems
    assert not any("was added after closing" in p for p in report.problems)


@pytest.mark.parametrize("kind", ["folder", "loop"])
def test_an_unusable_log_is_a_problem_line(tmp_path: Path, kind: str) -> None:
    folder = make_closed_session(tmp_path)
    log = folder / "events.jsonl"
    log.unlink()
    if kind == "folder":
        log.mkdir()
    else:
        log.symlink_to("events.jsonl")
    report = verify(folder)
    expected = "a folder" if kind == "folder" else "a symbolic link"
    assert report.problems[0] == f"events.jsonl is {expected}, not a regular file"
