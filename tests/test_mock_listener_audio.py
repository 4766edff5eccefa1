"""The listener on real audio: the examiner's question is spoken into the private PulseAudio's
sink, then the apprentice's answer (espeak-ng) is played into it as the microphone; tiny.en
transcribes the answer as it is spoken, a silence ends it within the configured time, and its
span and words sit on the recording's sample clock."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from audio_helpers import EventCollector, onset, play_wav, read_mono, speech_wav

from discussion.mock.listener import (
    AnswerEnded,
    AnswerListener,
    AnswerTextGrew,
    ListenerConfig,
    ListenerReady,
)
from discussion.voice import Speaker, SpeechFinished

QUESTION = "What did you do next?"
ANSWER = (
    "I checked the order history and promised to call the customer back. "
    "The parcel arrived the next day."
)
ANSWER_WORDS = {"checked", "order", "history", "promised", "customer", "parcel"}
END_SILENCE_S = 1.5


def _words(text: str) -> set[str]:
    return {w.strip(" .,?!").lower() for w in text.split()}


def test_a_spoken_answer_after_the_spoken_question_is_transcribed_and_ended_by_silence(
    pulse: Path, tmp_path: Path
) -> None:
    answer_wav = speech_wav(ANSWER, tmp_path / "answer.wav")
    arrived: list[tuple[float, object]] = []
    events = EventCollector()

    def on_event(event: object) -> None:
        arrived.append((time.monotonic(), event))
        events(event)

    voice = EventCollector()
    speaker = Speaker(voice, engine="hibari")
    speaker.start()
    listener = AnswerListener(
        tmp_path / "mock.wav", on_event, config=ListenerConfig(end_silence_s=END_SILENCE_S)
    )
    listener.start()
    try:
        assert listener.wait_ready(30) and speaker.wait_ready(30)
        assert events.wait_for(ListenerReady, 0).transcribing
        speaker.say(QUESTION)
        voice.wait_for(SpeechFinished, 20)
        start_s = listener.begin_answer()
        time.sleep(0.3)
        play_wav(answer_wav)  # returns once the sound has gone through the sink
        played_at = time.monotonic()
        ended = events.wait_for(AnswerEnded, END_SILENCE_S + 10)
    finally:
        summary = listener.stop()
        speaker.close()
    ended_at = next(at for at, e in arrived if isinstance(e, AnswerEnded))
    grew = events.of_type(AnswerTextGrew)
    assert summary.gaps == () and summary.clean

    # transcribed as spoken: text arrived before the end, and the answer's words are there
    assert grew and all(g.start_s == start_s for g in grew)
    # tiny.en under a loaded CI heard "promise" for "promised" and dropped "checked" once:
    # four of the six key words still show the answer itself was transcribed.
    assert len(ANSWER_WORDS & _words(ended.text)) >= 4, ended.text
    assert "next" not in _words(grew[0].text)  # the spoken question is outside the span
    assert ended.reason == "silence"
    # ended by the silence within the configured time (plus the level window and the text)
    assert ended_at - played_at < END_SILENCE_S + 1.0

    # the span and the words on the recording's sample clock
    samples, rate = read_mono(summary.path)
    first = onset(samples, rate, threshold_dbfs=-40.0, start=int(start_s * rate)) / rate
    last = (len(samples) - onset(samples[::-1], rate, threshold_dbfs=-40.0)) / rate
    assert ended.start_s == start_s < first
    assert ended.end_s == pytest.approx(last + END_SILENCE_S, abs=0.25)
    assert ended.words[0].start == pytest.approx(first, abs=0.4)
    assert ended.words[-1].end == pytest.approx(last, abs=0.5)
    bad = [w for w in ended.words if not start_s <= w.start <= w.end <= ended.end_s]
    assert bad == [], (start_s, ended.end_s, bad)
