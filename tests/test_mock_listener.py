"""AnswerListener with a fake input stream (blocks at real-time pace, loud or silent on demand)
and a fake recogniser (one word per half second of sound): the silence rule, the key, the text
growing, the span times on the sample clock, and failures reported, never silent. Real audio
and the real tiny.en: test_mock_listener_audio.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from audio_helpers import EventCollector, FakeStreamFactory

from discussion.mock.listener import (
    AnswerEnded,
    AnswerListener,
    AnswerTextGrew,
    ListenerConfig,
    ListenerFailed,
    ListenerReady,
)
from discussion.settings import Settings
from discussion.transcript.engine import FloatArray
from discussion.transcript.model import EngineInfo, Segment, TranscriptError, Word

LOUD = 3000  # about -21 dBFS: speech
RATE = 16000


class HalfSecondWords:
    """A recogniser that hears one word per half second of sound (|sample| > 0.01)."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls = 0
        self.called_at: list[float] = []  # time.monotonic() of each call

    @property
    def info(self) -> EngineInfo:
        return EngineInfo(name="fake", version="0", model="half-second words", model_sha256="0")

    def transcribe(self, samples: FloatArray) -> Iterator[Segment]:
        self.calls += 1
        self.called_at.append(time.monotonic())
        if self.fail:
            raise RuntimeError("the recogniser broke")
        loud = np.abs(samples) > 0.01
        words: list[Word] = []
        step = RATE // 2
        for begin in range(0, len(samples) - step + 1, step):
            if loud[begin : begin + step].all():
                at = begin / RATE
                words.append(Word(start=at, end=at + 0.5, word=f" w{len(words)}", probability=1))
        if words:
            yield Segment(start=words[0].start, end=words[-1].end, text="", words=words)


def _listener(
    tmp_path: Path,
    events: EventCollector,
    engine: HalfSecondWords | None = None,
    **config: float,
) -> tuple[AnswerListener, FakeStreamFactory]:
    factory = FakeStreamFactory(value=0)
    recogniser = engine or HalfSecondWords()
    listener = AnswerListener(
        tmp_path / "mock.wav",
        events,
        config=ListenerConfig(**{"end_silence_s": 0.6, "chunk_s": 0.5, **config}),
        engine_factory=lambda: recogniser,
        stream_factory=factory,
    )
    listener.start()
    assert listener.wait_ready(10)
    return listener, factory


def test_a_silence_after_speech_ends_the_answer_with_its_span_on_the_sample_clock(
    tmp_path: Path,
) -> None:
    events = EventCollector()
    listener, factory = _listener(tmp_path, events)
    try:
        start_s = listener.begin_answer()
        time.sleep(0.2)
        stream = factory.streams[0]
        loud_from = listener.offset_seconds()
        stream.value = LOUD
        time.sleep(1.6)
        stream.value = 0
        quiet_from = listener.offset_seconds()
        quiet_at = time.monotonic()
        ended = events.wait_for(AnswerEnded, 5)
        waited = time.monotonic() - quiet_at
    finally:
        summary = listener.stop()
    assert events.wait_for(ListenerReady, 0).transcribing
    assert ended.reason == "silence"
    assert ended.start_s == start_s
    # ended where the quiet reached 0.6 s, and told soon after (level windows are 0.1 s)
    assert ended.end_s - quiet_from == pytest.approx(0.6, abs=0.15)
    assert waited < 0.6 + 0.5
    assert ended.text == " ".join(f"w{i}" for i in range(len(ended.words)))
    assert 2 <= len(ended.words) <= 3  # 1.6 s of sound, half-second words
    assert loud_from - 0.1 <= ended.words[0].start <= loud_from + 0.6
    assert all(start_s <= w.start < w.end <= ended.end_s for w in ended.words)
    assert ended.end_s <= summary.end_offset + 512 / RATE, (ended, summary)  # within a block


