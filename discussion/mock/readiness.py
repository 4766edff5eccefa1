"""The readiness report: how an apprentice's mock discussions went, per criterion and over time.

    records = load_mock_records([folder_or_sessions_dir, ...])   # mock practice records only
    report = readiness(records, bank)
    report.criteria      # per criterion: questions practised, look-fors covered (self-ticked,
                         # matched), seconds per answer, words per minute (spoken answers
                         # only: a typed one has no speaking time), questions to try
    report.work_on       # the criteria to work on next, weakest first
    report.mocks         # one summary per mock, oldest first (the chart's series)
    report.series()      # [(label, matched %, self-ticked %)] for a terminal or SVG chart

Rendering is `discussion.mock.readiness_render` (`render_markdown`, `render_html`).

Only practice questions appear: an answer whose question is not in the bank's practice set is
left out, and the questions to try come from `bank.in_set("practice")`. Nothing here is a grade:
the cue matches are a rehearsal aid, the ticks are the apprentice's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from discussion.bank.cue_words import words
from discussion.bank.models import Question, QuestionBank
from discussion.errors import UserError
from discussion.record.errors import RecordError
from discussion.record.events import AnswerGivenData
from discussion.record.info import SESSION_JSON
from discussion.record.session import load_state
from discussion.record.state import SessionState
from discussion.standard import Standard, load_standard

# A criterion is to work on when under this share of its look-fors were covered (the mean of
# the matched and the self-ticked shares), or when no question for it was practised.
WORK_ON_BELOW = 0.67
TRY_PER_CRITERION = 2
MOST_WORK_ON = 3


@dataclass(frozen=True)
class MockRecord:
    """One mock practice record as read from its folder."""

    folder: Path
    state: SessionState

    @property
    def label(self) -> str:
        """When it was, for tables and charts: `2026-12-02 07:56`."""
        return self.state.info.created_at.strftime("%Y-%m-%d %H:%M")


@dataclass
class QuestionDone:
    """One practice question as answered in one mock."""

    question: Question
    answers: list[AnswerGivenData]
    ticked: set[int]
    matched: set[int]

    @property
    def seconds(self) -> float:
        """Time spent answering (question and probes)."""
        return sum(a.end - a.start for a in self.answers)

    @property
    def spoken(self) -> list[AnswerGivenData]:
        """The answers said aloud: a typed one has no speaking time (no words per minute)."""
        return [a for a in self.answers if a.ended_by != "typed"]

    @property
    def spoken_seconds(self) -> float:
        """Time spent speaking (typed answers left out): first word to last where the record
        has it, else the answer's span (which also holds the wait and the ending silence)."""
        return sum(a.end - a.start if a.speaking_s is None else a.speaking_s for a in self.spoken)

    @property
    def spoken_words(self) -> int:
        """Words said aloud (typed answers left out)."""
        return sum(len(words(a.text)) for a in self.spoken)

    @property
    def words(self) -> int:
        """Words said (or typed)."""
        return sum(len(words(a.text)) for a in self.answers)


@dataclass
class CriterionReadiness:
    """One criterion over every mock in the report."""

    criterion_id: str
    text: str
    level: str
    questions: list[str] = field(default_factory=list)  # practice question ids practised
    look_fors: int = 0  # look-fors of the questions answered (each time they were answered)
    matched: int = 0
    ticked: int = 0
    answers: int = 0
    seconds: float = 0.0
    words: int = 0
    spoken_seconds: float = 0.0
    spoken_words: int = 0
    try_next: list[tuple[str, str]] = field(default_factory=list)  # (id, text) to practise

    @property
    def practised(self) -> bool:
        """Whether any question for it was answered."""
        return bool(self.questions)

    @property
    def coverage(self) -> float:
        """Mean of the matched and self-ticked shares of its look-fors (0 when unpractised)."""
        if not self.look_fors:
            return 0.0
        return (self.matched + self.ticked) / (2 * self.look_fors)

    @property
    def seconds_per_answer(self) -> float | None:
        """Mean length of an answer."""
        return self.seconds / self.answers if self.answers else None

    @property
    def words_per_minute(self) -> float | None:
        """Speaking rate over its spoken answers (None when all were typed)."""
        if self.spoken_seconds <= 0:
            return None
        return self.spoken_words / (self.spoken_seconds / 60)


@dataclass
class MockSummary:
    """One mock: when, how long, and how much of what was asked its answers covered."""

    label: str
    folder: str
    length_min: int
    focus: str
    questions: int
    look_fors: int
    matched: int
    ticked: int
    seconds: float
    words: int
    spoken_seconds: float = 0.0
    spoken_words: int = 0

    @property
    def matched_pct(self) -> float:
        """Look-fors matched by cue words, in per cent."""
        return 100 * self.matched / self.look_fors if self.look_fors else 0.0

    @property
    def ticked_pct(self) -> float:
        """Look-fors the apprentice ticked, in per cent."""
        return 100 * self.ticked / self.look_fors if self.look_fors else 0.0

    @property
    def words_per_minute(self) -> float | None:
        """Speaking rate over the mock's spoken answers (None when all were typed)."""
        if self.spoken_seconds <= 0:
            return None
        return self.spoken_words / (self.spoken_seconds / 60)


