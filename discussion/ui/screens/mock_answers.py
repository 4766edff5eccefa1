"""What the mock discussion screen (mock_discussion.py) works with: the voice and the listener it
drives (as protocols: the screen never imports audio), the answers it takes, the finished
questions it hands back, and the messages the voice's and the listener's threads post to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from textual.message import Message

Clock = Callable[[], float]
Report = Callable[[object], None]


class PromptLike(Protocol):
    """What the examiner asks (discussion.mock.examiner.Prompt)."""

    kind: str
    question_id: str
    text: str
    reminder: str | None
    why: str | None


class SpeakerLike(Protocol):
    """The voice (discussion.voice.Speaker)."""

    def say(self, text: str) -> None: ...
    def prepare(self, texts: Iterable[str]) -> None: ...
    def stop(self) -> None: ...
    def close(self, timeout: float = ...) -> None: ...


class ListenerLike(Protocol):
    """The answer listener (discussion.mock.listener.AnswerListener)."""

    def begin_answer(self) -> object: ...
    def end_answer(self) -> None: ...
    def close(self, timeout: float = ...) -> None: ...


@dataclass
class Answer:
    """One answer as given: to the question or to a follow-up."""

    prompt: Any
    text: str
    start_s: float
    end_s: float
    reason: str = "key"  # "silence", "key", "stopped"; "typed": no speaking time (no wpm)
    speaking_s: float | None = None  # first word's start to last word's end (spoken answers)


def speaking_s(words: Any) -> float | None:
    """First word's start to last word's end of a heard answer (None: no words heard)."""
    if not words:
        return None
    return max(0.0, float(words[-1].end) - float(words[0].start))


@dataclass
class QuestionDone:
    """A finished question: its answers, in order, and the apprentice's self-check ticks."""

    question_id: str
    answers: list[Answer] = field(default_factory=list)
    ticked: list[int] = field(default_factory=list)


class VoiceReported(Message, bubble=False):
    """The voice started, finished or failed (posted from its thread)."""

    def __init__(self, event: object) -> None:
        super().__init__()
        self.event = event


class ListenerReported(Message, bubble=False):
    """The listener heard more of the answer, or the answer ended (posted from its thread)."""

    def __init__(self, event: object) -> None:
        super().__init__()
        self.event = event
