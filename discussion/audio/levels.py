"""Level maths on int16 blocks: RMS/peak in dBFS, a meter, and a silence detector.

Pure functions of sample data (no clocks): the silence detector counts frames, so its timing is
the sample clock's, like every other timestamp of the recording.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

FULL_SCALE = 32768.0
FLOOR_DBFS = -120.0  # digital silence: a finite number keeps events JSON-friendly


def to_dbfs(amplitude: float) -> float:
    """An amplitude relative to full scale (0..1) in dBFS, floored at `FLOOR_DBFS`."""
    if amplitude <= 0.0:
        return FLOOR_DBFS
    return max(FLOOR_DBFS, 20.0 * math.log10(amplitude))


def block_stats(block: npt.NDArray[np.int16]) -> tuple[float, float, int]:
    """(sum of squares, peak) of an int16 block normalised to full scale, and its sample count.

    Integer maths first (exact, and cheaper than converting every sample to float): this runs
    for every block of the recording.
    """
    if block.size == 0:
        return 0.0, 0.0, 0
    flat = block.ravel().astype(np.int64)
    squares = int(np.dot(flat, flat)) / (FULL_SCALE * FULL_SCALE)
    peak = max(int(flat.max()), -int(flat.min())) / FULL_SCALE  # no |x| array: half the work
    return squares, peak, int(flat.size)


def stats_rms_dbfs(squares: float, count: int) -> float:
    """RMS level in dBFS from `block_stats` figures."""
    return to_dbfs(math.sqrt(squares / count)) if count else FLOOR_DBFS


def block_rms_dbfs(block: npt.NDArray[np.int16]) -> float:
    """RMS level of one block in dBFS."""
    squares, _, count = block_stats(block)
    return stats_rms_dbfs(squares, count)


@dataclass
class LevelMeter:
    """Accumulates blocks; `take()` returns (rms_dbfs, peak_dbfs) since the last take."""

    _squares: float = 0.0
    _peak: float = 0.0
    _count: int = 0

    def add(self, block: npt.NDArray[np.int16]) -> None:
        """Add one block to the running window."""
        self.add_stats(*block_stats(block))

    def add_stats(self, squares: float, peak: float, count: int) -> None:
        """Add one block's `block_stats` figures (computed once, shared with other meters)."""
        self._squares += squares
        self._peak = max(self._peak, peak)
        self._count += count

    @property
    def empty(self) -> bool:
        """True when nothing was added since the last take."""
        return self._count == 0

    def take(self) -> tuple[float, float]:
        """The window's (RMS dBFS, peak dBFS); starts a new window."""
        rms = math.sqrt(self._squares / self._count) if self._count else 0.0
        result = (to_dbfs(rms), to_dbfs(self._peak))
        self._squares, self._peak, self._count = 0.0, 0.0, 0
        return result


class SilenceDetector:
    """Reports when input has been below `threshold_dbfs` for `after_s`, and when sound returns.

    Fed block by block with each block's RMS; counts frames, not wall time.
    """

    def __init__(self, threshold_dbfs: float, after_s: float, rate: int) -> None:
        self.threshold_dbfs = threshold_dbfs
        self.after_frames = max(1, round(after_s * rate))
        self._quiet_frames = 0
        self.alarmed = False

    def feed(self, rms_dbfs: float, frames: int) -> Literal["silence", "sound"] | None:
        """Account one block; returns "silence" when the alarm starts, "sound" when it ends."""
        if rms_dbfs < self.threshold_dbfs:
            self._quiet_frames += frames
            if not self.alarmed and self._quiet_frames >= self.after_frames:
                self.alarmed = True
                return "silence"
            return None
        self._quiet_frames = 0
        if self.alarmed:
            self.alarmed = False
            return "sound"
        return None

    @property
    def quiet_frames(self) -> int:
        """Frames of the current quiet run."""
        return self._quiet_frames

    def reset(self) -> None:
        """Forget the quiet run (after a pause); an active alarm stays until sound returns."""
        self._quiet_frames = 0
