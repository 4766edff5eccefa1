"""Durable appends off the caller's thread: the record writer.

A screen must never wait for the disk (a sync can take a third of a second when other
processes share the file system's journal). `RecordWriter` owns one thread that appends what is
submitted, in submission order, and tells each submitter through its `done` callback once its
event is on disk (never before: a "saved" note survives kill -9). Writes that wait together
share one sync (group commit). A write the record refuses (`RecordWriteError`: a full disk)
stays at the head of the queue with everything behind it (the log keeps the order things were
entered in) and is retried every `retry_interval_s` and whenever something new is submitted;
its submitters are told it is waiting. The thread's death is reported through `on_died` and the
next submission starts a new thread: nothing waiting is dropped.

Textual-free: a UI turns the callbacks into messages (`post_message`), as for the recorder.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from discussion.record.errors import RecordWriteError
from discussion.record.events import Event, EventData

log = logging.getLogger(__name__)

# Appends `(data, offset)` pairs in order with one sync; all durable on return, or none.
Commit = Callable[[list[tuple[EventData, float | None]]], list[Event]]


@dataclass(frozen=True)
class WriteOutcome:
    """What became of one submitted write: saved (`event`), or not (`error`).

    `retrying`: it is kept, in order, and retried (a full disk); otherwise it was given up
    (the record refused it for good, or the writer was closed before the disk took it).
    """

    key: int
    data: EventData
    event: Event | None = None
    error: str | None = None
    retrying: bool = False

    @property
    def saved(self) -> bool:
        """The event is on disk."""
        return self.event is not None


Done = Callable[[WriteOutcome], None]


@dataclass
class _Write:
    key: int
    data: EventData
    offset: float | None
    done: Done | None
    told_waiting: bool = False


class WriterClosedError(RuntimeError):
    """Submitted to a writer that was closed."""


class RecordWriter:
    """One thread appending submitted events through `commit`, in order, group-committed."""

    def __init__(
        self,
        commit: Commit,
        *,
        on_died: Callable[[str], None] | None = None,
        retry_interval_s: float = 1.0,
        max_batch: int = 256,
        name: str = "record-writer",
        first_key: int = 0,
    ) -> None:
        self._commit = commit
        self.on_died = on_died  # may be re-pointed (the screen on top hears of a death)
        self.retry_interval_s = retry_interval_s
        self.max_batch = max_batch
        self.name = name
        self._cond = threading.Condition()
        self._pending: list[_Write] = []  # oldest first; removed only once saved or given up
        self._next_key = first_key  # a writer taking over goes on from its predecessor's keys
        self._retry_at = 0.0  # while failing: no attempt before this (monotonic)
        self._failing = False
        self._failures = 0  # attempts the record refused (a flush waits for the next one)
        self._closing = False
        self._thread: threading.Thread | None = None
        self.deaths = 0
        self.batches = 0  # syncs done (a group of writes counts once)

    # ------------------------------------------------------------------ caller side
    def start(self) -> None:
        """Start the thread (again, after a death); a no-op while it runs."""
        with self._cond:
            if self._closing:
                raise WriterClosedError("the record writer was closed")
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    @property
    def alive(self) -> bool:
        """The thread is running."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    @property
    def closing(self) -> bool:
        """`close` was called: nothing more is accepted (a new writer takes new work)."""
        with self._cond:
            return self._closing

    @property
    def next_key(self) -> int:
        """The key the next submission would get."""
        with self._cond:
            return self._next_key

    def join(self, timeout: float | None = None) -> None:
        """Wait for the thread to end (after `close`: everything it held is written or given up)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    @property
    def waiting(self) -> int:
        """How many writes are not on disk yet."""
        with self._cond:
            return len(self._pending)

    def submit(self, data: EventData, offset: float | None = None, done: Done | None = None) -> int:
        """Queue `data` at `offset` behind everything submitted before; returns its key.

        Returns at once; `done` is called on the writer thread with the outcome (once saved,
        and also when it has to wait for a retry). Restarts a writer thread that died.
        """
        with self._cond:
            if self._closing:
                raise WriterClosedError("the record writer was closed")
            key = self._next_key
            self._next_key += 1
            self._pending.append(_Write(key, data, offset, done))
            self._retry_at = 0.0  # something new: retry a failing backlog now
            self._cond.notify_all()
        self.start()
        return key

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything submitted so far is on disk (False: not within `timeout`,
        or the record refused it again). A failing backlog is retried at once."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            failures = self._failures
            if self._failing:  # the cause may be fixed (space freed): try now, not in a second
                self._retry_at = 0.0
                self._cond.notify_all()
            while self._pending:
                if self._failures > failures:
                    return False
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def close(self, timeout: float = 10.0) -> list[WriteOutcome]:
        """Write what is waiting (one last attempt if failing), stop and join the thread.

        Returns the writes that could not be saved (each also told to its `done`).
        """
        with self._cond:
            self._closing = True
            self._retry_at = 0.0
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        with self._cond:
            left, self._pending = self._pending, []
        lost = [WriteOutcome(w.key, w.data, error="the record writer stopped first") for w in left]
        for write, outcome in zip(left, lost, strict=True):
            self._tell(write, outcome)
        return lost

    # ------------------------------------------------------------------ the thread
    def _run(self) -> None:
        try:
            while self._step():
                pass
        except BaseException as error:  # last resort: never a silent death
            self.deaths += 1
            message = f"the record writer stopped ({type(error).__name__}: {error})"
            log.exception("%s", message)
            on_died = self.on_died
            if on_died is not None:
                try:
                    on_died(message)
                except Exception:
                    log.exception("reporting the record writer's death failed")

    def _step(self) -> bool:
        """One batch: wait for work, commit it, tell the submitters. False: stop."""
        with self._cond:
            while True:
                if not self._pending and self._closing:
                    return False
                wait = self._retry_at - time.monotonic() if self._failing else 0.0
                if self._pending and (wait <= 0 or self._closing):
                    break
                self._cond.wait(wait if self._pending else None)
            batch = self._pending[: self.max_batch]
            last_attempt = self._closing
        try:
            events = self._commit([(w.data, w.offset) for w in batch])
        except RecordWriteError as error:
            self._failed(batch, error.message, give_up=last_attempt)
            return not last_attempt
        except Exception as error:  # can never be written (a bug, a closed record)
            if len(batch) > 1:  # find which one: the others are written one by one
                with self._cond:
                    self.max_batch, saved_max = 1, self.max_batch
                try:
                    while self._pending and self._pending[0].key <= batch[-1].key:
                        if not self._step():
                            return False
                finally:
                    self.max_batch = saved_max
                return True
            log.exception("dropping a %s event: the record refused it", batch[0].data.TYPE)
            self._done(batch, [WriteOutcome(batch[0].key, batch[0].data, error=str(error))])
            return True
        self.batches += 1
        outcomes = [
            WriteOutcome(w.key, w.data, event=event) for w, event in zip(batch, events, strict=True)
        ]
        self._done(batch, outcomes)
        return True

    def _failed(self, batch: list[_Write], message: str, *, give_up: bool) -> None:
        with self._cond:
            self._failing = True
            self._failures += 1
            self._retry_at = time.monotonic() + self.retry_interval_s
            untold = [w for w in self._pending if not w.told_waiting]
            for write in untold:
                write.told_waiting = True
            self._cond.notify_all()  # a flush waiting for these returns
        log.error("%d write(s) wait for the record: %s", len(self._pending), message)
        if give_up:
            return  # `close` tells them they were given up
        for write in untold:
            self._tell(write, WriteOutcome(write.key, write.data, error=message, retrying=True))

    def _done(self, batch: list[_Write], outcomes: list[WriteOutcome]) -> None:
        with self._cond:
            del self._pending[: len(outcomes)]
            self._failing = False
            self._cond.notify_all()
        for write, outcome in zip(batch, outcomes, strict=False):
            self._tell(write, outcome)

    @staticmethod
    def _tell(write: _Write, outcome: WriteOutcome) -> None:
        if write.done is None:
            return
        try:
            write.done(outcome)
        except Exception:  # a UI problem must never stop the writing
            log.exception("telling the outcome of a %s event failed", outcome.data.TYPE)
