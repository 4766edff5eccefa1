"""What the planned-hour guide takes and gives: statuses, asked questions, plan items, advice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from discussion.bank import Question

Status = Literal["none", "partial", "sufficient"]
# The assessor's live judgement of a criterion's evidence, set on the board; notes never set it.
STATUSES: tuple[Status, ...] = ("none", "partial", "sufficient")

ItemKind = Literal["opening", "question", "reserve", "closing"]
ITEM_KINDS: tuple[ItemKind, ...] = ("opening", "question", "reserve", "closing")


@dataclass(frozen=True)
class Asked:
    """A question marked asked, and the minute of the discussion it was asked at (if known)."""

    question_id: str
    at_min: float | None = None


@dataclass(frozen=True)
class PlanItem:
    """One step of the planned hour: the opening, a question, spare time or the close.

    `main` is the criterion a question item targets (its primary criterion, or the criterion it
    is brought back for); `text` is the question's text or the fixed item's description.
    """

    kind: ItemKind
    start_min: float
    minutes: float
    text: str
    reason: str = ""
    question: Question | None = None
    main: str | None = None

    @property
    def question_id(self) -> str | None:
        """The question's id (None for the opening, spare time and the close)."""
        return self.question.id if self.question is not None else None

    @property
    def criteria(self) -> list[str]:
        """The question's criteria, primary first (empty for the fixed items)."""
        return list(self.question.criteria) if self.question is not None else []

    def to_dict(self) -> dict[str, Any]:
        """The item as `discussion plan --json` prints it."""
        return {
            "start_min": _number(self.start_min),
            "minutes": _number(self.minutes),
            "question_id": self.question_id,
            "criteria": self.criteria,
            "main": self.main,
            "kind": self.kind,
            "text": self.text,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ClosePrompt:
    """The close: a title and the steps (summary, the apprentice's questions, what next)."""

    title: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Advice:
    """What the guide proposes now, why, and the rest of the hour as it sees it.

    `all_sufficient` is True only when the assessor has marked every pass criterion sufficient:
    the guide never reads coverage from notes.
    """

    question: Question | None
    criterion_id: str | None
    reason: str
    warnings: tuple[str, ...] = ()
    close: ClosePrompt | None = None
    plan: tuple[PlanItem, ...] = field(default=())
    pace: float = 1.0
    all_sufficient: bool = False


def _number(value: float) -> float | int:
    """Minutes for JSON: whole numbers as integers, others to one decimal place."""
    rounded = round(value, 1)
    return int(rounded) if rounded == int(rounded) else rounded
