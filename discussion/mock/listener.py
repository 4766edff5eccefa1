"""The mock's examiner listening: one recording per mock, one marked span per answer, the answer
transcribed as it is spoken, and its end found by a silence after some speech (or a key).

    listener = AnswerListener(folder / "audio" / "segment-001.wav", on_event,
                              config=ListenerConfig.from_settings(settings))
    listener.start()                  # on_mount: recording + the recogniser (AudioUnavailable)
    start_s = listener.begin_answer() # after the question was spoken (SpeechFinished)
    ...                               # AnswerTextGrew(text) every couple of seconds,
    ...                               # Level (the recorder's: the microphone) ~10 times a second
    listener.end_answer()             # the key; or a silence of `end_silence_s` after speech
    ...                               # AnswerEnded(start_s, end_s, text, words, reason)
    summary = listener.stop()         # on_unmount: the recording's StopSummary (or close())

The events are in discussion/mock/listener_events.py (importable from here too); reading the
answer back from the growing file is discussion/mock/answer_reading.py.

Times are seconds on the recording's sample clock (the recorder's frames, from
`timeline_start`), never the wall clock: a span [start_s, end_s] is where the answer is in the
file (file second = offset - timeline_start), ready for replay and for the practice record.

Threads: the recorder's own (PortAudio callback, writer, watchdog; discussion/audio), whose
level events drive the silence detector here, and one `mock-transcriber` thread owned by the
listener, which loads faster-whisper tiny.en (offline, discussion/transcript/engine.py), reads
each answer's audio back from the WAV as it grows, transcribes it in chunks and emits the
answer events. `on_event` is called from those threads (never the UI's), one call at a time.
A thread that dies is reported (`ListenerFailed`; the recorder's own deaths come as its
`Failed`), never silent; without a recogniser the spans are still marked, with empty text.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from discussion.audio import Recorder, RecorderConfig
from discussion.audio.events import (
    Alarm,
    AlarmCleared,
    Failed,
    Level,
    RecorderEvent,
    Started,
    StopSummary,
)
from discussion.audio.stream import StreamFactory
from discussion.mock.answer_reading import AnswerWords, WavReader, text_of
from discussion.mock.listener_events import (
    AnswerEnded,
    AnswerTextGrew,
    EndReason,
    ListenerEvent,
    ListenerFailed,
    ListenerReady,
)
from discussion.settings import Settings
from discussion.transcript.engine import SAMPLERATE, Engine
from discussion.transcript.model import TranscriptError, Word

__all__ = [
    "Alarm",
    "AlarmCleared",
    "AnswerEnded",
    "AnswerListener",
    "AnswerTextGrew",
    "EndReason",
    "Level",
    "ListenerConfig",
    "ListenerEvent",
    "ListenerFailed",
    "ListenerReady",
]

log = logging.getLogger(__name__)

NOT_TRANSCRIBED = "the answers are recorded but not transcribed: type them instead"


@dataclass(frozen=True)
class ListenerConfig:
    """When an answer has ended, and how often its text is brought up to date."""

    end_silence_s: float = 2.5  # the `mock_end_silence_s` setting
    # A level window at or above this counts as speech. Room noise on a laptop microphone sits
    # around -60 to -50 dBFS; speech at arm's length around -35 to -20.
    speech_threshold_dbfs: float = -45.0
    min_speech_s: float = 0.3  # speech heard before a silence can end the answer
    chunk_s: float = 2.0  # the text is redone when this much new audio is on disk
    # Words ending this close to the end of the audio read may still be cut: kept provisional
    # and read again with the next chunk.
    commit_margin_s: float = 1.0
    max_window_s: float = 15.0  # a run-on sentence is cut at a word after this long
    # A quiet this long after speech has the answer read up to the speech's end at once, while
    # the silence runs on: if it reaches `end_silence_s`, the text is ready (nothing is left to
    # decode after the end); if speech resumes, that read was just an early chunk.
    tail_after_s: float = 0.5
    speech_pad_s: float = 0.3  # audio kept after the last loud window (a word's soft end)
    # Once the speech is over only the end is read again, with this much of the audio before it
    # (what Whisper needs to spell the last words well; without it "tenants back" came out
    # "Adam Spock").
    tail_context_s: float = 3.0
    # The key: how long to wait for the recorder to put the last samples in the file.
    tail_wait_s: float = 0.6

    @classmethod
    def from_settings(cls, settings: Settings) -> ListenerConfig:
        """The product's defaults with the `mock_end_silence_s` setting."""
        return cls(end_silence_s=settings.mock_end_silence_s)


