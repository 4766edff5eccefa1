"""One utterance on its way to the output device: a queue of sample chunks and the callback that
drains it.

The speaker's thread appends int16 chunks (and `None` for the end); PortAudio's callback takes
them, copying into its buffer with no lock, no I/O and no events, and notes when the first
sample went out, when the end was reached and how many frames it handed over. The speaker's
thread reads those notes (plain attribute reads) and turns them into events.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

import numpy as np
import numpy.typing as npt

Int16Array = npt.NDArray[np.int16]


def to_int16(samples: npt.NDArray[np.float32]) -> Int16Array:
    """Float samples (-1..1) as int16, clipped."""
    clipped: Int16Array = np.clip(samples * 32767.0, -32768, 32767).astype(np.int16)
    return clipped


def trim_leading_silence(
    samples: npt.NDArray[np.float32],
    samplerate: int,
    *,
    threshold_dbfs: float = -50.0,
    keep_s: float = 0.03,
) -> npt.NDArray[np.float32]:
    """`samples` from `keep_s` before the first one above `threshold_dbfs` (all if none is).

    hibari starts every utterance with about 0.3 s of silence: played as made, the question
    would be heard that much later than it is shown.
    """
    loud = np.flatnonzero(np.abs(samples) > 10 ** (threshold_dbfs / 20))
    if not len(loud):
        return samples
    return samples[max(0, int(loud[0]) - round(keep_s * samplerate)) :]


class Utterance:
    """The chunks of one utterance and what the output callback did with them."""

    def __init__(self) -> None:
        self._queue: deque[Int16Array | None] = deque()
        self._current: Int16Array | None = None
        self._position = 0
        self.pushed_frames = 0
        self.frames_out = 0  # frames of speech handed to PortAudio
        self.first_out_at: float | None = None  # monotonic: first speech sample handed over
        self.ended_at: float | None = None  # monotonic: the end marker was reached
        self.last_callback_at: float | None = None
        self.underruns = 0  # callbacks that found no audio before the end (synthesis too slow)
        self.made_at = 0.0  # monotonic: the first chunk was ready (latency figures only)
        self.prepared = False  # its audio was made ahead (Speaker.prepare)

    def push(self, chunk: Int16Array) -> None:
        """Queue a chunk (speaker thread)."""
        if len(chunk):
            self.pushed_frames += len(chunk)
            self._queue.append(chunk)

    def finish(self) -> None:
        """Mark the end: once the queue is played, the callback notes `ended_at`."""
        self._queue.append(None)

    def callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio's output callback (real-time thread): copy queued samples, pad with zeros."""
        now = time.monotonic()
        self.last_callback_at = now
        out = outdata.reshape(-1)
        filled = 0
        queue = self._queue
        while filled < frames and self.ended_at is None:
            current = self._current
            if current is None:
                if not queue:
                    if self.first_out_at is not None:
                        self.underruns += 1
                    break
                current = queue.popleft()
                if current is None:
                    self.ended_at = now
                    break
                self._current, self._position = current, 0
            count = min(frames - filled, len(current) - self._position)
            out[filled : filled + count] = current[self._position : self._position + count]
            if self.first_out_at is None:
                self.first_out_at = now
            filled += count
            self._position += count
            if self._position >= len(current):
                self._current = None
        out[filled:] = 0
        self.frames_out += filled
