"""What the player tells the UI (status, alarms) and what one seek took, stage by stage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PlaybackStatus:
    """What the player is doing, as the UI shows it."""

    position_s: float
    duration_s: float
    playing: bool
    speed: float
    loop: tuple[float, float] | None
    loop_start: float | None  # A set, B not yet
    sound: bool  # an output device is playing the audio
    reason: str | None  # why there is no sound
    ended: bool  # played to the end of the recording
    frames_written: int
    latency_s: float
    underflows: int = 0  # callbacks PortAudio flagged as late (a gap was heard)


@dataclass(frozen=True, slots=True)
class PlayerAlarm:
    """Something went wrong with playback; `message` says what and what to do."""

    message: str


Report = PlaybackStatus | PlayerAlarm


@dataclass(slots=True)
class SeekStages:
    """When each stage of the last move (play from, seek, skip, ...) happened, in
    `time.perf_counter()` seconds (a measurement for the benchmark, never a timestamp of the
    record); None: not reached (yet, or not needed: nothing to restart while paused).

    asked: the command (the caller's thread); taken: the playback thread took the new place;
    stopped: the output dropped what it held of the old place; queued: the start of the new
    place was read and queued; started: the output was restarted; first_frame: the callback
    handed the first frame of the new place to PortAudio.
    """

    asked: float
    taken: float | None = None
    stopped: float | None = None
    queued: float | None = None
    started: float | None = None
    first_frame: float | None = None
