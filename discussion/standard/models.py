"""The end-point assessment standard as validated models (loaded from `data/*.toml`).

Nothing here hard-codes a count: pass criteria, thresholds, attempt limits and the ULN weights all
come from the data files, so a corrected data file corrects every consumer.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from discussion.errors import UserError
from discussion.standard.conduct import Conduct

ComponentId = Literal["showcase", "observation", "discussion"]
Level = Literal["pass", "distinction"]
Mode = Literal["face-to-face", "non-face-to-face"]

COMPONENT_IDS: tuple[ComponentId, ...] = ("showcase", "observation", "discussion")
MODES: tuple[Mode, ...] = ("face-to-face", "non-face-to-face")

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Wording(BaseModel):
    """One mode's wording of an observation criterion offered as face-to-face OR not."""

    model_config = _STRICT

    mode: Mode
    text: str = Field(min_length=1)
    performance_requirements: list[int] = Field(default_factory=list)


class Criterion(BaseModel):
    """A grade criterion of one component (ids are unique within their component only)."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[A-Z0-9]{2,4}$")
    level: Level
    text: str = Field(min_length=1)
    group: str | None = None
    outcome: str | None = None
    wordings: list[Wording] = Field(default_factory=list)
    # None: applies whatever the observation mode; else only when one of these was observed.
    modes: list[Mode] | None = None
    performance_requirements: list[int] = Field(default_factory=list)
    builds_on: str | None = None

    def applies(self, modes: AbstractSet[str] | None) -> bool:
        """Whether the criterion applies when `modes` were observed (None: not known, so yes)."""
        return self.modes is None or modes is None or bool(modes & set(self.modes))

    @model_validator(mode="after")
    def _wordings_distinct(self) -> Criterion:
        seen = [w.mode for w in self.wordings]
        if len(seen) != len(set(seen)):
            raise ValueError(f"criterion {self.id}: two wordings for the same mode")
        if self.modes is not None and not self.modes:
            raise ValueError(f"criterion {self.id}: `modes` must name at least one mode")
        return self


class PerformanceRequirement(BaseModel):
    """An observable performance requirement of the Practical Observation."""

    model_config = _STRICT

    ref: int = Field(ge=1)
    section: str
    level: Level
    text: str = Field(min_length=1)
    non_face_to_face_text: str | None = None
    # The specification's ** requirements: work-based evidence afterwards is allowed.
    evidence_afterwards: bool = False


class GuideClose(BaseModel):
    """The close prompt the next-question guide shows: a title and the steps, in order."""

    model_config = _STRICT

    title: str = Field(min_length=1)
    steps: list[str] = Field(min_length=1)


class DiscussionGuide(BaseModel):
    """How the next-question guide plans the hour (`[guide]` in discussion.toml).

    Minutes of the hour the guide keeps back for the opening and the close, when it warns
    about pass criteria not yet attempted, and the texts of the plan's fixed items.
    """

    model_config = _STRICT

    opening_minutes: float = Field(ge=0, le=30)
    opening_text: str = Field(min_length=1)
    closing_minutes: float = Field(ge=0, le=30)
    closing_text: str = Field(min_length=1)
    reserve_text: str = Field(min_length=1)
    warn_unattempted_at_minute: float = Field(ge=0)
    plan_min_minutes: int = Field(ge=1)
    pace_min: float = Field(gt=0)
    pace_max: float = Field(gt=0)
    close: GuideClose

    @model_validator(mode="after")
    def _consistent(self) -> DiscussionGuide:
        if self.pace_min > 1 or self.pace_max < 1:
            raise ValueError("pace_min must be at most 1 and pace_max at least 1")
        if self.opening_minutes + self.closing_minutes >= self.plan_min_minutes:
            raise ValueError(
                "plan_min_minutes must leave time for questions after opening_minutes and "
                "closing_minutes"
            )
        return self


class Component(BaseModel):
    """One of the three assessment components with its grade criteria."""

    model_config = _STRICT

    id: ComponentId
    name: str = Field(min_length=1)
    order: int = Field(ge=1)
    duration: str
    threshold: int = Field(ge=1)
    criteria: list[Criterion] = Field(min_length=1)
    observation_modes: list[Mode] = Field(default_factory=list)
    performance_requirements: list[PerformanceRequirement] = Field(default_factory=list)
    # The next-question guide's planning data (the discussion only).
    guide: DiscussionGuide | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Component:
        ids = [c.id for c in self.criteria]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate criterion ids: {', '.join(duplicates)}")
        if not any(c.level == "pass" for c in self.criteria):
            raise ValueError("a component needs at least one pass criterion")
        total = len(self.distinction_criteria())
        if self.threshold > total:
            raise ValueError(f"threshold {self.threshold} exceeds the {total} distinction criteria")
        by_id = {c.id: c for c in self.criteria}
        refs = {pr.ref for pr in self.performance_requirements}
        for criterion in self.criteria:
            if criterion.builds_on is not None:
                base = by_id.get(criterion.builds_on)
                if base is None or base.level != "pass":
                    raise ValueError(
                        f"criterion {criterion.id}: builds_on {criterion.builds_on!r} "
                        "is not a pass criterion of this component"
                    )
            for mode in [w.mode for w in criterion.wordings] + list(criterion.modes or []):
                if mode not in self.observation_modes:
                    raise ValueError(
                        f"criterion {criterion.id}: mode {mode!r} is not one of this "
                        "component's observation_modes"
                    )
            cited = set(criterion.performance_requirements)
            for wording in criterion.wordings:
                cited |= set(wording.performance_requirements)
            unknown = sorted(cited - refs)
            if unknown:
                raise ValueError(
                    f"criterion {criterion.id}: unknown performance requirement(s) "
                    + ", ".join(map(str, unknown))
                )
        return self

    def pass_criteria(self, modes: AbstractSet[str] | None = None) -> list[Criterion]:
        """The pass criteria that apply when `modes` were observed (None: all of them)."""
        return [c for c in self.criteria if c.level == "pass" and c.applies(modes)]

    def distinction_criteria(self) -> list[Criterion]:
        """The distinction criteria, in the standard's order."""
        return [c for c in self.criteria if c.level == "distinction"]

    def criterion(self, criterion_id: str) -> Criterion | None:
        """The criterion with this id, or None."""
        return next((c for c in self.criteria if c.id == criterion_id), None)


