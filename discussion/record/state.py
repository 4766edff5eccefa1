"""Derived state of a session: everything shown or graded is computed from the events.

Nothing here is stored; `derive_state(info, events, owned)` is a pure function: a fold of
`apply_event` over the events, from `empty_state`. A live session keeps one state and applies
each new event to it (`apply_event`), so a screen never re-reads the whole log per note.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, field
from typing import Any, Literal

from discussion.record.events import (
    AlarmClearedData,
    AlarmData,
    AnswerGivenData,
    AudioGapData,
    ClosedData,
    ComponentResultData,
    ConsentDeclinedData,
    ConsentRecordedData,
    CriterionDecidedData,
    CriterionStatusData,
    DetailsCorrectedData,
    Event,
    MockStartedData,
    NoteAmendedData,
    NoteData,
    QuestionAskedData,
    RecordingPausedData,
    RecordingResumedData,
    RecordingStartedData,
    RecordingStoppedData,
    RecoveredData,
    SelfCheckedData,
    TimeWarningData,
)
from discussion.record.info import SessionInfo

Status = Literal["open", "interrupted", "closed"]


@dataclass
class NoteView:
    """A note as it currently reads, with its original text kept."""

    seq: int
    offset: float
    raw_offset: float
    at: str
    text: str
    criteria: list[str]
    original_text: str
    original_criteria: list[str]
    amended_by: list[int] = field(default_factory=list)
    # The number people see: notes with text are numbered 1, 2, 3 in the order they got their
    # text (a mark amended with text takes the next number); 0 while a mark. A number, once
    # given, never changes. `seq` stays the record's reference.
    number: int = 0
    # Marks have their own series (mark 1, 2, 3), given when the moment is marked.
    mark_number: int = 0

    @property
    def is_mark(self) -> bool:
        """A marked moment (no text yet): a timeline bookmark, not evidence, until amended."""
        return not self.text.strip()

    @property
    def label(self) -> str:
        """How people refer to it: `#3` for a note, `mark 2` for a marked moment."""
        return f"mark {self.mark_number}" if self.is_mark else f"#{self.number}"


@dataclass(frozen=True)
class Declined:
    """A consent_declined event: the apprentice did not agree, at `offset` on the recording."""

    seq: int
    offset: float
    at: str
    recording: bool
    statement: str


@dataclass(frozen=True)
class Correction:
    """A details_corrected event: `field` now reads `value` (it read `previous`)."""

    seq: int
    at: str
    field: str
    previous: str
    value: str
    reason: str
    applied: bool  # False: the value is refused by today's rules, so the original stands


@dataclass(frozen=True)
class Decision:
    """One criterion_decided event."""

    seq: int
    at: str
    met: bool
    rationale: str
    note_seqs: list[int]


@dataclass(frozen=True)
class StatusView:
    """The assessor's live status of a criterion (criterion_status event): none, partial or
    sufficient, set during the discussion; only the assessor sets it, never a note."""

    seq: int
    offset: float
    status: str


@dataclass
class CriterionEvidence:
    """Notes tagged with a criterion and the assessor's decision on it."""

    criterion: str
    note_seqs: list[int] = field(default_factory=list)
    decision: Decision | None = None
    superseded: list[Decision] = field(default_factory=list)

    @property
    def note_count(self) -> int:
        """How many (current) notes are tagged with the criterion."""
        return len(self.note_seqs)


@dataclass(frozen=True)
class QuestionView:
    """A question asked, and when."""

    seq: int
    offset: float
    question_id: str
    criteria: list[str]


@dataclass
class Pause:
    """A pause of capture (wall-clock times; the audio timeline does not advance)."""

    offset: float
    paused_at: str
    resumed_at: str | None = None
    reason: str = ""


@dataclass
class Segment:
    """One recording run: a segment file placed on the session timeline."""

    file: str
    start_offset: float
    device: str
    frames: int | None = None
    stop_reason: str | None = None
    pauses: list[Pause] = field(default_factory=list)

    def end_offset(self, samplerate: int) -> float | None:
        """Where the segment ends on the timeline, if its length is known."""
        return None if self.frames is None else self.start_offset + self.frames / samplerate


@dataclass(frozen=True)
class Gap:
    """Silence padded into the audio (e.g. device lost)."""

    seq: int
    offset: float
    cause: str
    duration_s: float


@dataclass(frozen=True)
class Tally:
    """The discussion attempt's decided criteria, in the grading engine's input shape."""

    component: str
    attempt: int
    achieved: list[str]
    not_met: list[str]

    def as_grading_input(self) -> dict[str, Any]:
        """`{"component": "discussion", "attempt": n, "achieved": [...]}` for discussion.grading."""
        return {"component": self.component, "attempt": self.attempt, "achieved": self.achieved}


