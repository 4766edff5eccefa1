"""The next-question guide: it plans the hour from the assessor's criterion statuses.

`advise(standard, bank, status=..., asked=..., minutes_elapsed=...)` says what to ask next and
why, with warnings, the close prompt when due and the projected rest of the hour;
`fresh_plan(standard, bank, attempt=..., total_minutes=...)` is the plan for a discussion not yet
started (`discussion plan`). The rules are in `discussion.guide.choose`.
"""

from discussion.guide.choose import Choice, Situation, choose
from discussion.guide.planner import advise, fresh_plan, guide_data, measure_pace
from discussion.guide.types import (
    ITEM_KINDS,
    STATUSES,
    Advice,
    Asked,
    ClosePrompt,
    ItemKind,
    PlanItem,
    Status,
)

__all__ = [
    "ITEM_KINDS",
    "STATUSES",
    "Advice",
    "Asked",
    "Choice",
    "ClosePrompt",
    "ItemKind",
    "PlanItem",
    "Situation",
    "Status",
    "advise",
    "choose",
    "fresh_plan",
    "guide_data",
    "measure_pace",
]
