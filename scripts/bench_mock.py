"""The mock discussion's voice and listening, added to `make bench` by scripts/bench.py
(`--only mock`; runs under scripts/test-audio.sh). The practice set's own questions and probes
are spoken by the product's voice (hibari) into the test sink; the apprentice's answers are
espeak-ng speech fed into the same sink, which is the microphone (its monitor).

One mock of BENCH_MOCK_MINUTES (default 15; at least two questions, each answered and
probed once; one with BENCH_QUICK=1) gives every figure:

- mock.question_to_voice_ms: `Speaker.say(question)` (the moment the screen shows it) until
  its first sound reaches the sink's monitor, seen by a second capture in 4 ms blocks: the
  synthesis of the first sentence, the output's latency and the capture's are all inside
  (the largest over the mock's questions; goal <= 500). With mock.question_to_voice_p50_ms and
  mock.question_to_speech_started_p50_ms (say() until the speaker's own SpeechStarted).
- mock.answer_end_to_probe_ms: the moment the answer's silence reached `end_silence_s` (the
  answer's last sound in the sink, seen by the same capture, plus that silence) until the
  probe's first sound reaches the monitor: the level window, the last text of the answer, the
  AnswerEnded event, the probe's synthesis and the output (the largest; goal <= 1,500).
  Its stages, each the largest over the exchanges (with _p50): mock.stage.detect_ms (threshold
  → the listener found the end: the level window), .text_ms (→ the answer's last text ready:
  the tail decoded after the end, mock.stage.tail_s of audio at most), .event_ms (→ `say()`
  called: the AnswerEnded handler, where the app's examiner chooses), .synth_ms (→ the probe's
  first audio made; ~0 when prepared while the apprentice answered, BENCH_MOCK_PREPARE=0 to
  switch that off), .output_ms (→ its first sample handed to PortAudio: opening the stream)
  and .heard_ms (→ at the monitor); mock.worst.* are the stages of the slowest exchange.
- mock.lost_frames: over the mock, with speech both ways all along (question, answer, probe,
  answer...): frames expected from the monotonic time over the run less the frames the
  recorder's sample clock counted as real audio over the same run (its gaps and unwritten
  frames taken out), less one block of quantisation at the ends (goal 0); with mock.gaps,
  mock.overflow_alarms, mock.answers and mock.answer_word_recall (the share of each
  answer's words found in its text, mean).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import audio_helpers as ah  # noqa: E402

from discussion.mock.listener import (  # noqa: E402
    Alarm,
    AnswerEnded,
    AnswerListener,
    ListenerConfig,
    ListenerEvent,
)
from discussion.voice import Speaker, SpeechFinished, SpeechStarted, VoiceEvent  # noqa: E402

STAGES = ("detect", "text", "event", "synth", "output", "heard")

QUICK = os.environ.get("BENCH_QUICK") == "1"
MINUTES = float(os.environ.get("BENCH_MOCK_MINUTES", "0" if QUICK else "15"))
PREPARE = os.environ.get("BENCH_MOCK_PREPARE", "1") == "1"
EXCHANGES_MIN = 1 if QUICK else 2  # questions (each answered, probed) however short the run
END_SILENCE_S = 2.5  # the product's default
RATE = 16000
BLOCK = 512
ANSWERS = [
    "When the system was down I wrote the details on paper, told the customer how long it "
    "would take, and updated the record as soon as it was back.",
    "A customer rang because her delivery was late. I checked the order history, apologised, "
    "and promised to call her back by five. I called back on time and the parcel arrived the "
    "next day.",
    "I listened to what the customer needed, asked questions to check I understood, and "
    "explained the options. He chose the refund and thanked me for keeping him informed.",
]


def _practice_texts() -> list[tuple[str, list[str]]]:
    """The practice set's questions with their probes (what the mock speaks)."""
    from discussion.bank import load_bank

    bank = load_bank()
    return [(q.text, list(q.probes)) for q in bank.questions if q.set == "practice"]


class Capture:
    """A second capture of the sink's monitor: the moment a sound arrives, and when it ends."""

    def __init__(self) -> None:
        import sounddevice

        self._armed_at = 0.0
        self.first_loud: float | None = None
        self.last_loud = 0.0
        self._lock = threading.Lock()
        self._stream = sounddevice.InputStream(
            samplerate=RATE, blocksize=64, channels=1, dtype="int16", callback=self._callback
        )
        self._stream.start()

    def _callback(self, indata: np.ndarray, frames: int, _t: object, _s: object) -> None:
        if int(np.max(np.abs(indata.astype(np.int32)))) > 1000:  # -30 dBFS
            now = time.monotonic()
            self.last_loud = now
            if self.first_loud is None and now >= self._armed_at:
                self.first_loud = now

    def arm(self) -> None:
        """Forget earlier sound; the next loud block sets `first_loud`."""
        self._armed_at = time.monotonic()
        self.first_loud = None

    def wait_first(self, timeout: float = 10.0) -> float:
        """When the first loud block since `arm()` arrived."""
        deadline = time.monotonic() + timeout
        while self.first_loud is None:
            if time.monotonic() > deadline:
                raise RuntimeError("no sound reached the monitor")
            time.sleep(0.002)
        return self.first_loud

    def close(self) -> None:
        """Stop the capture."""
        self._stream.stop()
        self._stream.close()


