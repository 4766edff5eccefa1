"""The sound output: a sounddevice OutputStream, or the reason there is no sound.

sounddevice is imported here only, inside functions, so a machine without PortAudio still
opens the review (everything but the sound).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

OutputCallback = Callable[[Any, int, Any, Any], None]

NO_PORTAUDIO = (
    "PortAudio is not installed: install the libportaudio2 package "
    "(`sudo apt-get install libportaudio2`)"
)
NO_SOUNDDEVICE = "the sounddevice package is missing: run `pip install sounddevice`"
NO_OUTPUT = (
    "no output device found: start the sound server (PulseAudio, or PipeWire's "
    "pipewire-pulse), or connect speakers or headphones"
)


# Audio buffered in the output: enough that a busy UI thread (or a loaded machine) holding the
# interpreter for a moment does not starve the callback into underruns (audible gaps, and a
# capture that no longer matches the record), small enough for a seek to be heard at once.
OUTPUT_LATENCY_S = 0.1


class NoSound(Exception):
    """Nothing can play; the message is one line saying why and what to do."""


class OutputStreamLike(Protocol):
    """What the player needs of a `sounddevice.OutputStream` (fakes implement this too)."""

    @property
    def active(self) -> bool: ...

    @property
    def latency(self) -> float: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def abort(self) -> None: ...

    def close(self) -> None: ...


OutputFactory = Callable[[int, int, OutputCallback], OutputStreamLike]


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as error:  # "PortAudio library not found"
        raise NoSound(NO_PORTAUDIO) from error
    except ImportError as error:
        raise NoSound(NO_SOUNDDEVICE) from error
    return sounddevice


def output_device() -> int:
    """The PortAudio index of the output to play to (the default, else the sound server's).

    Raises `NoSound` with the fix when there is none.
    """
    sd = _sounddevice()
    try:
        devices = [dict(d) for d in sd.query_devices()]
        default = sd.default.device[1]
    except sd.PortAudioError as error:
        raise NoSound(f"{NO_OUTPUT} ({error})") from error
    outputs = [i for i, d in enumerate(devices) if int(d["max_output_channels"]) > 0]
    if not outputs:
        raise NoSound(NO_OUTPUT)
    if default is not None and int(default) in outputs:
        return int(default)
    for preferred in ("default", "pulse", "pipewire"):
        for index in outputs:
            if devices[index]["name"] == preferred:
                return index
    return outputs[0]


def open_output_stream(
    samplerate: int, blocksize: int, callback: OutputCallback
) -> OutputStreamLike:
    """A not-yet-started int16 mono OutputStream on the output device, low latency.

    Raises `NoSound` with a one-line reason.
    """
    sd = _sounddevice()
    index = output_device()
    try:
        stream: OutputStreamLike = sd.OutputStream(
            device=index,
            samplerate=samplerate,
            blocksize=blocksize,
            channels=1,
            dtype="int16",
            latency=OUTPUT_LATENCY_S,
            callback=callback,
            # Start (and restart after a seek) with the callback's audio in the buffer, not
            # a buffer of silence played before it.
            prime_output_buffers_using_stream_callback=True,
        )
    except (sd.PortAudioError, ValueError) as error:
        text = str(error).replace("\n", " ").strip()
        raise NoSound(
            f"cannot open the output device ({text}): check it is connected and not in use"
        ) from error
    return stream
