"""`session.json`: what a session is about, written once at creation and never changed."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from discussion import __version__

SCHEMA_VERSION = 1
SESSION_JSON = "session.json"
EVENTS_JSONL = "events.jsonl"
LOCK_FILE = "recorder.lock"
RECORDER_LOG = "recorder.log"
AUDIO_DIR = "audio"


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
    apprentice_name: str = Field(min_length=1)
    uln: str = Field(pattern=r"^\d{10}$")
    assessor: str = Field(min_length=1)
    mode: Literal["virtual", "face-to-face"]
    attempt: int = Field(ge=1, le=3)
    epa_window_start: date
    standard_version: str
    standard_hash: str
    bank_version: str
    bank_hash: str
    software_version: str = __version__
    audio: AudioSettings | Literal[False] = Field(default_factory=AudioSettings)
    no_audio_reason: str | None = None
    reaction_lag_s: float = Field(default=3.0, ge=0, le=60)

    @model_validator(mode="after")
    def _audio_off_needs_reason(self) -> SessionInfo:
        if self.audio is False and not (self.no_audio_reason or "").strip():
            raise ValueError("a notes-only session (audio: false) needs no_audio_reason")
        if self.audio is not False and self.no_audio_reason is not None:
            raise ValueError("no_audio_reason is only for notes-only sessions")
        return self

    @property
    def samplerate(self) -> int:
        """Audio frames per second (16000; also used for notes-only sessions' arithmetic)."""
        return self.audio.samplerate if self.audio is not False else 16000

    def to_json_bytes(self) -> bytes:
        """The bytes written to session.json."""
        return (self.model_dump_json(indent=2) + "\n").encode("utf-8")
