"""The review's colour per criterion, and the legend line that names them.

A criterion's colour comes from the data: its place in the standard's list of discussion
criteria picks a hue, spread round the colour wheel so that criteria next to each other in
the list (1A, 2A, 2B…) are far apart in hue, so the same standard always gives a criterion the
same colour. Pass criteria are shown bold, distinction criteria bold italic underlined (and
grouped apart in the legend), so the two levels differ without relying on colour alone.
"""

from __future__ import annotations

import colorsys
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from math import gcd

from rich.text import Text

from discussion.standard.models import Criterion
from discussion.verification.events import JudgementData

# Saturation and lightness (HLS) of a criterion's colour, readable on the dark and the light theme.
_LIGHTNESS = 0.62
_SATURATION = 0.75
UNKNOWN_STYLE = "bold #a0a0a0"  # a criterion the standard does not list (an old record)


def _hex(hue: float) -> str:
    red, green, blue = colorsys.hls_to_rgb(hue % 1.0, _LIGHTNESS, _SATURATION)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def _stride(count: int) -> int:
    """A step round the wheel coprime with `count`, near half of it (neighbours far apart)."""
    for step in range(count // 2, 0, -1):
        if gcd(step, count) == 1:
            return step
    return 1


@dataclass(frozen=True)
class CriterionPalette:
    """Colours of the criteria of one standard component (`colours` by id, `levels` by id)."""

    colours: Mapping[str, str] = field(default_factory=dict)
    levels: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, criteria: Sequence[Criterion]) -> CriterionPalette:
        """The palette of these criteria, in the standard's order."""
        count = max(1, len(criteria))
        step = _stride(count)
        colours = {c.id: _hex(((i * step) % count) / count) for i, c in enumerate(criteria)}
        return cls(colours, {c.id: c.level for c in criteria})

    def colour(self, criterion: str) -> str:
        """The criterion's colour (`#rrggbb`); one not in the standard gets a hue from its id."""
        known = self.colours.get(criterion)
        return known or _hex(zlib.crc32(criterion.encode("utf-8")) / 2**32)

    def is_distinction(self, criterion: str) -> bool:
        """Whether the criterion is at distinction level."""
        return self.levels.get(criterion) == "distinction"

    def tag_style(self, criterion: str) -> str:
        """The style of a criterion's id in a row: bold; distinction also italic underlined."""
        if criterion not in self.colours:
            return UNKNOWN_STYLE
        extra = " italic underline" if self.is_distinction(criterion) else ""
        return f"bold{extra} {self.colour(criterion)}"

    def text_style(self, criterion: str) -> str:
        """The style of a note's text tagged with the criterion (its colour, not bold)."""
        return self.colour(criterion) if criterion in self.colours else ""

    def legend(self, judgements: Mapping[str, JudgementData] | None = None) -> Text:
        """`Pass 1A 3A … · Distinction 2A …` in their styles; a judged criterion is followed by
        ✓ (the verifier agrees) or ✗ (disagrees)."""
        judged = judgements or {}
        text = Text()
        for title, distinction in (("Pass", False), ("Distinction", True)):
            ids = [c for c in self.colours if self.is_distinction(c) == distinction]
            if not ids:
                continue
            if text:
                text.append(" · ")
            text.append(f"{title} ", "dim")
            for index, criterion in enumerate(ids):
                if index:
                    text.append(" ")
                text.append(criterion, self.tag_style(criterion))
                judgement = judged.get(criterion)
                if judgement is not None:
                    mark, style = ("✓", "bold green") if judgement.agree else ("✗", "bold red")
                    text.append(mark, style)
        return text
