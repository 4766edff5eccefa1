"""A discussion in progress: the session record and the recorder, joined.

`LiveSession` is the one place that turns recorder events into evidence-log events, so the
`discussion record` command and the terminal app behave identically. It is Textual-free; a UI
passes a `listener` that is called (from recorder threads) with every recorder event and every
event appended to the log. A screen submits what the assessor enters (`submit_note`,
`submit`) to the session's record writer (discussion/record/writer.py), which makes it durable
on its own thread and reports each outcome: the UI thread never waits for the disk.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from discussion.audio import (
    Alarm,
    AudioUnavailable,
    Failed,
    Recorder,
    RecorderConfig,
    RecorderEvent,
    RecorderState,
    StopSummary,
)
from discussion.audio.stream import StreamFactory
from discussion.errors import UserError
from discussion.evidence_queue import EvidenceQueue
from discussion.live_evidence import evidence_of
from discussion.live_writes import LiveWrites
from discussion.record import (
    ConsentRecordedData,
    Event,
    EventData,
    QuestionAskedData,
    RecordingStoppedData,
    RecordWriteError,
    SessionInfo,
    SessionRecord,
    TimeWarningData,
    resume,
)
from discussion.record.events import CriterionStatus, CriterionStatusData
from discussion.record.state import SessionState, apply_event, empty_state
from discussion.record.writer import RecordWriter
from discussion.recorder_log import attach_recorder_log, detach_recorder_log

log = logging.getLogger(__name__)

Listener = Callable[[RecorderEvent | Event], None]

# What set-up logs before any audio: a session holding only these never took place.
_BEFORE_RECORDING = frozenset({"created", "setup_confirmed", "details_corrected"})


# What a start logs before consent: no evidence, nothing the apprentice agreed to.
DISCARDABLE_BEFORE_CONSENT = frozenset(
    {
        "created",
        "setup_confirmed",
        "recording_started",
        "recording_stopped",
        "recording_paused",
        "recording_resumed",
        "audio_gap",
        "alarm",
        "alarm_cleared",
    }
)


class LiveSession(LiveWrites):
    """Owns an open `SessionRecord` and, while recording, a `Recorder` writing its next segment;
    its record writer (`LiveWrites`) saves what a screen submits."""

    def __init__(
        self,
        record: SessionRecord,
        *,
        device: str | int | None = None,
        config: RecorderConfig | None = None,
        listener: Listener | None = None,
        stream_factory: StreamFactory | None = None,
    ) -> None:
        self.record = record
        self.device = device
        self.config = config or RecorderConfig()
        self.listener = listener
        self.stream_factory = stream_factory  # None: the real PortAudio input
        self.recorder: Recorder | None = None
        self._segment: Path | None = None
        self._pause_reason = ""
        self._lock = threading.Lock()
        self._stop_requested = threading.Event()  # stop_recording ran: no restart after a failure
        self._evidence = EvidenceQueue(record)
        # Notes-only sessions have no sample clock: their offsets count monotonic seconds from
        # where the timeline stood when this process took the session over.
        self._fallback_origin = time.monotonic()
        self._fallback_base = record.timeline_end_offset()
        self._log_handler = attach_recorder_log(record.folder)
        record.set_clock(self.offset_now)
        # The derived state, kept up to date event by event (see `state`).
        self._state = empty_state(record.info, owned=True)
        self._state_lock = threading.Lock()
        self._writer: RecordWriter | None = None  # started by `start_writer` (a screen's mount)
        self._writer_stop = threading.Lock()  # a second `stop_writer` waits for the first's join

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(cls, info: SessionInfo, home: Path | None = None, **kwargs: object) -> LiveSession:
        """Create a new session folder and own it.

        The assessor's signing key is loaded (made on first use) first: a key that cannot be
        made is reported now, not at the close an hour later, when the disk may be full.
        """
        from discussion.signing.keys import load_or_create_key

        load_or_create_key("assessor")
        return cls(SessionRecord.create(info, home), **kwargs)  # type: ignore[arg-type]

    @classmethod
    def resume(cls, folder: Path, **kwargs: object) -> LiveSession:
        """Take over an interrupted session (recovering it first); the timeline continues."""
        record, _report = resume(folder)
        return cls(record, **kwargs)  # type: ignore[arg-type]

    @property
    def folder(self) -> Path:
        """The session folder."""
        return self.record.folder

    @property
    def has_audio(self) -> bool:
        """False for a notes-only session chosen by the assessor."""
        return self.record.info.audio is not False

    def state(self) -> SessionState:
        """The derived state now: only events appended since the last call are folded in.

        The same object is returned each time, updated in place (screens read it, never
        change it); cheap enough to call on every note.
        """
        with self._state_lock:
            events = self.record.events
            for event in events[self._state.event_count :]:
                apply_event(self._state, event)
            return self._state

    # ------------------------------------------------------------------ the clock
    def offset_now(self) -> float:
        """Now on the session timeline: the recorder's sample clock when recording."""
        recorder = self.recorder
        if recorder is not None:
            return recorder.offset_seconds()
        if self.has_audio:
            # Between recording runs (and after the last) nothing moves the audio clock: events
            # then sit at the end of the recording, where a verifier would look for them.
            return self._fallback_base
        return self._fallback_base + (time.monotonic() - self._fallback_origin)

    # ------------------------------------------------------------------ recording
    def start_recording(self) -> Recorder:
        """Open the next segment and start the recorder (confirmed by its `Started` event).

        Raises `AudioUnavailable` with the fix when there is no usable device.
        """
        if not self.has_audio:
            raise RuntimeError("this session was set up without audio")
        with self._lock:
            self._stop_requested.clear()
            if self.recorder is not None:
                return self.recorder
            return self._start_locked(self.record.timeline_end_offset())

    def _start_locked(self, timeline_start: float) -> Recorder:
        segment = self.record.next_segment_path()

        def on_event(event: RecorderEvent) -> None:
            # Bound to this run's segment: `Started` may arrive before `start()` returns.
            self._on_recorder_event(event, segment)

        recorder = Recorder(
            segment,
            timeline_start=timeline_start,
            device=self.device,
            on_event=on_event,
            config=self.config,
            stream_factory=self.stream_factory,
        )
        self.recorder, self._segment = recorder, segment
        try:
            recorder.start()
        except BaseException:
            self.recorder, self._segment = None, None
            raise
        return recorder

    def _restart_after_failure(self, segment: Path, message: str) -> None:
        """On its own thread: end the run whose recorder died, continue in a new segment.

        The failed run is logged as stopped (its frames as written) and the next one starts
        where it ended on the same timeline; a device that will not open is retried every
        `reopen_interval_s` until the recording is stopped.
        """
        with self._lock:
            recorder = self.recorder
            if recorder is None or self._segment != segment or self._stop_requested.is_set():
                return  # already stopped by its owner
            summary = recorder.stop(timeout=self.config.stream_close_timeout_s * 2)
            self.recorder = None
            self._fallback_base, self._fallback_origin = summary.end_offset, time.monotonic()
            stopped = RecordingStoppedData(
                segment=self._relative(segment),
                frames=summary.frames,
                reason=f"recorder failed: {message}",
            )
            news = self._evidence.add(stopped, summary.end_offset)
        self._notify_all(news)
        alarmed = False
        while True:
            with self._lock:
                if self._stop_requested.is_set() or self.recorder is not None:
                    return
                start = max(summary.end_offset, self.record.timeline_end_offset())
                try:
                    self._start_locked(start)
                    log.info("recording continues in %s after: %s", self._segment, message)
                    return
                except (AudioUnavailable, OSError) as error:
                    text = error.message if isinstance(error, AudioUnavailable) else str(error)
                    log.error("restarting the recording failed: %s", text)
            if not alarmed:  # the recorder_failed alarm is up already; say why it stays up
                alarmed = True
                retry = f"the recording could not restart ({text}): retrying"
                self._on_recorder_event(Alarm("recorder_failed", retry, start), segment)
            if self._stop_requested.wait(self.config.reopen_interval_s):
                return

    def wait_until_recording(self, timeout: float) -> bool:
        """Block until the first audio block arrived (True) or `timeout` passed (False)."""
        recorder = self.recorder
        return recorder is not None and recorder.wait_until_recording(timeout)

    @property
    def recording(self) -> bool:
        """A recorder is running (consent given now is on the recording)."""
        return self.recorder is not None

    @property
    def recorder_state(self) -> RecorderState:
        """What the recorder is doing (IDLE when none runs)."""
        recorder = self.recorder
        return recorder.state if recorder is not None else RecorderState.IDLE

    def pause(self, reason: str = "") -> None:
        """Pause the recording (the clock stands still); logged as `recording_paused`."""
        if self.recorder is not None:
            self._pause_reason = reason
            self.recorder.pause()

    def resume_recording(self) -> None:
        """Resume after `pause`; logged as `recording_resumed`."""
        if self.recorder is not None:
            self.recorder.resume()

    def stop_recording(self, reason: str = "stopped", timeout: float = 5.0) -> StopSummary | None:
        """Stop the recorder (bounded by `timeout`) and log `recording_stopped`."""
        self._stop_requested.set()  # first: a restart after a recorder failure gives up
        with self._lock:
            recorder, segment = self.recorder, self._segment
            if recorder is None or segment is None:
                return None
            summary = recorder.stop(timeout=timeout)
            self.recorder = None
            self._fallback_base = summary.end_offset
            self._fallback_origin = time.monotonic()
            stopped = RecordingStoppedData(
                segment=self._relative(segment), frames=summary.frames, reason=reason
            )
            news = self._evidence.add(stopped, summary.end_offset)  # behind any backlog
        self._notify_all(news)
        return summary

    # ------------------------------------------------------------------ evidence
    def note(self, text: str, criteria: list[str], first_keystroke_offset: float) -> Event:
        """A note, durable when this returns; raises `RecordWriteError` if it cannot be saved."""
        self._save_backlog()
        event = self.record.add_note(text, criteria, first_keystroke_offset)
        self._notify(event)
        return event

    def amend(self, note_seq: int, text: str, criteria: list[str]) -> Event:
        """Correct a note: a new `note_amended` event; the original stays."""
        self._save_backlog()
        event = self.record.amend_note(note_seq, text, criteria)
        self._notify(event)
        return event

    def ask(self, question_id: str, criteria: list[str]) -> Event:
        """Mark a question as asked now."""
        return self._append(QuestionAskedData(question_id=question_id, criteria=criteria))

    def criterion_status(
        self, criterion: str, status: CriterionStatus, offset: float | None = None
    ) -> Event:
        """The assessor's live status of a criterion (none, partial, sufficient), at `offset`
        (default: now on the sample clock, like a note); a later one supersedes it."""
        return self._append(CriterionStatusData(criterion=criterion, status=status), offset)

    def consent(self, statement: str) -> Event:
        """The apprentice agreed to the recording, at this point of it."""
        return self._append(
            ConsentRecordedData(recording=self.recorder is not None, statement=statement)
        )

    def time_warning(self, minutes: int) -> Event:
        """A time mark (e.g. 45, 55, 60 minutes) was shown to the assessor."""
        return self._append(TimeWarningData(minutes=minutes))

    def decide(self, criterion: str, met: bool, rationale: str, note_seqs: list[int]) -> Event:
        """The assessor's decision on a criterion (a later one supersedes it)."""
        self._save_backlog()
        event = self.record.decide(criterion, met, rationale, note_seqs)
        self._notify(event)
        return event

    def append(self, data: EventData, offset: float | None = None) -> Event:
        """Append any other event (e.g. component results)."""
        return self._append(data, offset)

    def close(self, reason: str = "") -> Event:
        """Stop recording, then seal the record (`closed` event, file hashes, chain head).

        Raises `RecordWriteError` (nothing sealed; call again once space is freed) while
        recorder evidence or something submitted is still waiting for the disk: it stays
        queued, and is never sealed out of the record.
        """
        self.stop_recording(reason="session closed")
        if not self.flush_writes():
            raise RecordWriteError(
                f"{self.unsaved_writes()} entered item(s) are not saved in {self.record.folder} "
                "yet: free disk space, then close again"
            )
        self.stop_writer()
        self._save_backlog()
        self._detach_log()
        event = self.record.close(reason)
        self._notify(event)
        return event

    def release(self) -> None:
        """Stop recording and let go of the session without closing it (it can be resumed)."""
        self.stop_recording(reason="session left open")
        self.stop_writer()
        self._notify_all(self._evidence.retry(now=True))
        if self._evidence.unsaved:  # recovery rebuilds the segments from the files
            log.error("%d recorder event(s) never reached the record", self._evidence.unsaved)
        self._detach_log()
        self.record.release()

    def discard_before_consent(self) -> None:
        """Undo a start the assessor went back from to correct the set-up (blocking).

        Allowed only while the log holds nothing but the start itself (no consent, note,
        question or decision): the audio so far is the consent notice, which the apprentice has
        not agreed to. Stops recording, lets go and deletes the folder; `UserError` otherwise.
        """
        kinds = {event.type for event in self.record.events}
        if not kinds <= DISCARDABLE_BEFORE_CONSENT:
            raise UserError(
                "this session already holds "
                + ", ".join(sorted(kinds - DISCARDABLE_BEFORE_CONSENT))
                + ": correct a detail with a logged correction instead"
            )
        self.stop_recording(reason="discarded before consent")
        self.stop_writer(timeout=2.0)
        self._detach_log()
        # Deleted while the lock is still held, so no listing ever offers it as interrupted.
        shutil.rmtree(self.record.folder, ignore_errors=True)
        self.record.release()

    def abandon_start(self) -> bool:
        """Give up a recording run that never received audio, then let go of the session.

        Used when the device never delivered a block (or could not be opened): the run is
        stopped without a `recording_stopped` event and its empty segment file deleted (no
        event names it). If the log then holds nothing but what set-up logged (`created`,
        `setup_confirmed`, `details_corrected`), nothing was recorded and
        the whole folder is removed (returns True); otherwise the session is released and stays
        interrupted, to be resumed or closed later (returns False). If audio did arrive in the
        meantime the run is stopped and logged normally.
        """
        with self._lock:
            recorder, segment = self.recorder, self._segment
        if recorder is not None and recorder.wait_until_recording(0):
            self.release()
            return False
        if recorder is not None:
            recorder.stop(timeout=2.0)
            with self._lock:
                self.recorder = None
        if recorder is not None and recorder.wait_until_recording(0):
            # The first block raced the stop: the run is evidence after all.
            with self._lock:
                self.recorder = recorder
            self.release()
            return False
        if segment is not None:
            segment.unlink(missing_ok=True)
        self._segment = None
        self._detach_log()
        # Set-up facts logged before the first block are not a discussion: without audio nothing
        # took place, so the folder goes (otherwise home would offer an empty session to resume).
        nothing_recorded = all(e.type in _BEFORE_RECORDING for e in self.record.events)
        self.record.release()
        if nothing_recorded:
            shutil.rmtree(self.record.folder, ignore_errors=True)
        return nothing_recorded

    # ------------------------------------------------------------------ internals
    def _relative(self, path: Path) -> str:
        return path.relative_to(self.record.folder).as_posix()

    def _save_backlog(self) -> None:
        """Before other evidence: write waiting recorder events first (the log keeps order)."""
        self._notify_all(self._evidence.retry(now=True))
        if waiting := self._evidence.unsaved:
            raise RecordWriteError(
                f"{waiting} earlier recorder event(s) are not saved in {self.record.folder} "
                "yet: free disk space, then try again"
            )

    def _append(self, data: EventData, offset: float | None = None) -> Event:
        self._save_backlog()
        event = self.record.append(data, offset)
        self._notify(event)
        return event

    def _notify(self, item: RecorderEvent | Event) -> None:
        if self.listener is not None:
            try:
                self.listener(item)
            except Exception:  # a UI problem must never stop the recording
                log.exception("listener failed")

    def _notify_all(self, items: list[RecorderEvent]) -> None:
        for item in items:
            self._notify(item)

    def _on_recorder_event(self, event: RecorderEvent, segment: Path) -> None:
        """Called from the threads of the recorder writing `segment`: log evidence, pass all on."""
        if isinstance(event, Failed):
            # Not on this thread: the restart stops (joins) the recorder that is calling us.
            threading.Thread(
                target=self._restart_after_failure,
                args=(segment, event.message),
                name="live-restart",
                daemon=True,
            ).start()
        device = "" if self.device is None else str(self.device)
        evidence = evidence_of(
            event, segment=self._relative(segment), device=device, pause_reason=self._pause_reason
        )
        # Kept and retried in order if the record refuses it.
        news = self._evidence.add(*evidence) if evidence is not None else self._evidence.retry()
        self._notify(event)
        self._notify_all(news)

    def _detach_log(self) -> None:
        handler, self._log_handler = self._log_handler, None
        if handler is not None:
            detach_recorder_log(handler)
