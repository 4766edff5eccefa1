"""The stdin side of `discussion record`, without audio: the bounded read-ahead of the reader, the
stop that keeps what was read, invalid UTF-8, and notes the disk refuses (counted once each)."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest

from discussion.cli.record_input import Inbox, Line, StdinReader, Stop, decode_line
from discussion.cli.record_session import Output, RecordCommand
from discussion.live import LiveSession
from discussion.record import RecordWriteError


@pytest.fixture
def pipe() -> Iterator[tuple[int, int]]:
    """A pipe (read end, write end); both closed afterwards."""
    read_fd, write_fd = os.pipe()
    yield read_fd, write_fd
    for fd in (read_fd, write_fd):
        with contextlib.suppress(OSError):
            os.close(fd)


def _items(inbox: Inbox, timeout: float = 2.0) -> list[Line | Stop]:
    """Everything queued up to and including the reader's final `Stop`."""
    items: list[Line | Stop] = []
    while True:
        item = inbox.get(timeout=timeout)
        items.append(item)
        if isinstance(item, Stop):
            return items


def test_reader_runs_at_most_the_bound_ahead_and_close_keeps_what_it_read(
    pipe: tuple[int, int],
) -> None:
    read_fd, write_fd = pipe
    data = b"".join(b"note %d\n" % n for n in range(20000))  # far more than one chunk
    writer = threading.Thread(target=lambda: _write_all(write_fd, data), daemon=True)
    writer.start()
    inbox: Inbox = queue.SimpleQueue()
    reader = StdinReader(inbox, lambda: 1.5, fd=read_fd, max_queued=5)
    reader.start()
    time.sleep(0.5)  # nobody saves: the reader must wait, not read the whole stream
    assert inbox.qsize() == 5
    assert reader.lines_read == 5

    started = time.monotonic()
    reader.close()
    items = _items(inbox)
    assert time.monotonic() - started < 1.0  # a stop never waits for room line by line
    lines = [item for item in items if isinstance(item, Line)]
    assert items[-1] == Stop("reading stopped")
    # Every line read is queued, numbered in order, none twice; the rest was counted as unread.
    assert [line.number for line in lines] == list(range(1, len(lines) + 1))
    assert [line.text for line in lines] == [f"note {n}" for n in range(len(lines))]
    assert reader.lines_read == len(lines) < 20000
    assert reader.unread_lines > 0
    assert all(line.offset == 1.5 for line in lines)


def test_reader_after_close_takes_what_was_already_waiting(pipe: tuple[int, int]) -> None:
    read_fd, write_fd = pipe
    inbox: Inbox = queue.SimpleQueue()
    reader = StdinReader(inbox, lambda: 0.0, fd=read_fd)
    reader.close()  # asked to stop before it ever ran ...
    os.write(write_fd, b"3A: sent before the stop\nsecond\n")  # ... with notes waiting
    reader.start()
    items = _items(inbox)
    assert [i.text for i in items if isinstance(i, Line)] == ["3A: sent before the stop", "second"]
    assert reader.unread_lines == 0


def test_reader_marks_invalid_utf8_and_reaches_eof(pipe: tuple[int, int]) -> None:
    read_fd, write_fd = pipe
    os.write(write_fd, b"caf\xe9 ok\r\nfine \xc3\xa9\nlast without newline")
    os.close(write_fd)
    inbox: Inbox = queue.SimpleQueue()
    StdinReader(inbox, lambda: 0.0, fd=read_fd).start()
    items = _items(inbox)
    assert items == [
        Line("caf\ufffd ok", 0.0, 1, bad_utf8=True),
        Line("fine é", 0.0, 2, bad_utf8=False),
        Line("last without newline", 0.0, 3, bad_utf8=False),
        Stop("end of input"),
    ]


def test_a_reader_waiting_on_quiet_stdin_sleeps_until_closed(
    pipe: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing typed: the reader waits in one select, not a poll 20 times a second (a seventh
    of the recorder's CPU), and close still wakes it at once."""
    import select as select_module

    read_fd, _write_fd = pipe
    calls: list[float] = []
    real_select = select_module.select

    def counted(*args: Any) -> Any:
        calls.append(time.monotonic())
        return real_select(*args)

    monkeypatch.setattr(select_module, "select", counted)
    inbox: Inbox = queue.SimpleQueue()
    reader = StdinReader(inbox, lambda: 0.0, fd=read_fd)
    reader.start()
    time.sleep(0.5)
    waits = len(calls)
    began = time.monotonic()
    reader.close()
    assert time.monotonic() - began < 0.4, "close did not wake the reader"
    assert waits <= 2, f"{waits} selects in 0.5 s of quiet"
    assert isinstance(inbox.get(timeout=2), Stop)


def test_decode_line() -> None:
    assert decode_line(b"\xff\xfe x") == ("\ufffd\ufffd x", True)
    assert decode_line("ok é".encode()) == ("ok é", False)


def _write_all(fd: int, data: bytes) -> None:
    with contextlib.suppress(OSError):  # the test closed the read end
        os.write(fd, data)


# ---------------------------------------------------------------- notes the disk refuses


@dataclass
class _Event:
    seq: int
    offset: float


class _DiskFullLive:
    """A stand-in `LiveSession` whose disk refuses notes until `space` is set."""

    def __init__(self) -> None:
        self.space = False
        self.saved: list[str] = []
        self.alarms: list[str] = []

    def note(self, text: str, criteria: list[str], offset: float) -> _Event:
        if not self.space:
            raise RecordWriteError("cannot save to events.jsonl: No space left on device")
        self.saved.append(text)
        return _Event(len(self.saved), offset)

    def append(self, data: object) -> None:
        self.alarms.append(str(getattr(data, "message", "")))


def _command() -> tuple[RecordCommand, io.StringIO]:
    err = io.StringIO()
    command = RecordCommand(argparse.Namespace(), Output(io.StringIO(), err))
    command.criteria_ids = ["1A", "3A"]
    return command, err


def test_failed_notes_counts_notes_not_attempts_and_says_each_once() -> None:
    command, err = _command()
    fake = _DiskFullLive()
    live = cast(LiveSession, fake)
    for number in (1, 2, 3):
        command._note(live, Line(f"1A: note {number}", float(number), number))
    lines = err.getvalue().splitlines()
    # One line per note, however often the first one was retried.
    assert len(lines) == 3, lines
    assert all(line.startswith("error: note NOT saved") for line in lines)
    assert all(repr(f"note {n}") in line for n, line in zip((1, 2, 3), lines, strict=True))
    assert command.failed_notes == 3

    fake.space = True
    command._note(live, Line("3A: note 4", 4.0, 4))
    assert fake.saved == ["note 1", "note 2", "note 3", "note 4"]
    assert fake.alarms == [
        "3 note(s) could not be written at first; they were saved later with their original offsets"
    ]
    assert command.failed_notes == 0
    assert len(err.getvalue().splitlines()) == 3  # nothing more was said


def test_invalid_utf8_note_is_saved_and_said_with_its_line_number() -> None:
    command, err = _command()
    fake = _DiskFullLive()
    fake.space = True
    command._note(cast(LiveSession, fake), Line("1A: caf\ufffd", 0.0, 7, bad_utf8=True))
    assert fake.saved == ["caf\ufffd"]
    assert err.getvalue().splitlines() == [
        "stdin line 7: not valid UTF-8; the note was saved with U+FFFD in place of the bad "
        "bytes: 'caf\ufffd'"
    ]
