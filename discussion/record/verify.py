"""Tamper evidence: `verify(folder)` recomputes the chain and, once closed, every file's hash.

Nothing here raises for a damaged record: each thing wrong is a line in `problems`, naming the
first bad line of events.jsonl (1-based) or the file. Only a folder that is not a session at
all raises UserError (exit 2 on the command line).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from discussion.errors import UserError
from discussion.record.events import ClosedData, CreatedData, Event
from discussion.record.info import (
    AUDIO_DIR,
    EVENTS_JSONL,
    LOCK_FILE,
    SESSION_JSON,
    VERIFICATION_JSONL,
    SessionInfo,
)
from discussion.record.log import scan_log
from discussion.record.seal_guard import ADVICE, empty_folders, looks_closed, set_aside_closed
from discussion.record.seal_signature import SealCheck, check_seal
from discussion.record.session import (
    MAX_LOG_BYTES,
    MAX_SESSION_JSON_BYTES,
    irregular_entries,
    sealed_files,
    sha256_file,
)
from discussion.record.state import SessionState, derive_state
from discussion.safe_files import UnsafeFileError, not_regular_reason, read_bounded
from discussion.wav_header import wav_frames

if TYPE_CHECKING:
    from discussion.transcript.seal import TranscriptCheck

# The transcript (derived evidence, signed, tied to the seal): discussion/transcript/seal.py.
TRANSCRIPT_JSON = "transcript.json"
# The log and session.json are checked (and their problems named) by their own checks.
_CHECKED_ELSEWHERE = frozenset({EVENTS_JSONL, SESSION_JSON, VERIFICATION_JSONL, TRANSCRIPT_JSON})
# What `verify --json` says when a record has no transcript (that is no problem).
_NO_TRANSCRIPT: dict[str, Any] = {
    "status": "missing",
    "signed_by": None,
    "signature_ok": False,
    "trusted": False,
    "signed_by_sealer": False,
    "problems": [],
}


@dataclass
class VerifyReport:
    """The outcome of verifying one session folder."""

    folder: Path
    ok: bool
    events: int
    audio_seconds: float
    problems: list[str] = field(default_factory=list)
    sealed: bool = False
    # The closed line's own hash: it covers the chain head and every sealed file, so a copy
    # cut short or rebuilt is caught against this value kept elsewhere (exports show it).
    seal_hash: str | None = None
    # The verifier's judgements (verification.jsonl), None when there are none.
    verification: dict[str, Any] | None = None
    # The seal's signature (None while unsealed): see discussion/record/seal_signature.py.
    seal: SealCheck | None = None
    # transcript.json's check (None when the record has none): discussion/transcript/seal.py.
    transcript: TranscriptCheck | None = None

    @property
    def transcript_status(self) -> str:
        """`intact`, `missing` (no transcript: fine), `seal_missing` (cut short) or `altered`."""
        return "missing" if self.transcript is None else self.transcript.status

    @property
    def verdict(self) -> str:
        """ "intact" (sealed), "intact-not-sealed" (may be incomplete) or "altered"."""
        if not self.ok:
            return "altered"
        return "intact" if self.sealed else "intact-not-sealed"

    def as_json(self) -> dict[str, Any]:
        """The `--json` output of `discussion verify`."""
        return {
            "ok": self.ok,
            "verdict": self.verdict,
            "may_be_incomplete": not self.sealed,
            "seal_hash": self.seal_hash,
            "events": self.events,
            "audio_seconds": round(self.audio_seconds, 3),
            "problems": self.problems,
            "sealed": self.sealed,
            "verification": self.verification,
            "folder": str(self.folder),
            **(self.seal or SealCheck("unsealed")).as_json(),
            "transcript": (
                dict(_NO_TRANSCRIPT) if self.transcript is None else self.transcript.as_json()
            ),
        }


def verify(folder: Path) -> VerifyReport:
    """Check a session folder; `ok` only if every check passes.

    Raises UserError (exit 2) if `folder` does not exist or holds neither session.json nor
    events.jsonl.
    """
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder")
    if not _lexists(folder / SESSION_JSON) and not _lexists(folder / EVENTS_JSONL):
        raise UserError(f"{folder} is not a session folder (no {SESSION_JSON}, no {EVENTS_JSONL})")
    problems: list[str] = []
    for name, reason in irregular_entries(folder):
        if name not in _CHECKED_ELSEWHERE:
            problems.append(
                f"{name} {reason}: a session folder holds only regular files and folders "
                "(not read; remove it, or restore the file it replaced)"
            )
    info = _check_session_json(folder, problems)
    events = _check_log(folder, problems)
    closed_at = next((i for i, e in enumerate(events) if e.type == "closed"), None)
    sealed = closed_at is not None
    state: SessionState | None = None
    if info is not None:
        state = derive_state(info, events, owned=False)
    seal: SealCheck | None = None
    if closed_at is not None:
        _check_seal(folder, events[: closed_at + 1], state, problems)
        seal = _check_signature(events, closed_at, problems)
    elif not _lexists(folder / LOCK_FILE) and events:
        problems.append(
            f"no closed event and no {LOCK_FILE}: a closed line may have been removed "
            "(an unclosed session keeps its lock file)"
        )
    _check_seal_history(folder, events if closed_at is None else events[: closed_at + 1], problems)
    audio_seconds = _audio_seconds(folder, state)
    from discussion.verification.check import check_verification  # its own chain and signer

    seal_hash = events[closed_at].hash if closed_at is not None else None
    session_id = info.session_id if info is not None else None
    verification = check_verification(folder, seal_hash, session_id, problems)
    report = VerifyReport(folder, not problems, len(events), audio_seconds, problems, sealed)
    report.verification = verification
    report.seal_hash = seal_hash
    report.seal = seal
    segment_files = [segment.file for segment in state.segments] if state is not None else None
    report.transcript = _check_transcript(
        folder, events, closed_at, session_id, segment_files, problems
    )
    report.ok = not problems
    return report


def _check_transcript(
    folder: Path,
    events: list[Event],
    closed_at: int | None,
    session_id: str | None,
    segment_files: list[str] | None,
    problems: list[str],
) -> TranscriptCheck | None:
    """transcript.json against the seal, or None when there is none (no problem).

    The transcript package is imported only when the folder holds a transcript: verifying a
    record never depends on it otherwise (and `discussion.transcript` imports the record).
    """
    if not _lexists(folder / TRANSCRIPT_JSON):
        return None
    from discussion.transcript.seal import check_transcript

    closed = events[closed_at].payload if closed_at is not None else None
    sealed = closed if isinstance(closed, ClosedData) else None
    return check_transcript(
        folder,
        session_id=session_id,
        seal_hash=events[closed_at].hash if closed_at is not None else None,
        sealed_files=dict(sealed.files) if sealed is not None else {},
        seal_public_key=(
            sealed.signature.public_key if sealed is not None and sealed.signature else None
        ),
        problems=problems,
        segment_files=segment_files,
    )


def _check_signature(events: list[Event], closed_at: int, problems: list[str]) -> SealCheck:
    """The seal's signature: required from schema 2 (see seal_signature.py for why)."""
    created = events[0].payload if isinstance(events[0].payload, CreatedData) else None
    closed = events[closed_at].payload
    assert isinstance(closed, ClosedData)
    return check_seal(created, closed, problems, line=closed_at + 1, sealed_at=events[closed_at].at)


