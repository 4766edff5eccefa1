"""A fake sound output for the player's unit tests and the review screen's Pilot tests.

`FakeOutput` calls the player's callback from its own thread with (frames, 1) int16 arrays, as
sounddevice's OutputStream does, at `pace` times real time, and keeps everything it was given
(so a test can check what would have been heard): `held` blocks, what a real output still holds
unplayed, are dropped by `abort` as a real one drops them; `late` makes the next callbacks
carry PortAudio's output-underflow flag.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import soundfile

from discussion.playback import AudioTimeline, Piece
from discussion.playback.output import NoSound, OutputCallback

RATE = 16000


class LateFlags:
    """What sounddevice's CallbackFlags says of a callback PortAudio had to wait for."""

    output_underflow = True

    def __bool__(self) -> bool:
        return True


class FakeOutput:
    """An OutputStream stand-in; `pace` > 1 runs faster than real time."""

    def __init__(
        self, rate: int, blocksize: int, callback: OutputCallback, pace: float, held: int = 0
    ) -> None:
        self.rate = rate
        self.blocksize = blocksize
        self.callback = callback
        self.pace = pace
        self.blocks: list[npt.NDArray[np.int16]] = []
        self.frames = 0
        self.latency = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.closed = False
        self.starts = 0
        self.held = held
        self.dropped = 0  # frames `abort` dropped, unheard
        self.late = 0
        self.lock = threading.Lock()

    @property
    def active(self) -> bool:
        """True until stopped."""
        return not self._stop.is_set()

    def start(self) -> None:
        """Start (or, after abort, restart) calling back."""
        if self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self.starts += 1

    def _run(self) -> None:
        next_at = time.monotonic()
        while not self._stop.is_set():
            out = np.zeros((self.blocksize, 1), dtype=np.int16)
            flags = None
            if self.late:
                self.late -= 1
                flags = LateFlags()
            self.callback(out, self.blocksize, None, flags)
            with self.lock:
                self.blocks.append(out[:, 0].copy())
                self.frames += self.blocksize
            next_at += self.blocksize / self.rate / self.pace
            time.sleep(max(0.0, next_at - time.monotonic()))

    def played(self) -> npt.NDArray[np.int16]:
        """Everything written to the output so far."""
        with self.lock:
            return np.concatenate(self.blocks) if self.blocks else np.zeros(0, dtype=np.int16)

    def stop(self) -> None:
        """Stop calling back."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(2)

    def abort(self) -> None:
        """Stop at once: the `held` blocks last handed over are never heard."""
        self.stop()
        with self.lock:
            for _ in range(min(self.held, len(self.blocks))):
                self.dropped += len(self.blocks.pop())

    def close(self) -> None:
        """Mark closed."""
        self.closed = True


class FakeOutputFactory:
    """Makes `FakeOutput`s (keeps them); `fail` makes every open raise NoSound(fail)."""

    def __init__(self, pace: float = 1.0, fail: str | None = None, held: int = 0) -> None:
        self.pace = pace
        self.fail = fail
        self.held = held
        self.outputs: list[FakeOutput] = []

    def __call__(self, rate: int, blocksize: int, callback: OutputCallback) -> Any:
        if self.fail is not None:
            raise NoSound(self.fail)
        output = FakeOutput(rate, blocksize, callback, self.pace, self.held)
        self.outputs.append(output)
        return output


def ramp_wav(path: Path, start: int, frames: int) -> Path:
    """A WAV whose sample k holds (start + k) % 30000: each sample says where it came from."""
    values = ((np.arange(frames) + start) % 30000).astype(np.int16)
    soundfile.write(str(path), values, RATE, subtype="PCM_16")
    return path


def ramp_timeline(tmp: Path, layout: list[tuple[float, float]], end_s: float) -> AudioTimeline:
    """Segments at (start_s, length_s) whose samples encode their timeline frame."""
    pieces = []
    for number, (start_s, length_s) in enumerate(layout, 1):
        start = round(start_s * RATE)
        frames = round(length_s * RATE)
        path = ramp_wav(tmp / f"segment-{number:03d}.wav", start, frames)
        pieces.append(Piece(start, frames, path))
    return AudioTimeline(pieces, RATE, round(end_s * RATE))