class Rules(BaseModel):
    """Reassessment rules: how many attempts, and on which attempts distinctions count."""

    model_config = _STRICT

    max_attempts: int = Field(ge=1)
    distinction_counts_on_attempts: list[int]

    @model_validator(mode="after")
    def _within_attempts(self) -> Rules:
        bad = [n for n in self.distinction_counts_on_attempts if not 1 <= n <= self.max_attempts]
        if bad:
            raise ValueError(
                f"distinction_counts_on_attempts names attempts outside 1-"
                f"{self.max_attempts}: {bad}"
            )
        return self


class DiscussionConduct(BaseModel):
    """How the Professional Discussion is conducted (time limit and the conduct points)."""

    model_config = _STRICT

    max_minutes: int = Field(ge=1)
    points: list[str] = Field(min_length=1)


class UlnRules(BaseModel):
    """The Unique Learner Number's shape and check-digit rule."""

    model_config = _STRICT

    length: int = Field(ge=2)
    weights: list[int]
    modulus: int = Field(ge=2)
    remainder: int = Field(ge=0)

    @model_validator(mode="after")
    def _weights_match_length(self) -> UlnRules:
        if len(self.weights) != self.length:
            raise ValueError(f"{len(self.weights)} weights for a {self.length}-digit ULN")
        if self.remainder >= self.modulus:
            raise ValueError("remainder must be smaller than modulus")
        return self


class GatewayItem(BaseModel):
    """One item of the gateway declaration (Annexe B) the assessor confirms before starting."""

    model_config = _STRICT

    key: str = Field(pattern=r"^[a-z0-9-]{1,40}$")
    label: str = Field(min_length=1)
    short: str = Field(min_length=1, description="names the item in a list of what is missing")


class Standard(BaseModel):
    """The whole standard: components in assessment order, rules, version and content hash."""

    model_config = _STRICT

    version: str = Field(min_length=1)
    title: str
    source: str
    content_hash: str
    components: list[Component]
    rules: Rules
    discussion_conduct: DiscussionConduct
    uln: UlnRules
    gateway: list[GatewayItem] = Field(min_length=1)
    conduct: Conduct  # standard.toml [conduct]: adjustments, pauses, the briefing

    def component(self, component_id: str) -> Component:
        """The component with this id; a `UserError` names the known ids otherwise."""
        for component in self.components:
            if component.id == component_id:
                return component
        known = ", ".join(c.id for c in self.components)
        raise UserError(f"unknown component {component_id!r} (known: {known})")
