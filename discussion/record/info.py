"""`session.json`: what a session is about, written once at creation and never changed."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from discussion import installed_version
from discussion.text_safety import control_characters, describe_control

# 2: the closed event must carry the assessor's signature (issue 10; 1 = made before signing).
SCHEMA_VERSION = 2
SESSION_JSON = "session.json"
EVENTS_JSONL = "events.jsonl"
LOCK_FILE = "recorder.lock"
# The verifier's judgements (discussion.verification): added after sealing, never sealed.
VERIFICATION_JSONL = "verification.jsonl"
RECORDER_LOG = "recorder.log"
AUDIO_DIR = "audio"

# The reaction lag: seconds between hearing the evidence and the first keystroke of its note.
# One definition for settings.json, `record --reaction-lag`, the set-up screen and session.json.
REACTION_LAG_DEFAULT_S = 1.5
REACTION_LAG_MAX_S = 10.0

# A practice session's made-up apprentice; the ULN has a valid check digit and is obviously fake.
PRACTICE_APPRENTICE = "Test Apprentice"
PRACTICE_ULN = "9999999998"

# Sanity range of the EPA window start around the session's own date (not today's, so a record
# stays valid for ever): the specification runs every component within one month of the start
# of the EPA period, a resit can follow months later, and nothing is assessed before the period
# starts. Three years back covers any resit; a later date or 1900 is a typing mistake. The
# set-up screen checks the one-month window itself.
EPA_WINDOW_YEARS_BACK = 3
NAME_MAX = 100
NAME_MIN_LETTERS = 2


def new_session_id(now: datetime | None = None) -> str:
    """A sortable, unique folder name free of personal data: `2026-11-23T2003-3fa9c1`."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H%M") + "-" + secrets.token_hex(3)


class AudioSettings(BaseModel):
    """How the discussion audio is captured (fixed for the EPA recording)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    samplerate: Literal[16000] = 16000
    channels: Literal[1] = 1
    format: Literal["WAV"] = "WAV"
    subtype: Literal["PCM_16"] = "PCM_16"


class SessionInfo(BaseModel):
    """The contents of `session.json`.

    Set `audio=False` with a `no_audio_reason` only when the assessor explicitly chose a
    notes-only session. `session_id`, `created_at` and `software_version` fill themselves in.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = SCHEMA_VERSION
    session_id: str = Field(default_factory=new_session_id, pattern=r"^[0-9A-Za-z_.-]+$")
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    kind: Literal["assessment", "practice"] = "assessment"
    apprentice_name: str = Field(min_length=1, max_length=NAME_MAX)
    uln: str = Field(pattern=r"^\d{10}$")
    assessor: str = Field(min_length=1, max_length=NAME_MAX)
    mode: Literal["virtual", "face-to-face"]
    attempt: int = Field(ge=1, description="1 to the standard's rules.max_attempts")
    epa_window_start: date
    standard_version: str
    standard_hash: str
    bank_version: str
    bank_hash: str
    software_version: str = Field(default_factory=installed_version)  # looked up when needed
    audio: AudioSettings | Literal[False] = Field(default_factory=AudioSettings)
    no_audio_reason: str | None = Field(default=None, max_length=500)
    reaction_lag_s: float = Field(
        default=REACTION_LAG_DEFAULT_S, ge=0, le=REACTION_LAG_MAX_S, allow_inf_nan=False
    )

    @field_validator("apprentice_name", "assessor")
    @classmethod
    def _one_line_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is blank: type the name")
        if value != value.strip():
            raise ValueError("starts or ends with spaces: remove them")
        bad = control_characters(value, allow_newlines=False)
        if bad:
            raise ValueError(f"contains {describe_control(bad[0])}: a name is one line of text")
        if sum(char.isalpha() for char in value) < NAME_MIN_LETTERS:
            # An initial alone ("J") names nobody: the record must say who was assessed, by whom.
            raise ValueError(
                f"{value!r} has fewer than {NAME_MIN_LETTERS} letters: write the full name"
            )
        return value

    @field_validator("no_audio_reason")
    @classmethod
    def _reason_text(cls, value: str | None) -> str | None:
        bad = control_characters(value or "", allow_newlines=False)
        if bad:
            raise ValueError(f"contains {describe_control(bad[0])}: write one line of text")
        return value

    @field_validator("uln")
    @classmethod
    def _uln_check_digit(cls, value: str) -> str:
        from discussion.uln import check_uln  # uln imports the standard too; keep it lazy

        result = check_uln(value)
        if not result.ok:
            raise ValueError(f"{value}: {result.reason}")
        return value

    @field_validator("attempt")
    @classmethod
    def _attempt_in_rules(cls, value: int) -> int:
        # Imported here: the settings need this module's constants at start-up, not the
        # standard (its models and data load after the home screen's first frame).
        from discussion.standard import load_standard

        most = load_standard().rules.max_attempts
        if not 1 <= value <= most:
            raise ValueError(f"{value} is outside 1 to {most} (rules.toml max_attempts)")
        return value

    @model_validator(mode="after")
    def _audio_off_needs_reason(self) -> SessionInfo:
        if self.audio is False and not (self.no_audio_reason or "").strip():
            raise ValueError("a notes-only session (audio: false) needs no_audio_reason")
        if self.audio is not False and self.no_audio_reason is not None:
            raise ValueError("no_audio_reason is only for notes-only sessions")
        return self

    @model_validator(mode="after")
    def _practice_details_are_fictional(self) -> SessionInfo:
        # A real learner's number under the made-up name is a record nobody can match to them.
        fictional_name = self.apprentice_name == PRACTICE_APPRENTICE
        if self.kind == "practice" and fictional_name and self.uln != PRACTICE_ULN:
            raise ValueError(
                f"a practice session for {PRACTICE_APPRENTICE!r} keeps the made-up ULN "
                f"{PRACTICE_ULN}: give the apprentice's name too for a real ULN"
            )
        if self.kind == "assessment" and self.uln == PRACTICE_ULN:
            raise ValueError(
                f"ULN {PRACTICE_ULN} is the made-up practice ULN: give the apprentice's real ULN"
            )
        return self

    @model_validator(mode="after")
    def _window_near_session(self) -> SessionInfo:
        day = self.created_at.astimezone(UTC).date()
        earliest = day - timedelta(days=366 * EPA_WINDOW_YEARS_BACK)
        latest = day + timedelta(days=1)  # a day's slack: the start may be in a later time zone
        start = self.epa_window_start
        if not earliest <= start <= latest:
            raise ValueError(
                f"epa_window_start {start.isoformat()} is not a plausible EPA window for a "
                f"session on {day.isoformat()}: use a date from {earliest.isoformat()} to "
                f"{latest.isoformat()}"
            )
        return self

    def corrected(self, field: str, value: str) -> SessionInfo:
        """A copy with set-up detail `field` set to `value` (as typed), checked like a new
        session's details; raises `ValidationError` (a `ValueError`) when refused."""
        data = self.model_dump()
        data[field] = value.strip()
        return SessionInfo.model_validate(data)

    @property
    def samplerate(self) -> int:
        """Audio frames per second (16000; also used for notes-only sessions' arithmetic)."""
        return self.audio.samplerate if self.audio is not False else 16000

    def to_json_bytes(self) -> bytes:
        """The bytes written to session.json."""
        return (self.model_dump_json(indent=2) + "\n").encode("utf-8")
