"""Reading files that may be hostile: bounded in size, regular files only, optionally no symlinks.

A `session.json` or `settings.json` symlinked to /dev/zero must not hang a command or fill its
memory, and a FIFO must not block it: every read here opens with O_NONBLOCK, checks with
`fstat` that the descriptor is a regular file, and reads at most `limit` bytes.

    data = read_bounded(path, 64 * 1024)                       # settings: symlinks followed
    data = read_bounded(path, 1 << 20, follow_symlinks=False)  # inside a session folder
    tail = read_tail(path, 64 * 1024, follow_symlinks=False)   # the last bytes only

`FileNotFoundError` is raised as is (callers often treat a missing file as "use defaults");
everything else that makes the file unusable is an `UnsafeFileError` (a `UserError`, exit 2)
whose `reason` is a short phrase ("is a symbolic link") for problem lists.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from discussion.errors import UserError, os_fix

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


class UnsafeFileError(UserError):
    """A file that cannot be read safely: not a regular file, too large, or unreadable."""

    def __init__(self, path: Path, reason: str, fix: str = "") -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" + (f"; {fix}" if fix else ""))


def kind_of(mode: int) -> str:
    """What a file of `st_mode` is, in words ("a regular file", "a character device", ...)."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "a special file"


def not_regular_reason(path: Path, *, follow_symlinks: bool = False) -> str | None:
    """Why `path` is not a plain regular file ("is a symbolic link"), or None if it is one.

    Raises FileNotFoundError when nothing is there; other OS errors become the reason.
    """
    try:
        mode = (os.stat(path) if follow_symlinks else os.lstat(path)).st_mode
    except FileNotFoundError:
        raise
    except OSError as error:
        return _os_reason(error)
    if stat.S_ISREG(mode):
        return None
    return f"is {kind_of(mode)}, not a regular file"


def open_regular(path: Path, *, follow_symlinks: bool = True) -> int:
    """A read-only descriptor on `path`, which must be a regular file (caller closes it).

    Never blocks on a FIFO (O_NONBLOCK). Raises FileNotFoundError or UnsafeFileError.
    """
    return _open_sized(path, follow_symlinks)[0]


def _open_sized(path: Path | str, follow_symlinks: bool) -> tuple[int, int]:
    """`open_regular`'s descriptor and the file's length from the same `fstat`."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC
    if not follow_symlinks:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_symlinks and os.path.islink(path):
            raise UnsafeFileError(Path(path), "is a symbolic link, not a regular file") from None
        raise UnsafeFileError(Path(path), _os_reason(error), os_fix(error)) from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise UnsafeFileError(Path(path), f"is {kind_of(status.st_mode)}, not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd, status.st_size


def read_bounded(path: Path | str, limit: int, *, follow_symlinks: bool = True) -> bytes:
    """The whole content of regular file `path`, refused (UnsafeFileError) beyond `limit` bytes.

    One read in the usual case: the length `fstat` gave, and one byte more to see growth.
    """
    fd, length = _open_sized(path, follow_symlinks)
    try:
        data = b"" if length > limit else _read_upto(fd, path, 0, limit + 1, length)
    finally:
        os.close(fd)
    if length > limit or len(data) > limit:
        raise UnsafeFileError(Path(path), f"is larger than {_size(limit)}, far more than expected")
    return data


def read_tail(path: Path | str, size: int, *, follow_symlinks: bool = True) -> tuple[bytes, int]:
    """The last `size` bytes (or fewer) of regular file `path`, and the file's length."""
    fd, length = _open_sized(path, follow_symlinks)
    try:
        start = max(0, length - size)
        return _read_upto(fd, path, start, length - start), length
    finally:
        os.close(fd)


def _read_upto(fd: int, path: Path | str, start: int, count: int, end: int = -1) -> bytes:
    """Up to `count` bytes from `start`. A short read at or past `end` (the length `fstat`
    gave) is the end of the file: no second read only to be told so."""
    chunks: list[bytes] = []
    position, wanted = start, count
    try:
        while wanted > 0:
            asked = min(wanted, 1 << 20)
            if position <= end:
                asked = min(asked, end - position + 1)
            chunk = os.pread(fd, asked, position)
            if not chunk:
                break
            chunks.append(chunk)
            position += len(chunk)
            wanted -= len(chunk)
            if len(chunk) < asked and 0 <= end <= position:
                break
    except OSError as error:
        raise UnsafeFileError(Path(path), _os_reason(error), os_fix(error)) from None
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _os_reason(error: OSError) -> str:
    if error.errno == errno.EISDIR:
        return "is a folder, not a regular file"
    if error.errno == errno.ELOOP:
        return "is a loop of symbolic links"
    return f"cannot be read: {error.strerror or error}"


def _size(limit: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= factor:
            return f"{limit / factor:g} {unit}"
    return f"{limit} bytes"
