"""Audio capture for the discussion recording: headless (no Textual), PortAudio loaded lazily.

`Recorder` writes one crash-safe WAV segment and reports `RecorderEvent`s; `list_input_devices`
and `resolve_device` find the microphone; `AudioUnavailable` carries a one-line fix.
"""

from discussion.audio.config import RecorderConfig, RecorderState
from discussion.audio.devices import InputDevice, list_input_devices, resolve_device
from discussion.audio.errors import AudioUnavailable
from discussion.audio.events import (
    Alarm,
    AlarmCleared,
    AlarmKind,
    Failed,
    GapDetected,
    GapEnded,
    GapInfo,
    Level,
    Paused,
    RecorderEvent,
    Resumed,
    Started,
    Stopped,
    StopSummary,
)
from discussion.audio.recorder import Recorder
from discussion.audio.wavfile import RepairResult, repair_wav_header, wav_duration
from discussion.native_stderr import redirect_native_stderr

__all__ = [
    "Alarm",
    "AlarmCleared",
    "AlarmKind",
    "AudioUnavailable",
    "Failed",
    "GapDetected",
    "GapEnded",
    "GapInfo",
    "InputDevice",
    "Level",
    "Paused",
    "Recorder",
    "RecorderConfig",
    "RecorderEvent",
    "RecorderState",
    "RepairResult",
    "Resumed",
    "Started",
    "StopSummary",
    "Stopped",
    "list_input_devices",
    "redirect_native_stderr",
    "repair_wav_header",
    "resolve_device",
    "wav_duration",
]
