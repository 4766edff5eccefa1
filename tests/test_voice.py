"""The Speaker with fakes (a tone engine, an output stream drained faster than real time): the
events and their order, stop, replace, failures, and the text-only fallbacks. The real engines
are in test_voice_engines.py and real audio through PulseAudio in test_voice_audio.py."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from audio_helpers import EventCollector

import discussion.voice.speaker as speaker_module
from discussion.playback.output import NoSound
from discussion.settings import Settings
from discussion.voice import (
    Speaker,
    SpeakerReady,
    SpeechFailed,
    SpeechFinished,
    SpeechStarted,
    VoiceUnavailable,
)
from discussion.voice.playback import Utterance, trim_leading_silence


class ToneEngine:
    """`chunks` chunks of `chunk_s` seconds of a 440 Hz tone; faults on request."""

    name = "tone"
    samplerate = 16000

    def __init__(
        self,
        chunks: int = 3,
        chunk_s: float = 0.2,
        load_error: Exception | None = None,
        fail_at: int | None = None,
        delay_s: float = 0.0,
    ) -> None:
        self.chunks = chunks
        self.chunk_s = chunk_s
        self.load_error = load_error
        self.fail_at = fail_at
        self.delay_s = delay_s
        self.loaded = 0
        self.closed = 0
        self.rates: list[float] = []

    def load(self) -> None:
        """Count the loads; raise `load_error` if set."""
        if self.load_error is not None:
            raise self.load_error
        self.loaded += 1

    def synthesize(self, text: str, rate: float) -> Iterator[npt.NDArray[np.float32]]:
        """The tone, chunk by chunk; `fail_at` raises VoiceUnavailable at that chunk."""
        from discussion.voice import VoiceUnavailable

        self.rates.append(rate)
        n = round(self.chunk_s * self.samplerate)
        t = np.arange(n, dtype=np.float32) / self.samplerate
        try:
            for index in range(self.chunks):
                if self.fail_at == index:
                    raise VoiceUnavailable("the tone broke: fix the tone")
                time.sleep(self.delay_s)
                yield (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        finally:
            self.closed += 1


class FakeOutput:
    """Calls the output callback from a thread, `speed` times faster than real time, and keeps
    every frame it was given. `stall_after` blocks, it stops calling (a dead sound server)."""

    latency = 0.02

    def __init__(
        self,
        samplerate: int,
        blocksize: int,
        callback: Callable[[Any, int, Any, Any], None],
        speed: float = 10.0,
        stall_after: int | None = None,
    ) -> None:
        self.samplerate = samplerate
        self.blocksize = blocksize
        self.callback = callback
        self.speed = speed
        self.stall_after = stall_after
        self.frames: list[npt.NDArray[np.int16]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.started = False
        self.closed = False
        self.aborted = False

    @property
    def active(self) -> bool:
        """True while calling back."""
        return self.started and not self._stop.is_set()

    def start(self) -> None:
        """Start calling back."""
        self.started = True
        self._thread.start()

    def _run(self) -> None:
        blocks = 0
        while not self._stop.is_set():
            if self.stall_after is not None and blocks >= self.stall_after:
                time.sleep(0.01)
                continue
            out = np.zeros((self.blocksize, 1), dtype=np.int16)
            self.callback(out, self.blocksize, None, None)
            self.frames.append(out[:, 0].copy())
            blocks += 1
            time.sleep(self.blocksize / self.samplerate / self.speed)

    def stop(self) -> None:
        """Stop calling back."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(2)

    def abort(self) -> None:
        """Stop at once."""
        self.aborted = True
        self.stop()

    def close(self) -> None:
        """Mark closed."""
        self.closed = True

    def played(self) -> npt.NDArray[np.int16]:
        """Every frame handed out so far."""
        return np.concatenate(self.frames) if self.frames else np.zeros(0, np.int16)


