"""What the record writer says to the discussion screen (past tense: it has happened).

The screen submits notes, marks, amendments, questions asked, statuses and time marks to the
live session's record writer (discussion/record/writer.py), which saves them on its own thread;
its callbacks, on that thread, only post these messages, and the screen's handlers change the
screen. A note is shown at once as "saving…" and as saved only on `NoteSaved`, which comes once
its sync has completed.
"""

from __future__ import annotations

from textual.message import Message

from discussion.record.writer import WriteOutcome


class NoteSaved(Message, bubble=False):
    """A note (or a mark, or an amendment) is on disk: `outcome.event` is its event."""

    def __init__(self, outcome: WriteOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class WriteNotSaved(Message, bubble=False):
    """A submitted event is not on disk: waiting for a retry (`outcome.retrying`), or given up."""

    def __init__(self, outcome: WriteOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class RecordWriterDied(Message, bubble=False):
    """The record writer's thread stopped unexpectedly (the next write starts a new one)."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message
