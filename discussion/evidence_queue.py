"""Recorder evidence on its way into the session record, in order, never dropped on a write error.

`recording_started`, `audio_gap`, `alarm`... come from recorder threads. When the record cannot
take one (disk full: `RecordWriteError`), it waits here with its original offset, later ones
queue behind it (the log keeps the order things happened in), and the whole backlog is retried
at most every `retry_interval_s` and whenever something else is written. The assessor is told
through a recorder-side `Alarm` ("record_write") and its `AlarmCleared`; once the backlog is
saved, an alarm/alarm_cleared pair in the record says that it was saved late.
"""

from __future__ import annotations

import logging
import threading
import time

from discussion.audio import Alarm, AlarmCleared, RecorderEvent
from discussion.record import (
    AlarmClearedData,
    AlarmData,
    EventData,
    RecordWriteError,
    SessionRecord,
)

log = logging.getLogger(__name__)


class EvidenceQueue:
    """Appends recorder evidence to `record`; thread-safe. Methods return what to tell the UI."""

    def __init__(self, record: SessionRecord, retry_interval_s: float = 1.0) -> None:
        self.record = record
        self.retry_interval_s = retry_interval_s
        self._lock = threading.Lock()
        self._unsaved: list[tuple[EventData, float]] = []  # oldest first
        self._alarmed = False
        self._late = 0  # events saved late since the alarm was raised
        self._next_retry = 0.0

    @property
    def unsaved(self) -> int:
        """How many events wait for the record."""
        with self._lock:
            return len(self._unsaved)

    def add(self, data: EventData, offset: float) -> list[RecorderEvent]:
        """Append `data` at `offset` after any backlog (queued if the record refuses it)."""
        with self._lock:
            self._unsaved.append((data, offset))
            if len(self._unsaved) > 1 and time.monotonic() < self._next_retry:
                return []  # behind a backlog that is not due for a retry yet
            return self._flush_locked()

    def retry(self, *, now: bool = False) -> list[RecorderEvent]:
        """Retry the backlog if it is due (or `now`); cheap when there is none."""
        if not self._unsaved:  # unlocked read: a stale answer only delays the retry
            return []
        with self._lock:
            if not now and time.monotonic() < self._next_retry:
                return []
            return self._flush_locked()

    def _flush_locked(self) -> list[RecorderEvent]:
        news: list[RecorderEvent] = []
        while self._unsaved:
            data, offset = self._unsaved[0]
            try:
                self.record.append(data, offset)
            except RecordWriteError as error:
                self._next_retry = time.monotonic() + self.retry_interval_s
                if not self._alarmed:
                    self._alarmed = True
                    message = (
                        f"recorder events not saved in the record ({error.message}): "
                        "free disk space; they are kept and retried"
                    )
                    log.error("%s: %s not saved yet", message, data.TYPE)
                    news.append(Alarm("record_write", message, offset))
                return news
            except Exception:  # cannot ever be written (a bug, a closed record): not retried
                log.exception("dropping %s at %.3f: the record refused it", data.TYPE, offset)
            else:
                self._late += self._alarmed
            self._unsaved.pop(0)
        if self._alarmed:
            news.extend(self._cleared_locked())
        return news

    def _cleared_locked(self) -> list[RecorderEvent]:
        late, self._late, self._alarmed = self._late, 0, False
        offset = max(0.0, self.record.timeline_end_offset())
        text = f"{late} recorder event(s) were saved late, with their original offsets"
        try:
            self.record.append(AlarmData(kind="record_write", message=text), offset)
            self.record.append(AlarmClearedData(kind="record_write", message=text), offset)
        except RecordWriteError as error:  # the evidence itself is saved: say so in the log
            log.warning("%s; noting it in the record failed: %s", text, error.message)
        log.info("%s", text)
        return [AlarmCleared("record_write", offset)]
