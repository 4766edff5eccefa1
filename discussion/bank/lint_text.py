"""Reading question wording for `bank lint`: sentences, closed and double asks, word counts.

Plain functions over strings; the word lists they use come from `question_bank/lint.toml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_WORD = re.compile(r"[\w'’-]+")
# Words that may open a clause before its verb: "..., and did it work?" is still closed.
_CONJUNCTIONS = ("and", "or", "but", "so", "then")
# Words that start a subject: "what *you* could offer" is a statement, not a second question.
_SUBJECTS = frozenset(
    re.findall(r"\w+", "i you we they he she it the a an your their our his her its this that")
)


def sentences(text: str) -> list[str]:
    """The text split after each full stop, question mark or exclamation mark."""
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


def words(text: str) -> list[str]:
    """The words of `text` as written (hyphenated and apostrophe words count as one)."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    """How many words the assessor says."""
    return len(words(text))


def closed_ask(text: str, starters: Iterable[str]) -> str | None:
    """The first question in `text` that can be answered yes or no, or None.

    A question (a sentence ending in "?") is closed when it, or a clause of it after a comma
    or colon ("Looking back, would you ...?"), opens with one of `starters` (Do, Is, Can ...).
    """
    opening = {s.casefold() for s in starters}
    for sentence in sentences(text):
        if not sentence.endswith("?"):
            continue
        for clause in re.split(r"[,:;]\s*", sentence):
            head = [w.casefold() for w in words(clause)[:2]]
            if head and head[0] in _CONJUNCTIONS:
                head = head[1:]
            if len(head) >= 1 and head[0] in opening:
                return sentence
    return None


def double_ask(text: str, joiners: Iterable[str], auxiliaries: Iterable[str]) -> str | None:
    """Why `text` asks more than one thing ("it asks 2 questions", "'and how' joins ..."), or None.

    A joiner counts after a comma ("What happened, and what did you do?") or when question
    word order follows ("what did they need and what did you do?"), but not inside one ask
    ("what a customer wanted and what you could offer").
    """
    marks = text.count("?")
    if marks > 1:
        return f"it asks {marks} questions"
    verbs = {a.casefold() for a in auxiliaries}
    for joiner in joiners:
        pattern = r"\b" + r"\s+".join(re.escape(w) for w in joiner.split()) + r"\b"
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            after_comma = text[: match.start()].rstrip().endswith(",")
            if after_comma or _question_order(words(text[match.end() :])[:2], verbs):
                return f"'{joiner}' joins a second ask to the first"
    return None


def _question_order(following: list[str], verbs: set[str]) -> bool:
    """Whether the words after "and what" are a question ("did you", "difference has").

    "and what you could offer" is a noun clause: a subject before the verb.
    """
    lowered = [w.casefold() for w in following]
    if lowered and lowered[0] in verbs:
        return True
    return len(lowered) == 2 and lowered[1] in verbs and lowered[0] not in _SUBJECTS


def listed_answers(text: str, min_items: int) -> str | None:
    """A question in `text` that lists possible answers after a colon, or None.

    "What did you change: your language, pace, tone or channel?" hands the apprentice the
    answer; at least `min_items` items, counted by commas and a final "or"/"and".
    """
    for sentence in sentences(text):
        if not sentence.endswith("?") or ":" not in sentence:
            continue
        tail = sentence.split(":", 1)[1]
        items = [part for part in re.split(r",|\bor\b|\band\b", tail) if part.strip(" ?")]
        if len(items) >= min_items:
            return sentence
    return None


def term_pattern(term: str) -> re.Pattern[str]:
    """A case-insensitive pattern for a configured term.

    The term matches whole words ("good" not in "goods"); a trailing "*" matches any ending
    ("result*" finds "result", "results", "resulted").
    """
    prefix = term.endswith("*")
    body = term.rstrip("*").strip()
    parts = [re.escape(w) for w in body.split()]
    pattern = r"\b" + r"[\s-]+".join(parts) + (r"\w*" if prefix else r"\b")
    return re.compile(pattern, flags=re.IGNORECASE)


def find_terms(text: str, terms: Iterable[str]) -> list[str]:
    """The configured terms that occur in `text`, in the order configured."""
    plain = text.replace("’", "'")  # "don’t" as typed on a phone or in a word processor
    return [term for term in terms if term_pattern(term).search(plain)]


def starts_with_any(text: str, starts: Iterable[str]) -> str | None:
    """The configured opening that `text` starts with (case and spacing ignored), or None."""
    lowered = " ".join(words(text)).casefold()
    for start in starts:
        wanted = " ".join(words(start)).casefold()
        if lowered == wanted or lowered.startswith(wanted + " "):
            return start
    return None


def strip_criterion_tag(look_for: str, criteria: Iterable[str]) -> str:
    """A look-for without its "1A: " prefix naming a secondary criterion."""
    head, sep, rest = look_for.partition(":")
    if sep and head.strip().upper() in set(criteria):
        return rest.strip()
    return look_for


def excerpt(text: str, limit: int = 60) -> str:
    """`text` cut at a word boundary to about `limit` characters, for a message."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut + "…"
