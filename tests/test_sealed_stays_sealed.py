"""A sealed record stays sealed (issue 10): each case on a copy of the sample record.

`recover` and resume refuse any record that holds or ever held a closed line, and never rebuild
a missing or emptied log; `verify` never calls an unsealed record plain "intact".
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from test_record_support import run_cli

from discussion.record.events import NoteData, build_event, parse_line
from discussion.record.recover import SealedRecordError, resume
from discussion.record.seal_guard import ADVICE, reopen_refusal

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "transcripts" / "sample-discussion"


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the sealed sample record in a DISCUSSION_HOME/sessions folder."""
    home = tmp_path / "home"
    folder = home / "sessions" / SAMPLE.name
    shutil.copytree(SAMPLE, folder)
    return home, folder


def _log(folder: Path) -> Path:
    return folder / "events.jsonl"


def _append_note_after_closed(folder: Path) -> None:
    """A valid, chained event after the closed line (what a forger would append)."""
    last = parse_line(_log(folder).read_bytes().splitlines()[-1])
    assert last.type == "closed"
    note = NoteData(text="added after sealing", criteria=["1A"], raw_offset=150.0, lag_s=1.5)
    with _log(folder).open("ab") as handle:
        handle.write(build_event(last.seq + 1, note, 148.5, last.hash).line())


