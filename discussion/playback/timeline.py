"""The session's audio as one timeline: segment files placed at their start offsets.

A note's `offset` is seconds on the session timeline (the recorder's sample clock, continuous
across segments). Each recording run wrote one segment file starting at its `start_offset`;
inside a segment, file position == timeline offset (an `audio_gap` is silence padded into the
file, a pause stops the timeline and the file together). So timeline frame F is frame
`F - start` of the segment that covers it, and silence where none does (before the first run,
or between runs of a record recovered with a hole).

Only one thread reads one `AudioTimeline` (its files are opened lazily and kept open).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile

from discussion.record.state import SessionState
from discussion.safe_files import not_regular_reason

log = logging.getLogger(__name__)

Int16Array = npt.NDArray[np.int16]


@dataclass(frozen=True, slots=True)
class Piece:
    """One segment file on the timeline: timeline frames [start, start + frames)."""

    start: int
    frames: int
    path: Path

    @property
    def end(self) -> int:
        """The first timeline frame after the piece."""
        return self.start + self.frames


class AudioTimeline:
    """Reads any span of the session timeline as int16 mono samples."""

    def __init__(
        self,
        pieces: list[Piece],
        samplerate: int,
        end_frame: int,
        problems: list[str] | None = None,
    ) -> None:
        self.pieces = sorted(pieces, key=lambda piece: piece.start)
        self.samplerate = samplerate
        self.end_frame = max([end_frame, *(piece.end for piece in self.pieces)])
        self.problems = list(problems or [])  # segments that cannot be played, and why
        self._files: dict[Path, soundfile.SoundFile] = {}

    @classmethod
    def from_state(cls, folder: Path, state: SessionState) -> AudioTimeline:
        """The timeline of a session folder: each segment's length from its WAV header."""
        rate = state.info.samplerate
        pieces: list[Piece] = []
        problems: list[str] = []
        for segment in state.segments:
            path = folder / segment.file
            try:
                reason = not_regular_reason(path)
                if reason is not None:  # never open a device or follow a symlink
                    raise ValueError(f"{segment.file} {reason}")
                info = soundfile.info(str(path))
                if info.samplerate != rate:
                    raise ValueError(f"{segment.file} is {info.samplerate} Hz, not {rate} Hz")
                frames = int(info.frames)
            except (OSError, RuntimeError, ValueError) as error:
                problems.append(f"{segment.file} cannot be played: {error}")
                continue
            start = round(segment.start_offset * rate)
            pieces.append(Piece(start, frames, path))
        end = round(state.timeline_end * rate)
        return cls(pieces, rate, end, problems)

    @property
    def duration_s(self) -> float:
        """The timeline's length in seconds."""
        return self.end_frame / self.samplerate

    @property
    def has_audio(self) -> bool:
        """True when at least one segment can be played."""
        return any(piece.frames > 0 for piece in self.pieces)

    def frame_of(self, seconds: float) -> int:
        """The timeline frame at `seconds`, clamped to the timeline."""
        return min(max(0, round(seconds * self.samplerate)), self.end_frame)

    def read(self, frame: int, count: int) -> Int16Array:
        """`count` samples from timeline frame `frame` (silence where no segment covers it)."""
        out = np.zeros(max(0, count), dtype=np.int16)
        stop = frame + count
        for piece in self.pieces:
            if piece.end <= frame or piece.start >= stop:
                continue
            first = max(frame, piece.start)
            last = min(stop, piece.end)
            data = self._read_piece(piece, first - piece.start, last - first)
            out[first - frame : first - frame + len(data)] = data
        return out

    def _read_piece(self, piece: Piece, offset: int, count: int) -> Int16Array:
        handle = self._files.get(piece.path)
        try:
            if handle is None:
                handle = self._files[piece.path] = soundfile.SoundFile(str(piece.path))
            handle.seek(offset)
            data = handle.read(count, dtype="int16", always_2d=True)
        except (OSError, RuntimeError) as error:
            log.warning("reading %s at frame %d: %s", piece.path, offset, error)
            return np.zeros(0, dtype=np.int16)
        samples: Int16Array = np.ascontiguousarray(data[:, 0])
        return samples

    def close(self) -> None:
        """Close the open segment files."""
        for handle in self._files.values():
            with contextlib.suppress(OSError, RuntimeError):
                handle.close()
        self._files.clear()


def second_levels(timeline: AudioTimeline, chunk_s: int = 60) -> npt.NDArray[np.float32]:
    """RMS level of each whole second of the timeline, in dBFS (-100 for digital silence)."""
    rate = timeline.samplerate
    seconds = -(-timeline.end_frame // rate)  # a last part-second counts as a second
    levels = np.full(seconds, -100.0, dtype=np.float32)
    for first in range(0, seconds, chunk_s):
        count = min(chunk_s, seconds - first)
        data = timeline.read(first * rate, count * rate).astype(np.float32) / 32768.0
        rms = np.sqrt(np.mean(np.square(data.reshape(count, rate)), axis=1))
        levels[first : first + count] = 20.0 * np.log10(np.maximum(rms, 1e-5))
    return levels
