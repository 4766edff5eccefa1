"""Everything an assessment record shows, gathered once from a session folder (read-only).

`build_report(folder, standard)` reads session.json and the log without taking the lock or
changing anything, verifies the folder and grades the session; the renderers
(`markdown_format`, `html_format`, `csv_format`) only lay the `Report` out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from discussion.arrangements import arrangement_facts
from discussion.errors import UserError
from discussion.export.transcript_excerpt import ExcerptWindow, transcript_facts
from discussion.grading import GradeResult, attempt_label
from discussion.outcome import grade_session, latest_component_results, undecided
from discussion.record import (
    AlarmClearedData,
    AlarmData,
    ComponentResultData,
    ConsentRecordedData,
    Event,
    RecordCorruptError,
    RecoveredData,
    SessionInfo,
    SessionState,
    VerifyReport,
    derive_state,
    is_owned_by_running_process,
    verify,
)
from discussion.record.session import load_info, read_log
from discussion.record.state import Decision, NoteView
from discussion.standard import Criterion, Standard, load_standard

STATUS_TEXT = {
    "closed": "CLOSED and sealed",
    "open": "OPEN: still being recorded, NOT SEALED; this record may still change",
    "interrupted": (
        "INTERRUPTED: not closed, NOT SEALED; run `discussion recover` then resume or close it"
    ),
}


def hhmmss(seconds: float) -> str:
    """A position on the recording as HH:MM:SS (whole seconds, rounded down)."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


@dataclass(frozen=True)
class DecisionRow:
    """One discussion criterion: its wording, the latest decision and what it rests on."""

    criterion: Criterion
    decision: Decision | None
    notes: list[NoteView]
    superseded: list[Decision]
    missing_notes: list[int] = field(default_factory=list)
    # Marked moments the decision cites (older records pre-ticked them): never evidence.
    marks: list[NoteView] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """`met`, `not met` or `undecided`."""
        if self.decision is None:
            return "undecided"
        return "met" if self.decision.met else "not met"


@dataclass(frozen=True)
class AlarmRow:
    """An alarm raised or cleared during the recording."""

    seq: int
    offset: float
    kind: str
    message: str
    cleared: bool


@dataclass(frozen=True)
class ComponentRow:
    """Another component's recorded result (the latest entry for its attempt)."""

    name: str
    result: ComponentResultData

    @property
    def attempt_text(self) -> str:
        """`attempt 2 (first reassessment)`."""
        return f"attempt {self.result.attempt} ({attempt_label(self.result.attempt)})"