@dataclass
class _Answer:
    """The answer being given (guarded by the listener's lock)."""

    start_s: float
    speech_s: float = 0.0  # seconds of level windows at or above the threshold
    last_sound_s: float | None = None  # the end of the last loud window
    last_level_s: float | None = None
    end: tuple[float, EndReason] | None = None  # asked to end at this offset
    detected_at: float = 0.0  # time.monotonic() when `end` was set (latency figures only)
    read: AnswerWords = field(init=False)  # its words so far, and how far its audio is read

    def __post_init__(self) -> None:
        self.read = AnswerWords(window_s=self.start_s, read_until_s=self.start_s)


class AnswerListener:
    """Records the mock and turns the apprentice's spoken answers into spans and text."""

    def __init__(
        self,
        path: Path,
        on_event: Callable[[ListenerEvent], None],
        *,
        config: ListenerConfig | None = None,
        timeline_start: float = 0.0,
        device: str | int | None = None,
        recorder_config: RecorderConfig | None = None,
        engine_factory: Callable[[], Engine] | None = None,
        stream_factory: StreamFactory | None = None,
    ) -> None:
        """`engine_factory` makes the recogniser in the listener's thread (default: tiny.en)."""
        self.path = path
        self.config = config or ListenerConfig()
        self._on_event = on_event
        self._engine_factory = engine_factory or _whisper
        self._recorder = Recorder(
            path,
            timeline_start=timeline_start,
            device=device,
            on_event=self._recorder_event,
            config=recorder_config,
            stream_factory=stream_factory,
        )
        rate = self._recorder.config.samplerate
        if rate != SAMPLERATE or self._recorder.config.channels != 1:
            raise ValueError(f"the recogniser needs mono {SAMPLERATE} Hz (the recorder's default)")
        self._wav = WavReader(path, timeline_start, rate, self.config.tail_wait_s)
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._emit_lock = threading.Lock()
        self._answer: _Answer | None = None
        self._stopping = False
        # One stop at a time: the screen's unmount and a worker may both close the listener, and
        # two PortAudio stops of one stream at once abort the process.
        self._stop_lock = threading.Lock()
        self._stopped: StopSummary | None = None
        self._started_at: float | None = None
        self._engine_done = False
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- public API
    def start(self) -> None:
        """Start recording and the transcriber thread; returns at once.

        Raises `AudioUnavailable` (one line with the fix) when there is no microphone: the
        mock then takes typed answers.
        """
        self._stopped = None
        self._recorder.start()
        self._thread = threading.Thread(target=self._guard, name="mock-transcriber", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float) -> bool:
        """Block until recording is confirmed and the recogniser loaded; False on timeout."""
        return self._ready.wait(timeout)

    def offset_seconds(self) -> float:
        """Now on the recording's sample clock."""
        return self._recorder.offset_seconds()

    @property
    def heard_speech(self) -> bool:
        """True once the open answer has `min_speech_s` of speech (False with none open)."""
        with self._lock:
            answer = self._answer
            return answer is not None and answer.speech_s >= self.config.min_speech_s

    @property
    def answering(self) -> bool:
        """True from `begin_answer()` until that answer's `AnswerEnded`."""
        with self._lock:
            return self._answer is not None

    def begin_answer(self) -> float:
        """Start an answer's span now (the clock's offset, returned); ends one still open."""
        self.end_answer()
        start = self._recorder.offset_seconds()
        with self._lock:
            while self._answer is not None and self._transcriber_alive():
                self._wake.wait(0.05)  # the previous answer's AnswerEnded goes out first
            self._answer = _Answer(start_s=start)
            self._wake.notify_all()
        return start

    def _transcriber_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stopping

    def end_answer(self) -> None:
        """End the current answer now (the key); its `AnswerEnded` follows from the thread."""
        now = self._recorder.offset_seconds()
        with self._lock:
            answer = self._answer
            if answer is not None and answer.end is None:
                answer.end = (now, "key")
                answer.detected_at = time.monotonic()
                self._wake.notify_all()

    def stop(self, timeout: float = 5.0) -> StopSummary:
        """End an open answer ("stopped"), stop the thread and the recording; the summary."""
        with self._stop_lock:
            if self._stopped is None:
                self._stopped = self._stop(timeout)
            return self._stopped

    def _stop(self, timeout: float) -> StopSummary:
        deadline = time.monotonic() + timeout
        now = self._recorder.offset_seconds()
        with self._lock:
            if self._answer is not None and self._answer.end is None:
                self._answer.end = (now, "stopped")
                self._answer.detected_at = time.monotonic()
            self._wake.notify_all()
        thread = self._thread
        if thread is not None:
            # The open answer is finished first (its text needs the file still growing).
            with self._lock:
                while self._answer is not None and time.monotonic() < deadline - 1.0:
                    if not thread.is_alive():
                        break
                    self._wake.wait(0.05)
                self._stopping = True
                self._wake.notify_all()
            thread.join(max(0.1, deadline - time.monotonic() - 0.5))
            if thread.is_alive():
                log.error("the mock transcriber did not finish before the stop timeout")
        return self._recorder.stop(max(0.5, deadline - time.monotonic()))

    def close(self, timeout: float = 5.0) -> None:
        """`stop()` for a screen's on_unmount (again after a stop: nothing more happens)."""
        self.stop(timeout)

    # ----------------------------------------------------------------- recorder events
    def _emit(self, event: ListenerEvent) -> None:
        with self._emit_lock:
            try:
                self._on_event(event)
            except Exception:  # a listener's bug must not stop the recording
                log.exception("mock listener event handler failed on %r", event)

    def _recorder_event(self, event: RecorderEvent) -> None:
        """From the recorder's threads: levels end answers; levels and alarms are passed on as
        they are, a failure as the listener's (the mock goes on with typed answers)."""
        if isinstance(event, Level):
            self._level(event)
            self._emit(event)
        elif isinstance(event, Started):
            with self._lock:
                self._started_at = event.offset
                self._wake.notify_all()
        elif isinstance(event, Alarm | AlarmCleared):
            self._emit(event)
        elif isinstance(event, Failed):
            self._emit(ListenerFailed(f"the recording stopped: {event.message}; {NOT_TRANSCRIBED}"))

    def _level(self, level: Level) -> None:
        cfg = self.config
        with self._lock:
            answer = self._answer
            if answer is None or answer.end is not None or level.offset <= answer.start_s:
                return
            since = answer.last_level_s if answer.last_level_s is not None else answer.start_s
            answer.last_level_s = level.offset
            if level.rms_dbfs >= cfg.speech_threshold_dbfs:
                answer.speech_s += max(0.0, level.offset - since)
                answer.last_sound_s = level.offset
                return
            quiet_since = answer.last_sound_s
            if answer.speech_s < cfg.min_speech_s or quiet_since is None:
                return
            if level.offset - quiet_since >= cfg.end_silence_s:
                answer.end = (quiet_since + cfg.end_silence_s, "silence")
                answer.detected_at = time.monotonic()
                self._wake.notify_all()

    # ----------------------------------------------------------------- transcriber thread
    def _guard(self) -> None:
        try:
            self._run()
        except BaseException as error:  # last resort: no listener thread dies silently
            log.exception("the mock transcriber stopped")
            self._emit(
                ListenerFailed(
                    f"transcribing the answers stopped ({type(error).__name__}: {error}); "
                    f"{NOT_TRANSCRIBED}"
                )
            )
            self._fail_open_answer()
        finally:
            self._ready.set()

    def _run(self) -> None:
        engine: Engine | None
        try:
            engine = self._engine_factory()
        except TranscriptError as error:
            engine = None
            self._emit(ListenerFailed(f"{error.message}; {NOT_TRANSCRIBED}"))
        with self._lock:
            while self._started_at is None and not self._stopping:
                self._wake.wait(0.1)
            offset = self._started_at
        if offset is not None:
            self._emit(ListenerReady(offset, engine is not None))
        self._ready.set()
        while True:
            with self._lock:
                if self._stopping and self._answer is None:
                    return
                answer = self._answer
                if answer is None or (answer.end is None and not self._chunk_due(answer, engine)):
                    self._wake.wait(0.1)
                    continue
                end = answer.end
                tail = None if end is not None else self._tail_due(answer)
            if end is not None:
                self._finish(answer, end, engine)
            elif engine is not None:
                self._partial(answer, engine, tail)

    def _tail_due(self, answer: _Answer) -> float | None:
        """Where the speech before a quiet of `tail_after_s` ends (with its pad), if that audio
        is not read yet; None otherwise. Called with the lock held."""
        cfg = self.config
        last = answer.last_sound_s
        if last is None or answer.speech_s < cfg.min_speech_s or answer.last_level_s is None:
            return None
        if answer.last_level_s - last < cfg.tail_after_s:
            return None
        need = last + cfg.speech_pad_s
        return need if answer.read.read_until_s < need else None

    def _chunk_due(self, answer: _Answer, engine: Engine | None) -> bool:
        if engine is None:  # no recogniser: only the end of the answer is work
            return False
        if self._tail_due(answer) is not None:
            return True
        last = answer.last_sound_s
        if last is not None and answer.last_level_s is not None and answer.last_level_s > last:
            # A quiet after speech: no chunk now. The speech may be over, and a chunk begun now
            # (a second or more of decoding on a busy machine) would hold up the tail read and
            # so the text at the silence's end; if speech resumes, the chunk is read then.
            return False
        new_s = self._recorder.offset_seconds() - answer.read.read_until_s
        return new_s >= self.config.chunk_s + 0.4

    def _partial(self, answer: _Answer, engine: Engine, tail: float | None = None) -> None:
        """Transcribe the uncommitted audio so far; commit the sentences clear of its end
        (`AnswerWords.take`). `tail`: a quiet began, read at least up to there (the speech's
        end) now, however little is new."""
        cfg = self.config
        read = answer.read
        until = self._wav.end_s(wait_for=tail)
        if (tail is None and until - read.read_until_s < cfg.chunk_s) or (
            tail is not None and until < tail
        ):
            with self._lock:
                self._wake.wait(0.05 if tail is not None else 0.1)
            return
        if tail is not None:
            self._settle(answer)  # the speech is over: read only what the last read left open
        segments = self._wav.words(engine, read.window_s, until)
        if read.take(segments, until, cfg.commit_margin_s, cfg.max_window_s):
            self._emit(AnswerTextGrew(answer.start_s, read.text))

    def _settle(self, answer: _Answer) -> None:
        """Commit what ends `commit_margin_s` + `tail_context_s` before the end of the audio
        read: only the last few seconds are read again, with that much context before them."""
        cfg = self.config
        answer.read.settle(answer.read.read_until_s - cfg.commit_margin_s - cfg.tail_context_s)

    def _finish(self, answer: _Answer, end: tuple[float, EndReason], engine: Engine | None) -> None:
        """The rest of the answer's audio, then `AnswerEnded`; clears the answer."""
        cfg = self.config
        end_s, reason = end
        read = answer.read
        words = read.words
        tail_s = 0.0
        if engine is not None:
            # After a silence the speech ended at last_sound_s; a partial run past it (the read
            # at the quiet's start, `_tail_due`) already read everything there is to read.
            speech_end = answer.last_sound_s if reason == "silence" else None
            need = end_s if speech_end is None else min(end_s, speech_end + cfg.speech_pad_s)
            if read.read_until_s < need:
                self._settle(answer)  # only the tail is read now: the rest was read already
                until = self._wav.end_s(wait_for=need)
                tail_s = max(0.0, min(until, end_s) - read.window_s)
                rest = self._wav.words(engine, read.window_s, min(until, end_s))
                words = read.committed + [w for segment in rest for w in segment]
        self._end(answer, end_s, reason, words, tail_s)

    def _end(
        self,
        answer: _Answer,
        end_s: float,
        reason: EndReason,
        words: list[Word],
        tail_s: float = 0.0,
    ) -> None:
        inside = tuple(w for w in words if w.start < end_s)
        event = AnswerEnded(
            answer.start_s,
            end_s,
            text_of(list(inside)),
            inside,
            reason,
            detected_at=answer.detected_at,
            text_ready_at=time.monotonic(),
            tail_s=round(tail_s, 3),
        )
        self._emit(event)
        with self._lock:
            if self._answer is answer:
                self._answer = None
            self._wake.notify_all()

    def _fail_open_answer(self) -> None:
        with self._lock:
            answer = self._answer
        if answer is not None:
            end_s, reason = answer.end or (self._recorder.offset_seconds(), "stopped")
            self._end(answer, end_s, reason, answer.read.words)


def _whisper() -> Engine:
    from discussion.transcript.engine import WhisperEngine

    # Beam 5, as the transcript: greedy reads (beam 1) misheard "checked" and "promised" on a
    # busy machine, which is what the cue matching needs; fewer reads keep the latency down.
    return WhisperEngine(beam_size=5)
