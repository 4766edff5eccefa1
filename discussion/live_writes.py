"""The live session's record writer: what a screen submits is saved on its own thread.

`LiveWrites` is the part of `LiveSession` (discussion/live.py) that owns a `RecordWriter`
(discussion/record/writer.py): notes, marks, amendments, questions asked, statuses, time
marks, consent, decisions, results and corrections are queued in the order they were entered,
with their moment on the recording taken when entered, and saved (waiting recorder evidence
first, then one sync for all that waits) off the caller's thread. `close`, `release` and
`discard_before_consent` stop it (saving what waits) before anything else. Textual-free.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Protocol

from discussion.record import Event, EventData, SessionRecord
from discussion.record.events import NoteAmendedData, NoteData
from discussion.record.writer import Done, RecordWriter, WriteOutcome, WriterClosedError

log = logging.getLogger("discussion.live")

Items = list[tuple[EventData, float | None]]


class WritesHost(Protocol):
    """What `LiveWrites` needs from the session it is mixed into (`LiveSession`)."""

    record: SessionRecord
    _lock: threading.Lock
    _writer: RecordWriter | None
    _writer_stop: threading.Lock

    def offset_now(self) -> float:
        """Now on the session timeline."""
        ...

    def _save_backlog(self) -> None: ...

    def _notify(self, item: Event) -> None: ...

    def _commit(self, items: Items) -> list[Event]: ...

    def start_writer(self, on_died: Callable[[str], None] | None = None) -> RecordWriter:
        """The running writer."""
        ...

    def submit(self, data: EventData, offset: float | None = None, done: Done | None = None) -> int:
        """Queue `data`."""
        ...


class LiveWrites:
    """Submitting to the session's record writer (mixed into `LiveSession`; its methods take
    the session as a `WritesHost`, which mypy checks `LiveSession` is)."""

    _writer: RecordWriter | None  # the running writer (None until the first submission)

    def start_writer(
        self: WritesHost, on_died: Callable[[str], None] | None = None
    ) -> RecordWriter:
        """Start (or return) the thread that saves submitted events; joined by `close`,
        `release` and `stop_writer`. `on_died` is called (on that thread) if it dies.

        A writer still being stopped (a screen left) is followed by a new one, whose first save
        waits for the old one to finish: the log keeps the order things were entered in.
        """
        with self._lock:
            writer = self._writer
            if writer is None or writer.closing:
                commit = self._commit
                if writer is not None:
                    commit = functools.partial(_after, writer, self._commit)
                first_key = 0 if writer is None else writer.next_key
                writer = RecordWriter(
                    commit, on_died=on_died, name="record-writer", first_key=first_key
                )
                self._writer = writer
            elif on_died is not None:
                writer.on_died = on_died
        try:
            writer.start()
        except WriterClosedError:  # stopped between the check and the start: take over
            return self.start_writer(on_died)
        return writer

    def submit_note(
        self: WritesHost, text: str, criteria: list[str], first_keystroke_offset: float, done: Done
    ) -> int:
        """Queue a note (stamped at its first keystroke) behind everything submitted before;
        returns at once with its key. `done` hears, from the writer thread, when it is on disk
        (or why not yet)."""
        raw = max(0.0, first_keystroke_offset)
        data = NoteData(
            text=text, criteria=criteria, raw_offset=raw, lag_s=self.record.info.reaction_lag_s
        )
        return _submit(self, data, None, done)

    def submit_amend(
        self: WritesHost, note_seq: int, text: str, criteria: list[str], done: Done
    ) -> int:
        """Queue a correction of note `note_seq` (ValueError if it is not a saved note)."""
        events = self.record.events
        if not (0 <= note_seq < len(events)) or events[note_seq].type != "note":
            raise ValueError(f"seq {note_seq} is not a note")
        data = NoteAmendedData(amends=note_seq, text=text, criteria=criteria)
        return _submit(self, data, self.offset_now(), done)

    def submit(
        self: WritesHost, data: EventData, offset: float | None = None, done: Done | None = None
    ) -> int:
        """Queue any other event (a question asked, a status, a time mark, a result) at
        `offset` (default: now on the sample clock, taken now, not when the disk takes it)."""
        when = self.offset_now() if offset is None else offset
        return _submit(self, data, max(0.0, when), done)

    def flush_writes(self: WritesHost, timeout: float | None = 10.0) -> bool:
        """Block until everything submitted is on disk (False: not within `timeout`, or the
        record refuses it for now)."""
        writer = self._writer
        return writer is None or writer.flush(timeout)

    def unsaved_writes(self: WritesHost) -> int:
        """How many submitted events are not on disk yet."""
        writer = self._writer
        return 0 if writer is None else writer.waiting

    def stop_writer(self: WritesHost, timeout: float = 10.0) -> list[WriteOutcome]:
        """Save what was submitted, stop the writer thread and join it (blocking); returns the
        writes that could not be saved. A later submission starts a new writer."""
        with self._writer_stop:  # held across the join: a concurrent stop waits for it
            with self._lock:
                writer = self._writer
            if writer is None:
                return []
            lost = writer.close(timeout)
            with self._lock:
                if self._writer is writer:
                    self._writer = None
        for outcome in lost:
            log.error("a %s event was not saved: %s", outcome.data.TYPE, outcome.error)
        return lost

    def _commit(self: WritesHost, items: Items) -> list[Event]:
        """On the writer thread: waiting recorder evidence first, then `items`, one sync."""
        self._save_backlog()
        events = self.record.append_many(items)
        for event in events:
            self._notify(event)
        return events


def _submit(host: WritesHost, data: EventData, offset: float | None, done: Done | None) -> int:
    """Hand `data` to the running writer; one stopped meanwhile is taken over by a new one."""
    try:
        return host.start_writer().submit(data, offset, done)
    except WriterClosedError:
        return host.start_writer().submit(data, offset, done)


def _after(
    before: RecordWriter, commit: Callable[[Items], list[Event]], items: Items
) -> list[Event]:
    """A new writer's save: the one it follows has written (or given up) all it held first."""
    before.join()
    return commit(items)
