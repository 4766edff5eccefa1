"""The evidence event: data models per type, canonical JSON and the sha256 hash chain.

One event is one line of `events.jsonl` (see docs/design.md and docs/record-format.md):

    {"seq", "type", "at", "offset", "data", "prev", "hash"}

serialised canonically (sorted keys, no spaces, UTF-8 kept as is). `hash` is
sha256(prev_hex + canonical_json(event without "hash")); `prev` of seq 0 is 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from discussion.signing.model import Signature

ZERO_HASH = "0" * 64

AlarmKind = Literal[
    "silence", "device_lost", "write_error", "overflow", "recorder_failed", "record_write"
]


# One encoder, built once: `json.dumps` with these options builds a new one on every call
# (a tenth of the time of a short line). `encode` keeps no state between calls.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical_json(value: Any) -> str:
    """The one serialisation used for hashing and for the stored line (without newline)."""
    return _CANONICAL.encode(value)


def chain_hash(prev: str, body: dict[str, Any]) -> str:
    """sha256(prev_hex + canonical_json(body)) where `body` is the event without "hash"."""
    return hashlib.sha256((prev + canonical_json(body)).encode("utf-8")).hexdigest()


def utc_now_iso() -> str:
    """Now as UTC ISO-8601 with milliseconds and a trailing Z."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


class EventData(BaseModel):
    """Base of every event's `data`; `TYPE` is the event type it belongs to."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    TYPE: ClassVar[str] = ""


class CreatedData(EventData):
    """seq 0: ties the log to the session.json it was created with."""

    TYPE: ClassVar[str] = "created"
    session_id: str
    schema_version: int
    session_json_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class ConsentRecordedData(EventData):
    """The apprentice's consent (to the discussion being recorded, or notes only)."""

    TYPE: ClassVar[str] = "consent_recorded"
    recording: bool
    statement: str = ""


class ConsentDeclinedData(EventData):
    """The apprentice did not agree (to the recording, or to notes being taken), at this point
    of the recording: the discussion does not go ahead and the session is closed."""

    TYPE: ClassVar[str] = "consent_declined"
    recording: bool
    statement: str = ""


class SetupConfirmedData(EventData):
    """What the assessor confirmed before recording: the gateway declaration's items, the
    conduct points of the specification, and how the audio check passed."""

    TYPE: ClassVar[str] = "setup_confirmed"
    gateway: list[str] = Field(default_factory=list)
    conduct: list[str] = Field(default_factory=list)
    audio_check: str = ""
    # Added later (optional, so records made before still load and verify): who agreed the
    # mode for the employer ("" = not recorded) and the reasonable adjustments in place, each
    # as the standard's label ("Other: <what>" where a description was asked for).
    mode_agreed_by: str = Field(default="", max_length=200)
    adjustments: list[str] = Field(default_factory=list)


CorrectableField = Literal[
    "apprentice_name", "uln", "assessor", "mode", "attempt", "epa_window_start"
]


class DetailsCorrectedData(EventData):
    """A set-up detail corrected after the session began: session.json is never edited; the
    derived state (and every export) shows `value`, and that it was corrected from `previous`."""

    TYPE: ClassVar[str] = "details_corrected"
    field: CorrectableField
    previous: str
    value: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=500)


class RecordingStartedData(EventData):
    """A recording run starts writing `segment` at `start_offset` on the session timeline."""

    TYPE: ClassVar[str] = "recording_started"
    segment: str
    start_offset: float = Field(ge=0)
    device: str = ""


class RecordingPausedData(EventData):
    """Capture paused: the timeline stops until resumed."""

    TYPE: ClassVar[str] = "recording_paused"
    reason: str = ""


class RecordingResumedData(EventData):
    """Capture resumed after a pause."""

    TYPE: ClassVar[str] = "recording_resumed"


class RecordingStoppedData(EventData):
    """A recording run ended; `frames` were written to `segment`."""

    TYPE: ClassVar[str] = "recording_stopped"
    segment: str
    frames: int = Field(ge=0)
    reason: str = ""


class QuestionAskedData(EventData):
    """A bank question was asked."""

    TYPE: ClassVar[str] = "question_asked"
    question_id: str
    criteria: list[str] = Field(default_factory=list)


class NoteData(EventData):
    """An assessor's note. The event offset is `raw_offset - lag_s`, clamped at 0."""

    TYPE: ClassVar[str] = "note"
    text: str
    criteria: list[str] = Field(default_factory=list)
    raw_offset: float = Field(ge=0)
    lag_s: float = Field(ge=0)


class NoteAmendedData(EventData):
    """A later correction of note `amends` (a seq); the original stays in the log."""

    TYPE: ClassVar[str] = "note_amended"
    amends: int = Field(ge=0)
    text: str
    criteria: list[str] = Field(default_factory=list)


class CriterionDecidedData(EventData):
    """The assessor's decision on one criterion; a later one for the same criterion supersedes."""

    TYPE: ClassVar[str] = "criterion_decided"
    criterion: str
    met: bool
    rationale: str = ""
    note_seqs: list[int] = Field(default_factory=list)


