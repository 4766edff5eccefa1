"""`discussion export` in a fresh interpreter: exit codes, output, never a traceback."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

from test_record_support import make_closed_session, make_info, populate, run_cli

from discussion.record import SessionRecord, verify


def test_markdown_to_stdout(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path / "sessions")
    result = run_cli("export", str(folder), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Professional Discussion record: Test Apprentice")
    assert "CLOSED and sealed" in result.stdout
    assert "Traceback" not in result.stderr


def test_html_and_csv_to_files(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path / "sessions")
    out = tmp_path / "out"
    out.mkdir()
    html = run_cli(
        "export", str(folder), "--format", "html", "-o", str(out / "r.html"), home=tmp_path
    )
    assert html.returncode == 0, html.stderr
    assert "wrote" in html.stderr and html.stdout == ""
    assert "<!DOCTYPE html>" in (out / "r.html").read_text(encoding="utf-8")
    result = run_cli("export", str(folder), "--format", "csv", home=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["row_type"] for r in rows} >= {"note", "decision"}
    assert verify(folder).ok


def test_open_session_exports_and_says_so(tmp_path: Path) -> None:
    with SessionRecord.create(make_info(), home=tmp_path / "sessions") as record:
        populate(record)
        result = run_cli("export", str(record.folder), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "OPEN" in result.stdout.splitlines()[2]
    assert "NOT SEALED" in result.stdout


def test_missing_and_non_session_folders_exit_2(tmp_path: Path) -> None:
    missing = run_cli("export", str(tmp_path / "nope"), home=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.startswith("discussion: error:") and "no such folder" in missing.stderr
    plain = tmp_path / "plain"
    plain.mkdir()
    not_session = run_cli("export", str(plain), home=tmp_path)
    assert not_session.returncode == 2
    assert "not a session folder" in not_session.stderr
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    assert run_cli("export", str(a_file), home=tmp_path).returncode == 2
    for result in (missing, not_session):
        assert "Traceback" not in result.stderr and result.stdout == ""


def test_refuses_to_write_into_the_session_folder(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path / "sessions")
    result = run_cli("export", str(folder), "-o", str(folder / "record.md"), home=tmp_path)
    assert result.returncode == 2
    assert "never written inside a session folder" in result.stderr
    assert not (folder / "record.md").exists()
    assert verify(folder).ok


def test_bad_format_is_a_usage_error(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path / "sessions")
    result = run_cli("export", str(folder), "--format", "pdf", home=tmp_path)
    assert result.returncode == 2
    assert "unknown export format 'pdf'" in result.stderr and "Traceback" not in result.stderr


def test_damaged_log_exits_1_without_traceback(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path / "sessions")
    log = folder / "events.jsonl"
    lines = log.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b'"seq":1', b'"seq":7')
    log.write_bytes(b"\n".join(lines))
    result = run_cli("export", str(folder), home=tmp_path)
    assert result.returncode == 1
    assert "discussion verify" in result.stderr and "Traceback" not in result.stderr


# ---------------------------------------- issue 14, faults 9 and 12: -o fails in one line
def one_line_error(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("discussion: error:"), result.stderr
    return lines[0]


def test_unwritable_folders_are_one_line(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path / "sessions")
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for target, phrase in (
        (Path("/proc/record.md"), "choose a folder you can write to"),  # refused even to root
        (a_file / "record.md", "a part of the path is a file"),
    ):
        line = one_line_error(run_cli("export", str(folder), "-o", str(target), home=tmp_path))
        assert phrase in line and str(target) in line


def test_dev_stdout_on_a_pipe_is_refused_in_one_line(tmp_path: Path) -> None:
    """`-o /dev/stdout` with stdout a pipe used to try a temp file in /proc/<pid>/fd."""
    folder = make_closed_session(tmp_path / "sessions")
    result = run_cli("export", str(folder), "-o", "/dev/stdout", home=tmp_path)  # a pipe here
    line = one_line_error(result)
    assert "named pipe" in line and "leave out -o" in line


def test_existing_file_needs_force(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path / "sessions")
    target = tmp_path / "record.md"
    target.write_text("keep me")
    line = one_line_error(run_cli("export", str(folder), "-o", str(target), home=tmp_path))
    assert "already exists" in line and "--force" in line
    assert target.read_text() == "keep me"
    forced = run_cli("export", str(folder), "-o", str(target), "--force", home=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert target.read_text(encoding="utf-8").startswith("# Professional Discussion record")


def test_never_writes_into_another_session_outside_the_home(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path / "sessions")
    other = make_closed_session(tmp_path / "archive")  # not under DISCUSSION_HOME
    result = run_cli("export", str(folder), "-o", str(other / "r.md"), home=tmp_path / "h")
    assert "holds a session record" in one_line_error(result)
    assert not (other / "r.md").exists() and verify(other).ok
