"""discussion.export: the assessment record of a real session as Markdown, HTML and CSV."""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_record_support import make_info, write_wav

from discussion.errors import UserError
from discussion.export import (
    ExportExistsError,
    build_report,
    default_export_path,
    export_text,
    hhmmss,
    render,
    write_export,
)
from discussion.export.csv_format import HEADER, safe_cell
from discussion.export.markdown_format import md_escape
from discussion.record import (
    AlarmClearedData,
    AlarmData,
    AudioGapData,
    ComponentResultData,
    ConsentRecordedData,
    QuestionAskedData,
    RecordingStartedData,
    RecordingStoppedData,
    SessionRecord,
    verify,
)
from discussion.standard import load_standard

STANDARD = load_standard()
DISCUSSION = STANDARD.component("discussion")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def build(home: Path, *, decide_all: bool = True) -> SessionRecord:
    """A discussion with audio, consent, a gap, alarms, notes (one amended), decisions."""
    rec = SessionRecord.create(make_info(apprentice_name="Jo <b>Bloggs</b>", reaction_lag_s=0.0))
    segment = rec.next_segment_path()
    name = segment.relative_to(rec.folder).as_posix()
    rec.append(RecordingStartedData(segment=name, start_offset=0.0, device="mic"), 0.0)
    rec.append(ConsentRecordedData(recording=True, statement="Agreed to be recorded"), 1.0)
    rec.append(QuestionAskedData(question_id="Q-1A-01", criteria=["1A"]), 62.0)
    first = rec.add_note("Internal customers: the warehouse team", ["1A"], 75.0)
    rec.amend_note(first.seq, "Internal customers: warehouse and finance teams", ["1A", "2A"])
    evil = rec.add_note("<script>alert('x')</script> & =SUM(A1)", ["3A"], 3725.0)
    rec.append(AlarmData(kind="silence", message="no sound for 30 s"), 900.0)
    rec.append(AlarmClearedData(kind="silence"), 930.0)
    rec.append(AudioGapData(cause="device lost", duration_s=2.5), 1000.0)
    frames = write_wav(segment, 0.5)
    rec.append(RecordingStoppedData(segment=name, frames=frames, reason="discussion ended"), 3800.0)
    rec.decide("1A", False, "too vague at first", [first.seq])
    rec.decide("1A", True, "Named two internal teams", [first.seq])
    if decide_all:
        for criterion in DISCUSSION.criteria:
            if criterion.id != "1A":
                rec.decide(criterion.id, criterion.id != "3C", f"why {criterion.id}", [evil.seq])
    rec.append(ComponentResultData(component="observation", attempt=1, achieved=["P1"]))
    return rec


@pytest.fixture
def closed(home: Path) -> Iterator[Path]:
    rec = build(home)
    rec.close()
    yield rec.folder


def test_hhmmss() -> None:
    assert hhmmss(0) == "00:00:00"
    assert hhmmss(3725.9) == "01:02:05"
    assert hhmmss(-3) == "00:00:00"


def test_markdown_of_a_closed_session(closed: Path) -> None:
    text = export_text(closed, "md")
    head = text.split("\n## ")[0]
    assert "CLOSED and sealed" in head
    for expected in ("1234567899", "Test Assessor", "virtual", "1 (first assessment)"):
        assert expected in head
    assert "Jo \\<b\\>Bloggs\\</b\\>" in head  # escaped, not markup
    report = build_report(closed)
    assert report.record_hash is not None and report.record_hash in text
    assert "intact (sealed" in text
    assert "Duration:** 01:03:20" in text
    assert "Agreed to be recorded" in text
    assert "00:16:40 gap: 2.5 s" in text
    assert "00:15:00 ALARM: silence" in text and "00:15:30 alarm cleared" in text
    # issue 8: the Recording section uses one time format (timeline offsets), in time order
    report_lines = build_report(closed).recording_lines()
    stamps = [line[:8] for line in report_lines if line[:2].isdigit()]
    assert stamps == sorted(stamps) and len(stamps) >= 3
    assert not any("resumed 20" in line for line in report_lines)  # no wall clock
    # decisions with rationale, notes with times, superseded decisions
    assert "### 1A (pass): MET" in text
    assert "Named two internal teams" in text
    assert "*Superseded:* not met" in text
    assert "**00:01:15** [1A, 2A] Internal customers: warehouse and finance teams *(amended" in text
    assert "original" in text and "the warehouse team" in text
    assert "### 3C (distinction): NOT MET" in text
    assert "**01:02:05** [3A] \\<script\\>" in text
    assert "Q-1A-01" in text and "**00:01:02**" in text
    assert "Practical Observation**, attempt 1 (first assessment): achieved P1" in text
    assert "**Overall grade: FAIL**" in text
    assert "Grade: fail as it stands" in text


def test_open_session_says_not_sealed(home: Path) -> None:
    rec = build(home, decide_all=False)
    try:
        text = export_text(rec.folder, "md")
        assert text.split("\n")[2].startswith("> **OPEN")
        assert "NOT SEALED (the session has not been closed)" in text
        assert "provisional" in text
        assert "Criteria not yet decided" in text
        assert "### 2A (distinction): UNDECIDED" in text
    finally:
        rec.release()
    # released without closing: interrupted
    assert "INTERRUPTED" in export_text(rec.folder, "md").split("\n")[2]
    assert "run \\`discussion recover\\`" in export_text(rec.folder, "md")


