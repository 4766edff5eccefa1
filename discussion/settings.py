"""User settings: product defaults, overridable by a JSON file in the data home.

Tests point `DISCUSSION_HOME` at a temporary folder, which moves the settings file, the session
records and everything else the app writes in one go.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from discussion.errors import UserError
from discussion.paths import data_home

SETTINGS_FILE = "settings.json"


class Settings(BaseModel):
    """What an assessor may tune; every field has the product's default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    assessor: str = Field(default="", description="Pre-filled assessor name on the set-up screen")
    device: str | None = Field(default=None, description="Input device name or index")
    reaction_lag_s: float = Field(
        default=1.5,
        ge=0,
        le=10,
        description="Seconds subtracted from a note's first keystroke: the assessor starts "
        "typing a moment after hearing the evidence",
    )
    warn_at_minutes: list[int] = Field(
        default=[45, 55], description="Minutes at which the discussion screen warns about time"
    )
    silence_alarm_s: float = Field(default=10.0, gt=0, description="Silence before an alarm")
    recent_notes: int = Field(default=4, ge=1, le=20, description="Notes kept visible")


def settings_path() -> Path:
    """Where the settings file lives (inside the data home)."""
    return data_home() / SETTINGS_FILE


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file, or the defaults when there is none.

    A broken file raises `UserError` naming the file and the problem.
    """
    path = path or settings_path()
    if not path.exists():
        return Settings()
    try:
        return Settings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as error:
        first = str(error).splitlines()[0]
        raise UserError(f"{path}: invalid settings ({first}); fix or delete the file") from error
