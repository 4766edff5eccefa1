"""The segment file writer: PCM_16 WAV with header auto-update, fsync, and disk-full recovery.

Only the recorder's writer thread touches a `SegmentWriter`. It keeps two counts whose sum is the
segment's timeline: `frames_on_disk` (verified against the file size) and `owed_frames` (audio the
timeline covered but the disk refused). On a write error the audio is dropped and owed; `retry()`
later closes the file, trims it to whole frames, repairs the header, reopens it and writes the
owed frames as silence, so file position == timeline offset again.

libsndfile reports ENOSPC only on the first failing write and then returns full frame counts
while writing nothing (measured on a full tmpfs), so every write is checked against `fstat`.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile

from discussion.audio.wavfile import WavFileError, enable_header_auto_update, repair_wav_header

log = logging.getLogger(__name__)

SILENCE_CHUNK_FRAMES = 16000


class SegmentWriteError(Exception):
    """Writing or syncing the segment failed; the frames involved are owed, not lost from time."""


class SegmentWriter:
    """Creates `path` (never overwrites) and appends int16 blocks to it."""

    def __init__(self, path: Path, samplerate: int, channels: int) -> None:
        self.path = path
        self.samplerate = samplerate
        self.channels = channels
        self.frame_bytes = 2 * channels
        self.frames_on_disk = 0
        self.owed_frames = 0
        self.failing = False
        # O_EXCL: a segment is evidence; an existing file is never truncated.
        self._fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        self._file: soundfile.SoundFile | None = None
        try:
            self._file = self._open("w")
        except Exception:
            os.close(self._fd)
            self._fd = None
            path.unlink(missing_ok=True)
            raise
        self.data_start = os.fstat(self._fd).st_size

    def _open(self, mode: str) -> soundfile.SoundFile:
        assert self._fd is not None
        if mode == "w":
            sound_file = soundfile.SoundFile(
                self._fd,
                "w",
                samplerate=self.samplerate,
                channels=self.channels,
                subtype="PCM_16",
                format="WAV",
                closefd=False,
            )
        else:
            sound_file = soundfile.SoundFile(self._fd, "r+", closefd=False)
            sound_file.seek(0, soundfile.SEEK_END)
        enable_header_auto_update(sound_file)
        return sound_file

    @property
    def timeline_frames(self) -> int:
        """Frames of timeline this segment covers (on disk + owed)."""
        return self.frames_on_disk + self.owed_frames

    def write(self, block: npt.NDArray[np.int16]) -> None:
        """Append a block; while failing, only count it as owed. Raises `SegmentWriteError`."""
        frames = len(block)
        if self.failing or self._file is None:
            self.owed_frames += frames
            return
        self._write_checked(block)

    def pad(self, frames: int) -> None:
        """Append `frames` of silence (a gap in the input). Raises `SegmentWriteError`."""
        remaining = frames
        while remaining > 0:
            count = min(remaining, SILENCE_CHUNK_FRAMES)
            self.write(np.zeros((count, self.channels), dtype=np.int16))
            remaining -= count

    def _write_checked(self, block: npt.NDArray[np.int16]) -> None:
        assert self._file is not None and self._fd is not None
        frames = len(block)
        error: BaseException | None = None
        try:
            self._file.write(block)
        except (RuntimeError, OSError) as caught:  # soundfile.LibsndfileError is a RuntimeError
            error = caught
        try:
            size = os.fstat(self._fd).st_size
        except OSError as caught:
            size, error = 0, error or caught
        on_disk = (size - self.data_start) // self.frame_bytes
        expected = self.frames_on_disk + frames
        if error is None and on_disk >= expected:
            self.frames_on_disk = expected
            return
        # Some, none or all of the block reached the disk: trust only what the size shows.
        on_disk = min(max(on_disk, self.frames_on_disk), expected)
        self.owed_frames += expected - on_disk
        self.frames_on_disk = on_disk
        self.failing = True
        reason = error or OSError(f"short write: file has {on_disk} of {expected} frames")
        raise SegmentWriteError(f"cannot write the recording to {self.path}: {reason}")

    def sync(self) -> None:
        """fsync the file. Raises `SegmentWriteError`."""
        if self._fd is None:
            return
        try:
            os.fsync(self._fd)
        except OSError as error:
            raise SegmentWriteError(f"cannot sync the recording to {self.path}: {error}") from error

    def retry(self) -> bool:
        """After failures: reopen the file and write the owed frames as silence.

        Returns True when the file is healthy again (position == timeline), False if still failing.
        """
        if not self.failing:
            return True
        target = self.timeline_frames
        try:
            self._reopen()
            self.failing = False
            self.owed_frames = 0
            self.pad(target - self.frames_on_disk)
            self.sync()
        except (SegmentWriteError, WavFileError, RuntimeError, OSError) as error:
            log.warning("segment %s still failing: %s", self.path, error)
            self.failing = True
            self.owed_frames = target - self.frames_on_disk
            return False
        return True

    def _reopen(self) -> None:
        assert self._fd is not None
        if self._file is not None:
            # Closing rewrites the header from libsndfile's own (possibly inflated) count; the
            # repair below corrects it from the file length.
            with contextlib.suppress(RuntimeError, OSError):
                self._file.close()
            self._file = None
        os.ftruncate(self._fd, self.data_start + self.frames_on_disk * self.frame_bytes)
        repair_wav_header(self.path)
        # libsndfile takes an fd's current position as the start of an "embedded" file.
        os.lseek(self._fd, 0, os.SEEK_SET)
        self._file = self._open("r+")
        position = self._file.tell()
        if position != self.frames_on_disk:
            raise SegmentWriteError(f"reopened at frame {position}, expected {self.frames_on_disk}")

    def close(self) -> None:
        """Write the final header, fsync and close. Errors are logged (the file stays usable)."""
        if self._file is not None:
            try:
                self._file.close()
            except (RuntimeError, OSError) as error:
                log.error("closing %s: %s", self.path, error)
            self._file = None
        if self._fd is not None:
            with contextlib.suppress(OSError):
                if self.failing or self.owed_frames:
                    # The closing header may count phantom frames: make it match the file.
                    os.ftruncate(self._fd, self.data_start + self.frames_on_disk * self.frame_bytes)
            try:
                os.fsync(self._fd)
            except OSError as error:
                log.error("final fsync of %s: %s", self.path, error)
            os.close(self._fd)
            self._fd = None
            if self.failing or self.owed_frames:
                with contextlib.suppress(OSError, RuntimeError):
                    repair_wav_header(self.path)
