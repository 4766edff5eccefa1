"""The append-only, fsync'd event log (`events.jsonl`) and its torn-tail detection.

Every append is one `write()` of the whole line (newline included) on a descriptor opened with
O_APPEND, followed by `fdatasync` (`sync_data`); only then does `append` return. `append_many`
writes several lines in one `write()` and one sync (group commit: the record writer's notes
waiting together). A failed write or sync is rolled back (the file truncated to its last good
line) and raised as `RecordWriteError`, so the log never holds a partial line written by a live
process. Readers (`events`, `head`) never wait for a sync: appends are serialised by their own
lock, and the list of events is extended under a short one once the lines are on disk.

A process killed mid-write (or a power cut) can still leave a partial line: `scan_log` finds
it, and `EventLog.open(repair=True)` copies it to `events.torn-<n>.jsonl` before truncating
the log to its last good line.
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from discussion.record.errors import (
    RecordCorruptError,
    RecordWriteError,
    SessionClosedError,
    TornTailError,
)
from discussion.record.events import (
    ZERO_HASH,
    ClosedData,
    Event,
    EventData,
    EventFormatError,
    build_event,
    parse_line,
)

FILE_MODE = 0o600
TORN_PREFIX = "events.torn-"
# Disk blocks kept allocated past the end of the log (fallocate KEEP_SIZE: the file's size and
# content do not change) so that notes can still be written when the audio has filled the disk.
RESERVE_BYTES = 64 * 1024
_FALLOC_FL_KEEP_SIZE = 1


def _load_fallocate() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).fallocate
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64]
    function.restype = ctypes.c_int
    return function


_fallocate = _load_fallocate()


def reserve_space(fd: int, offset: int, length: int) -> bool:
    """Allocate disk blocks for `offset..offset+length` without changing the file size.

    Best effort (Linux, file systems that support it): False when it could not be done.
    """
    if _fallocate is None:
        return False
    return int(_fallocate(fd, _FALLOC_FL_KEEP_SIZE, offset, length)) == 0


def sync_data(fd: int) -> None:
    """Make what was appended to `fd` durable: `fdatasync` where there is one, else `fsync`.

    For an append-only file fdatasync is as safe as fsync on Linux: it flushes the data and
    the metadata needed to read it back (the new size, newly allocated or converted blocks);
    only the times are left to the journal. Measured by scripts/bench_sync.py.
    """
    sync = getattr(os, "fdatasync", None)
    if sync is None:  # macOS has no fdatasync
        os.fsync(fd)
    else:
        sync(fd)


def fsync_dir(path: Path) -> None:
    """fsync a directory so a new or removed entry in it is durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class TornTail:
    """A damaged last line: where it starts and why it was not accepted."""

    line_number: int
    offset: int
    size: int
    reason: str
    set_aside_as: str | None = None


@dataclass
class LogScan:
    """The result of reading a log: the good events, a torn tail, or a deeper problem."""

    events: list[Event] = field(default_factory=list)
    good_size: int = 0
    torn: TornTail | None = None
    problem: str | None = None
    problem_line: int | None = None


def scan_log(content: bytes) -> LogScan:
    """Parse and chain-check a whole log.

    A bad *last* physical line (no newline, invalid UTF-8/JSON, not canonical, or a hash that
    does not match its own content) is a torn tail; any other bad line is a `problem` naming
    its 1-based line number. Scanning stops at the first problem.
    """
    scan = LogScan()
    pieces = content.split(b"\n")
    # pieces[-1] is what follows the last newline: b"" for a well-terminated log.
    complete, trailing = pieces[:-1], pieces[-1]
    prev = ZERO_HASH
    position = 0
    for index, line in enumerate(complete):
        number = index + 1
        is_last = index == len(complete) - 1 and trailing == b""
        try:
            event = parse_line(line)
        except EventFormatError as error:
            if is_last:
                scan.torn = TornTail(number, position, len(line) + 1, str(error))
            else:
                scan.problem, scan.problem_line = f"line {number}: {error}", number
            return scan
        expected_seq = len(scan.events)
        if event.seq != expected_seq:
            scan.problem = f"line {number}: seq {event.seq}, expected {expected_seq}"
            scan.problem_line = number
            return scan
        if event.prev != prev:
            scan.problem = f"line {number}: prev does not match line {number - 1}'s hash"
            scan.problem_line = number
            return scan
        if (event.type == "created") != (event.seq == 0):
            scan.problem = f"line {number}: only seq 0 may be (and must be) the created event"
            scan.problem_line = number
            return scan
        scan.events.append(event)
        prev = event.hash
        position += len(line) + 1
        scan.good_size = position
    if trailing:
        number = len(complete) + 1
        scan.torn = TornTail(number, position, len(trailing), "last line has no newline")
    return scan