@pytest.mark.slow  # 3.5-5 s of real-time sound: make test runs it, the inner loop does not
def test_the_speech_is_read_during_the_silence_so_nothing_is_left_to_decode_at_its_end(
    tmp_path: Path,
) -> None:
    events = EventCollector()
    engine = HalfSecondWords()
    # chunk_s 10: no chunk is due while speaking, so only the read at the quiet's start can
    # have read the answer before its end
    listener, factory = _listener(
        tmp_path, events, engine, end_silence_s=1.5, chunk_s=10.0, tail_after_s=0.3
    )
    try:
        listener.begin_answer()
        time.sleep(0.2)
        factory.streams[0].value = LOUD
        time.sleep(1.6)
        factory.streams[0].value = 0
        ended = events.wait_for(AnswerEnded, 5)
    finally:
        listener.stop()
    assert ended.reason == "silence"
    assert 2 <= len(ended.words) <= 3
    assert ended.tail_s == 0.0
    assert engine.calls == 1  # one read, in the silence, before the end was found
    assert engine.called_at[0] < ended.detected_at <= ended.text_ready_at


@pytest.mark.slow  # 3.5-5 s of real-time sound: make test runs it, the inner loop does not
def test_speech_resuming_after_a_short_quiet_is_read_too_and_nothing_twice(
    tmp_path: Path,
) -> None:
    events = EventCollector()
    engine = HalfSecondWords()
    listener, factory = _listener(
        tmp_path, events, engine, end_silence_s=1.5, chunk_s=10.0, tail_after_s=0.3
    )
    try:
        listener.begin_answer()
        stream = factory.streams[0]
        bursts: list[tuple[float, float]] = []
        time.sleep(0.2)
        for burst in range(2):
            begun = listener.offset_seconds()
            stream.value = LOUD
            time.sleep(1.1)
            stream.value = 0
            bursts.append((begun, listener.offset_seconds()))
            if burst == 0:  # the quiet's read, before speech resumes
                first = events.wait_for(AnswerTextGrew, 5)
        ended = events.wait_for(AnswerEnded, 5)
    finally:
        listener.stop()
    assert first.text.startswith("w0")
    assert ended.tail_s == 0.0
    assert engine.calls == 2
    for begun, quiet in bursts:  # each burst's words are in the answer
        assert any(begun - 0.1 <= w.start < quiet for w in ended.words), (bursts, ended.words)
    for before, after in zip(ended.words, ended.words[1:], strict=False):
        assert before.end <= after.start + 0.01, (before, after)


@pytest.mark.slow  # 3.5-5 s of real-time sound: make test runs it, the inner loop does not
def test_a_quiet_whose_speech_is_read_reads_no_more_chunks(tmp_path: Path) -> None:
    events = EventCollector()
    engine = HalfSecondWords()
    listener, factory = _listener(
        tmp_path, events, engine, end_silence_s=3.5, chunk_s=0.5, tail_after_s=0.3
    )
    try:
        listener.begin_answer()
        factory.streams[0].value = LOUD
        time.sleep(1.0)
        factory.streams[0].value = 0
        time.sleep(1.2)
        calls = engine.calls
        time.sleep(1.5)  # three chunks' worth of silence
        assert engine.calls == calls
        ended = events.wait_for(AnswerEnded, 5)
    finally:
        listener.stop()
    assert ended.reason == "silence" and ended.tail_s == 0.0
    assert engine.calls == calls
    assert len(ended.words) >= 1


def test_silence_without_speech_never_ends_an_answer_but_the_key_does(tmp_path: Path) -> None:
    events = EventCollector()
    listener, _ = _listener(tmp_path, events)
    try:
        start_s = listener.begin_answer()
        time.sleep(1.5)  # 2.5 times the silence, no speech
        assert events.of_type(AnswerEnded) == []
        assert listener.answering
        listener.end_answer()
        ended = events.wait_for(AnswerEnded, 5)
    finally:
        listener.stop()
    assert ended.reason == "key"
    assert ended.text == "" and ended.words == ()
    assert ended.end_s - start_s == pytest.approx(1.5, abs=0.3)
    assert not listener.answering


