"""Grading input (attempts and achieved criteria) and result models.

The input is strict: unknown keys, wrong types and missing fields are errors, so a typo such as
`"acheived"` can never silently grade an apprentice as having achieved nothing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from discussion.standard import ComponentId, Mode

Grade = Literal["fail", "incomplete", "pass", "distinction"]
Status = Literal["passed", "failed", "not attempted"]

# fail < incomplete < pass < distinction: used by tests and callers comparing outcomes.
GRADE_ORDER: tuple[Grade, ...] = ("fail", "incomplete", "pass", "distinction")


class AttemptInput(BaseModel):
    """One component attempt and the criterion ids the assessor judged achieved in it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    component: ComponentId = Field(description="showcase, observation or discussion")
    attempt: int = Field(
        ge=1,
        description="1 = first assessment, 2 = first reassessment, 3 = second reassessment",
    )
    achieved: list[str] = Field(description="ids of the criteria achieved on this attempt")
    modes: list[Mode] | None = Field(
        default=None,
        description="observation only: the interaction modes observed (omitted: both)",
    )


class GradingInput(BaseModel):
    """All recorded attempts, in any order; earlier attempts may be missing."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        title="Grading input",
        json_schema_extra={
            "description": "Attempts of the Customer Service Practitioner EPA components "
            "with the criteria achieved on each; input to `discussion grade`."
        },
    )

    attempts: list[AttemptInput]


class ComponentResult(BaseModel):
    """Where one component stands: its latest recorded attempt and what it counts."""

    model_config = ConfigDict(frozen=True)

    attempt: int | None
    status: Status
    pass_met: bool
    pass_missing: list[str]
    distinction_achieved: list[str]
    distinction_counted: int
    distinction_total: int
    threshold: int
    capped: bool
    attempts_left: int


class GradeResult(BaseModel):
    """The overall grade as it stands now, every component's standing, and the reasons."""

    model_config = ConfigDict(frozen=True)

    grade: Grade
    components: dict[str, ComponentResult]
    reasons: list[str]
