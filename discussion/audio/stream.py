"""Opening and closing PortAudio input streams without ever blocking the caller for long.

A stream whose sound server died can hang in stop/close; every blocking call here runs in a
daemon thread with a timeout, and a call that times out is abandoned (logged), never waited on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from discussion.audio.devices import resolve_device
from discussion.audio.errors import describe_portaudio_error, import_sounddevice

log = logging.getLogger(__name__)

AudioCallback = Callable[[Any, int, Any, Any], None]


class InputStreamLike(Protocol):
    """What the recorder needs of a `sounddevice.InputStream` (fakes implement this too)."""

    @property
    def active(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def abort(self) -> None: ...

    def close(self) -> None: ...


StreamFactory = Callable[[str | int | None, int, int, int, AudioCallback], InputStreamLike]


def open_input_stream(
    device: str | int | None,
    samplerate: int,
    blocksize: int,
    channels: int,
    callback: AudioCallback,
) -> InputStreamLike:
    """A started-not-yet int16 `RawInputStream` on `device` (resolved now: indexes can change).

    Raw: the callback gets a buffer, not a numpy array (cheaper on the real-time thread; the
    recorder's writer makes the array).

    The ALSA `pulse`/`default` devices accept 16 kHz and resample in the sound server when the
    hardware cannot. Raises `AudioUnavailable` with a one-line fix.
    """
    sd = import_sounddevice()
    index = resolve_device(device)
    try:
        stream: InputStreamLike = sd.RawInputStream(
            device=index,
            samplerate=samplerate,
            blocksize=blocksize,
            channels=channels,
            dtype="int16",
            callback=callback,
        )
    except (sd.PortAudioError, ValueError) as error:
        raise describe_portaudio_error(error, device) from error
    return stream


def call_with_timeout(func: Callable[[], object], timeout: float, name: str) -> bool:
    """Run `func` in a daemon thread; True if it returned (or raised) within `timeout`.

    Exceptions are logged, not raised: callers use this for cleanup that must not fail.
    """
    done = threading.Event()

    def run() -> None:
        try:
            func()
        except Exception as error:  # cleanup of a broken stream may fail
            log.warning("%s failed: %s", name, error)
        finally:
            done.set()

    threading.Thread(target=run, name=f"audio-{name}", daemon=True).start()
    if done.wait(timeout):
        return True
    log.error("%s did not return within %.1f s: abandoned", name, timeout)
    return False


def close_stream(stream: InputStreamLike, timeout: float) -> bool:
    """stop + close the stream; if that hangs past `timeout`, abort it in a thread.

    Returns True when the stream closed cleanly within the timeout.
    """

    def stop_and_close() -> None:
        stream.stop()
        stream.close()

    if call_with_timeout(stop_and_close, timeout, "stream-close"):
        return True
    call_with_timeout(stream.abort, min(1.0, timeout), "stream-abort")
    return False


def reinitialize_portaudio(timeout: float) -> bool:
    """Re-enumerate devices: PortAudio caches its device list from initialisation.

    If the sound server was down when PortAudio started, no device was listed; after it comes
    back only a terminate/initialize cycle shows it. Private sounddevice API, used here only.
    """
    sd = import_sounddevice()

    def cycle() -> None:
        sd._terminate()
        sd._initialize()

    return call_with_timeout(cycle, timeout, "portaudio-reinit")
