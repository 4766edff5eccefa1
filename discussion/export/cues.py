"""The record's timeline as cues for media tools (WebVTT, SRT, Audacity labels, ELAN).

One list of cues, built once from a `Report`, that every media format lays out:

- a **note** (text written): `#3 [1A 2A] the note's current text`, numbered as on screen
  (`NoteView.number`), its criteria the note's current tags;
- a **mark** (an empty note, a bookmark): `mark 2`, never tagged, never evidence;
- a **question** marked as asked: `question Q-1A-01 asked [1A]`.

Times are the event offsets on the session timeline (the audio sample clock, continuous across
segments, so they match the concatenated segment files), in whole milliseconds. A cue ends at
the next later cue or `HOLD_MS` after it starts, whichever is sooner (cues starting at the same
millisecond share their end), and not past the end of the audio when it can help it; never
before it starts.

`segment=N` keeps the cues that fall in recording segment N (1-based) and makes their times
relative to that segment's start, for a tool that opens one WAV file.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

from discussion.errors import UserError
from discussion.export.report import Report, hhmmss
from discussion.record.state import Segment

CueKind = Literal["note", "mark", "question"]

HOLD_MS = 8000  # how long a cue stays up when nothing follows soon: long enough to read it


@dataclass(frozen=True)
class Cue:
    """One moment on the timeline, ready to lay out."""

    kind: CueKind
    start_ms: int
    end_ms: int
    number: int  # the note's or mark's number; for questions the order asked (1, 2, 3)
    criteria: tuple[str, ...]
    text: str  # the note's text (raw, as recorded); "" for marks; the question id

    @property
    def ident(self) -> str:
        """A stable identifier: `note-3`, `mark-2`, `question-1`."""
        return f"{self.kind}-{self.number}"

    @property
    def head(self) -> str:
        """What the cue is, without its text: `#3 [1A 2A]`, `mark 2`, `question Q-1A-01 asked`."""
        tags = f" [{' '.join(self.criteria)}]" if self.criteria else ""
        if self.kind == "note":
            return f"#{self.number}{tags or ' [no criteria]'}"
        if self.kind == "mark":
            return f"mark {self.number}"
        return f"question {self.text} asked{tags}"

    @property
    def label(self) -> str:
        """The cue's words: the head, then a note's text (raw: each format makes it safe)."""
        return f"{self.head} {self.text}" if self.kind == "note" else self.head


@dataclass(frozen=True)
class Track:
    """The cues of a record (or of one segment of it) and the audio they line up with."""

    cues: list[Cue]
    segment: Segment | None  # the segment chosen with `segment=N`, else None
    segment_number: int | None
    segments: list[Segment]


def ms(seconds: float) -> int:
    """Seconds on the timeline as whole milliseconds (never negative)."""
    return max(0, round(seconds * 1000))


def build_track(report: Report, segment: int | None = None) -> Track:
    """The record's notes, marks and questions as timed cues (see the module docstring).

    `UserError` when `segment` is given and the record has no such recording segment.
    """
    state = report.state
    segments = list(state.segments)
    raw: list[tuple[int, CueKind, int, tuple[str, ...], str]] = []
    for note in state.notes:
        if note.is_mark:
            raw.append((ms(note.offset), "mark", note.mark_number, (), ""))
        else:
            raw.append((ms(note.offset), "note", note.number, tuple(note.criteria), note.text))
    for index, question in enumerate(state.questions, start=1):
        criteria = tuple(question.criteria)
        raw.append((ms(question.offset), "question", index, criteria, question.question_id))
    raw.sort(key=lambda item: item[0])  # stable: same time keeps the order written
    chosen: Segment | None = None
    shift = 0
    limit: int | None
    if segment is not None:
        chosen = pick_segment(segments, segment)
        start = ms(chosen.start_offset)
        end_s = chosen.end_offset(report.info.samplerate)
        last = segment == len(segments)
        end = None if end_s is None or last else ms(end_s)
        raw = [r for r in raw if r[0] >= start and (end is None or r[0] < end)]
        shift = start
        limit = ms(end_s) if end_s is not None else None
    else:
        limit = ms(report.duration)
    starts = sorted({r[0] for r in raw})
    cues = []
    for start_ms, kind, number, criteria, text in raw:
        after = bisect_right(starts, start_ms)  # the next cue starting later than this one
        end_ms = start_ms + HOLD_MS
        if after < len(starts):
            end_ms = min(end_ms, starts[after])
        if limit is not None and limit > start_ms:  # not past the end of the audio
            end_ms = min(end_ms, limit)
        cues.append(Cue(kind, start_ms - shift, end_ms - shift, number, criteria, text))
    return Track(cues, chosen, segment, segments)


def pick_segment(segments: list[Segment], number: int) -> Segment:
    """Recording segment `number` (1-based), or `UserError` naming the ones there are."""
    if not segments:
        raise UserError(
            "--segment: this record has no audio (a notes-only session); leave out --segment"
        )
    if not 1 <= number <= len(segments):
        raise UserError(f"--segment {number}: {describe_segments(segments)}")
    return segments[number - 1]


def describe_segments(segments: list[Segment]) -> str:
    """`this record has 2 audio segments: 1 = audio/segment-001.wav from 00:00:00, ...`."""
    parts = [
        f"{i} = {s.file} from {hhmmss(s.start_offset)}" for i, s in enumerate(segments, start=1)
    ]
    count = len(segments)
    noun = "segment" if count == 1 else "segments"
    return f"this record has {count} audio {noun}: {', '.join(parts)}"