def _recover_refused(home: Path, folder: Path) -> str:
    """Run the real `discussion recover FOLDER`: refused, exit 1, one line; return it."""
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    result = run_cli("recover", str(folder), home=home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and ": refused: " in lines[0], lines
    assert str(folder) in lines[0] and ADVICE in lines[0]
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert after == before  # nothing set aside, appended or created
    as_json = json.loads(run_cli("recover", "--json", str(folder), home=home).stdout)
    assert as_json[0]["action"] == "refused"
    with pytest.raises(SealedRecordError):  # the app's resume path refuses it too
        resume(folder)
    return lines[0]


def test_a_log_with_its_closed_line_deleted_is_not_recovered_or_resumed(tmp_path: Path) -> None:
    home, folder = _copy(tmp_path)
    lines = _log(folder).read_bytes().splitlines(keepends=True)
    _log(folder).write_bytes(b"".join(lines[:-1]))
    line = _recover_refused(home, folder)
    assert "closed line may have been removed" in line
    result = run_cli("verify", str(folder), home=home)
    assert result.returncode == 1 and "NOT INTACT" in result.stdout


@pytest.mark.parametrize("how", ["emptied", "deleted"])
def test_a_missing_or_emptied_log_is_never_rebuilt(tmp_path: Path, how: str) -> None:
    home, folder = _copy(tmp_path)
    if how == "emptied":
        _log(folder).write_bytes(b"")
    else:
        _log(folder).unlink()
    line = _recover_refused(home, folder)
    assert ("is empty" if how == "emptied" else "is missing") in line
    assert _log(folder).exists() == (how == "emptied")  # no new two-event log
    if how == "emptied":
        assert _log(folder).read_bytes() == b""


def test_a_closed_line_without_its_newline_is_a_damaged_seal(tmp_path: Path) -> None:
    home, folder = _copy(tmp_path)
    content = _log(folder).read_bytes()
    _log(folder).write_bytes(content[:-1])  # a copy tool stripped the final newline
    line = _recover_refused(home, folder)
    assert "damaged closed line" in line
    assert not list(folder.glob("events.torn-*.jsonl"))


def test_a_closed_line_cut_before_its_type_is_still_a_damaged_seal(tmp_path: Path) -> None:
    """Torn mid-line: `"type":"closed"` is gone but the line starts like a closed event."""
    home, folder = _copy(tmp_path)
    content = _log(folder).read_bytes()
    start = content.rstrip(b"\n").rfind(b"\n") + 1
    cut = content.index(b'"files"', start)
    _log(folder).write_bytes(content[:cut])
    (folder / "recorder.lock").write_text("99999\n")  # even with a lock file planted
    assert "damaged closed line" in _recover_refused(home, folder)


def test_a_valid_event_appended_after_closed_does_not_reopen_it(tmp_path: Path) -> None:
    home, folder = _copy(tmp_path)
    _append_note_after_closed(folder)
    assert "sealed at events.jsonl line" in _recover_refused(home, folder)


def test_a_closed_line_set_aside_by_an_earlier_recovery_is_refused(tmp_path: Path) -> None:
    """A record reopened by an older version: its closed line lies in events.torn-1.jsonl."""
    home, folder = _copy(tmp_path)
    lines = _log(folder).read_bytes().splitlines(keepends=True)
    _log(folder).write_bytes(b"".join(lines[:-1]))
    (folder / "events.torn-1.jsonl").write_bytes(lines[-1].rstrip(b"\n"))
    (folder / "recorder.lock").write_text("99999\n")
    assert "set aside as events.torn-1.jsonl" in _recover_refused(home, folder)


def test_the_sweep_reports_a_reopened_seal_and_exits_1(tmp_path: Path) -> None:
    home, folder = _copy(tmp_path)
    _append_note_after_closed(folder)
    result = run_cli("recover", "--json", home=home)
    assert result.returncode == 1
    (outcome,) = json.loads(result.stdout)
    assert outcome["action"] == "refused" and outcome["folder"] == str(folder)


def test_the_sealed_sample_itself_is_left_alone(tmp_path: Path) -> None:
    home, folder = _copy(tmp_path)
    result = run_cli("recover", str(folder), home=home)
    assert result.returncode == 0 and "nothing-to-do: closed" in result.stdout


def _verify(home: Path, folder: Path, *extra: str) -> tuple[int, str]:
    result = run_cli("verify", *extra, str(folder), home=home)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout


def test_a_log_cut_short_is_never_called_plain_intact(tmp_path: Path) -> None:
    """The first 8 lines plus a lock: consistent, but only a seal says the record is whole."""
    home, folder = _copy(tmp_path)
    lines = _log(folder).read_bytes().splitlines(keepends=True)
    _log(folder).write_bytes(b"".join(lines[:8]))
    (folder / "recorder.lock").write_text("99999\n")
    code, text = _verify(home, folder)
    assert code == 0
    assert "intact so far, NOT SEALED: may be incomplete; 8 events" in text
    assert "intact;" not in text and "seal sha256" not in text
    code, out = _verify(home, folder, "--json")
    body = json.loads(out)
    assert code == 0 and body["ok"] is True and body["sealed"] is False
    assert body["verdict"] == "intact-not-sealed" and body["may_be_incomplete"] is True
    assert body["seal_hash"] is None


def test_a_cut_short_sample_with_its_transcript_says_it_was_sealed(tmp_path: Path) -> None:
    """Its transcript names the seal the 8 lines lack: still exit 0, NOT SEALED, never resumed."""
    home, folder = _copy(tmp_path)
    seal = parse_line(_log(folder).read_bytes().splitlines()[-1]).hash
    lines = _log(folder).read_bytes().splitlines(keepends=True)
    _log(folder).write_bytes(b"".join(lines[:8]))
    (folder / "recorder.lock").write_text("99999\n")
    code, text = _verify(home, folder)
    assert code == 0, text
    assert "intact so far, NOT SEALED: may be incomplete; 8 events" in text
    assert (
        f"  transcript: transcript.json names seal {seal[:12]} of this session, which this log "
        "does not hold: the record was sealed and has been cut short; ask for the copy handed in"
    ) in text.splitlines()
    body = json.loads(_verify(home, folder, "--json")[1])
    assert body["verdict"] == "intact-not-sealed" and body["sealed"] is False
    assert body["may_be_incomplete"] is True and body["problems"] == []
    assert body["transcript"]["status"] == "seal_missing"
    assert body["transcript"]["named_seal"] == seal and body["transcript"]["signature_ok"]
    line = _recover_refused(home, folder)
    assert "transcript.json is there" in line and "cut short" in line


def test_a_transcript_progress_file_also_proves_a_seal(tmp_path: Path) -> None:
    """transcript.partial.json (a run under way or stopped) is made only of a sealed record."""
    home, folder = _copy(tmp_path)
    lines = _log(folder).read_bytes().splitlines(keepends=True)
    _log(folder).write_bytes(b"".join(lines[:8]))
    (folder / "recorder.lock").write_text("99999\n")
    (folder / "transcript.json").rename(folder / "transcript.partial.json")
    line = _recover_refused(home, folder)
    assert "transcript.partial.json is there" in line


def test_without_its_transcript_the_cut_short_copy_reads_as_an_interruption(
    tmp_path: Path,
) -> None:
    """The guard's transcript sign is only that: with no transcript, nothing else says sealed."""
    _home, folder = _copy(tmp_path)
    lines = _log(folder).read_bytes().splitlines(keepends=True)
    _log(folder).write_bytes(b"".join(lines[:8]))
    (folder / "recorder.lock").write_text("99999\n")
    (folder / "transcript.json").unlink()
    assert reopen_refusal(folder) is None


def test_the_seal_hash_is_shown_to_check_a_later_copy_against(tmp_path: Path) -> None:
    home, folder = _copy(tmp_path)
    closed = parse_line(_log(folder).read_bytes().splitlines()[-1])
    code, text = _verify(home, folder)
    assert code == 0 and f"  seal sha256: {closed.hash}" in text.splitlines()
    body = json.loads(_verify(home, folder, "--json")[1])
    assert body["seal_hash"] == closed.hash and body["verdict"] == "intact"
    assert body["may_be_incomplete"] is False


def test_verify_names_a_damaged_closed_line_and_a_set_aside_one(tmp_path: Path) -> None:
    home, folder = _copy(tmp_path)
    content = _log(folder).read_bytes()
    _log(folder).write_bytes(content[:-1])
    code, text = _verify(home, folder)
    number = len(content.splitlines())
    assert code == 1 and f"line {number}: a damaged closed line" in text and ADVICE in text
    lines = content.splitlines(keepends=True)
    _log(folder).write_bytes(b"".join(lines[:-1]))
    (folder / "events.torn-1.jsonl").write_bytes(lines[-1].rstrip(b"\n"))
    (folder / "recorder.lock").write_text("99999\n")
    code, text = _verify(home, folder)
    assert code == 1 and "events.torn-1.jsonl holds a closed line" in text


def _plant(folder: Path, outside: Path, kind: str) -> str:
    """Put one odd entry into the sealed copy; return the path verify must name."""
    audio = folder / "audio"
    if kind == "empty folder":
        (audio / "extra").mkdir()
        return "audio/extra/"
    if kind == "fifo":
        os.mkfifo(audio / "pipe")
        return "audio/pipe is a named pipe"
    if kind == "fifo as a torn file":  # read by the set-aside check: must never block
        os.mkfifo(folder / "events.torn-1.jsonl")
        return "events.torn-1.jsonl is a named pipe"
    if kind == "audio folder symlink":
        shutil.copytree(audio, outside / "audio")
        shutil.rmtree(audio)
        audio.symlink_to(outside / "audio")
        return "audio is a symbolic link"
    if kind == "device":
        os.mknod(audio / "null", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        return "audio/null is a character device"
    name = "events.jsonl" if kind == "log symlink" else "audio/segment-001.wav"
    copy = outside / Path(name).name
    shutil.copyfile(folder / name, copy)  # an identical copy elsewhere
    (folder / name).unlink()
    (folder / name).symlink_to(copy)
    return f"{name} is a symbolic link"


@pytest.mark.parametrize(
    "kind",
    [
        "empty folder",
        "fifo",
        "fifo as a torn file",
        "device",
        "log symlink",
        "wav symlink",
        "audio folder symlink",
    ],
)
def test_verify_reports_odd_entries_in_a_session_folder(tmp_path: Path, kind: str) -> None:
    home, folder = _copy(tmp_path)
    named = _plant(folder, tmp_path, kind)
    code, text = _verify(home, folder)  # run_cli has a timeout: a FIFO opened would block
    assert code == 1 and "NOT INTACT" in text
    assert named in text, text
    assert json.loads(_verify(home, folder, "--json")[1])["verdict"] == "altered"


def test_an_empty_audio_folder_of_a_live_session_is_not_a_problem(tmp_path: Path) -> None:
    from test_record_support import make_info

    from discussion.record import SessionRecord, verify

    record = SessionRecord.create(make_info(), home=tmp_path)
    record.next_segment_path()  # makes audio/ before the recorder writes the first file
    report = verify(record.folder)
    record.release()
    assert report.ok and report.verdict == "intact-not-sealed", report.problems


def test_the_export_carries_the_seal_hash_and_never_says_plain_intact(tmp_path: Path) -> None:
    home, folder = _copy(tmp_path)
    closed = parse_line(_log(folder).read_bytes().splitlines()[-1])
    sealed = run_cli("export", str(folder), home=home)
    assert sealed.returncode == 0, sealed.stderr
    assert f"- **Record hash:** {closed.hash}" in sealed.stdout
    lines = _log(folder).read_bytes().splitlines(keepends=True)
    assert f"- **Verification:** intact (sealed, {len(lines)} events)" in sealed.stdout
    _log(folder).write_bytes(b"".join(lines[:8]))
    (folder / "recorder.lock").write_text("99999\n")
    cut = run_cli("export", str(folder), home=home)
    assert cut.returncode == 0, cut.stderr
    assert "- **Verification:** intact so far, NOT SEALED: may be incomplete (8 events)" in (
        cut.stdout
    )
    assert closed.hash not in cut.stdout