def _check_seal_history(folder: Path, events: list[Event], problems: list[str]) -> None:
    """A closed line set aside by a recovery, and empty folders (never part of a record)."""
    for name in set_aside_closed(folder):
        problems.append(
            f"{name} holds a closed line set aside by a recovery: the record was sealed and "
            f"then reopened; {ADVICE}"
        )
    closed = events[-1].payload if events else None
    seals_audio = isinstance(closed, ClosedData) and any(
        name.startswith(f"{AUDIO_DIR}/") for name in closed.files
    )
    for name in empty_folders(folder, audio_may_be_empty=not seals_audio):
        if name in _CHECKED_ELSEWHERE:  # e.g. session.json replaced by a folder: named there
            continue
        problems.append(
            f"{name}/ is an empty folder: a session folder holds only the record's files "
            "(remove it, or restore what it held)"
        )


def _check_session_json(folder: Path, problems: list[str]) -> SessionInfo | None:
    path = folder / SESSION_JSON
    try:
        content = read_bounded(path, MAX_SESSION_JSON_BYTES, follow_symlinks=False)
    except FileNotFoundError:
        problems.append(f"{SESSION_JSON} is missing")
        return None
    except UnsafeFileError as error:
        problems.append(f"{SESSION_JSON} {error.reason}")
        return None
    try:
        return SessionInfo.model_validate_json(content)
    except (ValidationError, ValueError) as error:
        if isinstance(error, ValidationError):  # the field, the allowed values, what to do
            from discussion.validation import describe

            reason = describe(error, SessionInfo)
        else:
            reason = _first(error)
        problems.append(f"{SESSION_JSON} is not a valid session description: {reason}")
        return None