@dataclass
class Report:
    """The assessment record of one session, ready to render."""

    folder: Path
    info: SessionInfo
    state: SessionState
    events: list[Event]
    verify: VerifyReport
    standard: Standard
    grade: GradeResult | None
    grade_error: str | None
    undecided: list[str]
    decisions: list[DecisionRow]
    components: list[ComponentRow]
    alarms: list[AlarmRow]
    consent_statement: str
    torn_tail: str | None
    # The transcript words shown under each note (md, html): see transcript_excerpt.py.
    excerpt_window: ExcerptWindow = field(default_factory=ExcerptWindow)

    @property
    def status(self) -> str:
        """`open`, `interrupted` or `closed`."""
        return self.state.status

    @property
    def status_text(self) -> str:
        """The status in words, loud when the record is not sealed or the discussion not held."""
        if self.not_held is not None:
            return f"{STATUS_TEXT[self.state.status]}: the discussion DID NOT GO AHEAD"
        return STATUS_TEXT[self.state.status]

    @property
    def not_held(self) -> str | None:
        """Why the discussion did not go ahead (None when it did): see `SessionState.not_held`."""
        return self.state.not_held

    @property
    def notes(self) -> list[NoteView]:
        """The notes with text (evidence), in the order written."""
        return self.state.evidence_notes

    @property
    def marks(self) -> list[NoteView]:
        """The marked moments: bookmarks on the timeline, not evidence."""
        return self.state.marks

    def question_at(self, note: NoteView) -> str | None:
        """The id of the question last marked as asked before `note` was written."""
        asked = [q.question_id for q in self.state.questions if q.seq < note.seq]
        return asked[-1] if asked else None

    @property
    def record_hash(self) -> str | None:
        """The final chain head (the hash of the closed line), or None when not sealed."""
        if self.state.closed is not None and self.events and self.events[-1].type == "closed":
            return self.events[-1].hash
        return None

    @property
    def duration(self) -> float:
        """Length of the session timeline in seconds."""
        return self.state.timeline_end

    @property
    def provisional(self) -> bool:
        """True while the grade can still change: the session is not closed."""
        return self.state.status != "closed"

    def caveats(self) -> list[str]:
        """What the reader must know before trusting the grade (empty when nothing)."""
        lines = []
        if self.provisional:
            lines.append(
                "The grade is provisional: the session is not closed, so decisions and "
                "results may still change."
            )
        if self.undecided:
            ids = ", ".join(self.undecided)
            if self.provisional:
                lines.append(f"Criteria not yet decided (counted as not achieved): {ids}.")
            else:
                lines.append(
                    f"Closed with criteria never decided (counted as not achieved): {ids}."
                )
        return lines

    def criterion_text(self, criterion_id: str) -> str:
        """The discussion criterion's wording (or the id for an unknown one)."""
        found = self.standard.component("discussion").criterion(criterion_id)
        return found.text if found else criterion_id

    def facts(self) -> list[tuple[str, str]]:
        """The record's identifying facts as (label, value) pairs, in display order."""
        info = self.info
        kind = "assessment" if info.kind == "assessment" else "PRACTICE (not an assessment)"
        if info.audio is False:
            audio = f"none: notes-only session ({info.no_audio_reason})"
        else:
            count = len(self.state.segments)
            audio = (
                f"{hhmmss(self.verify.audio_seconds)} in {count} segment(s), "
                f"{info.audio.samplerate} Hz mono WAV"
            )
        declined = self.state.declined
        if declined is not None:
            consent = f"DECLINED at {hhmmss(declined.offset)} on the recording"
            if declined.statement:
                consent += f" (notice read: \u201c{declined.statement}\u201d)"
        elif self.not_held is not None and self.state.closed is not None:
            consent = f"not given (session closed: {self.state.closed.reason or 'no reason'})"
        elif self.state.consent is None:
            consent = "not recorded"
        else:
            given = "to the audio recording" if self.state.consent else "notes only, no recording"
            consent = f"given ({given})"
            if self.consent_statement:
                consent += f": \u201c{self.consent_statement}\u201d"
        verdict = "intact" if self.verify.ok else "NOT INTACT"
        sealed = "sealed" if self.verify.sealed else "not sealed"
        verification = f"{verdict} ({sealed}, {self.verify.events} events)"
        if self.verify.ok and not self.verify.sealed:  # a log cut short looks the same
            verification = (
                f"intact so far, NOT SEALED: may be incomplete ({self.verify.events} events)"
            )
        outcome = []
        if self.not_held is not None:
            outcome = [("Outcome", f"DID NOT GO AHEAD. {self.not_held} Not counted as an attempt.")]
        return [
            ("Status", self.status_text),
            *outcome,
            ("Apprentice", self._detail("apprentice_name", info.apprentice_name)),
            ("ULN", self._detail("uln", info.uln)),
            ("Assessor", self._detail("assessor", info.assessor)),
            ("Kind", kind),
            ("Mode", self._detail("mode", info.mode)),
            ("Attempt", self._detail("attempt", f"{info.attempt} ({attempt_label(info.attempt)})")),
            ("EPA window", self._detail("epa_window_start", f"from {info.epa_window_start}")),
            ("Date", info.created_at.strftime("%Y-%m-%d %H:%M UTC")),
            ("Duration", hhmmss(self.duration)),
            ("Audio", audio),
            ("Consent", consent),
            *arrangement_facts(self.events),  # mode agreed, adjustments (set-up)
            ("Session", info.session_id),
            (
                "Versions",
                f"standard {info.standard_version}, question bank {info.bank_version}, "
                f"software {info.software_version}",
            ),
            ("Record hash", self.record_hash or "NOT SEALED (the session has not been closed)"),
            ("Verification", verification),
            *transcript_facts(self),  # only when the folder holds a transcript
        ]

    def _detail(self, name: str, shown: str) -> str:
        """A set-up detail as corrected, saying that it was and from what (never silently)."""
        fixes = [c for c in self.state.corrections if c.field == name and c.applied]
        if not fixes:
            return shown
        return (
            f"{shown} (corrected from {fixes[0].previous!r} at {fixes[-1].at}: {fixes[-1].reason})"
        )

    def recording_lines(self) -> list[str]:
        """Segments, pauses, gaps, alarms, time marks and recoveries, one line each.

        One time format (the session timeline offset), in time order; a stable sort keeps
        things at the same offset in the order they were written.
        """
        rate = self.info.samplerate
        timed: list[tuple[float, str]] = []
        for segment in self.state.segments:
            end = segment.end_offset(rate)
            length = "still recording" if end is None else hhmmss(end - segment.start_offset)
            text = f"{hhmmss(segment.start_offset)} {segment.file}: length {length}"
            if segment.stop_reason:
                text += f", ended: {segment.stop_reason}"
            timed.append((segment.start_offset, text))
            for pause in segment.pauses:
                resumed = "then resumed" if pause.resumed_at else "not resumed"
                reason = f" ({pause.reason})" if pause.reason else ""
                timed.append((pause.offset, f"{hhmmss(pause.offset)} paused{reason}, {resumed}"))
        for gap in self.state.gaps:
            timed.append(
                (
                    gap.offset,
                    f"{hhmmss(gap.offset)} gap: {gap.duration_s:.1f} s of silence padded "
                    f"in ({gap.cause})",
                )
            )
        for alarm in self.alarms:
            what = "alarm cleared" if alarm.cleared else "ALARM"
            message = f": {alarm.message}" if alarm.message else ""
            timed.append((alarm.offset, f"{hhmmss(alarm.offset)} {what}: {alarm.kind}{message}"))
        for minutes, offset in zip(
            self.state.time_warnings, self.state.time_warning_offsets, strict=False
        ):
            timed.append((offset, f"{hhmmss(offset)} time mark shown: {minutes} minutes"))
        timed += self.recovered_notes()
        timed.sort(key=lambda item: item[0])
        lines = [text for _, text in timed]
        if self.torn_tail:
            lines.append(f"events.jsonl {self.torn_tail}")
        return lines

    def recovered_notes(self) -> list[tuple[float, str]]:
        """What each recovery of the session reported, with its timeline offset."""
        lines: list[tuple[float, str]] = []
        for event in self.events:
            data = event.payload
            if isinstance(data, RecoveredData):
                text = f"{hhmmss(event.offset)} recovered: audio {hhmmss(data.audio_seconds)}"
                if data.torn_line_set_aside:
                    text += f"; a torn last line was set aside in {data.torn_file}"
                if data.repaired_files:
                    text += f"; repaired {', '.join(data.repaired_files)}"
                lines.append((event.offset, text))
        return lines


