"""Recording a verifier's judgements: each call appends to `verification.jsonl`, never to the
assessor's record, and only once that record verifies and is sealed.

    judge(folder, "Kim Verifier", judgement=Judgement("1A", agree=False, comment="...",
          refs="1,3,12:30"))
    judge(folder, "Kim Verifier", outcome="confirmed")        # signs: the round is finished

Every refusal is a `UserError` with one line saying why (exit 1: the record or the
verification is not in a state to be judged; exit 2: the request itself is wrong).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from discussion.errors import UserError
from discussion.record.info import SessionInfo
from discussion.record.state import NoteView, SessionState
from discussion.text_safety import control_characters, describe_control
from discussion.verification.events import (
    COMMENT_MAX,
    NAME_MAX,
    ROLES,
    FinishedData,
    JudgementData,
    Outcome,
    OutcomeData,
    Role,
    StartedData,
    VerificationData,
    VEvent,
)
from discussion.verification.log import open_locked
from discussion.verification.sign import sign_finish, verifier_key
from discussion.verification.state import derive_rounds, open_round

_TIME = re.compile(r"^(?:(\d+):)?(\d{1,3}):([0-5]\d)$")
_MARK = re.compile(r"^m(?:ark)?\s*(\d+)$", re.IGNORECASE)
_NUMBER = re.compile(r"^#?(\d+)$")


@dataclass(frozen=True)
class Judgement:
    """A request to agree or disagree on one criterion; `refs` as typed (`1,3,m2,12:30`)."""

    criterion: str
    agree: bool
    comment: str = ""
    refs: str = ""


@dataclass(frozen=True)
class SealedRecord:
    """A record fit to be judged: it verifies and is sealed."""

    folder: Path
    info: SessionInfo
    state: SessionState
    seal_hash: str
    audio_seconds: float


def load_sealed(folder: Path) -> SealedRecord:
    """The record, if it verifies and is sealed; else UserError (one line: why not)."""
    from discussion.record.session import load_info, read_log
    from discussion.record.state import derive_state
    from discussion.record.verify import verify

    report = verify(folder)  # UserError (exit 2) for a folder that is not a session
    if not report.ok:
        raise UserError(
            f"refused: {folder.name} does not verify ({report.problems[0]}); a judgement can "
            "rest only on an intact record: run `discussion verify` on it",
            exit_code=1,
        )
    if not report.sealed:
        raise UserError(
            f"refused: {folder.name} is not sealed (the session has not been closed), so it "
            "may still change or be incomplete: judge it once the assessor has closed it",
            exit_code=1,
        )
    info = load_info(folder)
    events = read_log(folder).events
    state = derive_state(info, events, owned=False)
    return SealedRecord(folder, state.info, state, events[-1].hash, report.audio_seconds)


def judge(
    folder: Path,
    verifier: str,
    *,
    role: Role | None = None,
    judgement: Judgement | None = None,
    outcome: Outcome | None = None,
    outcome_comment: str = "",
    finish: bool = False,
    home: Path | None = None,
) -> list[VEvent]:
    """Append the judgement, then the outcome, then (with an outcome or `finish`) the signed
    `finished` event; a `started` event first when no round of `verifier` is open.

    Returns the events written. `home` is the data folder holding the verifier's key.
    """
    name = _check_name(verifier)
    if judgement is None and outcome is None and not finish:
        raise UserError("nothing to record: give a judgement on a criterion, an outcome, or finish")
    if role is not None and role not in ROLES:
        raise UserError(f"role {role!r}: use one of {', '.join(ROLES)}")
    record = load_sealed(folder)
    if " ".join(name.casefold().split()) == " ".join(record.info.assessor.casefold().split()):
        raise UserError(
            f"refused: {name} is the assessor of this record; quality assurance is by someone "
            "independent of the decisions (another assessor as IQA, or the EQA)",
            exit_code=1,
        )
    planned: list[VerificationData] = []
    if judgement is not None:
        planned.append(_judgement_data(record, judgement))
    if outcome is not None:
        planned.append(_outcome_data(outcome, outcome_comment))
    # The key is loaded before anything is written: a damaged key (one line) leaves no
    # outcome recorded without its signature.
    key = verifier_key(home) if outcome is not None or finish else None
    with open_locked(folder) as file:
        rounds, problems = derive_rounds(file.events)
        if problems:
            raise UserError(
                f"refused: verification.jsonl line {problems[0].line}: {problems[0].text}; "
                "see `discussion verify`",
                exit_code=1,
            )
        current = open_round(rounds)
        if current is not None and current.verifier != name:
            raise UserError(
                f"refused: {current.verifier}'s verification is still open; it must be "
                "finished before another verifier starts",
                exit_code=1,
            )
        if current is not None and role is not None and role != current.role:
            raise UserError(
                f"refused: {name}'s open verification is as {current.role}, not {role}: "
                "finish it first, then start again as " + role,
                exit_code=1,
            )
        if current is None and judgement is None and outcome is None:
            raise UserError(f"refused: no verification by {name} is open: nothing to finish", 1)
        written: list[VEvent] = []
        if current is None:
            started = StartedData(
                verifier=name,
                role=role or "IQA",
                session_id=record.info.session_id,
                seal_hash=record.seal_hash,
            )
            written.append(file.append(started))
        for data in planned:
            written.append(file.append(data))
        if key is not None:
            signature = sign_finish(key, name, record.info.session_id, record.seal_hash, file.head)
            finished = FinishedData(
                verifier=name,
                session_id=record.info.session_id,
                seal_hash=record.seal_hash,
                chain_head=file.head,
                signature=signature,
            )
            written.append(file.append(finished))
        return written


def _check_name(verifier: str) -> str:
    name = verifier.strip()
    if not name:
        raise UserError("the verifier's name is missing: give it")
    if len(name) > NAME_MAX:
        raise UserError(f"the verifier's name: at most {NAME_MAX} characters (got {len(name)})")
    bad = control_characters(name, allow_newlines=False)
    if bad:
        raise UserError(f"the verifier's name holds {describe_control(bad[0])}: retype it")
    return name


def _check_comment(comment: str, option: str = "the comment") -> str:
    text = comment.strip()
    if len(text) > COMMENT_MAX:
        raise UserError(f"{option}: at most {COMMENT_MAX} characters (got {len(text)})")
    bad = control_characters(text)
    if bad:
        raise UserError(f"{option}: the text holds {describe_control(bad[0])}: retype it")
    return text


def _judgement_data(record: SealedRecord, request: Judgement) -> JudgementData:
    from discussion.standard import load_standard

    component = load_standard().component("discussion")
    wanted = request.criterion.strip().upper()
    criterion = component.criterion(wanted)
    if criterion is None:
        known = ", ".join(c.id for c in component.criteria)
        raise UserError(
            f"criterion {request.criterion!r}: not a discussion criterion (use one of {known})"
        )
    evidence = record.state.criteria.get(criterion.id)
    if evidence is None or evidence.decision is None:
        raise UserError(
            f"criterion {criterion.id}: the assessor made no decision on it, so there is "
            "nothing to agree or disagree with (say so in the outcome's comment)"
        )
    comment = _check_comment(request.comment)
    if not request.agree and not comment:
        raise UserError("a disagreement needs a comment saying why the decision does not stand")
    notes, marks, seqs, times = parse_refs(request.refs, record)
    return JudgementData(
        criterion=criterion.id,
        agree=request.agree,
        comment=comment,
        notes=notes,
        marks=marks,
        note_seqs=seqs,
        times=times,
    )


def _outcome_data(outcome: Outcome, comment: str) -> OutcomeData:
    text = _check_comment(comment)
    if outcome == "referred" and not text:
        raise UserError("a referred outcome needs a comment saying what the assessor should review")
    return OutcomeData(outcome=outcome, comment=text)


def parse_refs(
    refs: str, record: SealedRecord
) -> tuple[list[int], list[int], list[int], list[float]]:
    """`1,3,m2,12:30` → note numbers, mark numbers, their record seqs, times (seconds).

    Each is checked against the record: a note or mark it holds, a time within the recording.
    """
    notes: list[int] = []
    marks: list[int] = []
    seqs: list[int] = []
    times: list[float] = []
    end = max(record.state.timeline_end, record.audio_seconds)
    for raw in [part.strip() for part in refs.split(",") if part.strip()]:
        if match := _TIME.match(raw):
            hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
            at = float(hours * 3600 + minutes * 60 + seconds)
            if at > end + 1:
                raise UserError(
                    f"rests on {raw}: after the end of the record ({_clock(end)}): check the time"
                )
            times.append(at)
        elif match := _MARK.match(raw):
            mark = _find(record.state.marks, int(match.group(1)), mark=True)
            marks.append(mark.mark_number)
            seqs.append(mark.seq)
        elif match := _NUMBER.match(raw):
            note = _find(record.state.evidence_notes, int(match.group(1)), mark=False)
            notes.append(note.number)
            seqs.append(note.seq)
        else:
            raise UserError(
                f"rests on {raw!r}: give note numbers (3), marks (m2) or times (12:30), "
                "separated by commas"
            )
    return notes, marks, seqs, times


def _find(items: list[NoteView], number: int, *, mark: bool) -> NoteView:
    for item in items:
        if (item.mark_number if mark else item.number) == number:
            return item
    what = "mark" if mark else "note"
    shown = ", ".join(str(i.mark_number if mark else i.number) for i in items) or "none"
    raise UserError(f"rests on: the record has no {what} {number} (its {what}s: {shown})")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
