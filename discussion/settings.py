"""User settings: product defaults, overridable by a JSON file in the data home.

Tests point `DISCUSSION_HOME` at a temporary folder, which moves the settings file, the session
records and everything else the app writes in one go.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from discussion.errors import UserError
from discussion.hub.settings_model import HubSettings
from discussion.json_input import loads
from discussion.paths import data_home
from discussion.record.info import REACTION_LAG_DEFAULT_S, REACTION_LAG_MAX_S
from discussion.safe_files import UnsafeFileError, read_bounded
from discussion.text_safety import control_characters, describe_control
from discussion.validation import describe

SETTINGS_FILE = "settings.json"
MAX_SETTINGS_BYTES = 64 << 10  # a settings file is a few hundred bytes
# The transcript excerpt under each note in the md/html record: words from BEFORE seconds
# before the note's time to AFTER seconds after it (issue 11); two minutes either way at most.
EXCERPT_BEFORE_DEFAULT_S = 10.0
EXCERPT_AFTER_DEFAULT_S = 20.0
EXCERPT_MAX_S = 120.0
# The app's estimate of a transcription's length: audio time x this (issue 11). Measured:
# the 133 s sample record took 19.2 s (0.145) on this 2-core machine at load 7 (other work
# running); ../shared/reference/offline-speech-and-storage.md has 0.09-0.11 unloaded.
TRANSCRIPT_RTF_DEFAULT = 0.15


class Settings(BaseModel):
    """What an assessor may tune; every field has the product's default."""

    # strict: "1.5" (text) is not silently a number, 1 is not silently true; no NaN/Infinity.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    assessor: str = Field(
        default="", max_length=100, description="Pre-filled assessor name on the set-up screen"
    )
    device: str | None = Field(
        default=None, max_length=200, description="Input device name or index"
    )
    reaction_lag_s: float = Field(
        default=REACTION_LAG_DEFAULT_S,
        ge=0,
        le=REACTION_LAG_MAX_S,
        description="Seconds subtracted from a note's first keystroke: the assessor starts "
        "typing a moment after hearing the evidence",
    )
    warn_at_minutes: list[int] = Field(
        default=[45, 55],
        max_length=10,
        description="Minutes at which the discussion screen warns about time (1 to the "
        "discussion's length)",
    )
    silence_alarm_s: float = Field(
        default=10.0, ge=1, le=600, description="Seconds of silence before an alarm"
    )
    recent_notes: int = Field(default=4, ge=1, le=20, description="Notes kept visible")
    review_preroll_s: float = Field(
        default=5.0,
        ge=0,
        le=30,
        description="Seconds before a note or question the review plays from (its pre-roll)",
    )
    transcript_excerpt_before_s: float = Field(
        default=EXCERPT_BEFORE_DEFAULT_S,
        ge=0,
        le=EXCERPT_MAX_S,
        description="Seconds of transcript before a note's time shown under it in the "
        "Markdown and HTML record",
    )
    transcript_excerpt_after_s: float = Field(
        default=EXCERPT_AFTER_DEFAULT_S,
        ge=0,
        le=EXCERPT_MAX_S,
        description="Seconds of transcript after a note's time shown under it in the "
        "Markdown and HTML record",
    )
    transcript_rtf: float = Field(
        default=TRANSCRIPT_RTF_DEFAULT,
        gt=0,
        le=10,
        description="Transcription time ÷ audio time on this machine: the app's estimate of "
        "how long transcribing a record takes (minutes shown before it starts)",
    )
    # The mock discussion (issue 12): its examiner's voice and when a spoken answer ends.
    voice_engine: Literal["auto", "hibari", "espeak-ng", "off"] = Field(
        default="auto",
        description="The voice that speaks a mock's questions: 'hibari' (a neural voice), "
        "'espeak-ng', 'auto' (hibari if installed, else espeak-ng) or 'off' (text only)",
    )
    voice_rate: float = Field(
        default=1.0,
        ge=0.5,
        le=2.0,
        description="Speaking pace of the mock's voice: 1.0 normal, 0.8 slower, 1.25 faster",
    )
    mock_end_silence_s: float = Field(
        default=2.5,
        ge=0.5,
        le=15,
        description="Seconds of silence, after some speech, that end a spoken answer in a mock",
    )
    hub: HubSettings = Field(
        default_factory=HubSettings,
        description="The organisation's hub: S3 store and PostgreSQL index (docs/hub.md)",
    )
    keymap: dict[str, str] = Field(
        default_factory=dict,
        max_length=200,
        description='Binding id -> keys, e.g. {"discussion.end": "f9,ctrl+e"}; the app checks '
        "the ids and keys when it starts (discussion/ui/keymap.py)",
    )

    @field_validator("keymap")
    @classmethod
    def _keymap_shape(cls, value: dict[str, str]) -> dict[str, str]:
        # The ids and key names are checked against the UI's bindings when the app starts.
        for binding_id, keys in value.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+", binding_id):
                raise ValueError(
                    f"{binding_id!r} is not a binding id: ids look like 'discussion.end' (the "
                    "help, F1 or ctrl+g, lists them)"
                )
            bad = control_characters(keys, allow_newlines=False)
            if not keys.strip() or len(keys) > 100 or bad:
                raise ValueError(
                    f"{binding_id!r}: {keys!r} is not a list of keys: write e.g. 'f9,ctrl+e'"
                )
        return value

    @field_validator("assessor", "device")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        bad = control_characters(value or "", allow_newlines=False)
        if bad:
            raise ValueError(f"contains {describe_control(bad[0])}: write one line of text")
        return value

    @field_validator("warn_at_minutes")
    @classmethod
    def _within_discussion(cls, value: list[int]) -> list[int]:
        # Imported here: only a settings file with warn_at_minutes needs the standard, and
        # the home screen's first frame does not wait for it otherwise.
        from discussion.standard import load_standard

        most = load_standard().discussion_conduct.max_minutes
        for index, minute in enumerate(value):
            if not 1 <= minute <= most:
                raise ValueError(
                    f"item {index + 1} is {minute}: use minutes from 1 to {most} (the "
                    f"discussion lasts at most {most} minutes)"
                )
        return value


def settings_path() -> Path:
    """Where the settings file lives (inside the data home)."""
    return data_home() / SETTINGS_FILE


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file, or the defaults when there is none.

    A broken file raises `UserError` naming the file and the problem.
    """
    path = path or settings_path()
    fix = "fix or delete the file"
    text = _read_text(path, fix)
    if text is None:
        return Settings()
    try:
        data = loads(text, str(path))
    except UserError as error:
        raise UserError(f"{error.message}; {fix}") from None
    if not isinstance(data, dict):
        raise UserError(f'{path}: settings must be a JSON object {{"field": value}}; {fix}')
    try:
        return Settings.model_validate(data)
    except ValidationError as error:
        raise UserError(describe(error, Settings, where=str(path), fix=fix)) from None


def _read_text(path: Path, fix: str) -> str | None:
    """The file's text, None when there is none; refuses devices, FIFOs and huge files.

    (A settings.json symlinked to /dev/zero must not hang the program or fill its memory.)
    """
    try:
        data = read_bounded(path, MAX_SETTINGS_BYTES)
    except FileNotFoundError:
        return None
    except UnsafeFileError as error:
        raise UserError(f"{error.message}; {fix}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text; {fix}") from None
