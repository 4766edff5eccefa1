"""The question bank as data: questions, the bank, and the problems a check can find."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from discussion.errors import UserError
from discussion.text_safety import shorten

SetName = Literal["assessment", "practice"]
SETS: tuple[SetName, ...] = ("assessment", "practice")
# "warm-up": an opening question about the apprentice's role, asked first to settle them; its
# criteria are those it leads into. "question": every other question.
QuestionKind = Literal["question", "warm-up"]
KINDS: tuple[QuestionKind, ...] = ("question", "warm-up")

NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
NonBlankList = Annotated[list[NonBlank], Field(min_length=1)]

# The fields of a `[[question]]` table, in the order the README documents them.
QUESTION_FIELDS = (
    "id",
    "criteria",
    "set",
    "text",
    "probes",
    "look_fors",
    "cues",
    "probe_targets",
    "work_example",
    "minutes",
    "kind",
    "reminder",
    "sufficient",
    "waivers",
)
HEADER_FIELDS = ("version", "title")


class Waiver(BaseModel):
    """A `bank lint` warning the question's authors accepted, and why (`[[question.waivers]]`)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    rule: NonBlank
    reason: NonBlank


class QuestionEntry(BaseModel):
    """One `[[question]]` table exactly as written in a bank file (extra keys forbidden)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    id: NonBlank
    criteria: NonBlankList
    set: SetName
    text: NonBlank
    probes: NonBlankList
    look_fors: NonBlankList
    work_example: bool
    minutes: Annotated[float, Field(gt=0, le=60)]
    # Optional fields, after the eight required ones.
    kind: QuestionKind = "question"
    # Said before the question (e.g. the anonymity reminder for a work example).
    reminder: NonBlank | None = None
    # What is enough evidence from this question, e.g. "Two of the look-fors, including the first".
    sufficient: NonBlank | None = None
    waivers: list[Waiver] = Field(default_factory=list)
    # Per look-for, the words or phrases that show an answer covered it (the mock discussion
    # matches them against the apprentice's answer). Required on practice questions: the bank
    # check says so, naming the line, so the model accepts a question without them.
    cues: list[list[str]] | None = None
    # Per probe, the look-fors (1-based) it asks about: the mock examiner asks the probe linked
    # to the first look-for an answer left out. Required on practice questions (bank check).
    probe_targets: list[list[int]] | None = None


class Question(QuestionEntry):
    """A validated question, with where it was written (`file` relative to the bank root)."""

    file: str
    line: int | None = None

    @property
    def primary(self) -> str:
        """The criterion the question mainly draws evidence for (the first listed)."""
        return self.criteria[0]

    @property
    def secondary(self) -> list[str]:
        """The other criteria the question may draw evidence for."""
        return list(self.criteria[1:])

    def probes_for(self, look_for_index: int) -> list[int]:
        """The probes (1-based, in bank order) that target look-for `look_for_index` (1-based).

        Without `probe_targets` (an assessment question, a bank from before the field) probe n
        is taken to target look-for n.
        """
        if self.probe_targets is None:
            return [look_for_index] if look_for_index <= len(self.probes) else []
        return [n for n, ts in enumerate(self.probe_targets, 1) if look_for_index in ts]

    def look_fors_for(self, criterion_id: str) -> list[str]:
        """The look-fors that support `criterion_id`.

        A look-for for a secondary criterion starts with its id and a colon ("1A: Names ...");
        every other look-for supports the primary criterion.
        """
        picked = []
        for item in self.look_fors:
            head, sep, _ = item.partition(":")
            tagged = head.strip().upper() if sep and head.strip().upper() in self.criteria else None
            if (tagged or self.primary) == criterion_id:
                picked.append(item)
        return picked


class BankHeader(BaseModel):
    """The `[bank]` table: the bank's version and an optional title."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    version: NonBlank
    title: NonBlank | None = None


@dataclass(frozen=True)
class BankIssue:
    """One problem found in the bank: where it is, which question, and what to fix.

    `file` is the bank-relative path prefixed with the bank folder's name
    (`question_bank/practice/x.toml`), or the folder itself for bank-wide problems.
    """

    file: str | None
    line: int | None
    question_id: str | None
    message: str

    def __str__(self) -> str:
        place = self.file or "question bank"
        if self.line is not None:
            place = f"{place}:{self.line}"
        who = f" {shorten(self.question_id)}:" if self.question_id else ""
        return f"{place}:{who} {shorten(self.message, 500)}"

    def to_dict(self) -> dict[str, Any]:
        """The issue as a JSON-ready object (`text` is the one-line form)."""
        return {
            "file": self.file,
            "line": self.line,
            "question": self.question_id,
            "message": self.message,
            "text": str(self),
        }


Coverage = dict[str, dict[str, int]]
"""Criterion id -> {"assessment": n, "practice": n}: questions having it as primary criterion."""


@dataclass(frozen=True)
class QuestionBank:
    """A validated question bank."""

    root: Path
    version: str
    title: str | None
    content_hash: str
    questions: list[Question]
    criterion_ids: list[str] = field(default_factory=list)

    def get(self, qid: str) -> Question | None:
        """The question with id `qid`, or None."""
        for question in self.questions:
            if question.id == qid:
                return question
        return None

    def in_set(self, set_name: str) -> list[Question]:
        """The questions of one set ("assessment" or "practice"), in bank order."""
        return [q for q in self.questions if q.set == set_name]

    def for_criterion(
        self, cid: str, set: str = "assessment", *, include_secondary: bool = False
    ) -> list[Question]:
        """Questions of `set` whose primary criterion is `cid`.

        With `include_secondary`, questions that list `cid` later follow the primary ones.
        """
        primary = [q for q in self.questions if q.set == set and q.criteria[0] == cid]
        if not include_secondary:
            return primary
        secondary = [q for q in self.questions if q.set == set and cid in q.criteria[1:]]
        return primary + secondary

    def coverage(self) -> Coverage:
        """Per criterion, how many questions of each set have it as their primary criterion."""
        return compute_coverage(
            self.criterion_ids, ((q.criteria[0], q.set) for q in self.questions)
        )


def compute_coverage(criterion_ids: list[str], targets: Iterable[tuple[str, str]]) -> Coverage:
    """Count (primary criterion, set) pairs per criterion id, zero-filled for every criterion."""
    result: Coverage = {cid: dict.fromkeys(SETS, 0) for cid in criterion_ids}
    for cid, set_name in targets:
        if cid in result and set_name in result[cid]:
            result[cid][set_name] += 1
    return result


@dataclass(frozen=True)
class BankReport:
    """The result of checking a bank: `ok`, every problem found, and the coverage."""

    ok: bool
    errors: list[BankIssue]
    coverage: Coverage
    root: Path
    bank: QuestionBank | None = None
    version: str | None = None
    content_hash: str | None = None
    question_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The report as the JSON object `discussion bank check --json` prints."""
        return {
            "ok": self.ok,
            "errors": [issue.to_dict() for issue in self.errors],
            "coverage": self.coverage,
            "bank": str(self.root),
            "version": self.version,
            "content_hash": self.content_hash,
            "questions": self.question_count,
        }


class BankError(UserError):
    """The bank failed validation; `errors` lists every problem found."""

    def __init__(self, errors: list[BankIssue]) -> None:
        first = str(errors[0]) if errors else "unknown problem"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(
            f"the question bank is invalid: {first}{more}; "
            "run `discussion bank check` to see every problem"
        )
        self.errors = errors
