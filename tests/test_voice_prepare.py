"""Speaker.prepare with the fakes of test_voice.py: a prepared probe starts from audio made
while the apprentice answered, a say() meanwhile goes first, and the store stays small."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
from audio_helpers import EventCollector
from test_voice import OutputFactory, ToneEngine, _speaker

from discussion.voice import SpeechFinished, SpeechStarted
from discussion.voice.speaker import PREPARED_MAX


class TextTone(ToneEngine):
    """The tone engine, noting which text each synthesis was for."""

    def __init__(self, chunks: int = 3, delay_s: float = 0.0) -> None:
        super().__init__(chunks=chunks, delay_s=delay_s)
        self.texts: list[str] = []

    def synthesize(self, text: str, rate: float) -> Iterator[npt.NDArray[np.float32]]:
        """Note the text, then the tone."""
        self.texts.append(text)
        yield from super().synthesize(text, rate)


def _wait(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not (callable(condition) and condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_prepared_probe_is_played_whole_without_synthesising_it_again() -> None:
    engine, factory, events = TextTone(chunks=3), OutputFactory(), EventCollector()
    speaker = _speaker(engine, factory, events)
    try:
        speaker.prepare(["Probe one?", "Probe two?", "  "])
        _wait(lambda: engine.closed == 2)
        speaker.say("Probe two?")
        events.wait_for(SpeechFinished, 10)
        started = events.wait_for(SpeechStarted, 0)
        speaker.say("Not prepared.")
        events.wait_for(SpeechFinished, 10, where=lambda e: e.text == "Not prepared.")
    finally:
        speaker.close()
    assert engine.texts == ["Probe one?", "Probe two?", "Not prepared."]  # blank: nothing made
    assert started.text == "Probe two?" and started.prepared
    assert started.said_at <= started.first_chunk_at <= started.at_monotonic
    assert not events.of_type(SpeechStarted)[1].prepared
    played = factory.outputs[0].played()
    loud = np.flatnonzero(np.abs(played) > 1000)
    assert loud[-1] - loud[0] + 1 >= 3 * 3200 - 40  # all three chunks of the prepared audio


def test_a_question_said_while_probes_are_prepared_goes_first() -> None:
    engine = TextTone(chunks=5, delay_s=0.1)  # each preparation takes 0.5 s
    factory, events = OutputFactory(), EventCollector()
    speaker = _speaker(engine, factory, events)
    try:
        speaker.prepare(["Probe?"])
        _wait(lambda: engine.texts == ["Probe?"])
        speaker.say("Question.")
        events.wait_for(SpeechFinished, 10, where=lambda e: e.text == "Question.")
        _wait(lambda: engine.texts == ["Probe?", "Question.", "Probe?"] and engine.closed == 3)
        speaker.say("Probe?")
        events.wait_for(SpeechFinished, 10, where=lambda e: e.text == "Probe?")
    finally:
        speaker.close()
    # the preparation was given up for the question, made again after it, and then used
    assert engine.texts == ["Probe?", "Question.", "Probe?"]
    assert [(e.text, e.prepared) for e in events.of_type(SpeechStarted)] == [
        ("Question.", False),
        ("Probe?", True),
    ]


def test_only_the_latest_preparations_are_kept() -> None:
    engine, factory, events = TextTone(chunks=1), OutputFactory(), EventCollector()
    speaker = _speaker(engine, factory, events)
    texts = [f"Probe {n}?" for n in range(PREPARED_MAX + 2)]
    try:
        speaker.prepare(texts)
        _wait(lambda: engine.closed == len(texts))
        speaker.say(texts[0])
        events.wait_for(SpeechFinished, 10)
        speaker.say(texts[-1])
        events.wait_for(SpeechFinished, 10, where=lambda e: e.text == texts[-1])
    finally:
        speaker.close()
    assert [e.prepared for e in events.of_type(SpeechStarted)] == [False, True]
