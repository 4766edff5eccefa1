"""A screen's entries on their way to the record, saved on the record writer's thread.

The consent, decisions, grade and correct-details screens put a `RecordSaves` (not drawn) in
their layout and hand it what the assessor entered (`submit`): it returns at once, the live
session's record writer (discussion/record/writer.py) makes it durable on its own thread, and
its report comes back as a message to this widget, which posts `RecordSaves.Settled` to the
screen, on the UI thread. So the UI thread never syncs; the screen shows the entry as saving
until `Settled` says it is saved. A write the record refuses (a full disk) stays queued, in
order, and is retried every second: `Settled` with `outcome.retrying`, and the screen says
what to fix. The writer's death is an error on screen; a new writer takes over what waits.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.message import Message
from textual.widget import Widget

from discussion.live import LiveSession
from discussion.record.events import EventData
from discussion.record.writer import RecordWriter, WriteOutcome, WriterClosedError

# What the assessor is told to do while the record refuses an entry.
RETRY_FIX = "It is kept and retried every second: free disk space."


class _Reported(Message, bubble=False):
    """The writer's report of one entry (posted from the writer thread)."""

    def __init__(self, outcome: WriteOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class _WriterDied(Message, bubble=False):
    """The writer's thread stopped unexpectedly (posted from it)."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class RecordSaves(Widget):
    """Submits entries to the record writer and tells the screen how each went."""

    DEFAULT_CSS = "RecordSaves { display: none; }"

    class Settled(Message):
        """An entry's outcome (bubbles to the screen): saved (`outcome.saved`), refused for
        now and retried (`outcome.retrying`), or given up (neither: enter it again)."""

        def __init__(self, outcome: WriteOutcome) -> None:
            super().__init__()
            self.outcome = outcome

    def __init__(self, live: LiveSession, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.live = live
        self.pending: dict[int, EventData] = {}  # submitted, not on disk yet (UI thread only)
        self.problem: str | None = None  # why the record refuses what is pending, if it does
        self._given_up = -1  # keys for writes the writer refused to take (always negative)
        self._writer: RecordWriter
        self._previous: Callable[[str], None] | None = None

    def on_mount(self) -> None:
        """Start the writer (or take over the running one): this screen hears of its death."""
        self._writer = self.live.start_writer()
        self._previous = self._writer.on_died  # the screen below (a modal on top of it)
        self._writer.on_died = self._died

    def on_unmount(self) -> None:
        """The screen below hears of the writer's death again."""
        if self._writer.on_died == self._died:
            self._writer.on_died = self._previous

    @property
    def saving(self) -> bool:
        """Something submitted here is not on disk yet."""
        return bool(self.pending)

    def submit(self, data: EventData, offset: float | None = None) -> int:
        """Queue `data` (at `offset`, default now on the sample clock) and return its key at
        once; `Settled` follows."""
        try:
            key = self.live.submit(data, offset, self._told)
        except WriterClosedError as error:  # the session is being let go: nothing can be saved
            key, self._given_up = self._given_up, self._given_up - 1
            self._reported(_Reported(WriteOutcome(key, data, error=str(error))))
            return key
        self.pending[key] = data
        return key

    def _told(self, outcome: WriteOutcome) -> None:
        """On the record writer's thread: hand the report to the UI thread."""
        self.post_message(_Reported(outcome))

    def _died(self, message: str) -> None:
        """On the dying writer thread."""
        self.post_message(_WriterDied(message))

    @on(_Reported)
    def _reported(self, message: _Reported) -> None:
        outcome = message.outcome
        if outcome.retrying:
            self.problem = outcome.error
        else:
            self.pending.pop(outcome.key, None)
            if not self.pending:
                self.problem = None
        self.post_message(self.Settled(outcome))

    @on(_WriterDied)
    def _writer_died(self, message: _WriterDied) -> None:
        """Never silent; a new writer thread takes over what was waiting."""
        self.notify(
            f"{message.message}. A new writer took over what was waiting; if this repeats, "
            "quit and resume the session.",
            severity="error",
            timeout=20,
        )
        self._writer = self.live.start_writer(on_died=self._died)