@dataclass
class ReadinessReport:
    """The report over one or more mocks."""

    criteria: list[CriterionReadiness]
    mocks: list[MockSummary]
    work_on: list[str]
    skipped: list[str] = field(default_factory=list)  # folders left out, with the reason

    def criterion(self, cid: str) -> CriterionReadiness:
        """The row of criterion `cid` (KeyError if it is not a discussion criterion)."""
        for row in self.criteria:
            if row.criterion_id == cid:
                return row
        raise KeyError(cid)

    def series(self) -> list[tuple[str, float, float]]:
        """Per mock, oldest first: (label, matched %, self-ticked %)."""
        return [(m.label, m.matched_pct, m.ticked_pct) for m in self.mocks]


def _session_folders(path: Path) -> list[Path]:
    if (path / SESSION_JSON).is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.iterdir() if (p / SESSION_JSON).is_file())
    raise UserError(f"{path}: no such folder; give a mock's session folder or the sessions folder")


def load_mock_records(paths: Iterable[Path]) -> tuple[list[MockRecord], list[str]]:
    """The mock practice records under `paths` (a session folder, or a folder of them), oldest
    first, and the folders left out with why (not a mock, unreadable)."""
    records: list[MockRecord] = []
    skipped: list[str] = []
    for path in paths:
        for folder in _session_folders(Path(path)):
            try:
                state = load_state(folder)
            except RecordError as error:
                skipped.append(f"{folder.name}: {error}")
                continue
            if state.info.kind != "practice" or state.mock is None:
                skipped.append(f"{folder.name}: not a mock discussion")
                continue
            records.append(MockRecord(folder, state))
    records.sort(key=lambda r: r.state.info.created_at)
    return records, skipped


def questions_done(record: MockRecord, bank: QuestionBank) -> list[QuestionDone]:
    """The practice questions answered in `record`, in the order first answered."""
    from discussion.mock.cues import match_look_fors

    by_id: dict[str, list[AnswerGivenData]] = {}
    for answer in record.state.answers:
        by_id.setdefault(answer.question_id, []).append(answer)
    out = []
    for qid, answers in by_id.items():
        question = bank.get(qid)
        if question is None or question.set != "practice":
            continue  # never report on anything but the practice set
        said = " ".join(a.text for a in answers)
        matched = {m.index for m in match_look_fors(question, said) if m.covered}
        check = record.state.self_checks.get(qid)
        ticked = set(check.ticked) if check is not None else set()
        out.append(
            QuestionDone(
                question, answers, ticked & set(range(1, len(question.look_fors) + 1)), matched
            )
        )
    return out


def readiness(
    records: Sequence[MockRecord],
    bank: QuestionBank,
    standard: Standard | None = None,
    skipped: Sequence[str] = (),
) -> ReadinessReport:
    """The readiness report over `records` (oldest first)."""
    std = standard or load_standard()
    rows = {
        c.id: CriterionReadiness(c.id, c.text, c.level)
        for c in std.component("discussion").criteria
    }
    mocks = []
    for record in records:
        done = questions_done(record, bank)
        mock = record.state.mock
        for item in done:
            row = rows.get(item.question.primary)
            if row is None:
                continue
            if item.question.id not in row.questions:
                row.questions.append(item.question.id)
            row.look_fors += len(item.question.look_fors)
            row.matched += len(item.matched)
            row.ticked += len(item.ticked)
            row.answers += len(item.answers)
            row.seconds += item.seconds
            row.words += item.words
            row.spoken_seconds += item.spoken_seconds
            row.spoken_words += item.spoken_words
        mocks.append(
            MockSummary(
                label=record.label,
                folder=record.folder.name,
                length_min=mock.length_min if mock else 0,
                focus=", ".join(mock.focus) if mock else "",
                questions=len(done),
                look_fors=sum(len(d.question.look_fors) for d in done),
                matched=sum(len(d.matched) for d in done),
                ticked=sum(len(d.ticked) for d in done),
                seconds=sum(d.seconds for d in done),
                words=sum(d.words for d in done),
                spoken_seconds=sum(d.spoken_seconds for d in done),
                spoken_words=sum(d.spoken_words for d in done),
            )
        )
    weak = sorted(
        (r for r in rows.values() if r.coverage < WORK_ON_BELOW),
        key=lambda r: (r.practised, r.coverage, list(rows).index(r.criterion_id)),
    )
    work_on = [r.criterion_id for r in weak[:MOST_WORK_ON]]
    for cid in work_on:
        row = rows[cid]
        candidates = [
            q for q in bank.in_set("practice") if q.primary == cid and q.kind != "warm-up"
        ]
        fresh = [q for q in candidates if q.id not in row.questions]
        again = [q for q in candidates if q.id in row.questions]
        row.try_next = [(q.id, q.text) for q in (fresh + again)[:TRY_PER_CRITERION]]
    return ReadinessReport(list(rows.values()), mocks, work_on, list(skipped))