def build_report(
    folder: Path, standard: Standard | None = None, *, excerpt: ExcerptWindow | None = None
) -> Report:
    """Gather the record of `folder` (read-only; works on open, interrupted and closed ones).

    `excerpt`: the transcript window under each note (None: the settings' window). Raises
    `UserError` (exit 2) when `folder` is missing or not a session folder, and
    `RecordCorruptError` (exit 1) when the log is damaged before its last line.
    """
    if not folder.exists():
        raise UserError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder (give a session folder)")
    std = standard or load_standard()
    info = load_info(folder)
    scan = read_log(folder)
    if scan.problem is not None:
        where = "" if scan.problem.startswith("events.jsonl") else "events.jsonl "
        raise RecordCorruptError(
            f"{folder.name}: {where}{scan.problem}; see `discussion verify {folder}`"
        )
    events = scan.events
    state = derive_state(info, events, is_owned_by_running_process(folder))
    info = state.info  # the set-up details as corrected by details_corrected events
    grade: GradeResult | None = None
    grade_error: str | None = None
    try:
        grade = grade_session(state, info, std)
    except UserError as error:
        grade_error = error.message
    torn = None
    if scan.torn is not None:
        torn = (
            f"line {scan.torn.line_number} is torn ({scan.torn.reason}); run `discussion recover`"
        )
    return Report(
        folder=folder,
        info=info,
        state=state,
        events=events,
        verify=verify(folder),
        standard=std,
        grade=grade,
        grade_error=grade_error,
        undecided=undecided(state, std),
        decisions=_decisions(state, std),
        components=[
            ComponentRow(std.component(r.component).name, r)
            for r in latest_component_results(state.component_results)
            if r.component in {c.id for c in std.components}
        ],
        alarms=_alarms(events),
        consent_statement=_consent_statement(events),
        torn_tail=torn,
        excerpt_window=excerpt or _settings_window(),
    )


def _settings_window() -> ExcerptWindow:
    """The excerpt window of settings.json (a broken file is a UserError naming it).

    Reads the file where it would be without making the data home: an export works with an
    unusable DISCUSSION_HOME (no settings file there: the defaults).
    """
    from discussion.paths import data_home_path
    from discussion.settings import SETTINGS_FILE, load_settings

    return ExcerptWindow.from_settings(load_settings(data_home_path() / SETTINGS_FILE))


def _decisions(state: SessionState, std: Standard) -> list[DecisionRow]:
    rows = []
    for criterion in std.component("discussion").criteria:
        evidence = state.criteria.get(criterion.id)
        decision = evidence.decision if evidence else None
        notes: list[NoteView] = []
        marks: list[NoteView] = []
        missing: list[int] = []
        for seq in decision.note_seqs if decision else []:
            note = state.note(seq)
            if note is None:
                missing.append(seq)
            else:
                (marks if note.is_mark else notes).append(note)
        superseded = list(evidence.superseded) if evidence else []
        rows.append(DecisionRow(criterion, decision, notes, superseded, missing, marks))
    return rows


def _alarms(events: list[Event]) -> list[AlarmRow]:
    rows = []
    for event in events:
        data = event.payload
        if isinstance(data, AlarmData):
            rows.append(AlarmRow(event.seq, event.offset, data.kind, data.message, False))
        elif isinstance(data, AlarmClearedData):
            rows.append(AlarmRow(event.seq, event.offset, data.kind, data.message, True))
    return rows


def _consent_statement(events: list[Event]) -> str:
    statement = ""
    for event in events:
        if isinstance(event.payload, ConsentRecordedData):
            statement = event.payload.statement
    return statement