def test_the_text_grows_while_the_answer_is_spoken(tmp_path: Path) -> None:
    events = EventCollector()
    listener, factory = _listener(tmp_path, events, end_silence_s=5.0)
    try:
        listener.begin_answer()
        factory.streams[0].value = LOUD
        first = events.wait_for(AnswerTextGrew, 5)
        grown = events.wait_for(AnswerTextGrew, 5, where=lambda e: len(e.text) > len(first.text))
        listener.end_answer()
        ended = events.wait_for(AnswerEnded, 5)
    finally:
        listener.stop()
    assert first.text.startswith("w0")
    assert grown.text.startswith(first.text[:2])
    assert ended.reason == "key"
    assert len(ended.text) >= len(grown.text)
    # read in several windows, yet no stretch of sound is read twice or left out
    assert len(ended.words) >= 3
    for before, after in zip(ended.words, ended.words[1:], strict=False):
        assert before.end <= after.start + 0.01, (before, after)
        assert after.start - before.end < 0.6, (before, after)


def test_a_new_answer_ends_the_open_one_first(tmp_path: Path) -> None:
    events = EventCollector()
    listener, _ = _listener(tmp_path, events)
    try:
        first = listener.begin_answer()
        time.sleep(0.3)
        second = listener.begin_answer()
        time.sleep(0.3)
    finally:
        listener.stop()
    listener.close()  # after stop(): nothing more happens
    ended = events.of_type(AnswerEnded)
    assert [(e.start_s, e.reason) for e in ended] == [(first, "key"), (second, "stopped")]
    assert ended[0].end_s <= second


def test_without_a_recogniser_answers_are_still_marked_and_the_fix_is_named(
    tmp_path: Path,
) -> None:
    def missing() -> HalfSecondWords:
        raise TranscriptError("the speech model package is not installed; install it")

    events = EventCollector()
    factory = FakeStreamFactory(value=0)
    listener = AnswerListener(
        tmp_path / "mock.wav",
        events,
        config=ListenerConfig(end_silence_s=0.5, chunk_s=0.5),
        engine_factory=missing,
        stream_factory=factory,
    )
    listener.start()
    try:
        assert listener.wait_ready(10)
        cpu, wall = time.process_time(), time.monotonic()
        listener.begin_answer()
        factory.streams[0].value = LOUD
        time.sleep(1.2)  # past two chunks: nothing to transcribe, so nothing to do
        factory.streams[0].value = 0
        ended = events.wait_for(AnswerEnded, 5)
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    finally:
        listener.stop()
    assert cpu < 0.3 * wall, (cpu, wall)  # the thread waits; it does not spin
    failed = events.wait_for(ListenerFailed, 0)
    assert "install it" in failed.message and "type them" in failed.message
    assert not events.wait_for(ListenerReady, 0).transcribing
    assert ended.reason == "silence" and ended.text == ""


def test_a_recogniser_crash_is_an_alarm_and_the_open_answer_still_ends(tmp_path: Path) -> None:
    events = EventCollector()
    listener, factory = _listener(tmp_path, events, engine=HalfSecondWords(fail=True))
    try:
        listener.begin_answer()
        factory.streams[0].value = LOUD
        failed = events.wait_for(ListenerFailed, 5)
        ended = events.wait_for(AnswerEnded, 5)
        again = listener.begin_answer()  # does not hang on the dead thread
    finally:
        summary = listener.stop()
    assert "RuntimeError: the recogniser broke" in failed.message
    assert ended.reason == "stopped"
    assert again >= ended.start_s
    assert summary.clean  # the recording itself was unharmed


def test_a_broken_event_handler_does_not_stop_the_listener(tmp_path: Path) -> None:
    seen: list[object] = []

    def handler(event: object) -> None:
        seen.append(event)
        raise ValueError("a bug in the screen")

    factory = FakeStreamFactory(value=0)
    listener = AnswerListener(
        tmp_path / "mock.wav",
        handler,
        config=ListenerConfig(end_silence_s=0.5),
        engine_factory=HalfSecondWords,
        stream_factory=factory,
    )
    listener.start()
    try:
        assert listener.wait_ready(10)
        listener.begin_answer()
        time.sleep(0.2)
        listener.end_answer()
        deadline = time.monotonic() + 5
        while not any(isinstance(e, AnswerEnded) for e in seen) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        listener.stop()
    assert any(isinstance(e, AnswerEnded) for e in seen)


def test_the_silence_setting_reaches_the_listener() -> None:
    config = ListenerConfig.from_settings(Settings(mock_end_silence_s=4.0))
    assert config.end_silence_s == 4.0
    assert ListenerConfig.from_settings(Settings()).end_silence_s == 2.5
