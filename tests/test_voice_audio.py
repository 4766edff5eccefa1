"""The voice through real PortAudio into the private PulseAudio's sink: the question is in the
recording of the sink's monitor (level, length, when it started) and tiny.en reads its words
back; with no sound server the speaker says so, with the fix, and the mock is text only."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from audio_helpers import EventCollector, dbfs, onset, read_mono

from discussion.audio import Recorder
from discussion.transcript.engine import WhisperEngine
from discussion.voice import Speaker, SpeechFinished, SpeechStarted
from discussion.voice.engine import EngineChoice, make_engine
from discussion.voice.playback import trim_leading_silence

QUESTION = (
    "Tell me about a customer whose needs were unclear. How did you find out what they wanted?"
)
# tiny.en mishears a word now and then ("needs weren't clear" once, for espeak-ng on a loaded
# machine): most of the question and most of its key words must come back, not every one.
QUESTION_WORDS = {word.strip(".,?!").lower() for word in QUESTION.split()}
KEY_WORDS = {"customer", "needs", "unclear", "wanted"}
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def whisper() -> WhisperEngine:
    """tiny.en, loaded once for the module."""
    return WhisperEngine()


@pytest.mark.parametrize("choice", ["hibari", "espeak-ng"])
def test_the_spoken_question_is_in_the_recording_of_the_sinks_monitor(
    pulse: Path, tmp_path: Path, whisper: WhisperEngine, choice: EngineChoice
) -> None:
    engine = make_engine(choice)
    assert engine is not None
    chunks = list(engine.synthesize(QUESTION, 1.0))
    rate_made = engine.samplerate
    # the speaker plays the first chunk from just before its first sound
    chunks[0] = trim_leading_silence(chunks[0], rate_made)
    made = np.concatenate(chunks).astype(np.float64)
    made_first = onset(made, rate_made, threshold_dbfs=-40.0)
    made_last = len(made) - onset(made[::-1], rate_made, threshold_dbfs=-40.0)
    expected_s = (made_last - made_first) / rate_made
    events = EventCollector()
    speaker = Speaker(events, engine=choice)
    assert speaker.available(), speaker.reason
    speaker.start()
    recorder = Recorder(tmp_path / "monitor.wav")
    recorder.start()
    try:
        assert speaker.wait_ready(30) and recorder.wait_until_recording(10)
        time.sleep(0.3)
        said_offset, said_at = recorder.offset_seconds(), time.monotonic()
        speaker.say(QUESTION)
        finished = events.wait_for(SpeechFinished, 30)
        time.sleep(0.4)  # the tail through the sound server
    finally:
        summary = recorder.stop()
        speaker.close()
    started = events.wait_for(SpeechStarted, 0)
    assert not finished.cancelled
    assert summary.gaps == ()
    samples, rate = read_mono(summary.path)
    first = onset(samples, rate, threshold_dbfs=-40.0) / rate
    last = (len(samples) - onset(samples[::-1], rate, threshold_dbfs=-40.0)) / rate
    # heard for as long as the voice made it, loud enough to hear
    assert abs((last - first) - expected_s) < 0.3, (last - first, expected_s)
    assert dbfs(samples[int(first * rate) : int(last * rate)]) > -35.0
    assert dbfs(samples[: int(max(0.0, said_offset - 0.1) * rate)]) < -60.0  # silence before
    # SpeechStarted is when it went out: the sound reaches the monitor within the latency
    predicted = said_offset + (started.at_monotonic - said_at) + made_first / rate_made
    assert predicted - 0.1 < first < predicted + 0.3, (first, predicted)
    heard = " ".join(
        word.word.strip(" .,?!").lower()
        for segment in whisper.transcribe(samples.astype(np.float32))
        for word in segment.words
    )
    heard_words = set(heard.split())
    assert len(heard_words & QUESTION_WORDS) >= 0.75 * len(QUESTION_WORDS), heard
    assert len(heard_words & KEY_WORDS) >= len(KEY_WORDS) - 1, heard


def test_no_output_device_means_text_only_with_the_fix(tmp_path: Path) -> None:
    # A process of its own: PortAudio lists the devices once, when it starts.
    script = (
        "from discussion.voice import Speaker\n"
        "speaker = Speaker(print)\n"
        "speaker.say('unheard')\n"
        "speaker.close()\n"
        "print(speaker.available())\n"
        "print(speaker.reason)\n"
    )
    env = {**os.environ, "PULSE_SERVER": f"unix:{tmp_path / 'no-server'}"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "False"
    assert "no output device found: start the sound server" in lines[1]
    assert lines[1].endswith("questions are shown as text only")
    assert len(lines) == 2  # no event, no traceback
