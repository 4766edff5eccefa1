"""The segment writer on a real filesystem, including a real full disk (tmpfs)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pytest
import soundfile

from discussion.audio.segment import SegmentWriteError, SegmentWriter


def _block(frames: int = 512, value: int = 1000) -> np.ndarray:
    return np.full((frames, 1), value, dtype=np.int16)


def test_writes_pads_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "segment-001.wav"
    writer = SegmentWriter(path, 16000, 1)
    writer.write(_block())
    writer.pad(16000 * 2 + 7)  # longer than one silence chunk
    writer.write(_block(value=-5))
    writer.sync()
    assert writer.timeline_frames == writer.frames_on_disk == 512 * 2 + 32007
    writer.close()
    data, rate = soundfile.read(str(path), dtype="int16")
    assert rate == 16000 and len(data) == 512 * 2 + 32007
    assert (data[:512] == 1000).all() and (data[512:-512] == 0).all() and (data[-512:] == -5).all()
    with pytest.raises(FileExistsError):
        SegmentWriter(path, 16000, 1)


def test_full_disk_owes_frames_then_catches_up(tiny_disk: Path) -> None:
    """ENOSPC: audio is dropped and owed; once space is freed, retry pads the file to timeline."""
    filler = tiny_disk / "filler"
    filler.write_bytes(b"\0" * 100_000)
    writer = SegmentWriter(tiny_disk / "segment-001.wav", 16000, 1)
    errors = 0
    for _ in range(150):  # 4.8 s of audio, 154 KB: does not fit beside the filler
        try:
            writer.write(_block())
        except SegmentWriteError:
            errors += 1
    assert errors == 1  # raised once, then frames are owed silently
    assert writer.failing
    assert writer.owed_frames > 0
    assert writer.timeline_frames == 150 * 512
    assert not writer.retry()  # still full
    filler.unlink()
    assert writer.retry()
    assert not writer.failing and writer.owed_frames == 0
    writer.write(_block(value=7))
    writer.close()
    data, _ = soundfile.read(str(tiny_disk / "segment-001.wav"), dtype="int16")
    assert len(data) == 151 * 512  # file position == timeline
    assert (data[-512:] == 7).all()


def test_close_while_failing_leaves_a_readable_file(tiny_disk: Path) -> None:
    (tiny_disk / "filler").write_bytes(b"\0" * 150_000)
    path = tiny_disk / "segment-001.wav"
    writer = SegmentWriter(path, 16000, 1)
    for _ in range(100):
        with contextlib.suppress(SegmentWriteError):
            writer.write(_block())
    on_disk = writer.frames_on_disk
    writer.close()
    data, _ = soundfile.read(str(path), dtype="int16")
    assert len(data) == on_disk > 0
    assert (data == 1000).all()