class Waiter:
    """Events from the speaker and the listener, waited on by type."""

    def __init__(self) -> None:
        self.collector = ah.EventCollector()
        self.hook: object = None  # called with AnswerEnded first, as the examiner would be

    def __call__(self, event: VoiceEvent | ListenerEvent) -> None:
        hook = self.hook
        if isinstance(event, AnswerEnded) and callable(hook):
            hook(event)  # the examiner's reaction: speak the probe at once
        self.collector(event)


def _ready(work: Path, waiter: Waiter) -> tuple[Speaker, AnswerListener]:
    speaker = Speaker(waiter, engine="hibari")
    speaker.start()
    listener = AnswerListener(
        work / f"mock-{time.monotonic_ns()}.wav",
        waiter,
        config=ListenerConfig(end_silence_s=END_SILENCE_S),
    )
    listener.start()
    if not (speaker.wait_ready(60) and listener.wait_ready(60)):
        raise RuntimeError("the voice or the listener did not get ready")
    return speaker, listener


def _answer_audio(work: Path, text: str) -> tuple[np.ndarray, float]:
    """espeak-ng speech of `text` and its sound's length (first to last loud sample)."""
    path = ah.speech_wav(text, work / f"answer-{abs(hash(text))}.wav")
    samples, _rate = ah.read_mono(path)
    loud = np.flatnonzero(np.abs(samples) > 10 ** (-30 / 20))
    return samples, (loud[-1] - loud[0]) / RATE


def _say_and_measure(
    speaker: Speaker, capture: Capture, waiter: Waiter, text: str
) -> tuple[float, float]:
    """say() → first sound at the monitor, and say() → SpeechStarted, in ms; waits the end."""
    count = len(waiter.collector.of_type(SpeechFinished))
    capture.arm()
    said = time.monotonic()
    speaker.say(text)
    heard = capture.wait_first()
    started = waiter.collector.wait_for(SpeechStarted, 10, where=lambda e: e.at_monotonic >= said)
    _wait_count(waiter, SpeechFinished, count + 1, 60)
    return (heard - said) * 1000, (started.at_monotonic - said) * 1000


def _wait_count(waiter: Waiter, kind: type, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(waiter.collector.of_type(kind)) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"no {kind.__name__} within {timeout} s")
        time.sleep(0.01)


def _exchange(
    speaker: Speaker,
    listener: AnswerListener,
    capture: Capture,
    waiter: Waiter,
    feeder: ah.SinkFeeder,
    answer: tuple[np.ndarray, float],
    probe: str,
    probes: list[str],
) -> tuple[float, AnswerEnded, dict[str, float]]:
    """One answer then its probe: (threshold reached → probe heard, in ms; the answer; the
    stages in ms)."""
    ended_before = len(waiter.collector.of_type(AnswerEnded))
    finished_before = len(waiter.collector.of_type(SpeechFinished))
    listener.begin_answer()
    if PREPARE:
        speaker.prepare(probes)  # as the screen does once the question is spoken
    time.sleep(0.3)
    capture.arm()
    samples, sound_s = answer
    feeder.play(samples)
    answer_heard = capture.wait_first()

    last_sound: list[float] = []

    def speak_probe(_event: object) -> None:
        last_sound.append(capture.last_loud)  # the answer's last loud block at the monitor
        capture.arm()
        speaker.say(probe)

    waiter.hook = speak_probe
    try:
        _wait_count(waiter, AnswerEnded, ended_before + 1, 60)
        probe_heard = capture.wait_first()
    finally:
        waiter.hook = None
    # Where the sound really ended at the monitor (a feeder that underran under load plays
    # late: its length from the file alone would charge that to the listener).
    threshold = max(last_sound[0], answer_heard + sound_s) + END_SILENCE_S
    ended = waiter.collector.of_type(AnswerEnded)[ended_before]
    _wait_count(waiter, SpeechFinished, finished_before + 1, 60)
    started = waiter.collector.wait_for(
        SpeechStarted, 10, where=lambda e: e.text == probe and e.said_at >= ended.text_ready_at
    )
    marks = [
        threshold,
        ended.detected_at,
        ended.text_ready_at,
        started.said_at,
        started.first_chunk_at,
        started.at_monotonic,
        probe_heard,
    ]
    stages = {name: (marks[i + 1] - marks[i]) * 1000 for i, name in enumerate(STAGES)}
    stages["tail_s"] = ended.tail_s
    stages["prepared"] = float(started.prepared)
    return (probe_heard - threshold) * 1000, ended, stages


