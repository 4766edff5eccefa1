"""Sealed records with audio placed where a test chooses, and a fake speech engine.

`sealed_record` writes real segment files and a real, signed, sealed record through
`SessionRecord` (recording_started / paused / resumed / audio_gap / stopped, as the recorder
logs them). `BurstEngine` stands in for the recogniser: every burst of sound in a chunk is one
segment with one word spanning it, so a test knows exactly where each word must land on the
session timeline.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import soundfile
from test_record_support import make_info

from discussion.record import RecordingStartedData, RecordingStoppedData, SessionRecord
from discussion.record.events import EventData
from discussion.transcript.engine import Engine
from discussion.transcript.model import EngineInfo, Segment, Transcript, Word
from discussion.transcript.run import Outcome, transcribe_folder

RATE = 16000
FloatArray = npt.NDArray[np.float32]


def tone(seconds: float, freq: float = 440.0, amplitude: float = 0.3) -> FloatArray:
    """A sine burst."""
    t = np.arange(round(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def place(total_s: float, sounds: list[tuple[float, FloatArray]]) -> FloatArray:
    """`total_s` of silence with each sound placed at its file time (seconds)."""
    out = np.zeros(round(total_s * RATE), dtype=np.float32)
    for at, sound in sounds:
        first = round(at * RATE)
        out[first : first + len(sound)] += sound[: len(out) - first]
    return out


@dataclass
class Run:
    """One recording run: where it starts on the timeline, its audio, events at file times."""

    start_offset: float
    samples: FloatArray
    events: list[tuple[float, EventData]] = field(default_factory=list)
    notes: list[float] = field(default_factory=list)  # file times of notes to add


def sealed_record(home: Path, runs: list[Run], *, seal: bool = True) -> Path:
    """A record with one segment file per run (PCM_16, 16 kHz), sealed unless `seal` is False."""
    record = SessionRecord.create(make_info(reaction_lag_s=0.0), home=home)
    for run in runs:
        path = record.next_segment_path()
        name = path.relative_to(record.folder).as_posix()
        start = run.start_offset
        record.append(RecordingStartedData(segment=name, start_offset=start, device="t"), start)
        soundfile.write(str(path), run.samples, RATE, subtype="PCM_16")
        timed: list[tuple[float, EventData | None]] = [*run.events]
        timed += [(at, None) for at in run.notes]
        for at, data in sorted(timed, key=lambda item: item[0]):
            if data is None:
                record.add_note(f"note at {at:g} s", [], start + at)
            else:
                record.append(data, start + at)
        frames = len(run.samples)
        record.append(
            RecordingStoppedData(segment=name, frames=frames, reason="stop"),
            start + frames / RATE,
        )
    if seal:
        record.close()
    else:
        record.release()
    return record.folder


class Killed(BaseException):
    """What a SIGKILL would do to the run, for a test: nothing after it runs."""


class BurstEngine:
    """A fake engine: each stretch of sound in the chunk is a segment holding one word.

    Detection is on 10 ms frames (RMS above 0.01), so a word's time is exact to 10 ms.
    `kill_at_chunk` raises `Killed` when that chunk (1-based) is asked for; `chunks` counts
    the chunks decoded and `seconds` the audio they held.
    """

    def __init__(self, kill_at_chunk: int | None = None, model_sha256: str = "f" * 64) -> None:
        self.kill_at_chunk = kill_at_chunk
        self.chunks = 0
        self.seconds = 0.0
        self._info = EngineInfo(name="bursts", model="test", model_sha256=model_sha256)

    @property
    def info(self) -> EngineInfo:
        """A fixed description."""
        return self._info

    def transcribe(self, samples: FloatArray) -> Iterator[Segment]:
        """One segment per burst, in order."""
        self.chunks += 1
        if self.kill_at_chunk is not None and self.chunks == self.kill_at_chunk:
            raise Killed
        self.seconds += len(samples) / RATE
        frame = RATE // 100
        count = len(samples) // frame
        rms = np.sqrt(np.mean(np.square(samples[: count * frame].reshape(count, frame)), axis=1))
        loud = rms > 0.01
        index = 0
        while index < count:
            if not loud[index]:
                index += 1
                continue
            first = index
            while index < count and loud[index]:
                index += 1
            start, end = first / 100, index / 100
            word = Word(start=start, end=end, word=" burst", probability=0.9)
            yield Segment(start=start, end=end, text="burst", words=[word])


def sign_as_assessor() -> Callable[[Transcript], Transcript]:
    """Signs a transcript with this data folder's assessor key (the one that sealed the record)."""
    from discussion.signing.keys import load_or_create_key
    from discussion.transcript.seal import sign_transcript

    key = load_or_create_key("assessor")
    return lambda transcript: sign_transcript(transcript, key, "Test Assessor")


def transcribe(folder: Path, engine: Engine, **options: Any) -> Outcome:
    """`transcribe_folder`, signed as the record's assessor."""
    return transcribe_folder(folder, engine, sign=sign_as_assessor(), **options)


# espeak-ng's British RP voice at 160 words a minute: tiny.en heard it best (WER 0.05 on the
# test sentences; 0.11-0.20 with the default en-gb voice).
VOICE = ("-v", "en-gb-x-rp", "-s", "160")


def speak(text: str, wav: Path, voice: tuple[str, ...] = VOICE) -> FloatArray:
    """espeak-ng speech (a separate GPL program) resampled by sox to 16 kHz mono: float32."""
    raw = wav.with_name(wav.stem + "-raw.wav")
    subprocess.run(["espeak-ng", *voice, "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(wav)], check=True)
    data, rate = soundfile.read(str(wav), dtype="float32")
    assert rate == RATE
    return np.asarray(data, dtype=np.float32)


def words_of(text: str) -> list[str]:
    """Lower-case words without punctuation, for the word error rate."""
    return re.findall(r"[a-z']+", text.lower().replace("-", " "))


def word_error_rate(reference: list[str], hypothesis: list[str]) -> float:
    """(substitutions + deletions + insertions) / reference words (Levenshtein on words)."""
    row = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, hyp in enumerate(hypothesis, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ref != hyp))
    return row[-1] / len(reference)


def word_starts(path: Path) -> list[float]:
    """Start times of the words in a transcript.json."""
    from discussion.transcript.model import load_transcript

    return [word.start for word in load_transcript(path).words()]
