"""Errors raised by the session record.

`RecordWriteError` is the one the UI must handle on every append: the evidence could not be
made durable (disk full, I/O error), so the caller keeps what it tried to write and tells the
assessor. The others are `UserError`s: the CLI prints them as one line.
"""

from __future__ import annotations

from discussion.errors import UserError


class RecordError(UserError):
    """A session record cannot be used as asked (exit status 2 on the command line)."""


class RecordWriteError(RecordError):
    """An event could not be written and fsync'd; nothing partial is left in the log.

    The caller must keep the content (e.g. the note's text) and tell the assessor; once the
    cause is fixed (space freed) the same append can be retried.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=1)


class SessionClosedError(RecordError):
    """An append was attempted on a session whose `closed` event is already written."""


class SessionLockedError(RecordError):
    """Another running process owns the session (holds `recorder.lock`)."""


class RecordCorruptError(RecordError):
    """The event log is damaged beyond a torn last line; `discussion verify` explains where."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=1)


class TornTailError(RecordError):
    """The log ends in a torn line; open it with repair (or run `discussion recover`)."""