@dataclass
class SessionState:
    """Everything derived from a session's events."""

    info: SessionInfo
    status: Status
    event_count: int
    notes: list[NoteView] = field(default_factory=list)
    criteria: dict[str, CriterionEvidence] = field(default_factory=dict)
    questions: list[QuestionView] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    active_alarms: dict[str, str] = field(default_factory=dict)
    component_results: list[ComponentResultData] = field(default_factory=list)
    consent: bool | None = None
    declined: Declined | None = None  # the apprentice did not agree (consent_declined)
    # Set-up details corrected after the start (`info` shows the corrected values).
    corrections: list[Correction] = field(default_factory=list)
    recovered_seqs: list[int] = field(default_factory=list)
    time_warnings: list[int] = field(default_factory=list)
    time_warning_offsets: list[float] = field(default_factory=list)  # same order
    # The assessor's live status per criterion (latest); a criterion not in it is "none".
    statuses: dict[str, StatusView] = field(default_factory=dict)
    last_offset: float = 0.0
    closed: ClosedData | None = None
    # A mock discussion (practice records): its start, the answers, the latest self-check each.
    mock: MockStartedData | None = None
    answers: list[AnswerGivenData] = field(default_factory=list)
    self_checks: dict[str, SelfCheckedData] = field(default_factory=dict)
    # Bookkeeping of the fold (not part of what is compared or shown).
    _notes_by_seq: dict[int, NoteView] = field(default_factory=dict, repr=False, compare=False)
    _numbered: int = field(default=0, repr=False, compare=False)  # note numbers given
    _marked: int = field(default=0, repr=False, compare=False)  # mark numbers given
    _segment: Segment | None = field(default=None, repr=False, compare=False)

    @property
    def audio_seconds(self) -> float:
        """Recorded audio on the timeline (a running segment counts up to the last event)."""
        rate = self.info.samplerate
        total = 0.0
        for segment in self.segments:
            end = segment.end_offset(rate)
            if end is None:
                end = max(segment.start_offset, self.last_offset)
            total += end - segment.start_offset
        return total

    @property
    def timeline_end(self) -> float:
        """The furthest point on the session timeline known from the events."""
        end = self.last_offset
        for segment in self.segments:
            seg_end = segment.end_offset(self.info.samplerate)
            if seg_end is not None:
                end = max(end, seg_end)
        return end

    def status_of(self, criterion: str) -> str:
        """The assessor's live status of `criterion`: "none", "partial" or "sufficient"."""
        view = self.statuses.get(criterion)
        return view.status if view is not None else "none"

    @property
    def evidence_notes(self) -> list[NoteView]:
        """The notes with text, in the order written (marks left out)."""
        return [note for note in self.notes if not note.is_mark]

    @property
    def marks(self) -> list[NoteView]:
        """The marked moments (notes with no text), in the order marked."""
        return [note for note in self.notes if note.is_mark]

    @property
    def not_held(self) -> str | None:
        """Why the discussion did not go ahead, or None when it did (or is not closed yet).

        The apprentice declined consent (a `consent_declined` event or, in records made before
        that event existed, a `closed` event with reason "consent declined"), no consent was
        recorded, and the session was closed with nothing of a discussion in it (no note, mark,
        question asked or decision). Such a session is not an attempt.
        """
        if self.closed is None or self.consent is not None:
            return None
        if self.declined is None and self.closed.reason.strip() != "consent declined":
            return None
        if self.notes or self.questions or any(e.decision for e in self.criteria.values()):
            return None
        recording = self.info.audio is not False
        if self.declined is not None:
            recording = self.declined.recording
        what = "the discussion being recorded" if recording else "notes being taken"
        return f"The apprentice did not agree to {what} (consent declined)."

    def note(self, seq: int) -> NoteView | None:
        """The note written at `seq`, amendments applied."""
        return next((n for n in self.notes if n.seq == seq), None)

    def tally(self) -> Tally:
        """Decided criteria (latest decision per criterion) as grading input."""
        met = sorted(c for c, e in self.criteria.items() if e.decision and e.decision.met)
        not_met = sorted(c for c, e in self.criteria.items() if e.decision and not e.decision.met)
        return Tally("discussion", self.info.attempt, met, not_met)


def empty_state(info: SessionInfo, owned: bool) -> SessionState:
    """The state before any event. `owned`: a running process holds the session's lock."""
    return SessionState(info=info, status="open" if owned else "interrupted", event_count=0)


def derive_state(info: SessionInfo, events: list[Event], owned: bool) -> SessionState:
    """Fold the events into a SessionState. `owned`: a running process holds the lock."""
    state = empty_state(info, owned)
    for event in events:
        apply_event(state, event)
    return state


