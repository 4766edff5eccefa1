"""The recorder's tunables and states (shared by the recorder, its block sink and its callers)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RecorderState(StrEnum):
    """What the recorder is doing, as shown to the assessor."""

    IDLE = "idle"
    WAITING = "waiting for audio"
    RECORDING = "recording"
    PAUSED = "paused"
    DEVICE_LOST = "device lost"
    FAILED = "failed"  # a recorder thread died: the run is over, a new segment must start
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class RecorderConfig:
    """Tunables; the defaults are the product's, tests shorten the times."""

    samplerate: int = 16000
    channels: int = 1
    # 32 ms at 16 kHz: a note is stamped within one block of the sound it refers to. (1024-frame
    # blocks would cut the recorder's CPU by about a third but double that bound.)
    blocksize: int = 512
    # Blocks reach the file in batches of up to this long: each write also rewrites the WAV
    # header and checks the file size, so batches cost far less CPU. Stamps are unchanged (the
    # clock counts frames received, not written); a kill loses at most this much unwritten audio,
    # and every fsync writes the batch first (the durability promise stays `fsync_interval_s`).
    write_batch_s: float = 0.25
    fsync_interval_s: float = 2.0
    level_interval_s: float = 0.2  # 5 Hz: live enough to show the microphone works
    silence_threshold_dbfs: float = -60.0
    silence_after_s: float = 10.0
    gap_after_s: float = 1.5  # no block for this long = audio lost
    reopen_interval_s: float = 2.0
    stream_close_timeout_s: float = 2.0
    write_retry_interval_s: float = 2.0
    overflow_alarm_interval_s: float = 10.0
    watchdog_interval_s: float = 0.25
    # The writer wakes this often (not per block: the clock is brought up to date by whoever
    # reads it). Levels, silence and writes happen at this pace.
    writer_interval_s: float = 0.2
