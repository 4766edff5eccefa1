"""A transcript as lines to read beside the review: one line per segment, each word's place in
the line's text (to highlight it), the line under a time, and a case-insensitive search.

Times are on the session timeline (the clock of the review list's offsets). No Textual here:
the review's transcript pane (discussion/ui/widgets/review_transcript.py) draws these.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from discussion.text_safety import visible
from discussion.transcript.model import Transcript, Word

# A word the engine was less sure of than this (its probability, 0..1) is shown dimmed. A
# constant, not a setting: faster-whisper's probabilities put misheard words mostly below 0.5.
LOW_CONFIDENCE = 0.5


@dataclass(frozen=True)
class WordSpan:
    """One word of a line: where its text sits in `Line.text`, its times, its confidence."""

    start_char: int
    end_char: int
    start: float
    end: float
    probability: float

    @property
    def low(self) -> bool:
        """Below `LOW_CONFIDENCE`: shown dimmed."""
        return self.probability < LOW_CONFIDENCE


@dataclass(frozen=True)
class Line:
    """One segment: its times, its text (control characters made visible), its words."""

    start: float
    end: float
    text: str
    words: list[WordSpan] = field(default_factory=list)

    def word_at(self, seconds: float) -> int | None:
        """The index of the word being said at `seconds` (the latest started), None before."""
        starts = [word.start for word in self.words]
        index = bisect_right(starts, seconds) - 1
        return index if index >= 0 else None


@dataclass(frozen=True)
class Hit:
    """One search match: the line and the characters of its text matched."""

    line: int
    start_char: int
    end_char: int


def _clean(word: str) -> str:
    return visible(word.strip(), allow_newlines=False)


def space_before(words: list[Word]) -> list[bool]:
    """Whether each word is shown after a space.

    Whisper's words carry their own leading space, and a piece of a word has none ("end",
    "-point"): that convention is followed when the words use it; words with no leading space
    at all (another engine) are all spaced.
    """
    if not any(word.word[:1].isspace() for word in words):
        return [index > 0 for index in range(len(words))]
    return [index > 0 and word.word[:1].isspace() for index, word in enumerate(words)]


def make_line(start: float, end: float, text: str, words: list[Word]) -> Line:
    """A line from a segment's words (or its text alone when it has none)."""
    if not words:
        return Line(start, end, visible(" ".join(text.split()), allow_newlines=False))
    parts: list[str] = []
    spans: list[WordSpan] = []
    at = 0
    for word, spaced in zip(words, space_before(words), strict=True):
        shown = _clean(word.word)
        if not shown:
            continue
        if parts and spaced:
            parts.append(" ")
            at += 1
        spans.append(WordSpan(at, at + len(shown), word.start, word.end, word.probability))
        parts.append(shown)
        at += len(shown)
    return Line(start, end, "".join(parts), spans)


def transcript_lines(transcript: Transcript) -> list[Line]:
    """One line per segment, in timeline order."""
    segments = sorted(transcript.segments, key=lambda segment: segment.start)
    return [make_line(s.start, s.end, s.text, list(s.words)) for s in segments]


def line_at(lines: list[Line], seconds: float) -> int | None:
    """The line being said at `seconds`: the latest that started at or before it (None before
    the first). `lines` in time order."""
    index = bisect_right([line.start for line in lines], seconds) - 1
    return index if index >= 0 else None


def nearest_line(lines: list[Line], seconds: float) -> int | None:
    """The line to show for a moment at `seconds`: the one being said then, else (in a
    silence before it) the next one; None when there are no lines."""
    if not lines:
        return None
    index = line_at(lines, seconds)
    return 0 if index is None else index


def search(lines: list[Line], query: str) -> list[Hit]:
    """Every place `query` occurs in the lines' text, case-insensitive, in order (empty or
    blank query: none)."""
    needle = query.strip().lower()
    if not needle:
        return []
    hits: list[Hit] = []
    for number, line in enumerate(lines):
        hay = line.text.lower()  # same length as the text for nearly all scripts
        at = hay.find(needle)
        while at >= 0:
            hits.append(Hit(number, at, at + len(needle)))
            at = hay.find(needle, at + len(needle))
    return hits


def hit_count_text(index: int | None, hits: list[Hit]) -> str:
    """`3 of 12` (index 0-based), `12 matches`, or `no matches`."""
    if not hits:
        return "no matches"
    if index is None:
        return f"{len(hits)} matches"
    return f"{index + 1} of {len(hits)}"


def time_ref(seconds: float) -> str:
    """A time as the judge form's "rests on" field takes it: `1:06` (whole seconds)."""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