def apply_event(state: SessionState, event: Event) -> None:
    """Fold one more event (the next in the log) into `state`, in place."""
    data = event.payload
    state.event_count += 1

    def evidence(criterion: str) -> CriterionEvidence:
        return state.criteria.setdefault(criterion, CriterionEvidence(criterion))

    if not isinstance(data, NoteData):
        state.last_offset = max(state.last_offset, event.offset)
    if isinstance(data, NoteData):
        view = NoteView(
            event.seq,
            event.offset,
            data.raw_offset,
            event.at,
            data.text,
            list(data.criteria),
            data.text,
            list(data.criteria),
        )
        _number(state, view)
        state._notes_by_seq[event.seq] = view
        state.notes.append(view)
        state.last_offset = max(state.last_offset, data.raw_offset)
        for criterion in [] if view.is_mark else view.criteria:
            insort(evidence(criterion).note_seqs, view.seq)
    elif isinstance(data, NoteAmendedData):
        target = state._notes_by_seq.get(data.amends)
        if target is not None:
            for criterion in [] if target.is_mark else target.criteria:  # tags move
                item = evidence(criterion)
                item.note_seqs.remove(target.seq)
                if not item.note_seqs and item.decision is None:
                    del state.criteria[criterion]  # as if never tagged (derive_state agrees)
            target.text, target.criteria = data.text, list(data.criteria)
            target.amended_by.append(event.seq)
            _number(state, target)  # a mark given text becomes note #n
            for criterion in [] if target.is_mark else target.criteria:
                insort(evidence(criterion).note_seqs, target.seq)
    elif isinstance(data, CriterionDecidedData):
        item = evidence(data.criterion)
        if item.decision is not None:
            item.superseded.append(item.decision)
        item.decision = Decision(
            event.seq, event.at, data.met, data.rationale, list(data.note_seqs)
        )
    elif isinstance(data, CriterionStatusData):
        state.statuses[data.criterion] = StatusView(event.seq, event.offset, data.status)
    elif isinstance(data, QuestionAskedData):
        state.questions.append(
            QuestionView(event.seq, event.offset, data.question_id, list(data.criteria))
        )
    elif isinstance(data, RecordingStartedData):
        state._segment = Segment(data.segment, data.start_offset, data.device)
        state.segments.append(state._segment)
    elif isinstance(data, RecordingPausedData) and state._segment is not None:
        state._segment.pauses.append(Pause(event.offset, event.at, reason=data.reason))
    elif isinstance(data, RecordingResumedData) and state._segment is not None:
        pauses = state._segment.pauses
        if pauses and pauses[-1].resumed_at is None:
            pauses[-1].resumed_at = event.at
    elif isinstance(data, RecordingStoppedData):
        for segment in state.segments:
            if segment.file == data.segment:
                segment.frames, segment.stop_reason = data.frames, data.reason
        state._segment = None
    elif isinstance(data, RecoveredData):
        state.recovered_seqs.append(event.seq)
        for segment in state.segments:
            if segment.frames is None and segment.file in data.segment_frames:
                segment.frames = data.segment_frames[segment.file]
                segment.stop_reason = "interrupted"
        state._segment = None
    elif isinstance(data, AudioGapData):
        state.gaps.append(Gap(event.seq, event.offset, data.cause, data.duration_s))
    elif isinstance(data, AlarmData):
        state.active_alarms[data.kind] = data.message
    elif isinstance(data, AlarmClearedData):
        state.active_alarms.pop(data.kind, None)
    elif isinstance(data, ComponentResultData):
        state.component_results.append(data)
    elif isinstance(data, ConsentRecordedData):
        state.consent = data.recording
    elif isinstance(data, ConsentDeclinedData):
        state.declined = Declined(event.seq, event.offset, event.at, data.recording, data.statement)
    elif isinstance(data, ClosedData):
        state.closed = data
        state.status = "closed"
    elif isinstance(data, MockStartedData):
        state.mock = data
    elif isinstance(data, AnswerGivenData):
        state.answers.append(data)
    elif isinstance(data, SelfCheckedData):
        state.self_checks[data.question_id] = data
    elif isinstance(data, TimeWarningData):
        state.time_warnings.append(data.minutes)
        state.time_warning_offsets.append(event.offset)
    elif isinstance(data, DetailsCorrectedData):
        try:
            state.info, applied = state.info.corrected(data.field, data.value), True
        except ValueError:  # checked when logged; a later rule change must not break the fold
            applied = False
        state.corrections.append(
            Correction(
                event.seq, event.at, data.field, data.previous, data.value, data.reason, applied
            )
        )


def _number(state: SessionState, note: NoteView) -> None:
    """Give a note its number, or a mark its mark number, the first time it is one."""
    if note.is_mark and not note.mark_number:
        state._marked += 1
        note.mark_number = state._marked
    elif not note.is_mark and not note.number:
        state._numbered += 1
        note.number = state._numbered
