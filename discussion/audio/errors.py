"""Audio errors a user can act on, and the one lazy import of sounddevice.

sounddevice loads the PortAudio C library when imported, and raises `OSError` when it is missing.
Everything audio imports it through `import_sounddevice()`, inside functions, so the rest of the
app (standard, bank, grading, review) works on a machine without PortAudio.
"""

from __future__ import annotations

from types import ModuleType

from discussion.errors import UserError

NO_PORTAUDIO = "PortAudio is not installed: run `sudo apt-get install libportaudio2`"
NO_SOUNDDEVICE = "the sounddevice package is missing: run `pip install sounddevice`"
NO_INPUT_DEVICE = (
    "no input device found: connect a microphone or start PulseAudio; "
    "list devices with `discussion devices`"
)


class AudioUnavailable(UserError):
    """Audio capture cannot start; the message is one line naming the fix (exit status 2)."""


def import_sounddevice() -> ModuleType:
    """Import sounddevice, turning a missing PortAudio into `AudioUnavailable`."""
    try:
        import sounddevice as module
    except OSError as error:  # "PortAudio library not found"
        raise AudioUnavailable(NO_PORTAUDIO) from error
    except ImportError as error:
        raise AudioUnavailable(NO_SOUNDDEVICE) from error
    loaded: ModuleType = module
    return loaded


def describe_portaudio_error(error: BaseException, device: str | int | None) -> AudioUnavailable:
    """Map a PortAudio error from opening/querying a device to a one-line `AudioUnavailable`."""
    text = str(error).replace("\n", " ").strip()
    lowered = text.lower()
    if "device -1" in lowered or "invalid device" in lowered or "no default" in lowered:
        return AudioUnavailable(NO_INPUT_DEVICE)
    if "permission" in lowered or "errno 13" in lowered:
        return AudioUnavailable(
            f"permission denied opening the input device ({text}): add your user to the "
            "`audio` group and log in again"
        )
    name = "the default input device" if device is None else f"input device {device!r}"
    return AudioUnavailable(
        f"cannot open {name} ({text}): check it is connected and not in use; "
        "list devices with `discussion devices`"
    )
