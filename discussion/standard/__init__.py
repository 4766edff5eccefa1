"""The Customer Service Practitioner (Level 2) end-point assessment standard, as data.

`load_standard(path=None)` returns the validated `Standard` (bundled data by default); a broken
data file raises `discussion.errors.UserError` naming the file and the problem.
"""

from discussion.standard.loader import content_hash, load_standard
from discussion.standard.models import (
    COMPONENT_IDS,
    MODES,
    Component,
    ComponentId,
    Criterion,
    DiscussionConduct,
    DiscussionGuide,
    GatewayItem,
    GuideClose,
    Level,
    Mode,
    PerformanceRequirement,
    Rules,
    Standard,
    UlnRules,
    Wording,
)

__all__ = [
    "COMPONENT_IDS",
    "MODES",
    "Component",
    "ComponentId",
    "Criterion",
    "DiscussionConduct",
    "DiscussionGuide",
    "GatewayItem",
    "GuideClose",
    "Level",
    "Mode",
    "PerformanceRequirement",
    "Rules",
    "Standard",
    "UlnRules",
    "Wording",
    "content_hash",
    "load_standard",
]
