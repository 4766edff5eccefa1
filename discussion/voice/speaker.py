"""The `Speaker`: says a question out loud without blocking its caller, and can be stopped.

Threads: one, `voice-speaker`, owned by the speaker (started by `start()`, joined by
`close()`). It loads the voice (and warms it up), then takes one utterance at a time: it makes
the audio chunk by chunk, streams it to the output device through PortAudio as it is made, and
reports `SpeakerReady`, `SpeechStarted`, `SpeechFinished` and `SpeechFailed` through the
`on_event` callback (from that thread: a UI hops to its own). PortAudio's callback only copies
samples (playback.py). Anything escaping the thread's loop is reported as `SpeechFailed`: it
never dies silently.

`say()` replaces whatever is being said (the old utterance finishes `cancelled`); `stop()`
silences it. `prepare(texts)` makes the audio of what may be said next (a question's probes,
while the apprentice answers) when the thread is otherwise idle, so saying one of them starts
at once; a `say()` arriving meanwhile goes first. With no output device, no voice installed or
the voice set to "off", `available()` is False, `reason` is one line with the fix, and `say()`
does nothing: the mock shows its questions as text only.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass

from discussion.playback.output import (
    NoSound,
    OutputFactory,
    OutputStreamLike,
    open_output_stream,
    output_device,
)
from discussion.settings import Settings
from discussion.voice.engine import (
    EngineChoice,
    FloatArray,
    VoiceEngine,
    VoiceUnavailable,
    make_engine,
)
from discussion.voice.events import (
    SpeakerReady,
    SpeechFailed,
    SpeechFinished,
    SpeechStarted,
    VoiceEvent,
)
from discussion.voice.playback import Utterance, to_int16, trim_leading_silence

log = logging.getLogger(__name__)

TEXT_ONLY = "questions are shown as text only"
OFF_REASON = (
    'the voice is off (voice_engine "off" in settings.json): ' + TEXT_ONLY + "; set it to "
    '"auto" to hear them'
)
NO_VOICE_REASON = (
    "no voice is installed: install the project again (`make`, which brings hibari-tts) or "
    "`sudo apt-get install espeak-ng`; " + TEXT_ONLY
)
STALL_S = 2.0  # no output callback for this long while speaking = the output device is gone
CLOSE_TIMEOUT_S = 2.0
PREPARED_MAX = 8  # a question's probes (2-4) and the question itself, with room to spare


@dataclass(frozen=True)
class _Request:
    generation: int
    text: str
    said_at: float = 0.0


@dataclass(frozen=True)
class _Prepare:
    text: str


class Speaker:
    """Speaks text through the output device with the chosen voice engine; Textual-free."""

    def __init__(
        self,
        on_event: Callable[[VoiceEvent], None],
        *,
        engine: EngineChoice | VoiceEngine = "auto",
        rate: float = 1.0,
        output_factory: OutputFactory | None = None,
        output_check: Callable[[], object] | None = None,
    ) -> None:
        """Decide at once whether speech is possible (`available()`); nothing starts yet.

        `engine` is a `voice_engine` setting or an engine object; `output_check` raises
        `NoSound` when there is no output device (default: PortAudio's device list).
        """
        self._on_event = on_event
        self._rate = rate
        self._open: OutputFactory = output_factory or open_output_stream
        self._choice: EngineChoice | None = None if not isinstance(engine, str) else engine
        self._engine: VoiceEngine | None = None if isinstance(engine, str) else engine
        self._requests: queue.Queue[_Request | _Prepare | None] = queue.Queue()
        # (text, rate) -> its audio chunks; the speaker's thread alone reads and writes it.
        self._prepared: OrderedDict[tuple[str, float], list[FloatArray]] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._speaking = False
        self.reason: str | None = self._check(output_check or output_device)

    @classmethod
    def from_settings(cls, settings: Settings, on_event: Callable[[VoiceEvent], None]) -> Speaker:
        """A speaker with the `voice_engine` and `voice_rate` settings."""
        return cls(on_event, engine=settings.voice_engine, rate=settings.voice_rate)

    # ----------------------------------------------------------------- public API
    def available(self) -> bool:
        """Whether questions can be spoken; when False, `reason` says why and what to do."""
        return self.reason is None

    @property
    def engine_name(self) -> str | None:
        """The voice in use ("hibari", "espeak-ng"), None when there is none."""
        return self._engine.name if self._engine is not None and self.available() else None

    @property
    def speaking(self) -> bool:
        """True from `say()` until that utterance's `SpeechFinished`/`SpeechFailed`."""
        return self._speaking

    def start(self) -> None:
        """Start the speaker's thread: it loads and warms up the voice (`SpeakerReady`)."""
        if not self.available() or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._guard, name="voice-speaker", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float) -> bool:
        """Block until the voice is loaded (or failed to load); False on timeout."""
        return self._ready.wait(timeout)

    def say(self, text: str) -> None:
        """Speak `text`, replacing anything being said; returns at once.

        Does nothing when `available()` is False. Said before the voice is ready, it is
        spoken as soon as it is (`start()` is called if it was not).
        """
        if not self.available() or self._closed or not text.strip():
            return
        self.start()
        with self._lock:
            self._generation += 1
            self._speaking = True
            self._requests.put(_Request(self._generation, text, time.monotonic()))

    def prepare(self, texts: Iterable[str]) -> None:
        """Make the audio of `texts` ahead of their `say()`, when nothing else is to be said.

        Returns at once; the thread synthesises them one by one while idle and keeps the last
        few (`PREPARED_MAX`), so a `say()` of one starts without waiting for synthesis. A
        `say()` or `stop()` meanwhile goes first (the preparation is picked up again after).
        """
        if not self.available() or self._closed:
            return
        self.start()
        for text in texts:
            if text.strip():
                self._requests.put(_Prepare(text))

    def stop(self) -> None:
        """Stop speaking now (the utterance finishes `cancelled`); returns at once."""
        with self._lock:
            self._generation += 1
            self._speaking = False  # its SpeechFinished(cancelled) follows from the thread

    def close(self, timeout: float = 5.0) -> None:
        """Stop speaking and end the thread (waits up to `timeout`)."""
        self._closed = True
        self.stop()
        self._requests.put(None)
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.error("the speaker thread did not finish within %.1f s", timeout)

    # ----------------------------------------------------------------- checks
    def _check(self, output_check: Callable[[], object]) -> str | None:
        if self._choice == "off":
            return OFF_REASON
        if self._engine is None:
            assert self._choice is not None
            import shutil

            from discussion.voice.hibari_engine import hibari_installed

            if self._choice == "hibari" and not hibari_installed():
                return (
                    "the voice hibari-tts is not installed: install the project again (`make`) "
                    f'or set voice_engine to "espeak-ng"; {TEXT_ONLY}'
                )
            espeak_needed = self._choice == "espeak-ng" or not hibari_installed()
            if espeak_needed and shutil.which("espeak-ng") is None:
                return NO_VOICE_REASON
            self._engine = make_engine(self._choice)
            if self._engine is None:  # "off" is handled above
                return OFF_REASON
        try:
            output_check()
        except NoSound as error:
            return f"{error}; {TEXT_ONLY}"
        return None

    # ----------------------------------------------------------------- the thread
    def _emit(self, event: VoiceEvent) -> None:
        try:
            self._on_event(event)
        except Exception:  # a listener's bug must not stop the voice
            log.exception("speaker event listener failed on %r", event)

    def _guard(self) -> None:
        try:
            self._run()
        except BaseException as error:  # last resort: the speaker never dies silently
            log.exception("the speaker thread stopped")
            self.reason = f"the voice stopped ({type(error).__name__}: {error}); {TEXT_ONLY}"
            self._speaking = False
            self._emit(SpeechFailed(self.reason))
        finally:
            self._ready.set()

    def _run(self) -> None:
        engine = self._load()
        self._ready.set()
        if engine is None:
            return
        while True:
            request = self._requests.get()
            if request is None:
                return
            if isinstance(request, _Prepare):
                self._make_ready(engine, request)
                continue
            if request.generation != self._generation:
                continue  # replaced or stopped before it began
            self._speak(engine, request)

    def _load(self) -> VoiceEngine | None:
        engine = self._engine
        assert engine is not None
        try:
            engine.load()
        except VoiceUnavailable as first:
            if self._choice != "auto" or engine.name == "espeak-ng":
                self.reason = f"{first}; {TEXT_ONLY}"
                self._speaking = False
                self._emit(SpeechFailed(self.reason))
                return None
            from discussion.voice.espeak_engine import EspeakEngine

            fallback = EspeakEngine()
            try:
                fallback.load()
            except VoiceUnavailable as second:
                self.reason = f"{first}; and {second}; {TEXT_ONLY}"
                self._speaking = False
                self._emit(SpeechFailed(self.reason))
                return None
            self._engine = fallback
            self._emit(SpeakerReady(fallback.name, f"using espeak-ng: {first}"))
            return fallback
        self._emit(SpeakerReady(engine.name))
        return engine

    def _make_ready(self, engine: VoiceEngine, request: _Prepare) -> None:
        """Synthesise a prepared text whole; given up (and queued again) if a say() comes."""
        key = (request.text, self._rate)
        if key in self._prepared:
            self._prepared.move_to_end(key)
            return
        generation = self._generation
        chunks: list[FloatArray] = []
        made = engine.synthesize(request.text, self._rate)
        try:
            for chunk in made:
                chunks.append(chunk)
                if self._generation != generation:
                    self._requests.put(request)  # after the say(): made then, if still wanted
                    return
        except VoiceUnavailable as error:
            log.warning("could not prepare %r: %s", request.text, error)  # say() reports it
            return
        finally:
            close = getattr(made, "close", None)
            if close is not None:
                close()
        self._prepared[key] = chunks
        while len(self._prepared) > PREPARED_MAX:
            self._prepared.popitem(last=False)

    def _chunks(self, engine: VoiceEngine, text: str) -> tuple[Iterator[FloatArray], bool]:
        """The audio of `text`: the prepared chunks if there are, else made now."""
        ready = self._prepared.get((text, self._rate))
        if ready is not None:
            self._prepared.move_to_end((text, self._rate))
            return iter(ready), True
        return engine.synthesize(text, self._rate), False

    def _cancelled(self, request: _Request) -> bool:
        return request.generation != self._generation

    def _speak(self, engine: VoiceEngine, request: _Request) -> None:
        """One utterance: synthesise, stream, report; any failure becomes `SpeechFailed`."""
        utterance = Utterance()
        stream: OutputStreamLike | None = None
        chunks, prepared = self._chunks(engine, request.text)
        started = False
        try:
            for chunk in chunks:
                if stream is None:
                    utterance.made_at, utterance.prepared = time.monotonic(), prepared
                    chunk = trim_leading_silence(chunk, engine.samplerate)
                utterance.push(to_int16(chunk))
                if stream is None:
                    stream = self._open(
                        engine.samplerate, engine.samplerate // 50, utterance.callback
                    )
                    stream.start()
                started = self._report_start(request, utterance, started, wait_s=0.2)
                if self._cancelled(request):
                    break
            if stream is not None and not self._cancelled(request):
                utterance.finish()
                self._drain(request, utterance, stream, started)
                return
            self._finish(request, cancelled=self._cancelled(request))  # or nothing to say
        except NoSound as error:
            self.reason = f"{error}; {TEXT_ONLY}"
            self._end(request, SpeechFailed(self.reason, request.text))
        except VoiceUnavailable as error:
            message = f"{error}; this question is shown as text"
            self._end(request, SpeechFailed(message, request.text))
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # ends a synthesis still running (espeak-ng's process)
            if stream is not None:
                _close_stream(stream, abort=utterance.ended_at is None)

    def _report_start(
        self, request: _Request, utterance: Utterance, started: bool, wait_s: float
    ) -> bool:
        """Emit `SpeechStarted` once the callback has handed out the first sample."""
        if started:
            return True
        deadline = time.monotonic() + wait_s
        while utterance.first_out_at is None and time.monotonic() < deadline:
            if self._cancelled(request):
                return False
            time.sleep(0.002)
        if utterance.first_out_at is None:
            return False
        self._emit(
            SpeechStarted(
                request.text,
                utterance.first_out_at,
                said_at=request.said_at,
                first_chunk_at=utterance.made_at,
                prepared=utterance.prepared,
            )
        )
        return True

    def _drain(
        self,
        request: _Request,
        utterance: Utterance,
        stream: OutputStreamLike,
        started: bool,
    ) -> None:
        """Wait for the last sample to be played (or a cancel, or the device to stall)."""
        while utterance.ended_at is None:
            started = self._report_start(request, utterance, started, wait_s=0.0)
            if self._cancelled(request):
                self._finish(request, cancelled=True)
                return
            last = utterance.last_callback_at
            if last is not None and time.monotonic() - last > STALL_S:
                self.reason = None  # may come back: the next question tries again
                message = (
                    "the output device stopped playing: check the speakers or headphones and "
                    "the sound server; this question is shown as text"
                )
                self._end(request, SpeechFailed(message, request.text))
                return
            time.sleep(0.01)
        self._report_start(request, utterance, started, wait_s=0.0)
        # The callback handed over the last sample; it is heard one buffer later.
        tail_until = utterance.ended_at + _latency(stream)
        while time.monotonic() < tail_until:
            if self._cancelled(request):
                self._finish(request, cancelled=True)
                return
            time.sleep(0.01)
        self._finish(request, cancelled=False)

    def _finish(self, request: _Request, *, cancelled: bool) -> None:
        self._end(request, SpeechFinished(request.text, cancelled, time.monotonic()))

    def _end(self, request: _Request, event: SpeechFinished | SpeechFailed) -> None:
        """The utterance's last event; `speaking` is already False when it arrives."""
        with self._lock:
            if request.generation == self._generation:
                self._speaking = False
        self._emit(event)


def _latency(stream: OutputStreamLike) -> float:
    with suppress(Exception):
        return max(0.0, min(1.0, float(stream.latency)))
    return 0.1


def _close_stream(stream: OutputStreamLike, *, abort: bool) -> None:
    """Stop and close, never blocking the speaker long on a dead sound server."""
    from discussion.audio.stream import call_with_timeout

    def close() -> None:
        if abort:
            stream.abort()
        else:
            stream.stop()
        stream.close()

    call_with_timeout(close, CLOSE_TIMEOUT_S, "voice-close")
