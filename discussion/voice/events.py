"""What a `Speaker` tells its listener: small immutable events, called from the speaker's thread.

The listener must not touch UI state from the call: a Textual app hops to its own thread
(`App.call_from_thread` or `post_message`) and changes state there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SpeakerReady:
    """The voice is loaded and warmed up: `say()` starts speaking at once from now on.

    `engine` names the voice in use ("hibari", "espeak-ng"); `note` says why it is not the one
    the settings asked for (an `auto` fallback), else is empty.
    """

    engine: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """The first audio of `text` went to the output device at `at_monotonic` (time.monotonic()).

    Stamped in the output callback that handed the first sample of the speech to PortAudio:
    the sound server then plays it within the stream's latency (about 0.1 s). For the latency
    figures: `said_at` when `say()` was called, `first_chunk_at` when the first audio was made
    (or taken ready-made: `prepared`, see `Speaker.prepare`).
    """

    text: str
    at_monotonic: float
    said_at: float = 0.0
    first_chunk_at: float = 0.0
    prepared: bool = False


@dataclass(frozen=True, slots=True)
class SpeechFinished:
    """Speaking `text` is over: played to its end, or `cancelled` by `stop()`, `say()` or `close()`.

    `at_monotonic` is when the last sample had been played (or the stream was stopped).
    """

    text: str
    cancelled: bool
    at_monotonic: float


@dataclass(frozen=True, slots=True)
class SpeechFailed:
    """Nothing (more) can be said: `message` is one line naming the fix.

    `text` is the question that could not be spoken ("" when the voice failed to load). The
    mock goes on with the question shown as text.
    """

    message: str
    text: str = ""


VoiceEvent = SpeakerReady | SpeechStarted | SpeechFinished | SpeechFailed
