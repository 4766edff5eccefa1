"""The review screen's messages: its workers and the player post them, its handlers act."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from textual.message import Message

from discussion.export.report import Report
from discussion.playback import AudioTimeline, PlaybackStatus, PlayerAlarm
from discussion.verification.state import Round


class ReviewLoaded(Message):
    """The worker read and verified the record and found its audio."""

    def __init__(
        self,
        report: Report,
        timeline: AudioTimeline,
        rounds: list[Round],
        problem: str | None,
    ) -> None:
        super().__init__()
        self.report = report
        self.timeline = timeline
        self.rounds = rounds
        self.problem = problem  # verification.jsonl cannot be read in full


class ReviewLoadFailed(Message):
    """The record cannot be read; `reason` says why and what to do."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class LevelsRead(Message):
    """The audio's level per second (dBFS)."""

    def __init__(self, levels: npt.NDArray[np.float32]) -> None:
        super().__init__()
        self.levels = levels


class PlaybackReported(Message):
    """The player reported its state or an alarm (posted from its thread)."""

    def __init__(self, report: PlaybackStatus | PlayerAlarm) -> None:
        super().__init__()
        self.report = report

    def can_replace(self, message: Message) -> bool:
        """A newer status replaces an older one not yet shown (alarms are all kept)."""
        return (
            isinstance(message, PlaybackReported)
            and isinstance(self.report, PlaybackStatus)
            and isinstance(message.report, PlaybackStatus)
        )
