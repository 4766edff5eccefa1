"""What the recorder tells its listener: small immutable events, offsets on the sample clock.

Every `offset` is seconds on the session timeline (timeline start offset + frames accounted),
never wall-clock time. The session layer turns these into event-log lines; the UI shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

# recorder_failed: a recorder thread died (the run ends, the session restarts in a new segment);
# record_write: recorder evidence could not be appended to the record yet (it is retried).
AlarmKind = Literal[
    "silence", "device_lost", "write_error", "overflow", "recorder_failed", "record_write"
]


@dataclass(frozen=True, slots=True)
class Started:
    """The first audio block arrived: recording is confirmed from `offset`."""

    offset: float


@dataclass(frozen=True, slots=True)
class Level:
    """Input level over the blocks since the previous `Level` (about every 100 ms)."""

    rms_dbfs: float
    peak_dbfs: float
    offset: float


@dataclass(frozen=True, slots=True)
class GapDetected:
    """Audio stopped arriving at `offset`; the timeline keeps running and is padded later."""

    offset: float
    cause: str


@dataclass(frozen=True, slots=True)
class GapEnded:
    """Audio is back; `duration_s` of silence was written so file position == timeline."""

    offset: float
    duration_s: float
    cause: str


@dataclass(frozen=True, slots=True)
class Alarm:
    """Something the assessor must know now (shown until the matching `AlarmCleared`)."""

    kind: AlarmKind
    message: str
    offset: float


@dataclass(frozen=True, slots=True)
class AlarmCleared:
    """The condition behind the alarm of this kind is over."""

    kind: AlarmKind
    offset: float


@dataclass(frozen=True, slots=True)
class Failed:
    """A recorder thread died: this run is over at `offset` and must be stopped (`stop()` then
    reports it unclean); the caller continues in a new segment. An `Alarm` precedes it."""

    offset: float
    message: str


@dataclass(frozen=True, slots=True)
class Paused:
    """Recording paused: blocks are dropped and the clock stands still."""

    offset: float


@dataclass(frozen=True, slots=True)
class Resumed:
    """Recording resumed from the offset where it paused."""

    offset: float


@dataclass(frozen=True, slots=True)
class Stopped:
    """The segment file is closed and fsync'd with `frames` frames."""

    offset: float
    frames: int
    path: Path


RecorderEvent = (
    Started
    | Level
    | GapDetected
    | GapEnded
    | Alarm
    | AlarmCleared
    | Failed
    | Paused
    | Resumed
    | Stopped
)


@dataclass(frozen=True, slots=True)
class GapInfo:
    """One gap padded with silence: where it starts on the timeline and how long it is."""

    offset: float
    duration_s: float
    cause: str


@dataclass(frozen=True, slots=True)
class StopSummary:
    """What `Recorder.stop()` returns.

    `frames` counts the segment's timeline (== frames in the file unless audio was dropped on a
    write error and never written: `unwritten_frames`). `clean` is False when a thread or the
    stream had to be abandoned at the timeout, or a thread died (`failure` says how).
    """

    path: Path
    frames: int
    seconds: float
    start_offset: float
    end_offset: float
    gaps: tuple[GapInfo, ...] = field(default_factory=tuple)
    write_errors: int = 0
    unwritten_frames: int = 0
    clean: bool = True
    failure: str | None = None
