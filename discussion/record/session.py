"""A session folder: creation, the owner's lock, appends, closing and read-only loading."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from discussion.paths import sessions_dir
from discussion.record.errors import (
    RecordCorruptError,
    RecordError,
    RecordWriteError,
    SessionClosedError,
    SessionLockedError,
)
from discussion.record.events import (
    ClosedData,
    CreatedData,
    CriterionDecidedData,
    Event,
    EventData,
    NoteAmendedData,
    NoteData,
    TallyData,
)
from discussion.record.info import (
    AUDIO_DIR,
    EVENTS_JSONL,
    LOCK_FILE,
    SESSION_JSON,
    VERIFICATION_JSONL,
    SessionInfo,
)
from discussion.record.log import FILE_MODE, EventLog, LogScan, fsync_dir, scan_log
from discussion.record.state import SessionState, derive_state
from discussion.safe_files import (
    UnsafeFileError,
    kind_of,
    not_regular_reason,
    open_regular,
    read_bounded,
)

if TYPE_CHECKING:
    from discussion.signing.keys import SigningKey

DIR_MODE = 0o700
SEGMENT_RE = re.compile(r"^segment-(\d+)\.wav$")
# Files that are not evidence and so not sealed: the log itself, the owner's lock, the
# verifier's judgements (added after sealing, with their own chain and signature) and the
# transcript with its work in progress (derived after sealing: discussion/transcript/model.py).
TRANSCRIPT_FILES = frozenset({"transcript.json", "transcript.partial.json"})
UNSEALED = frozenset({EVENTS_JSONL, LOCK_FILE, VERIFICATION_JSONL, *TRANSCRIPT_FILES})
# Size bounds on reading (a file symlinked to /dev/zero or grown by mistake must not fill the
# memory). session.json is about 1 KiB; a three-hour discussion with a note every second logs
# about 5 MiB, so 256 MiB is fifty times the most a real session writes.
MAX_SESSION_JSON_BYTES = 1 << 20
MAX_LOG_BYTES = 256 << 20


def sha256_file(path: Path, *, sync: bool = False) -> str:
    """Hex sha256 of a regular file's bytes (optionally fsync'ing it first).

    A symlink or special file (a device never ends) raises UnsafeFileError; only the bytes
    present when it was opened are read, so a file that grows meanwhile cannot stall it.
    """
    digest = hashlib.sha256()
    fd = open_regular(path, follow_symlinks=False)
    with os.fdopen(fd, "rb") as handle:
        if sync:
            os.fsync(fd)
        remaining = os.fstat(fd).st_size
        while remaining > 0 and (chunk := handle.read(min(remaining, 1 << 20))):
            digest.update(chunk)
            remaining -= len(chunk)
    return digest.hexdigest()


def _walk(folder: Path) -> list[tuple[str, int]]:
    """Every entry under `folder` as (relative POSIX path, lstat mode); symlinks not followed."""
    entries: list[tuple[str, int]] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as scan:
                children = list(scan)
        except OSError:
            continue  # an unreadable sub-folder: its files show as missing where sealed
        for entry in children:
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue
            path = Path(entry.path)
            entries.append((path.relative_to(folder).as_posix(), mode))
            if stat.S_ISDIR(mode):
                pending.append(path)
    return entries


def sealed_files(folder: Path) -> list[str]:
    """Every file a `closed` event seals: all regular files in the folder (recursively) but
    the log and the lock, as sorted POSIX paths relative to the folder.

    Symlinks and special files are never sealed (nor read): see `irregular_entries`.
    """
    return sorted(
        name for name, mode in _walk(folder) if stat.S_ISREG(mode) and name not in UNSEALED
    )


def irregular_entries(folder: Path) -> list[tuple[str, str]]:
    """Entries a session folder must not hold: symlinks, devices, FIFOs, sockets.

    Returns sorted (relative path, "is a symbolic link")-style pairs.
    """
    found = []
    for name, mode in _walk(folder):
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            found.append((name, f"is {kind_of(mode)}"))
    return sorted(found)


def is_owned_by_running_process(folder: Path) -> bool:
    """True if some running process (this one included) holds the session's lock."""
    try:  # a FIFO planted as the lock must not block the listing
        fd = os.open(folder / LOCK_FILE, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops a lock we took
    return False


def lock_owner_pid(folder: Path) -> int | None:
    """The pid written in the lock file (whether or not it is still running)."""
    try:
        return int(read_bounded(folder / LOCK_FILE, 64, follow_symlinks=False).strip())
    except (OSError, UnsafeFileError, ValueError):
        return None


def _acquire_lock(folder: Path) -> int:
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        pid = lock_owner_pid(folder)
        raise SessionLockedError(
            f"session {folder.name} is open in another running process"
            + (f" (pid {pid})" if pid else "")
            + "; close it there first"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    os.fsync(fd)
    return fd


def _write_new_file(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def load_info(folder: Path) -> SessionInfo:
    """Read and validate session.json (RecordError if missing or invalid)."""
    path = folder / SESSION_JSON
    try:
        content = read_bounded(path, MAX_SESSION_JSON_BYTES, follow_symlinks=False)
    except FileNotFoundError:
        raise RecordError(f"{folder} is not a session folder (no {SESSION_JSON})") from None
    except UnsafeFileError as error:
        raise RecordCorruptError(
            f"{path} {error.reason}: a session folder holds only regular files; "
            f"see `discussion verify {folder}`"
        ) from None
    try:
        return SessionInfo.model_validate_json(content)
    except ValidationError as error:  # the field, the allowed values, what to do
        from discussion.validation import describe

        raise RecordCorruptError(
            describe(error, SessionInfo, where=str(path), fix=f"see `discussion verify {folder}`")
        ) from None
    except UnicodeDecodeError:
        raise RecordCorruptError(
            f"{path} is not UTF-8 text: see `discussion verify {folder}`"
        ) from None


def read_log(folder: Path) -> LogScan:
    """Read-only scan of a folder's events.jsonl (no lock taken, nothing changed).

    Never raises for an unusable log (missing, a folder, a symlink, a device, huge): the
    scan's `problem` says what is wrong.
    """
    try:
        return scan_log(read_bounded(folder / EVENTS_JSONL, MAX_LOG_BYTES, follow_symlinks=False))
    except FileNotFoundError:
        return LogScan(problem=f"{EVENTS_JSONL} is missing", problem_line=0)
    except UnsafeFileError as error:
        return LogScan(problem=f"{EVENTS_JSONL} {error.reason}", problem_line=0)


def load_state(folder: Path) -> SessionState:
    """Derived state of any session folder, read-only (torn tail ignored).

    Raises RecordError / RecordCorruptError when session.json or the log is unusable.
    """
    info = load_info(folder)
    scan = read_log(folder)
    if scan.problem is not None:
        raise RecordCorruptError(f"{folder.name}: {scan.problem}")
    return derive_state(info, scan.events, is_owned_by_running_process(folder))


class SessionRecord:
    """An open session owned by this process: appends are durable and thread-safe.

    Create with `SessionRecord.create(info)`; reopen an interrupted one with
    `discussion.record.recover.resume(folder)` (or `SessionRecord.open` on a clean log).
    """

    def __init__(self, folder: Path, info: SessionInfo, log: EventLog, lock_fd: int) -> None:
        self.folder = folder
        self.info = info
        self.log = log
        self._lock_fd = lock_fd
        self._clock: Callable[[], float] | None = None
        self._guard = threading.Lock()
        # Who signs the seal at `close`: None = the data folder's assessor key, as the session's
        # assessor (scripts/make_sample.py sets the sample key and its name).
        self.signing_key: SigningKey | None = None
        self.signer_name: str | None = None

    @classmethod
    def create(cls, info: SessionInfo, home: Path | None = None) -> SessionRecord:
        """Create the folder, session.json and the `created` event (all fsync'd)."""
        root = home if home is not None else sessions_dir()
        folder = root / info.session_id
        try:
            root.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            raise RecordError(f"session folder {folder} already exists") from None
        except OSError as error:
            raise RecordWriteError(f"cannot create {folder}: {error.strerror}") from error
        lock_fd = -1
        try:
            os.chmod(folder, DIR_MODE)
            lock_fd = _acquire_lock(folder)
            content = info.to_json_bytes()
            _write_new_file(folder / SESSION_JSON, content)
            fsync_dir(folder)
            fsync_dir(root)
            log = EventLog.create(folder / EVENTS_JSONL)
            record = cls(folder, info, log, lock_fd)
            log.append(_created_data(info, content), 0.0)
        except (OSError, RecordWriteError) as error:
            if lock_fd >= 0:
                os.close(lock_fd)
            shutil.rmtree(folder, ignore_errors=True)  # nothing recorded yet
            reason = error.strerror if isinstance(error, OSError) else str(error)
            raise RecordWriteError(f"cannot create the session record: {reason}") from error
        return record

    @classmethod
    def open(cls, folder: Path, *, repair_torn_tail: bool = False) -> SessionRecord:
        """Take ownership of an unclosed session to append to it.

        Raises SessionClosedError for a closed session, SessionLockedError when another
        process owns it, TornTailError (unless `repair_torn_tail`) or RecordCorruptError.
        """
        info = load_info(folder)
        scan = read_log(folder)
        if scan.events and scan.events[-1].type == "closed":
            raise SessionClosedError(f"session {folder.name} is closed; it cannot be reopened")
        path = folder / EVENTS_JSONL
        present = os.path.lexists(path)
        if present and (reason := _irregular(path)) is not None:
            raise RecordCorruptError(
                f"{path} {reason}; run `discussion verify {folder}` (nothing was changed)"
            )
        lock_fd = _acquire_lock(folder)
        try:
            log = EventLog.open(path, repair=repair_torn_tail) if present else EventLog.create(path)
            content = read_bounded(
                folder / SESSION_JSON, MAX_SESSION_JSON_BYTES, follow_symlinks=False
            )
            if not log.events:  # killed between session.json and the created event
                log.append(_created_data(info, content), 0.0)
            created = log.events[0].payload
            expected = hashlib.sha256(content).hexdigest()
            if not isinstance(created, CreatedData) or created.session_json_sha256 != expected:
                log.close()
                raise RecordCorruptError(
                    f"{folder / SESSION_JSON} does not match the hash in the created event"
                )
        except BaseException:
            os.close(lock_fd)
            raise
        return cls(folder, info, log, lock_fd)

    @property
    def events(self) -> list[Event]:
        """All events so far (a copy)."""
        return self.log.events

    def set_clock(self, clock: Callable[[], float] | None) -> None:
        """Where default offsets come from: the recorder's timeline position in seconds."""
        self._clock = clock

    def _default_offset(self) -> float:
        if self._clock is not None:
            return max(0.0, self._clock())
        return self.state().timeline_end

    def append(self, data: EventData, offset: float | None = None) -> Event:
        """Append one event (durable on return). `offset` defaults to the clock's position.

        Notes get their offset from their raw first-keystroke offset minus the lag, whatever
        `offset` says. `created` and `closed` cannot be appended here (see `close`).
        """
        return self.log.append(*self._placed(data, offset))

    def append_many(self, items: list[tuple[EventData, float | None]]) -> list[Event]:
        """Append several events in order with one sync (group commit), as `append` places
        each; all are durable on return, or none is written (`RecordWriteError`)."""
        return self.log.append_many([self._placed(data, offset) for data, offset in items])

    def _placed(self, data: EventData, offset: float | None) -> tuple[EventData, float]:
        if isinstance(data, CreatedData | ClosedData):
            raise ValueError(f"{data.TYPE} events are written by the record itself")
        if isinstance(data, NoteData):
            offset = max(0.0, data.raw_offset - data.lag_s)
        return data, self._default_offset() if offset is None else offset

    def add_note(self, text: str, criteria: list[str], first_keystroke_offset: float) -> Event:
        """Record a note; its offset is the first keystroke's minus the configured lag."""
        raw = max(0.0, first_keystroke_offset)
        lag = self.info.reaction_lag_s
        return self.append(NoteData(text=text, criteria=criteria, raw_offset=raw, lag_s=lag))

    def amend_note(
        self, note_seq: int, text: str, criteria: list[str], offset: float | None = None
    ) -> Event:
        """Record a correction of note `note_seq` (which must be a note)."""
        events = self.events
        if not (0 <= note_seq < len(events)) or events[note_seq].type != "note":
            raise ValueError(f"seq {note_seq} is not a note")
        return self.append(NoteAmendedData(amends=note_seq, text=text, criteria=criteria), offset)

    def decide(self, criterion: str, met: bool, rationale: str, note_seqs: list[int]) -> Event:
        """Record the decision on a criterion (supersedes an earlier one)."""
        data = CriterionDecidedData(
            criterion=criterion, met=met, rationale=rationale, note_seqs=note_seqs
        )
        return self.append(data)

    def state(self) -> SessionState:
        """The derived state now (status is open: this process owns it)."""
        return derive_state(self.info, self.events, owned=not self.log.is_closed)

    def timeline_end_offset(self) -> float:
        """Where a new recording run continues the session timeline."""
        return self.state().timeline_end

    def next_segment_path(self) -> Path:
        """The file the next recording run writes (`audio/segment-NNN.wav`, NNN unused)."""
        audio = self.folder / AUDIO_DIR
        audio.mkdir(mode=DIR_MODE, exist_ok=True)
        used = [int(m.group(1)) for p in audio.iterdir() if (m := SEGMENT_RE.match(p.name))]
        for event in self.events:
            if event.type == "recording_started":
                name = Path(str(event.data.get("segment", ""))).name
                if match := SEGMENT_RE.match(name):
                    used.append(int(match.group(1)))
        return audio / f"segment-{max(used, default=0) + 1:03d}.wav"

    def close(self, reason: str = "") -> Event:
        """Seal the session: the `closed` event (tally, every file's sha256, chain head),
        signed by the data folder's assessor key (or `signing_key` as `signer_name` if set).

        The recorder must be stopped and its files flushed first. Releases the lock. The key
        is loaded (made on first use) before anything is written, so a key that cannot be
        used (KeyFileError, one line) leaves the session open and unchanged.
        """
        from discussion.record.seal_signature import sign_seal
        from discussion.signing.keys import load_or_create_key

        key = self.signing_key or load_or_create_key("assessor")

        def make(events: list[Event]) -> ClosedData:
            state = derive_state(self.info, events, owned=True)
            tally = state.tally()
            files = {
                name: sha256_file(self.folder / name, sync=True)
                for name in sealed_files(self.folder)
            }
            unsigned = ClosedData(
                tally=TallyData(met=tally.achieved, not_met=tally.not_met),
                files=files,
                chain_head=events[-1].hash,
                reason=reason,
            )
            created = events[0].payload
            session_id = (
                created.session_id if isinstance(created, CreatedData) else self.info.session_id
            )
            signer = self.signer_name or state.info.assessor  # the corrected name, if corrected
            return sign_seal(key, signer, session_id, unsigned)

        event = self.log.append_computed(make, self.timeline_end_offset())
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.folder / LOCK_FILE)
        fsync_dir(self.folder)
        self.release()
        return event

    def release(self) -> None:
        """Stop owning the session (close the log and drop the lock) without closing it."""
        with self._guard:
            self.log.close()
            if self._lock_fd >= 0:
                os.close(self._lock_fd)
                self._lock_fd = -1

    def __enter__(self) -> SessionRecord:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def _irregular(path: Path) -> str | None:
    try:
        return not_regular_reason(path)
    except FileNotFoundError:
        return None


def _created_data(info: SessionInfo, content: bytes) -> CreatedData:
    return CreatedData(
        session_id=info.session_id,
        schema_version=info.schema_version,
        session_json_sha256=hashlib.sha256(content).hexdigest(),
    )
