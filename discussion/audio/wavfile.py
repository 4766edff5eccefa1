"""WAV files that survive a crash: libsndfile header auto-update, stale-header repair, duration.

soundfile offers no public switch for libsndfile's `SFC_SET_UPDATE_HEADER_AUTO`; the private cffi
handle is used in exactly one place, `enable_header_auto_update`, which tests cover so a soundfile
upgrade that moves the handle fails loudly instead of silently losing crash safety.
"""

from __future__ import annotations

from pathlib import Path

import soundfile

from discussion.wav_header import (
    RepairResult,
    WavFileError,
    WavLayout,
    read_wav_layout,
    repair_wav_header,
)

__all__ = [
    "RepairResult",
    "WavFileError",
    "WavLayout",
    "enable_header_auto_update",
    "read_wav_layout",
    "repair_wav_header",
    "wav_duration",
]

SFC_SET_UPDATE_HEADER_AUTO = 0x1061


def enable_header_auto_update(sound_file: soundfile.SoundFile) -> None:
    """Make libsndfile rewrite the WAV header after every write.

    With it, a process killed with -9 leaves a header that counts every frame written so far.
    Raises `RuntimeError` if libsndfile refuses (the command returns the new setting: 1 = on).
    """
    handle = getattr(sound_file, "_file", None)
    if handle is None:
        raise RuntimeError("soundfile has no `_file` handle: cannot enable header auto-update")
    result = soundfile._snd.sf_command(handle, SFC_SET_UPDATE_HEADER_AUTO, soundfile._ffi.NULL, 1)
    if result != 1:
        raise RuntimeError(f"libsndfile refused SFC_SET_UPDATE_HEADER_AUTO (returned {result})")


def wav_duration(path: Path) -> float:
    """Duration in seconds as a reader sees it (libsndfile reading the header)."""
    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise WavFileError(f"cannot read {path}: {error}") from error
    return float(info.frames) / float(info.samplerate) if info.samplerate else 0.0