CriterionStatus = Literal["none", "partial", "sufficient"]
CRITERION_STATUSES: tuple[CriterionStatus, ...] = ("none", "partial", "sufficient")


class CriterionStatusData(EventData):
    """The assessor's live view of the evidence for one criterion, set during the discussion
    (none, partial or sufficient); a later one for the same criterion supersedes. Not a
    decision: notes alone never set it, and the decisions come after the discussion."""

    TYPE: ClassVar[str] = "criterion_status"
    criterion: str = Field(min_length=1, max_length=20)
    status: CriterionStatus


class AudioGapData(EventData):
    """Silence padded into the audio (device lost...): file position still equals timeline."""

    TYPE: ClassVar[str] = "audio_gap"
    cause: str
    duration_s: float = Field(ge=0)


class AlarmData(EventData):
    """Something the assessor was warned about."""

    TYPE: ClassVar[str] = "alarm"
    kind: AlarmKind
    message: str = ""


class AlarmClearedData(EventData):
    """An alarm's condition ended."""

    TYPE: ClassVar[str] = "alarm_cleared"
    kind: AlarmKind
    message: str = ""


class TimeWarningData(EventData):
    """The assessor was told `minutes` remain (or have elapsed, per the UI's wording)."""

    TYPE: ClassVar[str] = "time_warning"
    minutes: int


class ComponentResultData(EventData):
    """Another component's result, carried for grading (same shape as the grading input)."""

    TYPE: ClassVar[str] = "component_result"
    component: str
    attempt: int = Field(ge=1)  # at most rules.toml max_attempts (checked below)
    achieved: list[str] = Field(default_factory=list)
    modes: list[str] = Field(default_factory=list)

    @field_validator("attempt")
    @classmethod
    def _attempt_in_rules(cls, value: int) -> int:
        from discussion.standard import load_standard

        most = load_standard().rules.max_attempts
        if value > most:
            raise ValueError(f"attempt {value} is outside 1 to {most} (rules.toml max_attempts)")
        return value


class RecoveredData(EventData):
    """The session was reopened after its owner stopped without closing it."""

    TYPE: ClassVar[str] = "recovered"
    audio_seconds: float = Field(ge=0)
    torn_line_set_aside: bool
    torn_file: str | None = None
    repaired_files: list[str] = Field(default_factory=list)
    segment_frames: dict[str, int] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)


class TallyData(BaseModel):
    """Criteria met / not met at closing, for the discussion component."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    met: list[str] = Field(default_factory=list)
    not_met: list[str] = Field(default_factory=list)


class ClosedData(EventData):
    """Seals the folder: every other file's sha256 and the chain head before this line."""

    TYPE: ClassVar[str] = "closed"
    tally: TallyData
    files: dict[str, str]
    chain_head: str = Field(pattern=r"^[0-9a-f]{64}$")
    reason: str = ""
    # The assessor's signature of the seal (issue 10; discussion/record/seal_signature.py).
    # Absent in records made before signing; required from session schema_version 2.
    signature: Signature | None = None


class MockStartedData(EventData):
    """A mock discussion for practice began (kind "practice" records only): its options and
    plan, so the readiness report can compare mocks. Never graded."""

    TYPE: ClassVar[str] = "mock_started"
    length_min: int = Field(ge=1, le=60)
    focus: list[str] = Field(default_factory=list)  # ["all"], ["pass"] or criterion ids
    seed: int = 0
    question_ids: list[str] = Field(default_factory=list)
    answers_by: Literal["voice", "typing"] = "typing"


class AnswerGivenData(EventData):
    """An apprentice's answer in a mock: to the question or to a probe (and why that probe),
    where it is on the sample clock, and the text heard (or typed)."""

    TYPE: ClassVar[str] = "answer_given"
    question_id: str
    prompt: Literal["question", "probe"]
    probe_index: int | None = Field(default=None, ge=1)
    look_for_index: int | None = Field(default=None, ge=1)  # what the probe targeted
    why: str = ""
    text: str = Field(default="", max_length=20000)
    start: float = Field(ge=0, allow_inf_nan=False)
    end: float = Field(ge=0, allow_inf_nan=False)
    ended_by: str = ""  # "silence", "key", "typed"
    # First word's start to last word's end of a spoken answer: its speaking time, without the
    # wait before the first word and the silence that ended it (None: typed, or not known).
    speaking_s: float | None = Field(default=None, ge=0, allow_inf_nan=False)


class SelfCheckedData(EventData):
    """The apprentice's self-check of a mock question: the look-fors they ticked and those the
    cue words matched (1-based look-for numbers)."""

    TYPE: ClassVar[str] = "self_checked"
    question_id: str
    ticked: list[int] = Field(default_factory=list)
    matched: list[int] = Field(default_factory=list)


