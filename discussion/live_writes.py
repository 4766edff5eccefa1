"""The live session's record writer: what a screen submits is saved on its own thread.

`LiveWrites` is the part of `LiveSession` (discussion/live.py) that owns a `RecordWriter`
(discussion/record/writer.py): notes, marks, amendments, questions asked, statuses and time
marks are queued in the order they were entered, with their moment on the recording taken when
entered, and saved (waiting recorder evidence first, then one sync for all that waits) off the
caller's thread. `close`, `release` and `discard_before_consent` stop it (saving what waits)
before anything else. Textual-free.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from discussion.record import Event, EventData, SessionRecord
from discussion.record.events import NoteAmendedData, NoteData
from discussion.record.writer import Done, RecordWriter, WriteOutcome

log = logging.getLogger("discussion.live")


class LiveWrites:
    """Submitting to the session's record writer (mixed into `LiveSession`)."""

    record: SessionRecord
    _lock: threading.Lock
    _writer: RecordWriter | None
    _writer_stop: threading.Lock

    def offset_now(self) -> float:
        """Now on the session timeline (LiveSession's)."""
        raise NotImplementedError

    def _save_backlog(self) -> None:
        raise NotImplementedError

    def _notify(self, item: Event) -> None:
        raise NotImplementedError

    def start_writer(self, on_died: Callable[[str], None] | None = None) -> RecordWriter:
        """Start (or return) the thread that saves submitted events; joined by `close`,
        `release` and `stop_writer`. `on_died` is called (on that thread) if it dies."""
        with self._lock:
            if self._writer is None:
                self._writer = RecordWriter(self._commit, on_died=on_died, name="record-writer")
            elif on_died is not None:
                self._writer._on_died = on_died
        self._writer.start()
        return self._writer

    def submit_note(
        self, text: str, criteria: list[str], first_keystroke_offset: float, done: Done
    ) -> int:
        """Queue a note (stamped at its first keystroke) behind everything submitted before;
        returns at once with its key. `done` hears, from the writer thread, when it is on disk
        (or why not yet)."""
        raw = max(0.0, first_keystroke_offset)
        data = NoteData(
            text=text, criteria=criteria, raw_offset=raw, lag_s=self.record.info.reaction_lag_s
        )
        return self.start_writer().submit(data, None, done)

    def submit_amend(self, note_seq: int, text: str, criteria: list[str], done: Done) -> int:
        """Queue a correction of note `note_seq` (ValueError if it is not a saved note)."""
        events = self.record.events
        if not (0 <= note_seq < len(events)) or events[note_seq].type != "note":
            raise ValueError(f"seq {note_seq} is not a note")
        data = NoteAmendedData(amends=note_seq, text=text, criteria=criteria)
        return self.start_writer().submit(data, self.offset_now(), done)

    def submit(self, data: EventData, offset: float | None = None, done: Done | None = None) -> int:
        """Queue any other event (a question asked, a status, a time mark) at `offset`
        (default: now on the sample clock, taken now, not when the disk takes it)."""
        when = self.offset_now() if offset is None else offset
        return self.start_writer().submit(data, max(0.0, when), done)

    def flush_writes(self, timeout: float | None = 10.0) -> bool:
        """Block until everything submitted is on disk (False: not within `timeout`, or the
        record refuses it for now)."""
        writer = self._writer
        return writer is None or writer.flush(timeout)

    def stop_writer(self, timeout: float = 10.0) -> list[WriteOutcome]:
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

    def _commit(self, items: list[tuple[EventData, float | None]]) -> list[Event]:
        """On the writer thread: waiting recorder evidence first, then `items`, one sync."""
        self._save_backlog()
        events = self.record.append_many(items)
        for event in events:
            self._notify(event)
        return events