def bench_mock_run(work: Path, results: dict[str, float]) -> None:
    """mock.answer_end_to_probe_ms and mock.lost_frames: a whole mock, speech both ways."""
    questions = _practice_texts()
    answers = [_answer_audio(work, text) for text in ANSWERS]
    answer_words = [{w.strip(".,").lower() for w in text.split()} for text in ANSWERS]
    waiter = Waiter()
    speaker, listener = _ready(work, waiter)
    capture = Capture()
    # The window is read on both clocks at once: the sample clock is current to the block.
    started, started_offset = time.monotonic(), listener.offset_seconds()
    delays: list[float] = []
    stages: list[dict[str, float]] = []
    recall: list[float] = []
    heard_ms: list[float] = []
    started_ms: list[float] = []
    exchanges = 0
    try:
        with ah.sink_feeder() as feeder:
            time.sleep(1.0)
            while time.monotonic() - started < MINUTES * 60 or exchanges < EXCHANGES_MIN:
                question, probes = questions[exchanges % len(questions)]
                out_ms, start_ms = _say_and_measure(speaker, capture, waiter, question)
                heard_ms.append(out_ms)
                started_ms.append(start_ms)
                for probe in probes[:1]:
                    index = exchanges % len(answers)
                    delay, ended, stage = _exchange(
                        speaker, listener, capture, waiter, feeder, answers[index], probe, probes
                    )
                    delays.append(delay)
                    stages.append(stage)
                    heard = {w.strip(" .,?!").lower() for w in ended.text.split()}
                    recall.append(len(heard & answer_words[index]) / len(answer_words[index]))
                    exchanges += 1
    finally:
        stopped, stopped_offset = time.monotonic(), listener.offset_seconds()
        capture.close()
        speaker.close()
        summary = listener.stop()
    gap_frames = sum(round(g.duration_s * RATE) for g in summary.gaps)
    real = (stopped_offset - started_offset) * RATE - gap_frames - summary.unwritten_frames
    expected = (stopped - started) * RATE
    alarms = waiter.collector.of_type(Alarm)
    results["mock.question_to_voice_ms"] = round(max(heard_ms), 1)
    results["mock.question_to_voice_p50_ms"] = round(statistics.median(heard_ms), 1)
    results["mock.question_to_speech_started_p50_ms"] = round(statistics.median(started_ms), 1)
    results["mock.answer_end_to_probe_ms"] = round(max(delays), 1)
    results["mock.answer_end_to_probe_p50_ms"] = round(statistics.median(delays), 1)
    results["mock.lost_frames"] = float(max(0, round(expected - real - BLOCK)))
    results["mock.gaps"] = float(len(summary.gaps))
    results["mock.overflow_alarms"] = float(sum(a.kind == "overflow" for a in alarms))
    results["mock.answers"] = float(exchanges)
    results["mock.answer_word_recall"] = round(statistics.mean(recall), 3)
    results["mock.minutes"] = round((stopped - started) / 60, 2)
    for name in STAGES:
        values = [stage[name] for stage in stages]
        results[f"mock.stage.{name}_ms"] = round(max(values), 1)
        results[f"mock.stage.{name}_p50_ms"] = round(statistics.median(values), 1)
    results["mock.stage.tail_s"] = round(max(stage["tail_s"] for stage in stages), 2)
    results["mock.stage.prepared_share"] = round(
        statistics.mean(stage["prepared"] for stage in stages), 2
    )
    worst = stages[delays.index(max(delays))]
    for name in STAGES:
        results[f"mock.worst.{name}_ms"] = round(worst[name], 1)
    results["load_average_1min"] = round(os.getloadavg()[0], 2)


def bench_mock(results: dict[str, float], where: Path | None = None) -> None:
    """Every mock figure (scripts/bench.py `--only mock`)."""
    work = Path(tempfile.mkdtemp(prefix="bench-mock-", dir=where))
    bench_mock_run(work, results)


if __name__ == "__main__":
    figures: dict[str, float] = {}
    bench_mock(figures)
    for key, value in sorted(figures.items()):
        print(f"{key:42} {value:>10g}")