DATA_MODELS: dict[str, type[EventData]] = {
    model.TYPE: model
    for model in (
        CreatedData,
        ConsentRecordedData,
        ConsentDeclinedData,
        SetupConfirmedData,
        DetailsCorrectedData,
        RecordingStartedData,
        RecordingPausedData,
        RecordingResumedData,
        RecordingStoppedData,
        QuestionAskedData,
        NoteData,
        NoteAmendedData,
        CriterionDecidedData,
        CriterionStatusData,
        AudioGapData,
        AlarmData,
        AlarmClearedData,
        TimeWarningData,
        ComponentResultData,
        RecoveredData,
        ClosedData,
        MockStartedData,
        AnswerGivenData,
        SelfCheckedData,
    )
}
EVENT_TYPES = tuple(DATA_MODELS)


class EventFormatError(ValueError):
    """A stored line is not a well-formed, canonical event (message says why)."""


class Event(BaseModel):
    """One parsed, hash-checked line of the log. `payload` is the typed `data`."""

    model_config = ConfigDict(frozen=True)
    seq: int
    type: str
    at: str
    offset: float
    data: dict[str, Any]
    prev: str
    hash: str
    payload: EventData = Field(exclude=True)

    def body(self) -> dict[str, Any]:
        """The event as hashed: every field except `hash`."""
        return {
            "seq": self.seq,
            "type": self.type,
            "at": self.at,
            "offset": self.offset,
            "data": self.data,
            "prev": self.prev,
        }

    def line(self) -> bytes:
        """The exact stored line, newline included."""
        return (canonical_json({**self.body(), "hash": self.hash}) + "\n").encode("utf-8")


def build_event(
    seq: int, data: EventData, offset: float, prev: str, at: str | None = None
) -> Event:
    """A new event chained after `prev`."""
    if not math.isfinite(offset) or offset < 0:
        raise ValueError(f"offset must be a finite number >= 0, got {offset!r}")
    body: dict[str, Any] = {
        "seq": seq,
        "type": data.TYPE,
        "at": at or utc_now_iso(),
        "offset": float(offset),
        "data": data.model_dump(mode="json"),
        "prev": prev,
    }
    return Event(**body, hash=chain_hash(prev, body), payload=data)


_KEYS = {"seq", "type", "at", "offset", "data", "prev", "hash"}


def _hash_matches(text: str, prev: str, stored_hash: str) -> bool:
    """Whether `stored_hash` is `chain_hash(prev, body)` of the canonical line `text`.

    `text` is `canonical_json` of the event (checked before this), so the canonical body (the
    event without "hash") is `text` with its `,"hash":"<stored>"` entry taken out: sorted keys
    put it after "at" and "data" and before "offset", "prev", "seq" and "type", whose values
    (a number and strings, in which a `"` is always escaped) cannot hold that entry, so its
    last occurrence is the event's own. The event is not serialised a second time. A stored
    hash that is not 64 plain hex characters is never a sha256 digest.
    """
    if len(stored_hash) != 64 or not stored_hash.isascii() or not stored_hash.isalnum():
        return False
    entry = f',"hash":"{stored_hash}"'
    at = text.rfind(entry + ',"offset":')
    if at < 0:
        return False
    body = text[:at] + text[at + len(entry) :]
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest() == stored_hash


def parse_line(line: bytes) -> Event:
    """Parse one stored line (without its newline) and check it is canonical and self-hashed.

    Raises EventFormatError; chaining to the previous line is the caller's check.
    """
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise EventFormatError(f"not valid UTF-8 ({error.reason} at byte {error.start})") from None
    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise EventFormatError(f"not valid JSON ({error})") from None
    if not isinstance(raw, dict) or set(raw) != _KEYS:
        raise EventFormatError("not an event object with keys " + ", ".join(sorted(_KEYS)))
    try:
        canonical = canonical_json(raw)
    except ValueError as error:
        raise EventFormatError(f"not serialisable canonically ({error})") from None
    if canonical != text:
        raise EventFormatError("not in canonical form (bytes differ from the canonical JSON)")
    seq, etype, at, offset = raw["seq"], raw["type"], raw["at"], raw["offset"]
    data, prev, stored_hash = raw["data"], raw["prev"], raw["hash"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise EventFormatError("seq is not a non-negative integer")
    if not isinstance(etype, str) or etype not in DATA_MODELS:
        raise EventFormatError(f"unknown event type {etype!r}")
    if not isinstance(offset, float) or offset < 0:
        raise EventFormatError("offset is not a decimal number >= 0")
    if not isinstance(at, str) or not isinstance(prev, str) or not isinstance(stored_hash, str):
        raise EventFormatError("at, prev and hash must be strings")
    if not isinstance(data, dict):
        raise EventFormatError("data is not an object")
    if not _hash_matches(text, prev, stored_hash):
        raise EventFormatError("hash does not match the line's content")
    try:
        payload = DATA_MODELS[etype].model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise EventFormatError(
            f"{etype} data invalid at {where or 'data'}: {first['msg']}"
        ) from None
    return Event(
        seq=seq,
        type=etype,
        at=at,
        offset=offset,
        data=data,
        prev=prev,
        hash=stored_hash,
        payload=payload,
    )
