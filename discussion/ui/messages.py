"""Messages the screens and the app exchange (past tense: they say what happened)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # imported lazily: the first screen must not wait for numpy and PortAudio
    from discussion.audio import RecorderEvent
    from discussion.record import Event


class RecorderReported(Message, bubble=False):
    """The live session's recorder reported something (posted from a recorder thread).

    Not bubbling: the app forwards it to the screen on top, which must not send it back up.
    """

    def __init__(self, event: RecorderEvent) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        """Level readings arrive at 10 Hz: a newer one replaces an unprocessed older one."""
        from discussion.audio import Level

        return (
            isinstance(message, RecorderReported)
            and isinstance(self.event, Level)
            and isinstance(message.event, Level)
        )


class EventLogged(Message, bubble=False):
    """An event was appended (durably) to the session's evidence log (not bubbling, as above)."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event


class NewDiscussionRequested(Message):
    """The assessor asked to set up a new discussion."""


class SessionResumeRequested(Message):
    """The assessor asked to resume (recovering first if needed) an interrupted session."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder


class SessionOpenRequested(Message):
    """The assessor asked to open a session (decisions, grade, export) without recording."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder


class BrowserRequested(Message):
    """The assessor asked for the standard and question-bank browser."""
