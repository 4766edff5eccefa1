"""A WAV file's RIFF header read and repaired with the standard library alone (no libsndfile,
no numpy): `verify` and `recover` need only a segment's frame count, and loading soundfile with
numpy was a quarter of their start-up.

    layout = read_wav_layout(path)      # where the chunks are; raises WavFileError
    frames, rate = wav_frames(path)     # as a reader sees the file
    repair_wav_header(path)             # sizes rewritten from the file length, when stale
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from discussion.errors import UserError


class WavFileError(UserError):
    """A file is not a WAV that can be read or repaired."""


@dataclass(frozen=True, slots=True)
class WavLayout:
    """Where the parts of a RIFF/WAVE file are, as its header says and as the file really is."""

    file_size: int
    riff_size: int
    data_size_offset: int  # byte position of the data chunk's size field
    data_start: int
    data_size: int  # as the header says
    block_align: int  # bytes per frame
    samplerate: int

    @property
    def actual_data_size(self) -> int:
        """Bytes of whole frames actually present after the data chunk header."""
        available = max(0, self.file_size - self.data_start)
        return available - available % self.block_align


@dataclass(frozen=True, slots=True)
class RepairResult:
    """What `repair_wav_header` found and did."""

    path: Path
    repaired: bool
    frames: int
    header_frames_before: int
    partial_bytes: int  # bytes of an incomplete last frame, left in place and not counted


def read_wav_layout(path: Path) -> WavLayout:
    """Parse the RIFF chunk list up to the data chunk (no trust in the size fields' totals)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise WavFileError(f"{path} is not a WAV file (no RIFF/WAVE header)")
        riff_size = struct.unpack("<I", head[4:8])[0]
        block_align = 0
        samplerate = 0
        position = 12
        while True:
            handle.seek(position)
            chunk = handle.read(8)
            if len(chunk) < 8:
                raise WavFileError(f"{path} has no data chunk: the recording is empty or damaged")
            chunk_id, chunk_size = chunk[:4], struct.unpack("<I", chunk[4:8])[0]
            if chunk_id == b"fmt ":
                fmt = handle.read(16)
                if len(fmt) < 16:
                    raise WavFileError(f"{path} has a cut-off fmt chunk: the file is damaged")
                samplerate = struct.unpack("<I", fmt[4:8])[0]
                block_align = struct.unpack("<H", fmt[12:14])[0]
            elif chunk_id == b"data":
                if block_align <= 0 or samplerate <= 0:
                    raise WavFileError(f"{path} has a data chunk before a valid fmt chunk")
                return WavLayout(
                    file_size=size,
                    riff_size=riff_size,
                    data_size_offset=position + 4,
                    data_start=position + 8,
                    data_size=chunk_size,
                    block_align=block_align,
                    samplerate=samplerate,
                )
            position += 8 + chunk_size + (chunk_size & 1)


def repair_wav_header(path: Path) -> RepairResult:
    """Rewrite the RIFF and data sizes from the file length when they are stale.

    A kill between a data write and its header update (or an older libsndfile without
    auto-update) leaves sizes that undercount - or, after a failed write, overcount - the data.
    The data chunk is assumed to be the last chunk, as libsndfile writes it. Idempotent.
    """
    layout = read_wav_layout(path)
    actual = layout.actual_data_size
    partial = max(0, layout.file_size - layout.data_start) - actual
    riff_size = layout.data_start - 8 + actual
    before = layout.data_size // layout.block_align
    repaired = layout.data_size != actual or layout.riff_size != riff_size
    if repaired:
        with path.open("r+b") as handle:
            handle.seek(4)
            handle.write(struct.pack("<I", riff_size))
            handle.seek(layout.data_size_offset)
            handle.write(struct.pack("<I", actual))
            handle.flush()
            os.fsync(handle.fileno())
    return RepairResult(
        path=path,
        repaired=repaired,
        frames=actual // layout.block_align,
        header_frames_before=before,
        partial_bytes=partial,
    )


def wav_frames(path: Path) -> tuple[int, int]:
    """(frames, sample rate) as libsndfile reads the file: the header's data size, cut to the
    whole frames really present when the header counts more than the file holds."""
    layout = read_wav_layout(path)
    present = min(layout.data_size, layout.actual_data_size)
    return present // layout.block_align, layout.samplerate
