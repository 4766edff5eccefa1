"""How the Professional Discussion is arranged, as data (`standard.toml`, table `[conduct]`).

The reasonable adjustments the set-up screen offers, the employer's agreement to the mode, the
reasons a pause can have, and the text of the apprentice's pre-briefing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SessionMode = Literal["virtual", "face-to-face"]
SESSION_MODES: tuple[SessionMode, ...] = ("virtual", "face-to-face")

_STRICT = ConfigDict(extra="forbid", frozen=True)
_KEY = r"^[a-z0-9-]{1,40}$"


class Adjustment(BaseModel):
    """A reasonable adjustment the assessor can tick at set-up."""

    model_config = _STRICT

    key: str = Field(pattern=_KEY)
    label: str = Field(min_length=1, description="what the record says")
    briefing: str = Field(min_length=1, description="the phrase the pre-briefing lists")
    note: str = ""  # shown at set-up when ticked
    detail: bool = False  # asks for a description (and needs one)

    def recorded(self, detail: str = "") -> str:
        """The text kept in the record: the label, with the description when there is one."""
        text = detail.strip()
        return f"{self.label}: {text}" if text else self.label


class PauseReason(BaseModel):
    """A reason the recording may be paused for."""

    model_config = _STRICT

    key: str = Field(pattern=_KEY)
    label: str = Field(min_length=1)
    detail: bool = False

    def recorded(self, detail: str = "") -> str:
        """The reason as kept in the `recording_paused` event."""
        text = detail.strip()
        return f"{self.label}: {text}" if text else self.label


class BriefingItem(BaseModel):
    """One paragraph of the pre-briefing; `modes` limits it to those modes."""

    model_config = _STRICT

    text: str = Field(min_length=1)
    modes: list[SessionMode] | None = None


class BriefingSection(BaseModel):
    """A headed section of the pre-briefing."""

    model_config = _STRICT

    heading: str = Field(min_length=1)
    items: list[BriefingItem] = Field(min_length=1)


class Briefing(BaseModel):
    """The apprentice's pre-briefing."""

    model_config = _STRICT

    title: str = Field(min_length=1)
    intro: str = ""
    fill_in: list[str] = Field(default_factory=list)  # blanks on the printed sheet
    sections: list[BriefingSection] = Field(min_length=1)


class Conduct(BaseModel):
    """The arrangements of the discussion that the set-up screen, the pause and the briefing
    read."""

    model_config = _STRICT

    mode_agreement: str = Field(min_length=1)
    mode_agreement_by: str = Field(min_length=1)
    adjustments: list[Adjustment] = Field(min_length=1)
    pause_reasons: list[PauseReason] = Field(min_length=1)
    briefing: Briefing

    @model_validator(mode="after")
    def _unique_keys(self) -> Conduct:
        for name, keys in (
            ("adjustments", [a.key for a in self.adjustments]),
            ("pause_reasons", [p.key for p in self.pause_reasons]),
        ):
            twice = sorted({k for k in keys if keys.count(k) > 1})
            if twice:
                raise ValueError(f"{name}: key(s) used twice: {', '.join(twice)}")
        return self

    def adjustment(self, key: str) -> Adjustment | None:
        """The adjustment with this key, or None."""
        return next((a for a in self.adjustments if a.key == key), None)

    def pause_reason(self, key: str) -> PauseReason | None:
        """The pause reason with this key, or None."""
        return next((p for p in self.pause_reasons if p.key == key), None)
