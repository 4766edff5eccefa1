"""What the review lists: the recording's moments in time order, and the evidence per criterion.

Built from an export `Report` (read-only, verified). Textual-free: the review screen only lays
these out. A moment on the timeline (`offset`) can be played; a decision is not on the timeline
(it was made after the discussion) and is played through the notes it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from discussion.bank import QuestionBank
from discussion.export.report import Report, hhmmss
from discussion.record.state import NoteView

Kind = Literal[
    "question",
    "note",
    "mark",
    "decision",
    "gap",
    "alarm",
    "cleared",
    "pause",
    "consent",
    "declined",
    "time",
    "segment",
    "recovered",
]


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One line of the review's list."""

    kind: Kind
    offset: float | None  # None: not a moment of the recording (a decision)
    label: str  # "#3", "mark 2", "Q", "3B"
    text: str
    criteria: tuple[str, ...] = ()
    seq: int = -1
    note_number: int = 0  # for notes: the number people see

    @property
    def playable(self) -> bool:
        """Whether Enter plays from it."""
        return self.offset is not None

    @property
    def time_text(self) -> str:
        """HH:MM:SS, or blank for a decision."""
        return "" if self.offset is None else hhmmss(self.offset)


def _note_item(note: NoteView, prefix: str = "") -> ReviewItem:
    if note.is_mark:
        return ReviewItem("mark", note.offset, note.label, "marked moment", (), note.seq)
    text = note.text + (" (amended)" if note.amended_by else "")
    return ReviewItem(
        "note", note.offset, note.label, prefix + text, tuple(note.criteria), note.seq, note.number
    )


def timeline_items(report: Report, bank: QuestionBank | None = None) -> list[ReviewItem]:
    """Every moment of the recording in time order, then the decisions."""
    state = report.state
    items: list[ReviewItem] = [_note_item(note) for note in state.notes]
    for question in state.questions:
        found = bank.get(question.question_id) if bank is not None else None
        text = f"asked {question.question_id}" + (f": {found.text}" if found else "")
        items.append(
            ReviewItem("question", question.offset, "Q", text, tuple(question.criteria),
                       question.seq)
        )  # fmt: skip
    for event in report.events:
        if event.type == "consent_recorded":
            what = "to the recording" if event.data.get("recording") else "notes only"
            items.append(ReviewItem("consent", event.offset, "consent", f"given ({what})"))
    if state.declined is not None:
        items.append(ReviewItem("declined", state.declined.offset, "consent", "DECLINED"))
    rate = report.info.samplerate
    for segment in state.segments:
        end = segment.end_offset(rate)
        length = "still recording" if end is None else hhmmss(end - segment.start_offset)
        items.append(
            ReviewItem("segment", segment.start_offset, "rec", f"{segment.file} ({length})")
        )
        for pause in segment.pauses:
            reason = f" ({pause.reason})" if pause.reason else ""
            resumed = "then resumed" if pause.resumed_at else "not resumed"
            items.append(ReviewItem("pause", pause.offset, "pause", f"paused{reason}, {resumed}"))
    for gap in state.gaps:
        items.append(
            ReviewItem("gap", gap.offset, "gap", f"{gap.duration_s:.1f} s of silence ({gap.cause})")
        )
    for alarm in report.alarms:
        message = f": {alarm.message}" if alarm.message else ""
        kind: Kind = "cleared" if alarm.cleared else "alarm"
        label = "cleared" if alarm.cleared else "ALARM"
        items.append(ReviewItem(kind, alarm.offset, label, f"{alarm.kind}{message}"))
    for minutes, offset in zip(state.time_warnings, state.time_warning_offsets, strict=False):
        items.append(ReviewItem("time", offset, "time", f"time mark shown: {minutes} minutes"))
    for offset, text in report.recovered_notes():
        items.append(ReviewItem("recovered", offset, "recovered", text.split(" ", 1)[1]))
    items.sort(key=lambda item: (item.offset or 0.0, item.seq))
    for row in report.decisions:
        if row.decision is not None:
            items.append(_decision_item(row.criterion.id, row.decision.met, row.decision.rationale))
    return items


def _decision_item(criterion: str, met: bool, rationale: str) -> ReviewItem:
    verdict = "MET" if met else "NOT MET"
    return ReviewItem(
        "decision", None, criterion, f"{verdict}: {rationale or '(no rationale given)'}",
        (criterion,)
    )  # fmt: skip


def criterion_items(
    report: Report, criterion: str, bank: QuestionBank | None = None
) -> list[ReviewItem]:
    """The evidence for one criterion: the decision and rationale, the notes it rests on, then
    other notes tagged with it and the questions asked for it (each in time order)."""
    items: list[ReviewItem] = []
    row = next((r for r in report.decisions if r.criterion.id == criterion), None)
    cited: set[int] = set()
    if row is not None and row.decision is not None:
        decision = row.decision
        items.append(_decision_item(criterion, decision.met, decision.rationale))
        for note in sorted(row.notes + row.marks, key=lambda n: n.offset):
            cited.add(note.seq)
            items.append(_note_item(note, "rests on: "))
    else:
        items.append(ReviewItem("decision", None, criterion, "not decided"))
    state = report.state
    others = [n for n in state.evidence_notes if criterion in n.criteria and n.seq not in cited]
    for note in sorted(others, key=lambda n: n.offset):
        items.append(_note_item(note, "tagged, not cited: "))
    for question in state.questions:
        if criterion in question.criteria:
            found = bank.get(question.question_id) if bank is not None else None
            text = f"asked {question.question_id}" + (f": {found.text}" if found else "")
            items.append(ReviewItem("question", question.offset, "Q", text,
                                    tuple(question.criteria), question.seq))  # fmt: skip
    return items


def criteria_with_evidence(report: Report) -> list[str]:
    """The discussion criteria that have a decision or a tagged note, in the standard's order."""
    state = report.state
    return [
        row.criterion.id
        for row in report.decisions
        if row.decision is not None or row.criterion.id in state.criteria
    ]


def parse_time(text: str) -> float:
    """`MM:SS`, `H:MM:SS` or seconds as seconds; ValueError says what to type."""
    parts = text.strip().split(":")
    example = "type a time as MM:SS (e.g. 45:00) or H:MM:SS"
    if not text.strip() or len(parts) > 3 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"{text.strip() or 'nothing'} is not a time: {example}")
    numbers = [int(p) for p in parts]
    if len(numbers) > 1 and any(n >= 60 for n in numbers[1:]):
        raise ValueError(
            f"{text.strip()}: seconds and minutes after a colon go up to 59; {example}"
        )
    seconds = 0
    for number in numbers:
        seconds = seconds * 60 + number
    return float(seconds)
