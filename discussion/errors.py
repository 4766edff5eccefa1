"""Errors a user can act on: shown as one line, never as a traceback."""

from __future__ import annotations

import errno


class UserError(Exception):
    """A problem with the user's input or environment, with the fix in its message.

    `exit_code` follows the CLI convention: 2 for usage and input errors.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


# What the user can do about an operating-system error, by errno name.
_OS_FIXES = {
    "ENOSPC": "free some disk space and try again",
    "EDQUOT": "your disk quota is full: free some space and try again",
    "EFBIG": "the file is too large for this file system",
    "EROFS": "the file system is read-only: choose a writable folder (DISCUSSION_HOME)",
    "EACCES": "check the permissions of the file or folder",
    "EPERM": "check the permissions of the file or folder",
    "ENOTDIR": "a part of the path is a file, not a folder",
    "EISDIR": "the path is a folder, not a file",
    "ELOOP": "the path is a loop of symbolic links",
    "ENOENT": "check the path exists",
    "EIO": "the disk reported an input/output error: check the disk",
}


def os_fix(error: OSError) -> str:
    """The fix for an `OSError` in words ("free some disk space and try again"), or ""."""
    name = errno.errorcode.get(error.errno or 0, "")
    return _OS_FIXES.get(name, "")


def os_error_message(error: OSError, doing: str = "") -> str:
    """`<doing>: <file>: <reason>: <fix>` for an `OSError`, on one line."""
    parts = [doing] if doing else []
    if error.filename is not None:
        parts.append(str(error.filename))
    parts.append(error.strerror or str(error))
    fix = os_fix(error)
    return ": ".join(parts) + (f"; {fix}" if fix else "")
