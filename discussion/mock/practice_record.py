"""A mock discussion written as a session record of kind "practice", in the record format every
other command reads (review, export, verify, sessions), and never graded.

    record = PracticeRecord.create(standard, bank, plan, home, audio=True, device=None)
    record.audio_path          # the one WAV of the mock (the listener records into it)
    record.submit_answer(prompt, text, start_s, end_s, done=told)  # each answer, off-thread
    record.answer(prompt, text, start_s, end_s, reason="silence")   # or durable on return
    record.self_check("P-6A-01", ticked=[1, 3])                     # the apprentice's ticks
    folder = record.finish({"P-6A-01": [1, 3]})                     # sealed; the folder

The session is the existing `SessionRecord` (discussion.record): session.json with kind
"practice", the made-up apprentice `PRACTICE_APPRENTICE` and ULN `PRACTICE_ULN`, and the
hash-chained events.jsonl. The mock adds three event types (discussion/record/events.py):
`mock_started` (options and plan), `answer_given` (text, start and end on the sample clock, the
probe and why) and `self_checked` (ticks and cue matches); a question's first answer is preceded
by the usual `question_asked`. With spoken answers the listener records `audio/segment-001.wav`
from offset 0, so `recording_started`/`recording_stopped` name it and file second == offset.
Typed mocks have no sample clock: `offset_now` counts monotonic seconds from the start, as a
notes-only live session does (discussion/live.py).

A screen never waits for the disk: `submit_answer` hands the answer's events to the record's
`RecordWriter` (discussion/record/writer.py, thread "mock-record-writer", started on first use),
which saves them in order with one sync for whatever waits and keeps retrying a write the disk
refuses; `done` hears each outcome on that thread. `finish` closes the writer before anything
else (all that was submitted is saved before the self-checks and the seal, or the record is left
unsealed with a `RecordWriteError` saying how many answers were lost and what to do).

Nothing of the assessment set is written: the plan holds practice questions only, and every
question id given here is checked against the practice set.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import soundfile

from discussion.bank.models import Question, QuestionBank
from discussion.errors import UserError
from discussion.mock.cues import match_look_fors
from discussion.mock.examiner import Prompt
from discussion.mock.plan import MockPlan
from discussion.record.errors import RecordWriteError
from discussion.record.events import (
    AnswerGivenData,
    Event,
    EventData,
    MockStartedData,
    QuestionAskedData,
    RecordingStartedData,
    RecordingStoppedData,
    SelfCheckedData,
)
from discussion.record.info import (
    AUDIO_DIR,
    PRACTICE_APPRENTICE,
    PRACTICE_ULN,
    AudioSettings,
    SessionInfo,
)
from discussion.record.session import SessionRecord
from discussion.record.writer import Done, RecordWriter, WriterClosedError
from discussion.standard import Standard

log = logging.getLogger(__name__)

EXAMINER = "Mock examiner"  # the session's "assessor": nobody assessed anything
SEGMENT = f"{AUDIO_DIR}/segment-001.wav"
TYPED_REASON = "mock discussion with typed answers (no microphone)"
WRITER_THREAD = "mock-record-writer"
SAVE_TIMEOUT_S = 20.0  # finish: how long the writer may take over what still waits

Items = list[tuple[EventData, float | None]]


def practice_info(standard: Standard, bank: QuestionBank, *, audio: bool) -> SessionInfo:
    """The session.json of a mock: kind practice, the made-up apprentice, today's window."""
    now = datetime.now(UTC)
    return SessionInfo(
        created_at=now,
        kind="practice",
        apprentice_name=PRACTICE_APPRENTICE,
        uln=PRACTICE_ULN,
        assessor=EXAMINER,
        mode="virtual",
        attempt=1,
        epa_window_start=now.date(),
        standard_version=standard.version,
        standard_hash=standard.content_hash,
        bank_version=bank.version,
        bank_hash=bank.content_hash,
        audio=AudioSettings() if audio else False,
        no_audio_reason=None if audio else TYPED_REASON,
    )


def _focus(plan: MockPlan) -> list[str]:
    focus = plan.options.focus
    return [focus] if isinstance(focus, str) else list(focus)


