"""Stdin and signals for `discussion record`: notes read in a thread, a bounded read-ahead, and
a stop that knows what it has read.

A signal must seal the session quickly *and* keep what was typed, so the reader never runs far
ahead of the saving (at most `MAX_QUEUED_LINES` lines wait in memory, the rest stays in the
pipe); on a signal it stops reading, and the command saves what was read for a bounded time and
names, by stdin line number, whatever it could not save.
"""

from __future__ import annotations

import contextlib
import os
import queue
import select
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
CHUNK_BYTES = 65536
# Read-ahead bound: lines read but not yet saved. An fsync'd note takes ~0.5 ms (a few ms on a
# busy disk), so a stop can save them all within its budget while typing never waits.
MAX_QUEUED_LINES = 200
POLL_S = 0.05  # how often a reader waiting for room in the queue looks whether to stop


@dataclass(frozen=True)
class Line:
    """A line read from stdin: its text, the sample-clock offset when its first byte arrived,
    its 1-based line number on stdin, and whether bytes that are not UTF-8 were replaced."""

    text: str
    offset: float
    number: int = 0
    bad_utf8: bool = False


@dataclass(frozen=True)
class Stop:
    """The end of input (EOF) or a signal, and the reason recorded at closing."""

    reason: str
    signalled: bool = False


Inbox = queue.SimpleQueue[Line | Stop]


def decode_line(raw: bytes) -> tuple[str, bool]:
    """The text of one stdin line and whether it held invalid UTF-8.

    Invalid bytes become U+FFFD and the note is kept (the caller says so with the line number):
    refusing the line would lose the rest of what the assessor typed, and the record must stay
    valid UTF-8 text for verify and the exports.
    """
    try:
        text, bad = raw.decode("utf-8"), False
    except UnicodeDecodeError:
        text, bad = raw.decode("utf-8", errors="replace"), True
    return text.rstrip("\r"), bad


class StdinReader:
    """Reads fd 0 in a daemon thread and queues `Line`s stamped with the sample clock.

    Raw `os.read` after `select`, not `sys.stdin`: the thread never holds a Python buffer lock
    at exit, never blocks in a read, and can be asked to stop. A line's offset is the clock when
    the read delivering its first byte returned. `done()` tells the reader a line was handled
    (one more may be read ahead); `close()` stops reading: the lines already read are still
    queued, followed by a `Stop`, and `unread_lines` counts lines seen waiting after them. So a
    stop holds at most `max_queued` lines plus one chunk of what had already arrived.
    """

    def __init__(
        self,
        inbox: Inbox,
        clock: Callable[[], float],
        fd: int = 0,
        max_queued: int = MAX_QUEUED_LINES,
    ) -> None:
        self._inbox = inbox
        self._clock = clock
        self._fd = fd
        self._slots = threading.Semaphore(max_queued)
        self._closing = threading.Event()
        # `close` wakes the reader through this pipe: waiting on stdin costs no CPU (it polled
        # 20 times a second, a seventh of the recorder's CPU while nothing was typed).
        self._wake_read, self._wake_write = os.pipe()
        self._wake_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="stdin-notes", daemon=True)
        self.lines_read = 0
        self.unread_lines = 0  # lines (at least) still waiting on stdin when reading stopped
        self._final_read_done = False

    def start(self) -> None:
        """Begin reading."""
        self._thread.start()

    def done(self) -> None:
        """One queued line has been handled."""
        self._slots.release()

    def close(self, timeout: float = 0.5) -> None:
        """Stop reading (bounded by `timeout`); what was read is queued before a final `Stop`."""
        self._closing.set()
        with self._wake_lock:  # the write end is used and closed under the lock only
            if self._wake_write >= 0:
                with contextlib.suppress(OSError):
                    os.write(self._wake_write, b"x")
                os.close(self._wake_write)  # the read end sees its end as well
                self._wake_write = -1
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            self._read_lines()
        finally:
            with self._wake_lock:  # nobody needs waking any more
                if self._wake_write >= 0:
                    os.close(self._wake_write)
                    self._wake_write = -1
            os.close(self._wake_read)

    def _read_lines(self) -> None:
        pending = b""
        pending_offset = 0.0
        while True:
            chunk = self._read()
            if chunk is None:  # asked to stop; a partial last line is not a note yet
                self._count_unread(partial=bool(pending))
                self._inbox.put(Stop("reading stopped"))
                return
            if not chunk:
                if pending:
                    self._put(pending, pending_offset)
                self._inbox.put(Stop("end of input"))
                return
            now = self._clock()
            if not pending:
                pending_offset = now
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                self._put(line, pending_offset)
                pending_offset = now  # a following line started arriving in this chunk

    def _read(self) -> bytes | None:
        """The next chunk, b"" at EOF (or an unreadable fd), None once asked to stop.

        Asked to stop, it still takes one chunk of what is already waiting: those lines were
        sent before the stop (e.g. while the recorder was starting) and are saved if time allows.
        """
        while not self._closing.is_set():
            try:
                ready, _, _ = select.select([self._fd, self._wake_read], [], [])
                if self._fd not in ready:
                    continue  # woken to stop: the loop's test says so
                return os.read(self._fd, CHUNK_BYTES)
            except InterruptedError:
                continue
            except (OSError, ValueError):
                return b""
        if self._final_read_done:
            return None
        self._final_read_done = True
        try:
            ready, _, _ = select.select([self._fd], [], [], 0)
            return os.read(self._fd, CHUNK_BYTES) if ready else None
        except (OSError, ValueError):
            return b""

    def _count_unread(self, partial: bool) -> None:
        """After a stop: how many lines wait on stdin unread, or were read only in part (one
        bounded, non-blocking read, so "at least")."""
        try:
            ready, _, _ = select.select([self._fd], [], [], 0)
            rest = os.read(self._fd, CHUNK_BYTES) if ready else b""
        except (OSError, ValueError):
            rest = b""
        if partial and rest.startswith(b"\n"):
            rest = rest[1:]  # the partial line's end: that line is counted once
        self.unread_lines = int(partial) + rest.count(b"\n")
        if rest and not rest.endswith(b"\n"):
            self.unread_lines += 1

    def _put(self, raw: bytes, offset: float) -> None:
        # Wait for room, unless stopping: then the lines already read are all queued (at most
        # one chunk), for the command to save or to name.
        while not self._slots.acquire(timeout=0 if self._closing.is_set() else POLL_S):
            if self._closing.is_set():
                self._final_read_done = True  # behind on saving: take nothing more from stdin
                break
        self.lines_read += 1
        text, bad = decode_line(raw)
        self._inbox.put(Line(text, offset, self.lines_read, bad))


class SignalStop:
    """While active, SIGINT/SIGTERM/SIGHUP stop the command instead of killing the process.

    The handler only records the signal (`stop`, `at`) and puts a `Stop` in the inbox to wake
    the command (`SimpleQueue.put` is reentrant, safe in a signal handler); the command checks
    `stop` before each note, so a stop is never queued behind the notes still waiting.
    """

    def __init__(self, inbox: Inbox) -> None:
        self._inbox = inbox
        self._previous: dict[int, Any] = {}
        self.stop: Stop | None = None
        self.at = 0.0  # time.monotonic() of the first signal

    def __enter__(self) -> SignalStop:
        for signum in HANDLED_SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.stop is None:
            self.at = time.monotonic()
            self.stop = Stop(f"stopped by {signal.Signals(signum).name}", signalled=True)
        self._inbox.put(self.stop)

    def __exit__(self, *_exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