def test_html_is_escaped_self_contained_and_printable(closed: Path) -> None:
    page = export_text(closed, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; =SUM(A1)" in page
    assert "Jo &lt;b&gt;Bloggs&lt;/b&gt;" in page
    assert "<b>" not in page
    assert "@media print" in page
    for external in ("http://", "https://", "<link", "src="):
        assert external not in page
    assert "CLOSED and sealed" in page
    assert build_report(closed).record_hash in page  # type: ignore[operator]


def test_csv_rows_parse_with_the_csv_module(closed: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(export_text(closed, "csv"))))
    notes = [r for r in rows if r["row_type"] == "note"]
    decisions = [r for r in rows if r["row_type"] == "decision"]
    superseded = [r for r in rows if r["row_type"] == "superseded_decision"]
    assert len(notes) == 2
    assert len(decisions) == len(DISCUSSION.criteria)
    assert len(superseded) == 1 and superseded[0]["criteria"] == "1A"
    amended = notes[0]
    assert amended["time_on_recording_hhmmss"] == "00:01:15"
    assert amended["amended"] == "yes"
    assert amended["criteria"] == "1A 2A"
    assert amended["original_text"] == "Internal customers: the warehouse team"
    assert notes[1]["text"] == "<script>alert('x')</script> & =SUM(A1)"
    one_a = next(r for r in decisions if r["criteria"] == "1A")
    assert one_a["decision"] == "met" and one_a["note_seqs"] == amended["event_seq"]
    assert {r["status"] for r in rows} == {"closed"}
    with io.StringIO(export_text(closed, "csv")) as handle:
        assert next(csv.reader(handle)) == HEADER


def test_csv_neutralises_formulas() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("-5 points") == "'-5 points"
    assert safe_cell("fine") == "fine"


def test_md_escape() -> None:
    assert md_escape("<b>*x*</b>") == "\\<b\\>\\*x\\*\\</b\\>"
    assert md_escape("- item\n1. two") == "\\- item  \n1\\. two"


def test_unknown_format_and_missing_folder(home: Path, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such folder") as caught:
        build_report(tmp_path / "nope")
    assert caught.value.exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserError, match="not a session folder") as caught:
        build_report(empty)
    assert caught.value.exit_code == 2
    rec = build(home)
    rec.release()
    with pytest.raises(UserError, match="unknown export format"):
        render(build_report(rec.folder), "pdf")


def test_write_export_refuses_session_folder_and_is_private(closed: Path, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="never written inside a session folder"):
        write_export("x", closed / "record.md", session_folder=closed)
    with pytest.raises(UserError, match="never written inside"):
        write_export("x", closed.parent / "other.md")  # the sessions home itself
    with pytest.raises(UserError, match="no such folder"):
        write_export("x", tmp_path / "missing" / "r.md")
    with pytest.raises(UserError, match="is a folder"):
        write_export("x", tmp_path)
    target = default_export_path(closed.name, "html")
    assert target.parent.name == "exports"
    written = write_export(export_text(closed, "html"), target, session_folder=closed)
    assert written.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert os.stat(written).st_mode & 0o777 == 0o600
    assert verify(closed).ok


# -------------------------------------------------------- issue 14, fault 12: -o is safe
def test_an_existing_file_is_replaced_only_with_force(closed: Path, tmp_path: Path) -> None:
    target = tmp_path / "record.md"
    target.write_text("the assessor's own notes", encoding="utf-8")
    with pytest.raises(ExportExistsError, match=r"already exists.*--force"):
        write_export("new", target)
    assert target.read_text(encoding="utf-8") == "the assessor's own notes"
    assert write_export("new", target, force=True) == target
    assert target.read_text(encoding="utf-8") == "new"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".record.md.")]  # no temp left


def test_a_device_node_is_never_replaced(tmp_path: Path) -> None:
    """As root the temp-file rename used to swap a device node for a regular file."""
    device = tmp_path / "null-device"
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    for force in (False, True):
        with pytest.raises(UserError, match=r"is a character device.*only to regular files"):
            write_export("x", device, force=force)
        assert stat.S_ISCHR(os.lstat(device).st_mode)
    fifo = tmp_path / "a-pipe"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match=r"is a named pipe.*leave out -o"):
        write_export("x", fifo, force=True)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_no_folder_holding_a_session_record_is_written_into(closed: Path, tmp_path: Path) -> None:
    """Found by its contents: a session copied outside the data home is protected too."""
    elsewhere = tmp_path / "usb-stick" / closed.name
    shutil.copytree(closed, elsewhere, symlinks=True)
    assert verify(elsewhere).ok
    for target in (elsewhere / "record.md", elsewhere / "audio" / "record.md"):
        with pytest.raises(UserError, match="holds a session record"):
            write_export("x", target, force=True)
    assert verify(elsewhere).ok
    written = write_export("x", elsewhere.parent / "record.md")  # beside it is fine
    assert written.read_text(encoding="utf-8") == "x"