class OutputFactory:
    """Makes `FakeOutput`s and keeps them; options go to each."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.outputs: list[FakeOutput] = []

    def __call__(
        self, samplerate: int, blocksize: int, callback: Callable[[Any, int, Any, Any], None]
    ) -> FakeOutput:
        output = FakeOutput(samplerate, blocksize, callback, **self.options)
        self.outputs.append(output)
        return output


def _no_check() -> None:
    """An output check that finds a device."""


def _speaker(
    engine: ToneEngine, factory: OutputFactory, events: EventCollector, **options: Any
) -> Speaker:
    speaker = Speaker(
        events, engine=engine, output_factory=factory, output_check=_no_check, **options
    )
    speaker.start()
    assert speaker.wait_ready(5)
    return speaker


def _names(events: EventCollector) -> list[str]:
    return [type(e).__name__ for e in events.events]


def test_say_plays_every_sample_and_reports_start_then_finish() -> None:
    engine, factory, events = ToneEngine(chunks=3), OutputFactory(), EventCollector()
    speaker = _speaker(engine, factory, events, rate=1.25)
    try:
        before = time.monotonic()
        speaker.say("Tell me about a time.")
        assert speaker.speaking
        finished = events.wait_for(SpeechFinished, 10)
        started = events.of_type(SpeechStarted)[0]
    finally:
        speaker.close()
    assert _names(events) == ["SpeakerReady", "SpeechStarted", "SpeechFinished"]
    assert started.text == finished.text == "Tell me about a time."
    assert not finished.cancelled
    assert before <= started.at_monotonic <= finished.at_monotonic
    assert not speaker.speaking
    played = factory.outputs[0].played()
    loud = np.flatnonzero(np.abs(played) > 1000)
    # all three 0.2 s chunks went out, in one piece, from the first block
    assert loud[-1] - loud[0] + 1 >= 3 * 3200 - 40
    assert loud[0] < 50
    assert engine.rates == [1.25]
    assert factory.outputs[0].closed


def test_stop_cancels_at_once_and_closes_the_synthesis() -> None:
    engine = ToneEngine(chunks=50, chunk_s=0.2)
    factory, events = OutputFactory(speed=1.0), EventCollector()
    speaker = _speaker(engine, factory, events)
    try:
        speaker.say("A long question.")
        events.wait_for(SpeechStarted, 5)
        asked = time.monotonic()
        speaker.stop()
        assert not speaker.speaking
        finished = events.wait_for(SpeechFinished, 5)
    finally:
        speaker.close()
    assert finished.cancelled
    assert finished.at_monotonic - asked < 0.5
    assert engine.closed == 1
    assert factory.outputs[0].aborted  # cut off, not drained
    assert len(factory.outputs[0].played()) < 16000 * 2  # far less than the 10 s of speech


def test_say_replaces_what_is_being_said() -> None:
    engine = ToneEngine(chunks=50)
    factory, events = OutputFactory(speed=1.0), EventCollector()
    speaker = _speaker(engine, factory, events)
    try:
        speaker.say("first")
        events.wait_for(SpeechStarted, 5)
        engine.chunks = 2
        speaker.say("second")
        events.wait_for(SpeechFinished, 10, where=lambda e: e.text == "second")
    finally:
        speaker.close()
    finished = events.of_type(SpeechFinished)
    assert [(e.text, e.cancelled) for e in finished] == [("first", True), ("second", False)]
    assert [e.text for e in events.of_type(SpeechStarted)] == ["first", "second"]


def test_a_failing_synthesis_is_reported_with_the_fix_and_the_next_question_still_speaks() -> None:
    engine, factory, events = ToneEngine(chunks=3, fail_at=1), OutputFactory(), EventCollector()
    speaker = _speaker(engine, factory, events)
    try:
        speaker.say("broken")
        failed = events.wait_for(SpeechFailed, 5)
        engine.fail_at = None
        speaker.say("fine")
        events.wait_for(SpeechFinished, 5, where=lambda e: e.text == "fine")
    finally:
        speaker.close()
    assert failed.text == "broken"
    assert "fix the tone" in failed.message and "shown as text" in failed.message
    assert speaker.available()


def test_an_output_that_stops_calling_back_fails_the_utterance_instead_of_hanging(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(speaker_module, "STALL_S", 0.5)  # the rule, not its 2 s wait
    engine = ToneEngine(chunks=20)
    factory, events = OutputFactory(speed=1.0, stall_after=5), EventCollector()
    speaker = _speaker(engine, factory, events)
    try:
        speaker.say("into a dead sound server")
        failed = events.wait_for(SpeechFailed, 10)
    finally:
        speaker.close()
    assert "output device stopped playing" in failed.message
    assert "check the speakers" in failed.message


def test_a_voice_that_does_not_load_is_reported_and_say_does_nothing() -> None:
    engine = ToneEngine(load_error=VoiceUnavailable("no tones here: install tones"))
    factory, events = OutputFactory(), EventCollector()
    speaker = Speaker(events, engine=engine, output_factory=factory, output_check=_no_check)
    speaker.start()
    try:
        assert speaker.wait_ready(5)
        failed = events.wait_for(SpeechFailed, 5)
        speaker.say("anything")
        time.sleep(0.1)
    finally:
        speaker.close()
    assert "install tones" in failed.message and "text only" in failed.message
    assert not speaker.available()
    assert speaker.reason == failed.message
    assert factory.outputs == []


def test_no_output_device_means_text_only_with_the_fix() -> None:
    def no_device() -> None:
        raise NoSound("no output device found: start the sound server")

    events = EventCollector()
    speaker = Speaker(events, engine=ToneEngine(), output_check=no_device)
    speaker.say("unheard")
    speaker.start()
    speaker.close()
    assert not speaker.available()
    assert speaker.reason is not None
    assert "start the sound server" in speaker.reason and "text only" in speaker.reason
    assert speaker.engine_name is None
    assert events.events == []


def test_voice_off_in_settings_is_text_only_and_names_the_setting() -> None:
    speaker = Speaker.from_settings(Settings(voice_engine="off"), EventCollector())
    assert not speaker.available()
    assert speaker.reason is not None and '"auto"' in speaker.reason


def test_a_broken_event_handler_does_not_stop_the_voice() -> None:
    calls: list[object] = []

    def handler(event: object) -> None:
        calls.append(event)
        raise RuntimeError("a bug in the screen")

    speaker = Speaker(
        handler, engine=ToneEngine(), output_factory=OutputFactory(), output_check=_no_check
    )
    speaker.start()
    try:
        speaker.say("one")
        deadline = time.monotonic() + 5
        while not any(isinstance(c, SpeechFinished) for c in calls) and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        speaker.close()
    assert [type(c) for c in calls] == [SpeakerReady, SpeechStarted, SpeechFinished]


def test_a_crash_in_the_speaker_thread_is_an_alarm_not_silence() -> None:
    events = EventCollector()

    def broken(samplerate: int, blocksize: int, callback: Callable[..., None]) -> Any:
        raise ZeroDivisionError("output factory bug")

    speaker = Speaker(events, engine=ToneEngine(), output_factory=broken, output_check=_no_check)
    speaker.start()
    speaker.say("boom")
    failed = events.wait_for(SpeechFailed, 5)
    speaker.close()
    assert "ZeroDivisionError" in failed.message and "text only" in failed.message
    assert not speaker.available()


def test_leading_silence_is_cut_to_a_few_milliseconds_before_the_first_sound() -> None:
    samples = np.zeros(16000, dtype=np.float32)
    samples[4800:] = 0.2  # 0.3 s of silence, as hibari starts
    trimmed = trim_leading_silence(samples, 16000)
    assert len(trimmed) == 16000 - 4800 + 480  # 30 ms kept
    quiet = np.zeros(100, dtype=np.float32)
    assert len(trim_leading_silence(quiet, 16000)) == 100


def test_the_output_callback_pads_with_silence_and_notes_the_end() -> None:
    utterance = Utterance()
    utterance.push(np.full(300, 7, dtype=np.int16))
    utterance.push(np.full(300, 9, dtype=np.int16))
    out = np.ones((256, 1), dtype=np.int16)
    utterance.callback(out, 256, None, None)
    assert (out[:, 0] == 7).all() and utterance.first_out_at is not None
    utterance.finish()
    for _ in range(3):
        utterance.callback(out, 256, None, None)
    assert utterance.ended_at is not None
    assert utterance.frames_out == 600
    assert (out == 0).all()