def _check_log(folder: Path, problems: list[str]) -> list[Event]:
    path = folder / EVENTS_JSONL
    try:
        content = read_bounded(path, MAX_LOG_BYTES, follow_symlinks=False)
    except FileNotFoundError:
        problems.append(f"{EVENTS_JSONL} is missing")
        return []
    except UnsafeFileError as error:
        problems.append(f"{EVENTS_JSONL} {error.reason}")
        return []
    scan = scan_log(content)
    events = scan.events
    closed_at = next((i for i, e in enumerate(events) if e.type == "closed"), None)
    if closed_at is not None and closed_at < len(events) - 1:
        problems.append(f"{EVENTS_JSONL} line {closed_at + 2}: an event after the closed line")
    if scan.problem is not None:
        problems.append(f"{EVENTS_JSONL} {scan.problem}")
    if scan.torn is not None:
        if looks_closed(content[scan.torn.offset :]):
            problems.append(
                f"{EVENTS_JSONL} line {scan.torn.line_number}: a damaged closed line "
                f"({scan.torn.reason}): the seal is broken (not an interruption: do not "
                f"recover); {ADVICE}"
            )
        elif events and events[-1].type == "closed":
            problems.append(
                f"{EVENTS_JSONL} line {scan.torn.line_number}: bytes after the closed line"
            )
        else:
            problems.append(
                f"{EVENTS_JSONL} line {scan.torn.line_number}: {scan.torn.reason} "
                "(a torn last line: run `discussion recover`)"
            )
    if not events:
        if scan.problem is None and scan.torn is None:
            problems.append(f"{EVENTS_JSONL} holds no events")
        return events
    created = events[0].payload
    session_json = folder / SESSION_JSON
    if isinstance(created, CreatedData) and _lexists(session_json) and not _irregular(session_json):
        try:
            data = read_bounded(session_json, MAX_SESSION_JSON_BYTES, follow_symlinks=False)
            actual = hashlib.sha256(data).hexdigest()
        except (OSError, UnsafeFileError) as error:
            actual = f"unreadable: {error}"
        if actual != created.session_json_sha256:
            problems.append(
                f"{SESSION_JSON} does not match the hash in the created event "
                f"({EVENTS_JSONL} line 1)"
            )
    return events


def _check_seal(
    folder: Path, events: list[Event], state: SessionState | None, problems: list[str]
) -> None:
    closed = events[-1].payload
    assert isinstance(closed, ClosedData)
    line = len(events)
    if len(events) < 2 or closed.chain_head != events[-2].hash:
        problems.append(f"{EVENTS_JSONL} line {line}: the closed event's chain head is wrong")
    if state is not None:
        tally = state.tally()
        if (tally.achieved, tally.not_met) != (closed.tally.met, closed.tally.not_met):
            problems.append(
                f"{EVENTS_JSONL} line {line}: the closed tally differs from the decisions logged"
            )
    present = set(sealed_files(folder))
    for name, expected in sorted(closed.files.items()):
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts:
            problems.append(f"the closed event names a file outside the folder: {name}")
            continue
        if name not in present:
            if _irregular(folder / name) is None:  # else already named as not a regular file
                problems.append(f"{name} is missing (sealed by the closed event)")
            continue
        try:
            actual = sha256_file(folder / name)
        except FileNotFoundError:
            problems.append(f"{name} is missing (sealed by the closed event)")
            continue
        except (OSError, UnsafeFileError) as error:
            reason = error.reason if isinstance(error, UnsafeFileError) else error.strerror
            problems.append(f"{name} {reason}")
            continue
        if actual != expected:
            problems.append(f"{name} has been altered since closing (sha256 differs)")
    for name in sorted(present - set(closed.files)):
        problems.append(f"{name} was added after closing")
    if _lexists(folder / LOCK_FILE):
        problems.append(f"{LOCK_FILE} was left behind or added after closing")


def _audio_seconds(folder: Path, state: SessionState | None) -> float:
    """Audio length: from the WAV files where readable, else from the events."""
    if state is None:
        return 0.0
    total = 0.0
    for segment in state.segments:
        length = None
        try:
            path = folder / segment.file
            if _irregular(path) is not None:  # never open a device or follow a symlink
                raise ValueError(f"{segment.file} is not a regular file")
            frames, samplerate = wav_frames(path)
            length = frames / samplerate
        except Exception:
            end = segment.end_offset(state.info.samplerate)
            length = 0.0 if end is None else end - segment.start_offset
        total += length
    return total


def _lexists(path: Path) -> bool:
    return os.path.lexists(path)


def _irregular(path: Path) -> str | None:
    """Why `path` is not a regular file (not following symlinks), None if it is or is absent."""
    try:
        return not_regular_reason(path)
    except FileNotFoundError:
        return None


def _first(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return " ".join(text[:3]) if text else type(error).__name__
