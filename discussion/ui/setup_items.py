"""What the set-up screen asks the assessor to confirm, from the standard's data."""

from __future__ import annotations

from dataclasses import dataclass

from discussion.record import SessionInfo
from discussion.standard import Standard
from discussion.ui.widgets.checklist import CheckItem


@dataclass(frozen=True)
class SetupResult:
    """What the set-up screen produced: the session to create, the microphone to use, and what
    the assessor confirmed before starting."""

    info: SessionInfo
    device: str | int | None
    # What was confirmed (all items must be ticked to start), for the record.
    gateway: tuple[str, ...] = ()
    conduct: tuple[str, ...] = ()
    audio_check: str = ""
    # Who agreed the mode for the employer, and the reasonable adjustments in place.
    mode_agreed_by: str = ""
    adjustments: tuple[str, ...] = ()


def gateway_items(standard: Standard) -> list[CheckItem]:
    """The gateway declaration's items (Annexe B), from the standard's data (rules.toml)."""
    return [CheckItem(g.key, g.label, f"gateway: {g.short}") for g in standard.gateway]


# Conduct points to confirm, found in standard.discussion_conduct by a phrase; the fallback
# wording is used only if the standard's data no longer contains the phrase.
CONDUCT_POINTS = [
    (
        "quiet-place",
        "quiet place",
        "A quiet place away from the everyday workplace, with no interruptions or distractions.",
        "conduct: quiet place, no interruptions",
    ),
    (
        "confidentiality",
        "confidentiality",
        "The apprentice keeps confidentiality and data protection in mind in work examples.",
        "conduct: confidentiality in examples",
    ),
    (
        "questions",
        "must not share",
        "The apprentice knows the questions must not be shared with others.",
        "conduct: questions not shared",
    ),
]


def conduct_items(standard: Standard) -> list[CheckItem]:
    """The conduct points to confirm, in the specification's wording where it has them."""
    points = standard.discussion_conduct.points
    items = []
    for key, phrase, fallback, short in CONDUCT_POINTS:
        wording = next((p for p in points if phrase in p.lower()), fallback)
        items.append(CheckItem(key, wording, short))
    return items


def attempt_label(attempt: int) -> str:
    """1 → '1 (first)', 2 → '2 (1st resit)', 3 → '3 (2nd resit)'."""
    if attempt == 1:
        return "1 (first)"
    ordinals = {1: "1st", 2: "2nd", 3: "3rd"}
    return f"{attempt} ({ordinals.get(attempt - 1, f'{attempt - 1}th')} resit)"
