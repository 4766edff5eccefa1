"""Which look-fors an answer covered, from the cue words the bank gives each practice look-for.

    for match in match_look_fors(question, "I rang them back the next day ..."):
        match.index, match.look_for, match.covered, match.matched   # 1-based; phrases found

A cue phrase is found when its words come in a row in the answer, as whole words after both are
normalised the same way (`discussion.bank.cue_words.words`: case, apostrophes and punctuation
ignored); a cue word ending in `*` matches any ending. The matches are a rehearsal aid shown
beside the apprentice's own ticks and used to choose the examiner's probe; they never grade.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from discussion.bank.cue_words import CueWord, phrase_words, words
from discussion.bank.models import Question


@dataclass(frozen=True)
class LookForMatch:
    """One look-for of a question and what of its cues an answer contained."""

    index: int  # 1-based, as the bank's `sufficient` counts them
    look_for: str
    covered: bool
    matched: tuple[str, ...]  # the cue phrases found, in the bank's order


def find_phrase(phrase: Sequence[CueWord], said: Sequence[str]) -> bool:
    """Whether the cue words `phrase` occur in a row in the normalised words `said`."""
    if not phrase:
        return False
    first, rest = phrase[0], phrase[1:]
    for start in range(len(said) - len(phrase) + 1):
        # The first word rules out nearly every place: test the rest only where it matched.
        if first.matches(said[start]) and all(
            cue.matches(said[start + k]) for k, cue in enumerate(rest, 1)
        ):
            return True
    return False


def matched_phrases(phrases: Sequence[str], text: str) -> tuple[str, ...]:
    """The phrases of `phrases` found in `text`, in their order."""
    said = words(text)
    return tuple(p for p in phrases if find_phrase(phrase_words(p), said))


def match_look_fors(question: Question, text: str) -> list[LookForMatch]:
    """Each look-for of `question` with whether `text` covered it (a question without cues:
    nothing is ever covered, so the examiner asks its probes in order)."""
    cues = question.cues or []
    said = words(text)
    out = []
    for n, look_for in enumerate(question.look_fors, 1):
        phrases = cues[n - 1] if n - 1 < len(cues) else []
        found = tuple(p for p in phrases if find_phrase(phrase_words(p), said))
        out.append(LookForMatch(n, look_for, bool(found), found))
    return out
