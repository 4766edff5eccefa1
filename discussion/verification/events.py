"""The verifier's events (`verification.jsonl`): data models, canonical lines, the hash chain.

One event per line, canonical JSON as in the assessor's log (`discussion.record.events`):

    {"at", "data", "hash", "prev", "seq", "type"}

`hash = sha256(prev + canonical_json(event without "hash"))`, `prev` of seq 0 is 64 zeros: the
record's chain rule. There is no `offset`: a verifier works after the recording, so nothing
here sits on the session timeline except the times a judgement cites.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from discussion.record.events import canonical_json, chain_hash, utc_now_iso
from discussion.record.info import VERIFICATION_JSONL as VERIFICATION_JSONL

Role = Literal["IQA", "EQA"]
ROLES: tuple[Role, ...] = ("IQA", "EQA")
Outcome = Literal["confirmed", "referred"]
OUTCOME_TEXT = {"confirmed": "decision confirmed", "referred": "referred back to the assessor"}
COMMENT_MAX = 2000
NAME_MAX = 100
HEX64 = r"^[0-9a-f]{64}$"


class VerificationData(BaseModel):
    """Base of every verification event's `data`; `TYPE` is its event type."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    TYPE: ClassVar[str] = ""


class StartedData(VerificationData):
    """A verifier begins a round of judgements on one sealed record (named by its seal)."""

    TYPE: ClassVar[str] = "started"
    verifier: str = Field(min_length=1, max_length=NAME_MAX)
    role: Role
    session_id: str
    seal_hash: str = Field(pattern=HEX64)  # the hash of the assessor's closed line


class JudgementData(VerificationData):
    """Agree or disagree with the assessor's decision on one criterion, and on what evidence.

    `notes` are note numbers as people see them (#3), `marks` mark numbers, `note_seqs` the
    record's seqs of both (the stable reference), `times` seconds on the session timeline.
    A later judgement of the same criterion in the same round supersedes.
    """

    TYPE: ClassVar[str] = "judgement"
    criterion: str = Field(min_length=1, max_length=20)
    agree: bool
    comment: str = Field(default="", max_length=COMMENT_MAX)
    notes: list[int] = Field(default_factory=list)
    marks: list[int] = Field(default_factory=list)
    note_seqs: list[int] = Field(default_factory=list)
    times: list[float] = Field(default_factory=list)

    @model_validator(mode="after")
    def _disagreement_says_why(self) -> JudgementData:
        if not self.agree and not self.comment.strip():
            raise ValueError("a disagreement needs a comment saying why")
        return self


class OutcomeData(VerificationData):
    """The verifier's overall outcome: the assessor's decisions confirmed, or referred back."""

    TYPE: ClassVar[str] = "outcome"
    outcome: Outcome
    comment: str = Field(default="", max_length=COMMENT_MAX)

    @model_validator(mode="after")
    def _referral_says_why(self) -> OutcomeData:
        if self.outcome == "referred" and not self.comment.strip():
            raise ValueError("referring a decision back needs a comment saying why")
        return self


class FinishedData(VerificationData):
    """Ends the round; `signature` is the verifier's over session, seal and chain head."""

    TYPE: ClassVar[str] = "finished"
    verifier: str = Field(min_length=1, max_length=NAME_MAX)
    session_id: str
    seal_hash: str = Field(pattern=HEX64)
    chain_head: str = Field(pattern=HEX64)  # the hash of the line before this one
    signature: dict[str, Any] = Field(default_factory=dict)


DATA_MODELS: dict[str, type[VerificationData]] = {
    model.TYPE: model for model in (StartedData, JudgementData, OutcomeData, FinishedData)
}


class VerificationFormatError(ValueError):
    """A stored line is not a well-formed, canonical verification event."""


class VEvent(BaseModel):
    """One parsed, hash-checked line of verification.jsonl; `payload` is the typed data."""

    model_config = ConfigDict(frozen=True)
    seq: int
    type: str
    at: str
    data: dict[str, Any]
    prev: str
    hash: str
    payload: VerificationData = Field(exclude=True)

    def body(self) -> dict[str, Any]:
        """The event as hashed: every field but `hash`."""
        return {
            "seq": self.seq,
            "type": self.type,
            "at": self.at,
            "data": self.data,
            "prev": self.prev,
        }

    def line(self) -> bytes:
        """The exact stored line, newline included."""
        return (canonical_json({**self.body(), "hash": self.hash}) + "\n").encode("utf-8")


def build_event(seq: int, data: VerificationData, prev: str, at: str | None = None) -> VEvent:
    """A new verification event chained after `prev`."""
    body: dict[str, Any] = {
        "seq": seq,
        "type": data.TYPE,
        "at": at or utc_now_iso(),
        "data": data.model_dump(mode="json"),
        "prev": prev,
    }
    return VEvent(**body, hash=chain_hash(prev, body), payload=data)


_KEYS = {"seq", "type", "at", "data", "prev", "hash"}


def parse_line(line: bytes) -> VEvent:
    """Parse one stored line (no newline): canonical, self-hashed, valid data.

    Raises VerificationFormatError; chaining to the line before is the caller's check.
    """
    try:
        text = line.decode("utf-8")
        raw = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise VerificationFormatError(f"not valid UTF-8 JSON ({error})") from None
    if not isinstance(raw, dict) or set(raw) != _KEYS:
        raise VerificationFormatError("not an event object with keys " + ", ".join(sorted(_KEYS)))
    try:
        canonical = canonical_json(raw)
    except ValueError as error:
        raise VerificationFormatError(f"not serialisable canonically ({error})") from None
    if canonical != text:
        raise VerificationFormatError("not in canonical form (bytes differ from canonical JSON)")
    seq, etype, data = raw["seq"], raw["type"], raw["data"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise VerificationFormatError("seq is not a non-negative integer")
    if not isinstance(etype, str) or etype not in DATA_MODELS:
        raise VerificationFormatError(f"unknown event type {etype!r}")
    if not all(isinstance(raw[k], str) for k in ("at", "prev", "hash")):
        raise VerificationFormatError("at, prev and hash must be strings")
    if not isinstance(data, dict):
        raise VerificationFormatError("data is not an object")
    body = {k: v for k, v in raw.items() if k != "hash"}
    if chain_hash(raw["prev"], body) != raw["hash"]:
        raise VerificationFormatError("hash does not match the line's content")
    try:
        payload = DATA_MODELS[etype].model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "data"
        raise VerificationFormatError(f"{etype} data invalid at {where}: {first['msg']}") from None
    return VEvent(**body, hash=raw["hash"], payload=payload)