class PracticeRecord:
    """The record of one mock, open while the mock runs (not thread-safe beyond the record's
    own appends and its writer: call from one thread at a time; `finish` after the last
    `submit_answer`). Use `answer` or `submit_answer` in one mock, not both."""

    def __init__(self, record: SessionRecord, bank: QuestionBank, audio: bool) -> None:
        self.record = record
        self.bank = bank
        self.audio = audio
        self._origin = time.monotonic()
        self._asked: set[str] = set()
        self._closed = False
        self._writer: RecordWriter | None = None
        self._write_error: str | None = None  # the disk's last refusal (writer thread)

    @classmethod
    def create(
        cls,
        standard: Standard,
        bank: QuestionBank,
        plan: MockPlan,
        home: Path | None = None,
        *,
        audio: bool = False,
        device: str | int | None = None,
    ) -> PracticeRecord:
        """Create the session folder and log the mock's start (and its recording, if spoken)."""
        ids = [p.id for p in plan.questions]
        for qid in ids:
            _practice_question(bank, qid)
        info = practice_info(standard, bank, audio=audio)
        record = SessionRecord.create(info, home)
        mine = cls(record, bank, audio)
        started = MockStartedData(
            length_min=plan.length_min,
            focus=_focus(plan),
            seed=plan.seed,
            question_ids=ids,
            answers_by="voice" if audio else "typing",
        )
        record.append(started, 0.0)
        if audio:
            (record.folder / AUDIO_DIR).mkdir(exist_ok=True)
            name = "" if device is None else str(device)
            record.append(RecordingStartedData(segment=SEGMENT, start_offset=0.0, device=name), 0.0)
        return mine

    @property
    def folder(self) -> Path:
        """The session folder."""
        return self.record.folder

    @property
    def audio_path(self) -> Path:
        """The mock's one recording (written by the answer listener), offset 0 at its start."""
        return self.record.folder / SEGMENT

    def offset_now(self) -> float:
        """Seconds since the mock started (typed answers: there is no sample clock)."""
        return time.monotonic() - self._origin

    def answer(
        self,
        prompt: Prompt,
        text: str,
        start_s: float,
        end_s: float,
        *,
        reason: str = "key",
        speaking_s: float | None = None,
    ) -> None:
        """Log one answer (durable on return); a question's first answer logs it as asked."""
        for data, offset in self._answer_events(prompt, text, start_s, end_s, reason, speaking_s):
            self.record.append(data, offset)

    def submit_answer(
        self,
        prompt: Prompt,
        text: str,
        start_s: float,
        end_s: float,
        *,
        reason: str = "key",
        speaking_s: float | None = None,
        done: Done | None = None,
    ) -> list[int]:
        """Queue one answer's events (as `answer` logs them) behind those submitted before;
        returns at once with their writer keys. `done` hears each event's outcome on the writer
        thread: saved, waiting for a retry (disk full) or given up. A question that is not a
        practice one is refused here (UserError), before anything is queued."""
        events = self._answer_events(prompt, text, start_s, end_s, reason, speaking_s)
        writer = self.start_writer()
        return [writer.submit(data, offset, done) for data, offset in events]

    def start_writer(self, on_died: Callable[[str], None] | None = None) -> RecordWriter:
        """The running record writer (made and started on first use, started again after a
        death; `on_died` is told, on its thread, if it dies)."""
        writer = self._writer
        if writer is None:
            writer = RecordWriter(self._commit, on_died=on_died, name=WRITER_THREAD)
            self._writer = writer
        elif on_died is not None:
            writer.on_died = on_died
        with contextlib.suppress(WriterClosedError):  # finishing: a submit would say so
            writer.start()
        return writer

    def unsaved_answers(self) -> int:
        """How many submitted events are not on disk yet."""
        writer = self._writer
        return 0 if writer is None else writer.waiting

    def _commit(self, items: Items) -> list[Event]:
        """On the writer thread: one group commit (the disk's refusal noted for `finish`)."""
        try:
            return self.record.append_many(items)
        except RecordWriteError as error:
            self._write_error = error.message
            raise

    def _answer_events(
        self,
        prompt: Prompt,
        text: str,
        start_s: float,
        end_s: float,
        reason: str,
        speaking_s: float | None,
    ) -> list[tuple[EventData, float]]:
        """The events of one answer at their offsets: `question_asked` first for a question's
        first answer, then `answer_given` (marks the question asked)."""
        question = _practice_question(self.bank, prompt.question_id)
        start = max(0.0, float(start_s))
        end = max(start, float(end_s))
        events: list[tuple[EventData, float]] = []
        if question.id not in self._asked:
            self._asked.add(question.id)
            events.append(
                (QuestionAskedData(question_id=question.id, criteria=question.criteria), start)
            )
        data = AnswerGivenData(
            question_id=question.id,
            prompt=prompt.kind,
            probe_index=prompt.probe_index,
            look_for_index=prompt.look_for_index,
            why=prompt.why or "",
            text=text,
            start=start,
            end=end,
            ended_by=reason,
            speaking_s=None if speaking_s is None else round(max(0.0, speaking_s), 3),
        )
        events.append((data, start))
        return events

    def _save_submitted(self, timeout: float = SAVE_TIMEOUT_S) -> None:
        """Close the writer: what was submitted is on disk, or a RecordWriteError saying how
        many answers are not (the record is then released, unsealed, as it is)."""
        writer = self._writer  # kept: once closed it takes nothing more
        if writer is None:
            return
        if writer.waiting and not writer.alive:
            writer.start()  # it died: a new thread saves what waits
        lost = writer.close(timeout)
        if not lost:
            return
        answers = sum(isinstance(o.data, AnswerGivenData) for o in lost) or len(lost)
        why = self._write_error or lost[0].error or "the disk did not take them"
        for outcome in lost:
            log.error("a mock %s event was not saved: %s", outcome.data.TYPE, outcome.error)
        self.record.release()  # unsealed as it is: the lock dropped, nothing more written
        raise RecordWriteError(
            f"{answers} answer(s) of this mock could not be saved ({why}): free some disk "
            f"space before the next mock. The answers saved before it stay in {self.folder}, "
            "unsealed (no readiness report for this mock)."
        )

    def self_check(self, question_id: str, ticked: Sequence[int]) -> None:
        """Log the apprentice's ticks for a question, with the cue matches of all its answers."""
        question = _practice_question(self.bank, question_id)
        if self._writer is not None:  # its answers first (it may be read only once saved)
            self._writer.flush(SAVE_TIMEOUT_S)
        said = " ".join(a.text for a in self.record.state().answers if a.question_id == question.id)
        matched = [m.index for m in match_look_fors(question, said) if m.covered]
        count = len(question.look_fors)
        ticks = sorted({int(t) for t in ticked if 1 <= int(t) <= count})
        data = SelfCheckedData(question_id=question.id, ticked=ticks, matched=matched)
        self.record.append(data, self._end_offset())

    def finish(self, ticks: Mapping[str, Sequence[int]] | None = None) -> Path:
        """Save what was submitted, log the remaining self-checks, stop the recording and seal
        the record; the folder. Blocking (a thread of its own, never the UI's). Answers the
        disk would not take: RecordWriteError, the record left unsealed."""
        if self._closed:
            return self.folder
        self._save_submitted()
        for qid, ticked in (ticks or {}).items():
            self.self_check(qid, ticked)
        if self.audio:
            frames = _frames(self.audio_path)
            self.record.append(RecordingStoppedData(segment=SEGMENT, frames=frames), frames / 16000)
        self.record.close("mock discussion finished")
        self._closed = True
        return self.folder

    def release(self) -> None:
        """Stop owning the record without sealing it (the mock was abandoned); the writer is
        stopped first (saving what it can of what waits)."""
        writer = self._writer  # kept: once closed it takes nothing more
        if writer is not None:
            writer.close(SAVE_TIMEOUT_S)
        self.record.release()

    def _end_offset(self) -> float:
        answers = self.record.state().answers
        return max((a.end for a in answers), default=0.0)


def _practice_question(bank: QuestionBank, qid: str) -> Question:
    """The practice question `qid`; a UserError for anything else (never an assessment one)."""
    question = bank.get(qid)
    if question is None or question.set != "practice":
        raise UserError(f"{qid} is not a practice question: a mock asks practice questions only")
    return question


def _frames(path: Path) -> int:
    """Frames in the mock's WAV (0 when the listener wrote none)."""
    try:
        return int(soundfile.info(str(path)).frames)
    except (OSError, RuntimeError, soundfile.LibsndfileError):
        return 0