@dataclass
class FsyncStats:
    """Latency of the sync in each append or group of appends (seconds)."""

    count: int = 0
    total: float = 0.0
    last: float = 0.0
    max: float = 0.0

    def add(self, seconds: float) -> None:
        """Record one sync's duration."""
        self.count += 1
        self.total += seconds
        self.last = seconds
        self.max = max(self.max, seconds)


class EventLog:
    """An open `events.jsonl`: appends are serialised by a lock and durable on return."""

    def __init__(self, path: Path, fd: int, events: list[Event], size: int) -> None:
        self.path = path
        self._fd = fd
        self._events = events
        self._size = size
        self._lock = threading.Lock()  # guards `_events` for readers: never held across I/O
        self._write_lock = threading.Lock()  # serialises appends, held across the write and sync
        self._broken: str | None = None
        self.torn: TornTail | None = None
        self.fsync_stats = FsyncStats()
        self._reserved_end = 0
        self._keep_reserve()

    def _keep_reserve(self) -> None:
        """Keep at least half of `RESERVE_BYTES` allocated beyond the last line."""
        low = self._reserved_end - self._size < RESERVE_BYTES // 2
        if self._fd >= 0 and low and reserve_space(self._fd, self._size, RESERVE_BYTES):
            self._reserved_end = self._size + RESERVE_BYTES

    @classmethod
    def create(cls, path: Path) -> EventLog:
        """Create a new, empty log (fails if the file exists)."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC
        fd = os.open(path, flags, FILE_MODE)
        fsync_dir(path.parent)
        return cls(path, fd, [], 0)

    @classmethod
    def open(cls, path: Path, *, repair: bool = False) -> EventLog:
        """Open an existing log for appending.

        A torn last line raises TornTailError unless `repair` is set, in which case it is copied
        to `events.torn-<n>.jsonl` next to the log and the log is truncated to its last good
        line (both fsync'd); `log.torn` then says what was set aside. A deeper problem raises
        RecordCorruptError.
        """
        try:  # never through a symlink, never a device (it would never end) or a FIFO
            fd = os.open(
                path, os.O_RDWR | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
            )
        except OSError as error:
            raise RecordCorruptError(
                f"{path}: cannot be opened ({error.strerror or error}); "
                "run `discussion verify` on the folder"
            ) from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise RecordCorruptError(f"{path} is not a regular file; run `discussion verify`")
            content = _read_all(fd)
            scan = scan_log(content)
            if scan.problem is not None:
                raise RecordCorruptError(
                    f"{path}: {scan.problem}; run `discussion verify` on the folder"
                )
            torn = scan.torn
            if torn is not None:
                if not repair:
                    raise TornTailError(
                        f"{path} ends in a torn line ({torn.reason}); run `discussion recover`"
                    )
                name = _set_aside(path, content[torn.offset :])
                os.ftruncate(fd, scan.good_size)
                os.fsync(fd)
                torn = TornTail(torn.line_number, torn.offset, torn.size, torn.reason, name)
        except BaseException:
            os.close(fd)
            raise
        log = cls(path, fd, scan.events, scan.good_size)
        log.torn = torn
        return log

    @property
    def events(self) -> list[Event]:
        """A copy of the events written so far (never waits for an append's sync)."""
        with self._lock:
            return list(self._events)

    @property
    def head(self) -> str:
        """The hash of the last line (64 zeros for an empty log)."""
        with self._lock:
            return self._events[-1].hash if self._events else ZERO_HASH

    @property
    def is_closed(self) -> bool:
        """True once a `closed` event is in the log."""
        with self._lock:
            return bool(self._events) and self._events[-1].type == "closed"

    def append(self, data: EventData, offset: float) -> Event:
        """Write one event and sync it; return it only once it is on disk.

        Raises SessionClosedError after `closed`, RecordWriteError when the write or sync
        fails (the log is rolled back to its previous line; retrying later is safe).
        """
        with self._write_lock:
            return self._append_locked([(data, offset)])[0]

    def append_many(self, items: list[tuple[EventData, float]]) -> list[Event]:
        """Write several events, in order, with one sync (group commit); all or none.

        Returned only once every line is on disk. Raises as `append` does; on a failed write
        or sync none of them is in the log.
        """
        if not items:
            return []
        with self._write_lock:
            return self._append_locked(items)

    def append_computed(self, make: Callable[[list[Event]], EventData], offset: float) -> Event:
        """Append data computed from the events so far, atomically with respect to other appends.

        Used for `closed`, whose chain head and tally must describe exactly the lines before it.
        """
        with self._write_lock:
            return self._append_locked([(make(list(self._events)), offset)])[0]

    def _append_locked(self, items: list[tuple[EventData, float]]) -> list[Event]:
        # Only appenders change `_events`, and they hold `_write_lock`: reading it is safe here.
        if self._fd < 0:
            raise SessionClosedError("the session record is no longer open for writing")
        if self._events and self._events[-1].type == "closed":
            raise SessionClosedError("the session is closed; nothing more can be recorded")
        if self._broken is not None:
            raise RecordWriteError(self._broken)
        built: list[Event] = []
        for data, offset in items:
            count = len(self._events) + len(built)
            if (data.TYPE == "created") != (count == 0):
                raise ValueError("the created event is exactly the first one")
            if built and built[-1].type == "closed":
                raise ValueError("nothing can follow the closed event")
            prev = built[-1].hash if built else self._events[-1].hash if self._events else ZERO_HASH
            built.append(build_event(count, data, offset, prev))
        lines = b"".join(event.line() for event in built)
        try:
            written = os.write(self._fd, lines)
            if written != len(lines):
                raise OSError(errno.ENOSPC, f"short write ({written} of {len(lines)} bytes)")
            started = time.perf_counter()
            sync_data(self._fd)
            self.fsync_stats.add(time.perf_counter() - started)
        except OSError as error:
            self._roll_back()
            kinds = ", ".join(sorted({event.type for event in built}))
            raise RecordWriteError(
                f"could not write the {kinds} event{'s' if len(built) > 1 else ''} to the "
                f"session record: {error.strerror or error}"
            ) from error
        self._size += len(lines)
        with self._lock:
            self._events.extend(built)
        self._keep_reserve()
        return built

    def _roll_back(self) -> None:
        """Cut the file back to its last good line after a failed append."""
        self._reserved_end = 0  # truncating may have freed the reserve: take it again later
        try:
            os.ftruncate(self._fd, self._size)
            sync_data(self._fd)
        except OSError as error:
            self._broken = (
                "the session record could not be repaired after a failed write "
                f"({error.strerror or error}); close the app and run `discussion recover`"
            )

    def close(self) -> None:
        """Close the file descriptor (appends then raise SessionClosedError)."""
        with self._write_lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def closed_data(self) -> ClosedData | None:
        """The `closed` event's data, if the session is closed."""
        with self._lock:
            if self._events and isinstance(self._events[-1].payload, ClosedData):
                return self._events[-1].payload
            return None


def _read_all(fd: int) -> bytes:
    """The file's bytes up to its size when opened (a regular file: checked by the caller)."""
    chunks = []
    position = 0
    size = os.fstat(fd).st_size
    while position < size and (chunk := os.pread(fd, min(1 << 20, size - position), position)):
        chunks.append(chunk)
        position += len(chunk)
    return b"".join(chunks)


@dataclass(frozen=True)
class LogTail:
    """What the last lines of a log say, read without reading the whole log."""

    last_type: str | None  # the type of the last good event; None if none could be read
    torn: str | None = None  # why the last physical line is not a good event
    problem: str | None = None  # the tail itself is unusable (e.g. no line parses)
    last: Event | None = None  # the last good event itself (the listing reads a closed tally)


def scan_tail(tail: bytes, whole: bool) -> LogTail:
    """Read the last event of a log from its last bytes (`whole`: these are all of them).

    Only the last complete lines are parsed (each checks its own hash); the chain is not:
    that is `scan_log`'s and `discussion verify`'s work. A bad last physical line is torn.
    """
    lines = tail.split(b"\n")
    torn: str | None = None
    if lines[-1]:
        torn = "last line has no newline"
    lines = lines[:-1]
    if not whole and lines:
        lines = lines[1:]  # the first piece may start mid-line
    for index in range(len(lines) - 1, -1, -1):
        try:
            event = parse_line(lines[index])
        except EventFormatError as error:
            if index == len(lines) - 1 and torn is None:
                torn = str(error)
                continue
            return LogTail(None, torn, f"a line near the end is damaged: {error}")
        return LogTail(event.type, torn, last=event)
    if whole:
        return LogTail(None, torn)
    return LogTail(None, torn, "no complete line in the last part of the log")


def _set_aside(log_path: Path, torn: bytes) -> str:
    """Copy a torn tail to the first free `events.torn-<n>.jsonl`; return its name."""
    number = 1
    while True:
        target = log_path.parent / f"{TORN_PREFIX}{number}.jsonl"
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
        except FileExistsError:
            number += 1
            continue
        try:
            view = memoryview(torn)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        fsync_dir(log_path.parent)
        return target.name
