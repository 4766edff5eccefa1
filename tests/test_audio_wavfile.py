"""Crash-safe WAV: header auto-update survives SIGKILL; stale headers are repaired."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from discussion.audio.wavfile import (
    WavFileError,
    enable_header_auto_update,
    read_wav_layout,
    repair_wav_header,
    wav_duration,
)

REPO = Path(__file__).resolve().parent.parent

# Writes a ramp (sample i = i % 30000) in 512-frame blocks, printing the frame count after each.
WRITER = """
import sys, time
import numpy as np, soundfile
from discussion.audio.wavfile import enable_header_auto_update
f = soundfile.SoundFile(sys.argv[1], "w", 16000, 1, "PCM_16")
enable_header_auto_update(f)
written = 0
while True:
    block = (np.arange(written, written + 512) % 30000).astype("int16")
    f.write(block)
    written += 512
    print(written, flush=True)
    time.sleep(0.002)
"""


def _write(path: Path, frames: int) -> np.ndarray:
    data = (np.arange(frames) % 30000).astype("int16")
    soundfile.write(str(path), data, 16000, subtype="PCM_16")
    return data


def test_header_auto_update_survives_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "killed.wav"
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert process.stdout is not None
    last = 0
    deadline = time.monotonic() + 10
    while last < 16000 and time.monotonic() < deadline:
        last = int(process.stdout.readline())
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert last >= 16000
    # No repair: the header on disk must already count every frame reported written.
    data, rate = soundfile.read(str(path), dtype="int16")
    assert rate == 16000
    assert len(data) >= last
    assert np.array_equal(data, (np.arange(len(data)) % 30000).astype("int16"))
    assert repair_wav_header(path).frames == len(data)


def test_without_auto_update_the_header_is_stale(tmp_path: Path) -> None:
    """The control experiment: plain soundfile leaves a header counting no frames until close."""
    path = tmp_path / "plain.wav"
    sound_file = soundfile.SoundFile(str(path), "w", 16000, 1, "PCM_16")
    sound_file.write(np.ones(1600, dtype="int16"))
    sound_file.flush()
    assert read_wav_layout(path).data_size == 0
    enable_header_auto_update(sound_file)
    sound_file.write(np.ones(1600, dtype="int16"))
    assert read_wav_layout(path).data_size == 3200 * 2
    sound_file.close()


def _stale(path: Path, data_size: int, riff_size: int) -> None:
    with path.open("r+b") as handle:
        handle.seek(4)
        handle.write(struct.pack("<I", riff_size))
        handle.seek(40)
        handle.write(struct.pack("<I", data_size))


@pytest.mark.parametrize(("data_size", "riff_size"), [(0, 36), (10**8, 10**8 + 36), (100, 0)])
def test_repair_rewrites_stale_sizes(tmp_path: Path, data_size: int, riff_size: int) -> None:
    path = tmp_path / "stale.wav"
    data = _write(path, 8000)
    _stale(path, data_size, riff_size)
    result = repair_wav_header(path)
    assert result.repaired
    assert result.frames == 8000
    assert result.header_frames_before == data_size // 2
    read, _ = soundfile.read(str(path), dtype="int16")
    assert np.array_equal(read, data)
    assert wav_duration(path) == pytest.approx(0.5)
    layout = read_wav_layout(path)
    assert layout.riff_size == layout.file_size - 8
    assert not repair_wav_header(path).repaired  # idempotent


def test_repair_ignores_a_partial_last_frame(tmp_path: Path) -> None:
    path = tmp_path / "partial.wav"
    _write(path, 100)
    with path.open("ab") as handle:
        handle.write(b"\x01")
    _stale(path, 0, 36)
    result = repair_wav_header(path)
    assert (result.frames, result.partial_bytes) == (100, 1)
    assert soundfile.info(str(path)).frames == 100


def test_repair_leaves_a_good_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "good.wav"
    _write(path, 320)
    before = path.read_bytes()
    assert not repair_wav_header(path).repaired
    assert path.read_bytes() == before


def test_repair_refuses_what_is_not_a_wav(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_bytes(b"not a wav at all")
    with pytest.raises(WavFileError, match="not a WAV"):
        repair_wav_header(path)
    truncated = tmp_path / "truncated.wav"
    truncated.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt ")
    with pytest.raises(WavFileError, match="no data chunk"):
        repair_wav_header(truncated)


def test_wav_duration(tmp_path: Path) -> None:
    path = tmp_path / "d.wav"
    _write(path, 24000)
    assert wav_duration(path) == pytest.approx(1.5)
    with pytest.raises(WavFileError):
        wav_duration(tmp_path / "missing.wav")
