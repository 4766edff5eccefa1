"""Reading a spoken answer back from the recording as it grows (for discussion.mock.listener):
the WAV's audio between two offsets on the sample clock, turned into words by the recogniser,
and the answer's words kept as committed (final) and provisional (read again next time).

Whisper reads a sentence best whole, so the words of a read are committed only at the end of a
segment (a pause) clear of the end of the audio read; the rest is provisional and the next read
starts at the first uncommitted word (`window_s`). No threads here: the listener's transcriber
thread calls these.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile

from discussion.transcript.engine import Engine
from discussion.transcript.model import Word


@dataclass
class AnswerWords:
    """The words of one answer so far, and how far its audio has been read."""

    window_s: float  # audio from here on is not committed yet
    read_until_s: float  # audio transcribed up to here
    committed: list[Word] = field(default_factory=list)
    provisional: list[Word] = field(default_factory=list)
    text: str = ""

    @property
    def words(self) -> list[Word]:
        """Every word so far, committed then provisional."""
        return self.committed + self.provisional

    def take(
        self, segments: list[list[Word]], until: float, commit_margin_s: float, max_window_s: float
    ) -> bool:
        """A read of [window_s, until): commit the segments ending `commit_margin_s` before
        `until`; a run-on longer than `max_window_s` is cut at a word instead (so no read grows
        without bound). True when the answer's text changed."""
        keep_until = until - commit_margin_s
        done: list[Word] = []
        for index, segment in enumerate(segments):
            if not segment or segment[-1].end > keep_until:
                if until - self.window_s > max_window_s:
                    rest = [w for s in segments[index:] for w in s]
                    done.extend(w for w in rest if w.end <= keep_until)
                break
            done.extend(segment)
        words = [w for s in segments for w in s]
        self.committed.extend(done)
        self.provisional = words[len(done) :]
        if done:
            self.window_s = done[-1].end
        elif not words:
            self.window_s = max(self.window_s, keep_until)  # silence: no need to read again
        self.read_until_s = until
        text = text_of(self.words)
        changed = text != self.text
        self.text = text
        return changed

    def settle(self, clear_until: float) -> None:
        """Commit the provisional words ending by `clear_until` and move the window past them:
        once the speech is over, the last read need not be redone from the start of its
        sentence (seconds of decoding under load), only its last few seconds."""
        kept = list(itertools.takewhile(lambda w: w.end <= clear_until, self.provisional))
        if kept:
            self.committed.extend(kept)
            self.provisional = self.provisional[len(kept) :]
            self.window_s = max(self.window_s, kept[-1].end)


class WavReader:
    """The recording's WAV as it grows, read by offsets on the sample clock."""

    def __init__(self, path: Path, timeline_start: float, rate: int, wait_s: float) -> None:
        """`wait_s`: how long `end_s` waits for audio not yet in the file."""
        self.path = path
        self._timeline_start = timeline_start
        self._rate = rate
        self._wait_s = wait_s

    def end_s(self, wait_for: float | None = None) -> float:
        """The offset up to which the WAV holds audio (waits up to `wait_s` for `wait_for`)."""
        deadline = time.monotonic() + self._wait_s
        while True:
            try:
                frames = int(soundfile.info(str(self.path)).frames)
            except (OSError, RuntimeError):  # libsndfile raises its own error for a torn header
                frames = 0
            end = self._timeline_start + frames / self._rate
            if wait_for is None or end >= wait_for or time.monotonic() >= deadline:
                return end
            time.sleep(0.02)

    def words(self, engine: Engine, start_s: float, end_s: float) -> list[list[Word]]:
        """The words of [start_s, end_s) of the recording, per segment, on the sample clock."""
        if end_s - start_s < 0.1:
            return []
        first = max(0, round((start_s - self._timeline_start) * self._rate))
        count = round((end_s - start_s) * self._rate)
        with soundfile.SoundFile(str(self.path)) as audio:
            audio.seek(min(first, audio.frames))
            data = audio.read(count, dtype="float32", always_2d=True)
        samples = np.ascontiguousarray(data.mean(axis=1), dtype=np.float32)
        return [
            [placed(word, start_s) for word in segment.words]
            for segment in engine.transcribe(samples)
        ]


def placed(word: Word, offset_s: float) -> Word:
    """A word of a read that began at `offset_s`, on the recording's clock. Rounded to the
    millisecond, but never before the read's start (a word at 0 would round to before it)."""
    start = max(offset_s, round(offset_s + word.start, 3))
    return Word(
        start=start,
        end=max(start, round(offset_s + word.end, 3)),
        word=word.word,
        probability=word.probability,
    )


def text_of(words: list[Word]) -> str:
    """Words as Whisper spells them (each carries its own leading space)."""
    return "".join(w.word for w in words).strip()
