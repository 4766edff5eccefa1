"""Cue words: how a look-for's cue phrases are written, checked and turned into words to match.

A practice question's `cues` hold, per look-for, the words or phrases an apprentice would say
when they cover it. A phrase is lowercase, one to `MAX_WORDS` words of letters, digits,
apostrophes and hyphens; a word may end in `*` to match any ending ("apologi*"). Text and
phrases are normalised the same way (`words`), so matching ignores case, curly apostrophes,
hyphens and other punctuation: "Customer's follow-up" and "customers follow up" are the same
words. The matching itself is `discussion.mock.cues`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

MAX_WORDS = 4
MIN_STEM = 3  # "a*" would match nearly every answer
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_WORD_RE = re.compile(r"[^\W_]+")
_PHRASE_WORD_RE = re.compile(r"^[a-z0-9]+(?:['-][a-z0-9]+)*\*?$")


def words(text: str) -> list[str]:
    """`text` as normalised words: case folded, accents kept, apostrophes dropped inside words
    ("customer's" -> "customers", "don't" -> "dont"), every other mark a word break."""
    folded = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    return _WORD_RE.findall(folded.replace("'", ""))


@dataclass(frozen=True)
class CueWord:
    """One word of a cue phrase: the normalised word, and whether it is a stem (`*`)."""

    word: str
    stem: bool = False

    def matches(self, word: str) -> bool:
        """Whether a normalised word of the answer is this word (or starts with the stem)."""
        return word.startswith(self.word) if self.stem else word == self.word


# A bank's phrases are few and matched against every growing answer: split each once.
@functools.lru_cache(maxsize=8192)
def phrase_words(phrase: str) -> tuple[CueWord, ...]:
    """A cue phrase as the words to find in a row ("follow-up*" -> follow, up*)."""
    out: list[CueWord] = []
    for raw in phrase.split():
        stem = raw.endswith("*")
        parts = words(raw.rstrip("*"))
        out += [CueWord(part) for part in parts[:-1]]
        if parts:
            out.append(CueWord(parts[-1], stem))
    return tuple(out)


def phrase_problem(phrase: str) -> str | None:
    """What is wrong with a cue phrase as written in the bank, with the fix; None when fine."""
    text = phrase.strip()
    if not text:
        return "is empty; write a word or phrase, or remove it"
    shown = f"'{text[:60]}'"
    if text != text.lower():
        return f"{shown} has capital letters; write it in lowercase (matching ignores case)"
    count = len(text.split())
    if count > MAX_WORDS:
        return (
            f"{shown} has {count} words; use at most {MAX_WORDS} (a short phrase matches more "
            "of the ways an apprentice might say it)"
        )
    for raw in text.split():
        if not _PHRASE_WORD_RE.match(raw):
            return (
                f"{shown}: '{raw[:30]}' may hold only letters, digits, apostrophes and hyphens, "
                "with an optional * at its end; remove the other characters"
            )
        if raw.endswith("*") and len(raw) - 1 < MIN_STEM:
            return (
                f"{shown}: the stem '{raw}' is shorter than {MIN_STEM} letters and would match "
                "almost anything; lengthen it"
            )
    return None
