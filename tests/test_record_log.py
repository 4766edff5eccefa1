"""The append-only log: durability, thread safety, write failures and torn tails."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import pytest
from test_record_support import make_info

from discussion.record import (
    NoteData,
    RecordCorruptError,
    RecordWriteError,
    SessionClosedError,
    SessionRecord,
    TornTailError,
)
from discussion.record.log import EventLog, scan_log


def _record(tmp_path: Path) -> SessionRecord:
    return SessionRecord.create(make_info(), home=tmp_path)


def test_append_returns_after_the_line_is_written_and_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _record(tmp_path)
    synced: list[int] = []
    real_sync = os.fdatasync  # an append-only file: fdatasync flushes its data and new size

    def spy(fd: int) -> None:
        synced.append(fd)
        real_sync(fd)

    monkeypatch.setattr(os, "fdatasync", spy)
    event = record.add_note("first", ["1A"], 5.0)
    assert synced, "append returned without fdatasync"
    # Read through a separate descriptor: the full line is there, newline included.
    fd = os.open(record.folder / "events.jsonl", os.O_RDONLY)
    try:
        content = os.read(fd, 1 << 20)
    finally:
        os.close(fd)
    assert content.endswith(event.line())
    assert os.fstat(synced[-1]).st_ino == (record.folder / "events.jsonl").stat().st_ino
    record.release()


def test_appends_from_many_threads_form_one_chain(tmp_path: Path) -> None:
    record = _record(tmp_path)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                record.add_note(f"t{n}-{i}", [], float(i))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    scan = scan_log((record.folder / "events.jsonl").read_bytes())
    assert scan.problem is None and scan.torn is None
    assert len(scan.events) == 1 + 8 * 20
    assert record.log.fsync_stats.count == len(scan.events)
    record.release()


def test_disk_full_raises_record_write_error_and_leaves_no_partial_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _record(tmp_path)
    log_path = record.folder / "events.jsonl"
    before = log_path.read_bytes()
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(RecordWriteError, match="No space left"):
        record.add_note("keep me", ["1A"], 1.0)
    assert log_path.read_bytes() == before

    def short(fd: int, data: bytes) -> int:
        return real_write(fd, bytes(data)[:10])

    monkeypatch.setattr(os, "write", short)
    with pytest.raises(RecordWriteError, match="short write"):
        record.add_note("keep me", ["1A"], 1.0)
    assert log_path.read_bytes() == before

    monkeypatch.setattr(os, "write", real_write)
    event = record.add_note("keep me", ["1A"], 1.0)  # the retry succeeds
    assert event.seq == 1
    assert scan_log(log_path.read_bytes()).problem is None
    record.release()


def test_fsync_failure_is_a_write_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = _record(tmp_path)
    real_sync = os.fdatasync
    calls = {"n": 0}

    def failing(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(errno.EIO, "Input/output error")
        real_sync(fd)

    monkeypatch.setattr(os, "fdatasync", failing)
    with pytest.raises(RecordWriteError, match="Input/output"):
        record.add_note("x", [], 0.0)
    assert len(scan_log((record.folder / "events.jsonl").read_bytes()).events) == 1
    record.release()


def test_append_after_close_raises(tmp_path: Path) -> None:
    record = _record(tmp_path)
    record.close()
    with pytest.raises(SessionClosedError):
        record.add_note("late", [], 0.0)
    with pytest.raises(SessionClosedError):
        record.log.append(NoteData(text="late", raw_offset=0, lag_s=0), 0.0)


def _log_with_events(tmp_path: Path, count: int) -> tuple[Path, bytes]:
    record = _record(tmp_path)
    for i in range(count):
        record.add_note(f"note {i}", [], float(i))
    record.release()
    path = record.folder / "events.jsonl"
    return path, path.read_bytes()


@pytest.mark.parametrize(
    "tail",
    [b'{"at":"2026-', b'{"seq":99}\n', b"\x00\x00\x00\x00", b"garbage\xff\n"],
)
def test_torn_tail_is_set_aside_not_dropped(tmp_path: Path, tail: bytes) -> None:
    path, good = _log_with_events(tmp_path, 3)
    path.write_bytes(good + tail)
    with pytest.raises(TornTailError):
        EventLog.open(path)
    log = EventLog.open(path, repair=True)
    assert log.torn is not None and log.torn.line_number == 5
    assert log.torn.set_aside_as == "events.torn-1.jsonl"
    assert (path.parent / "events.torn-1.jsonl").read_bytes() == tail
    assert path.read_bytes() == good
    assert len(log.events) == 4
    log.close()


def test_a_bad_line_before_the_last_is_corruption_not_a_torn_tail(tmp_path: Path) -> None:
    path, good = _log_with_events(tmp_path, 3)
    lines = good.splitlines(keepends=True)
    lines[1] = lines[1].replace(b"note 0", b"note X")
    path.write_bytes(b"".join(lines))
    with pytest.raises(RecordCorruptError, match="line 2"):
        EventLog.open(path, repair=True)
    assert path.read_bytes() == b"".join(lines)  # untouched


def test_a_deleted_line_is_a_chain_break(tmp_path: Path) -> None:
    _, good = _log_with_events(tmp_path, 3)
    lines = good.splitlines(keepends=True)
    del lines[2]
    scan = scan_log(b"".join(lines))
    assert scan.problem is not None and scan.problem_line == 3
    assert "seq" in scan.problem
