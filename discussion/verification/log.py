"""Reading and appending `verification.jsonl`: the record's rules (one `write()` of the whole
line on an O_APPEND descriptor, then `fsync`; a failed write rolled back), plus an exclusive
`flock` held from reading the file to the last append, so two verifiers never interleave.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from discussion.errors import UserError
from discussion.record.events import ZERO_HASH
from discussion.record.log import FILE_MODE, fsync_dir
from discussion.verification.events import (
    VERIFICATION_JSONL,
    VerificationData,
    VerificationFormatError,
    VEvent,
    build_event,
    parse_line,
)

# A verifier writes a few hundred lines at most; a file far bigger is not one of ours.
MAX_BYTES = 16 << 20


@dataclass
class VerificationScan:
    """The good events of a verification file, or the first thing wrong with it."""

    events: list[VEvent] = field(default_factory=list)
    problem: str | None = None


def scan_verification(content: bytes) -> VerificationScan:
    """Parse and chain-check the whole file; the first bad line (1-based) is the `problem`.

    Unlike the assessor's log there is no torn-tail leniency: each line is written whole, so a
    bad last line is damage, not an interrupted note.
    """
    scan = VerificationScan()
    if not content:
        return scan
    if not content.endswith(b"\n"):
        count = content.count(b"\n") + 1
        scan.problem = f"line {count}: the last line has no newline"
    prev = ZERO_HASH
    for number, line in enumerate(content.split(b"\n")[:-1], start=1):
        try:
            event = parse_line(line)
        except VerificationFormatError as error:
            scan.problem = f"line {number}: {error}"
            return scan
        if event.seq != len(scan.events):
            scan.problem = f"line {number}: seq {event.seq}, expected {len(scan.events)}"
            return scan
        if event.prev != prev:
            scan.problem = f"line {number}: prev does not match line {number - 1}'s hash"
            return scan
        scan.events.append(event)
        prev = event.hash
    return scan


class VerificationFile:
    """An open, exclusively locked verification.jsonl (see `open_locked`)."""

    def __init__(
        self, path: Path, fd: int, events: list[VEvent], size: int, *, new: bool = False
    ) -> None:
        self.path = path
        self.new = new  # created by this open: its name is fsync'd with the first line
        self._fd = fd
        self.events = events
        self._size = size

    @property
    def head(self) -> str:
        """The hash of the last line (64 zeros while empty)."""
        return self.events[-1].hash if self.events else ZERO_HASH

    def append(self, data: VerificationData) -> VEvent:
        """Write one event and fsync it; return it only once it is on disk.

        A failed write or fsync truncates the file back to its last good line and raises
        UserError (exit 1), so no partial line stays behind.
        """
        event = build_event(len(self.events), data, self.head)
        line = event.line()
        try:
            written = os.write(self._fd, line)
            if written != len(line):
                raise OSError(errno.ENOSPC, f"short write ({written} of {len(line)} bytes)")
            os.fsync(self._fd)
        except OSError as error:
            try:
                os.ftruncate(self._fd, self._size)
                os.fsync(self._fd)
            except OSError:
                pass
            raise UserError(
                f"{self.path}: could not write the {data.TYPE} event "
                f"({error.strerror or error}); nothing was recorded: free space and run it again",
                exit_code=1,
            ) from error
        self._size += len(line)
        self.events.append(event)
        if self.new and len(self.events) == 1:
            fsync_dir(self.path.parent)
        return event


@contextmanager
def open_locked(folder: Path) -> Iterator[VerificationFile]:
    """Open (creating, mode 0600) the folder's verification.jsonl, locked exclusively.

    Refuses (UserError, exit 1) a symlink or special file in its place, a file that is not
    a clean chain, or one too big to be ours; the lock is released on leaving.
    """
    path = folder / VERIFICATION_JSONL
    existed = os.path.lexists(path)
    flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, FILE_MODE)
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            fix = "the session folder is not writable here: fix its permissions or judge a copy"
        else:
            fix = "run `discussion verify` on the folder"
        raise UserError(
            f"{path}: cannot be opened for writing ({error.strerror or error}); {fix}",
            exit_code=1,
        ) from None
    opened: VerificationFile | None = None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UserError(f"{path} is not a regular file; run `discussion verify`", 1)
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size > MAX_BYTES:
            raise UserError(f"{path} is {size} bytes, too big to be a verification file", 1)
        content = os.pread(fd, size, 0)
        scan = scan_verification(content)
        if scan.problem is not None:
            raise UserError(
                f"{path.name} {scan.problem}: the verification is damaged; "
                "nothing was appended (see `discussion verify`)",
                exit_code=1,
            )
        opened = VerificationFile(path, fd, scan.events, len(content), new=not existed)
        yield opened
    finally:
        if not existed and (opened is None or not opened.events):
            # Refused or failed before its first line: leave the folder as it was.
            with contextlib.suppress(OSError):
                os.unlink(path)
        os.close(fd)  # closing drops the lock
