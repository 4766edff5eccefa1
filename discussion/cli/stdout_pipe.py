"""Standard output into a pipe whose reader may leave early: `discussion ... | head -1`.

`guard_stdout()` puts, when standard output is a pipe or a socket, the same text stream over a
writer that notices the reader has gone (the read end closed: `head` took its line and exited).
From then on fd 1 points at /dev/null and every write counts as written, so the command runs to
its end, says nothing and exits with its own status (verify's 1 for an altered record stays 1).
That is `git log | head`'s silence without git's 141 (death by SIGPIPE), which would fail a
`set -o pipefail` script that only wanted the first line. A broken pipe while the reader is
still there is not this case and raises as before (the dispatcher's one-line error).
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


def reader_gone(fd: int) -> bool:
    """Whether the pipe (or socket) on `fd` has nobody left to read it (error or hang-up)."""
    try:
        import select  # only here: a command whose output is never cut short needs none of it

        poller = select.poll()
        poller.register(fd, 0)  # error and hang-up are reported whatever is asked for
        events = poller.poll(0)
    except (OSError, ValueError, AttributeError):  # a closed fd, or no poll (Windows)
        return False
    return any(mask & (select.POLLERR | select.POLLHUP) for _, mask in events)


def silence(fd: int) -> None:
    """Point `fd` at /dev/null, so later writes (and the interpreter's flush at exit) pass."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)


class PipeWriter(io.RawIOBase):
    """Raw writes to `fd` that, once its reader has gone, silence it and report success."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd
        self.gone = False  # the reader left: nothing is written any more

    def writable(self) -> bool:
        """Always: this is an output."""
        return True

    def fileno(self) -> int:
        """The file descriptor written (callers may stat it or pass it on)."""
        return self.fd

    def write(self, data: ReadableBuffer) -> int:
        """Write `data` to the pipe; all of it counts as written once the reader has gone."""
        size = memoryview(data).nbytes
        if self.gone:
            return size
        try:
            return os.write(self.fd, data)
        except BrokenPipeError:
            if not reader_gone(self.fd):
                raise
            silence(self.fd)
            self.gone = True
            return size


def guard_stdout() -> None:
    """Replace `sys.stdout`, when it is a pipe or socket, with the same stream over `PipeWriter`
    (same encoding, errors and buffering). Anything else (a terminal, a file, a test's streams)
    is left as it is."""
    stream = sys.stdout
    try:
        fd = stream.fileno()
        mode = os.fstat(fd).st_mode
    except (OSError, ValueError, AttributeError):  # no real descriptor: in-process test streams
        return
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)) or not isinstance(stream, io.TextIOWrapper):
        return
    stream.flush()
    raw = PipeWriter(fd)
    # Unbuffered (python -u, PYTHONUNBUFFERED) when the original was: writes go out at once.
    buffered = isinstance(stream.buffer, io.BufferedWriter)
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(raw) if buffered else raw,
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=stream.line_buffering,
        write_through=stream.write_through,
    )
