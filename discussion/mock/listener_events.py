"""What the mock's answer listener tells its caller (discussion.mock.listener): small immutable
events, called from the listener's threads (a UI hops to its own before changing state).

The microphone's level and the recorder's alarms are the recorder's own events
(discussion.audio.events `Level`, `Alarm`, `AlarmCleared`), passed on as they are: a meter or an
alarm banner shows them the same way in the mock as in the live discussion.

Times named `*_s` are seconds on the recording's sample clock; `detected_at` and `text_ready_at`
are time.monotonic(), for the latency figures only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from discussion.audio.events import Alarm, AlarmCleared, Level
from discussion.transcript.model import Word

EndReason = Literal["silence", "key", "stopped"]


@dataclass(frozen=True, slots=True)
class ListenerReady:
    """Recording is confirmed from `offset` and the recogniser is loaded (or failed: see the
    `ListenerFailed` before this, `transcribing` False)."""

    offset: float
    transcribing: bool


@dataclass(frozen=True, slots=True)
class AnswerTextGrew:
    """The current answer's text so far (the whole of it, not the new part)."""

    start_s: float
    text: str


@dataclass(frozen=True, slots=True)
class AnswerEnded:
    """An answer is over: its span on the sample clock, its words (times on the same clock).

    reason: "silence" (`end_silence_s` of quiet after speech: `end_s` is where the quiet reached
    that length), "key" (`end_answer()`: `end_s` is the clock then) or "stopped" (`stop()`).

    For the latency figures only (time.monotonic(), not the record): `detected_at` when the end
    was found (the level window or the key), `text_ready_at` when the last text was ready, and
    `tail_s` the audio decoded after the end was found (0 when it was read during the silence).
    """

    start_s: float
    end_s: float
    text: str
    words: tuple[Word, ...]
    reason: EndReason
    detected_at: float = 0.0
    text_ready_at: float = 0.0
    tail_s: float = 0.0


@dataclass(frozen=True, slots=True)
class ListenerFailed:
    """Recording or transcription stopped: `message` is one line with the fix. The mock goes on
    with typed answers."""

    message: str


ListenerEvent = (
    ListenerReady | AnswerTextGrew | AnswerEnded | Level | Alarm | AlarmCleared | ListenerFailed
)
