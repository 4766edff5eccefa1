"""Input devices as PortAudio sees them, and turning a user's device spec into an index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from discussion.audio.errors import NO_INPUT_DEVICE, AudioUnavailable, import_sounddevice

# What to do when nothing can record: the parts a user can act on, and the notes-only path.
NO_DEVICE_FIX = (
    "connect a microphone, start the sound server (PulseAudio, or PipeWire's pipewire-pulse), "
    "or install PortAudio (the libportaudio2 package) if it is missing"
)
NOTES_ONLY_PATH = (
    "or hold the discussion notes-only ('Notes-only session' on the set-up screen, "
    "`discussion record --no-audio REASON`)"
)
# For `discussion devices` itself: never "list devices with `discussion devices`".
NO_DEVICE_FOR_LISTING = f"no input device found: {NO_DEVICE_FIX}, then try again; {NOTES_ONLY_PATH}"


@dataclass(frozen=True, slots=True)
class InputDevice:
    """One device that can record."""

    index: int
    name: str
    hostapi: str
    channels: int
    default_samplerate: float
    is_default: bool


def _query() -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    sd = import_sounddevice()
    try:
        devices = [dict(d) for d in sd.query_devices()]
        hostapis = [dict(h) for h in sd.query_hostapis()]
        default = sd.default.device[0]
    except sd.PortAudioError as error:
        raise AudioUnavailable(f"{NO_INPUT_DEVICE} ({error})") from error
    return devices, hostapis, int(default) if default is not None else -1


def list_input_devices() -> list[InputDevice]:
    """Every device with input channels; `is_default` marks the one used when none is named."""
    devices, hostapis, default = _query()
    inputs = [
        InputDevice(
            index=index,
            name=str(device["name"]),
            hostapi=str(hostapis[int(device["hostapi"])]["name"]),
            channels=int(device["max_input_channels"]),
            default_samplerate=float(device["default_samplerate"]),
            is_default=False,
        )
        for index, device in enumerate(devices)
        if int(device["max_input_channels"]) > 0
    ]
    chosen = _default_index(inputs, default)
    return [
        InputDevice(d.index, d.name, d.hostapi, d.channels, d.default_samplerate, d.index == chosen)
        for d in inputs
    ]


def _default_index(inputs: list[InputDevice], default: int) -> int | None:
    if any(d.index == default for d in inputs):
        return default
    # PortAudio may report no default (-1) while devices exist; prefer the sound server's.
    for preferred in ("default", "pulse", "pipewire"):
        for device in inputs:
            if device.name == preferred:
                return device.index
    return inputs[0].index if inputs else None


def resolve_device(spec: str | int | None) -> int:
    """The PortAudio index of an input device: None = default, an index, or a name substring.

    Raises `AudioUnavailable` with the fix when there is no such (or no unique) input device.
    """
    inputs = list_input_devices()
    if not inputs:
        raise AudioUnavailable(NO_INPUT_DEVICE)
    if spec is None:
        return next(d.index for d in inputs if d.is_default)
    if isinstance(spec, int) or spec.strip().isdigit():
        index = int(spec)
        if any(d.index == index for d in inputs):
            return index
        raise AudioUnavailable(
            f"no input device with index {index}: list devices with `discussion devices`"
        )
    exact = [d for d in inputs if d.name == spec]
    if exact:
        return exact[0].index
    matches = [d for d in inputs if spec.lower() in d.name.lower()]
    if len(matches) == 1:
        return matches[0].index
    if not matches:
        raise AudioUnavailable(
            f"no input device matches {spec!r}: list devices with `discussion devices`"
        )
    names = ", ".join(f"{d.index}: {d.name}" for d in matches)
    raise AudioUnavailable(f"{spec!r} matches several input devices ({names}): give the index")
