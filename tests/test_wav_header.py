"""A WAV header read with the standard library: the frame count `verify` and `recover` use is
the one libsndfile reads, for whole, cut-off, grown and odd files, and neither command loads
soundfile or numpy for it."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from discussion.wav_header import WavFileError, wav_frames

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "transcripts" / "sample-discussion"


def _write(path: Path, frames: int, rate: int = 16000, channels: int = 1, **kwargs: str) -> None:
    data = (np.arange(frames * channels) % 30000).astype("int16").reshape(frames, channels)
    with soundfile.SoundFile(str(path), "w", rate, channels, "PCM_16", format="WAV") as out:
        for key, value in kwargs.items():
            setattr(out, key, value)  # title, artist...: libsndfile writes a LIST chunk
        out.write(data)


def _libsndfile(path: Path) -> tuple[int, int]:
    info = soundfile.info(str(path))
    return int(info.frames), int(info.samplerate)


@pytest.mark.parametrize(
    ("frames", "rate", "channels"), [(16000, 16000, 1), (4411, 44100, 2), (0, 48000, 1)]
)
def test_a_whole_file_reads_as_libsndfile_reads_it(
    tmp_path: Path, frames: int, rate: int, channels: int
) -> None:
    path = tmp_path / "whole.wav"
    _write(path, frames, rate, channels)
    assert wav_frames(path) == _libsndfile(path) == (frames, rate)


def test_chunks_before_the_data_are_stepped_over(tmp_path: Path) -> None:
    path = tmp_path / "tagged.wav"
    _write(path, 3000, title="Professional discussion", artist="assessor")
    assert b"LIST" in path.read_bytes()[:200], "libsndfile wrote no chunk before the data"
    assert wav_frames(path) == _libsndfile(path) == (3000, 16000)


def test_a_cut_off_file_counts_only_the_whole_frames_present(tmp_path: Path) -> None:
    """A header that counts more than the file holds (the disk refused the end)."""
    path = tmp_path / "cut.wav"
    _write(path, 2000, channels=2)
    os.truncate(path, path.stat().st_size - 4 * 500 - 3)  # 500 frames and 3 bytes gone
    assert wav_frames(path) == _libsndfile(path) == (1499, 16000)


def test_data_after_a_stale_header_is_not_counted_until_repaired(tmp_path: Path) -> None:
    """A kill between a write and its header update: readers trust the header."""
    path = tmp_path / "grown.wav"
    _write(path, 1000)
    with path.open("ab") as handle:
        handle.write(b"\x01\x00" * 250)
    assert wav_frames(path) == _libsndfile(path) == (1000, 16000)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not audio at all", "not a WAV"),
        (b"RIFF\x10\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00", "cut-off fmt"),
        (b"RIFF\x10\x00\x00\x00WAVEdata\x00\x00\x00\x00", "before a valid fmt"),
        (b"RIFF\x04\x00\x00\x00WAVE", "no data chunk"),
    ],
)
def test_a_damaged_header_is_one_error_naming_the_file(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(WavFileError, match=reason) as raised:
        wav_frames(path)
    assert str(path) in str(raised.value)


def test_a_zero_sample_rate_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "zero-rate.wav"
    _write(path, 100)
    raw = bytearray(path.read_bytes())
    fmt = raw.index(b"fmt ")
    raw[fmt + 12 : fmt + 16] = struct.pack("<I", 0)
    path.write_bytes(bytes(raw))
    with pytest.raises(WavFileError, match="before a valid fmt"):
        wav_frames(path)


def test_verify_and_recover_load_neither_soundfile_nor_numpy(tmp_path: Path) -> None:
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    probe = (
        "import sys\n"
        "from discussion.cli import main\n"
        f"assert main(['verify', {str(copy)!r}]) == 0\n"
        "assert main(['recover']) == 0\n"
        "print(sorted(m for m in ('numpy', 'soundfile', 'sounddevice') if m in sys.modules))\n"
    )
    env = {**os.environ, "DISCUSSION_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
