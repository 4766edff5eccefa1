"""`discussion export` in a fresh interpreter: exit codes, output, never a traceback."""

from __future__ import annotations

import csv
import io
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
    assert "invalid choice" in result.stderr and "Traceback" not in result.stderr


def test_damaged_log_exits_1_without_traceback(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path / "sessions")
    log = folder / "events.jsonl"
    lines = log.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b'"seq":1', b'"seq":7')
    log.write_bytes(b"\n".join(lines))
    result = run_cli("export", str(folder), home=tmp_path)
    assert result.returncode == 1
    assert "discussion verify" in result.stderr and "Traceback" not in result.stderr
