"""Recovery of interrupted sessions (owner killed, crashed or power lost).

For each unclosed session whose owner is not running: repair stale WAV headers (with
`discussion.audio.wavfile.repair_wav_header`), set aside a torn last event line, and append a
`recovered` event with the audio length. The session can then be resumed (a new recording run
continues the timeline in a new segment) or closed. A record that holds or ever held a `closed`
line, or whose log is missing or empty, is refused (`discussion.record.seal_guard`).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from discussion.errors import UserError, os_error_message
from discussion.paths import sessions_dir
from discussion.record.errors import RecordCorruptError, SessionLockedError
from discussion.record.events import RecoveredData
from discussion.record.info import AUDIO_DIR, EVENTS_JSONL, LOCK_FILE, SESSION_JSON
from discussion.record.seal_guard import reopen_refusal
from discussion.record.session import (
    SEGMENT_RE,
    SessionRecord,
    is_owned_by_running_process,
    lock_owner_pid,
    read_log,
)
from discussion.safe_files import not_regular_reason
from discussion.wav_header import repair_wav_header


class SealedRecordError(RecordCorruptError):
    """The record holds or once held a closed line, or its log is gone: never reopened."""


Action = Literal["recovered", "nothing-to-do", "in-use", "cleaned", "failed", "refused"]


@dataclass
class SessionRecovery:
    """What recovery did to one session."""

    folder: Path
    action: Action
    message: str
    torn_file: str | None = None
    repaired_files: list[str] = field(default_factory=list)
    audio_seconds: float = 0.0
    seq: int | None = None

    def as_json(self) -> dict[str, Any]:
        """Plain data for `discussion recover --json`."""
        return {
            "folder": str(self.folder),
            "action": self.action,
            "message": self.message,
            "torn_file": self.torn_file,
            "repaired_files": self.repaired_files,
            "audio_seconds": round(self.audio_seconds, 3),
            "seq": self.seq,
        }


@dataclass
class RecoveryReport:
    """Recovery of one or all sessions; `ok` unless some session could not be recovered."""

    sessions: list[SessionRecovery] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """False if any session failed to recover or was refused (a sealed or lost record)."""
        return all(s.action not in ("failed", "refused") for s in self.sessions)


def _repair_and_measure(
    record: SessionRecord, notes: list[str]
) -> tuple[list[str], dict[str, int]]:
    """Repair every segment's header; return the repaired files and each segment's frames."""
    audio = record.folder / AUDIO_DIR
    repaired: list[str] = []
    frames: dict[str, int] = {}
    if not audio.is_dir():
        return repaired, frames
    for path in sorted(p for p in audio.iterdir() if SEGMENT_RE.match(p.name)):
        relative = path.relative_to(record.folder).as_posix()
        try:
            reason = not_regular_reason(path)
        except FileNotFoundError:
            continue
        if reason is not None:  # never open a device or follow a symlink planted as audio
            notes.append(f"{relative} {reason}: not read (run `discussion verify`)")
            continue
        try:
            result = repair_wav_header(path)
        except Exception as error:  # whatever the file holds, the other segments go on
            notes.append(f"{relative}: header repair failed: {error}")
            continue
        if result.repaired:
            repaired.append(relative)
        frames[relative] = result.frames
    return repaired, frames


def _recover_open(record: SessionRecord) -> SessionRecovery:
    """Recover a session this process has just opened (lock held, torn tail set aside)."""
    torn = record.log.torn
    notes: list[str] = []
    repaired, frames = _repair_and_measure(record, notes)
    state = record.state()
    events = record.events
    running = {s.file for s in state.segments if s.frames is None}
    segment_frames = {name: n for name, n in frames.items() if name in running}
    rate = record.info.samplerate
    starts = {s.file: s.start_offset for s in state.segments}
    end = state.timeline_end
    for name, count in frames.items():
        if name in starts:
            end = max(end, starts[name] + count / rate)
    audio_seconds = sum(frames.get(s.file, 0) for s in state.segments) / rate
    needs_event = torn is not None or bool(repaired) or bool(segment_frames)
    if not needs_event and events[-1].type == "recovered":
        return SessionRecovery(
            record.folder, "nothing-to-do", "already recovered", audio_seconds=audio_seconds
        )
    data = RecoveredData(
        audio_seconds=audio_seconds,
        torn_line_set_aside=torn is not None,
        torn_file=torn.set_aside_as if torn else None,
        repaired_files=repaired,
        segment_frames=segment_frames,
        notes=notes,
    )
    event = record.append(data, offset=end)
    parts = [f"recovered at event {event.seq}, audio {audio_seconds:.1f} s"]
    if torn is not None:
        parts.append(f"torn line {torn.line_number} set aside as {torn.set_aside_as}")
    if repaired:
        parts.append("repaired " + ", ".join(repaired))
    parts.extend(notes)
    return SessionRecovery(
        record.folder,
        "recovered",
        "; ".join(parts),
        torn.set_aside_as if torn else None,
        repaired,
        audio_seconds,
        event.seq,
    )


def resume(folder: Path) -> tuple[SessionRecord, SessionRecovery]:
    """Take ownership of an unclosed session, recovering it first if needed.

    Raises SessionLockedError if its owner is running, SessionClosedError if it is closed,
    SealedRecordError if it holds or ever held a closed line or its log is missing or empty
    (a sealed record stays sealed; a lost log is never rebuilt).
    """
    if (refusal := reopen_refusal(folder)) is not None:
        raise SealedRecordError(refusal)
    record = SessionRecord.open(folder, repair_torn_tail=True)
    try:
        outcome = _recover_open(record)
    except BaseException:
        record.release()
        raise
    return record, outcome


def recover_session(folder: Path) -> SessionRecovery:
    """Recover one session and release it (interrupted, ready to resume or close).

    Raises SessionLockedError (exit 2) if the owner process is running and UserError if the
    folder is not a session.
    """
    if not folder.is_dir() or not os.path.lexists(folder / SESSION_JSON):
        raise UserError(f"{folder} is not a session folder")
    if is_owned_by_running_process(folder):
        pid = lock_owner_pid(folder)
        raise SessionLockedError(
            f"session {folder.name} is in use by a running process"
            + (f" (pid {pid})" if pid else "")
            + "; close it there, or stop that process, before recovering"
        )
    scan = read_log(folder)
    if scan.problem is not None and os.path.lexists(folder / EVENTS_JSONL):
        return SessionRecovery(
            folder, "failed", f"{scan.problem}; see `discussion verify {folder}` (nothing changed)"
        )
    if scan.events and scan.events[-1].type == "closed" and scan.torn is None:
        if os.path.lexists(folder / LOCK_FILE):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(folder / LOCK_FILE)
            return SessionRecovery(folder, "cleaned", f"closed; removed a stale {LOCK_FILE}")
        return SessionRecovery(folder, "nothing-to-do", "closed")
    try:
        record, outcome = resume(folder)
    except SessionLockedError:
        raise
    except SealedRecordError as error:
        return SessionRecovery(folder, "refused", error.message)
    except UserError as error:
        return SessionRecovery(folder, "failed", error.message)
    except OSError as error:  # e.g. a file in the folder that cannot be written
        return SessionRecovery(folder, "failed", os_error_message(error))
    record.release()
    return outcome


def recover(folder: Path | None = None, home: Path | None = None) -> RecoveryReport:
    """Recover `folder`, or every unclosed session not owned by a running process.

    With a folder whose owner is running, raises SessionLockedError; in the sweep such
    sessions are reported as "in-use" and left alone, and each folder that cannot be recovered
    is reported as "failed" on its own (it never stops the others).
    """
    if folder is not None:
        return RecoveryReport([recover_session(folder)])
    report = RecoveryReport()
    root = home if home is not None else sessions_dir()
    if not root.is_dir():
        return report
    try:
        candidates = sorted(p for p in root.iterdir() if p.is_dir())
    except OSError as error:
        raise UserError(f"{root}: cannot list the sessions: {error.strerror or error}") from None
    for candidate in candidates:
        if not os.path.lexists(candidate / SESSION_JSON):
            continue
        try:
            outcome = recover_session(candidate)
        except SessionLockedError as error:
            outcome = SessionRecovery(candidate, "in-use", error.message)
        except UserError as error:
            outcome = SessionRecovery(candidate, "failed", error.message)
        except OSError as error:
            outcome = SessionRecovery(candidate, "failed", os_error_message(error))
        if outcome.action != "nothing-to-do" or outcome.message != "closed":
            report.sessions.append(outcome)
    return report
