"""The list of sessions for a home screen: robust to broken folders.

Each folder is summarised on its own: whatever is wrong with one (a log that is a folder, a
symlink loop, a device, an unreadable folder) makes that one row "broken" with the reason and
never hides the others. Only the last part of each log is read (the status is in the last
line); the whole chain is `discussion verify`'s work. `list_sessions` takes a sealed folder's
row from the data home's cache while its files are unchanged (`listing_cache`): the same row a
read gives; an unsealed or damaged folder is always read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from discussion.errors import UserError
from discussion.paths import sessions_dir
from discussion.record.events import ClosedData, EventFormatError, TallyData, parse_line
from discussion.record.info import EVENTS_JSONL, SESSION_JSON, SessionInfo
from discussion.record.log import scan_tail
from discussion.record.seal_guard import listed_seal_problem
from discussion.record.session import is_owned_by_running_process, load_info, read_log
from discussion.record.state import derive_state
from discussion.safe_files import UnsafeFileError, read_tail

ListedStatus = Literal["open", "interrupted", "closed", "broken"]
# Enough for the last few lines of any log (a note line is well under 4 KiB).
TAIL_BYTES = 64 * 1024
# In canonical JSON a `"` inside a string is escaped, so these bytes can only be a line's own
# type (or the closed event's reason), never text typed into a note.
_DECLINED_MARKERS = (b'"type":"consent_declined"', b'"reason":"consent declined"')
_HELD_MARKERS = tuple(
    f'"type":"{kind}"'.encode()
    for kind in ("consent_recorded", "note", "question_asked", "criterion_decided")
)


@dataclass(frozen=True)
class SessionSummary:
    """One row of the session list. `problem` says what is wrong with a broken or torn one."""

    folder: Path
    session_id: str
    apprentice: str | None
    date: date | None
    attempt: int | None
    kind: str | None
    status: ListedStatus
    problem: str | None = None
    created_at: datetime | None = None
    # Why a closed session's discussion did not go ahead (e.g. consent declined), else None.
    not_held: str | None = None
    assessor: str | None = None
    # A closed session's tally as sealed in its `closed` event (criteria met / not met).
    tally: TallyData | None = None


def _broken(folder: Path, problem: str) -> SessionSummary:
    return SessionSummary(folder, folder.name, None, None, None, None, "broken", problem)


def summarise(folder: Path) -> SessionSummary:
    """Summarise one folder; never raises for a damaged folder (status "broken")."""
    try:
        return _summarise(folder)
    except UserError as error:
        return _broken(folder, error.message)
    except OSError as error:
        return _broken(folder, f"cannot be read: {error.strerror or error}")


def _summarise(folder: Path) -> SessionSummary:
    info = load_info(folder)
    base = (folder, info.session_id, info.apprentice_name, info.created_at.date(), info.attempt)
    created = info.created_at
    try:
        # A str path: a Path built per folder cost more than the read (Path only for errors).
        tail, size = read_tail(f"{folder}/{EVENTS_JSONL}", TAIL_BYTES, follow_symlinks=False)
    except FileNotFoundError:
        problem = f"{EVENTS_JSONL} is missing"
        return SessionSummary(*base, info.kind, "broken", problem, created, assessor=info.assessor)
    except UnsafeFileError as error:
        problem = f"{EVENTS_JSONL} {error.reason}"
        return SessionSummary(*base, info.kind, "broken", problem, created, assessor=info.assessor)
    peek = scan_tail(tail, whole=len(tail) == size)
    if peek.problem is not None:
        problem = f"{EVENTS_JSONL}: {peek.problem}"
        return SessionSummary(*base, info.kind, "broken", problem, created, assessor=info.assessor)
    status: ListedStatus = "closed" if peek.last_type == "closed" else "interrupted"
    if status != "closed" and is_owned_by_running_process(folder):
        status = "open"
    if status == "interrupted" and (sealed := listed_seal_problem(folder, tail)) is not None:
        broken = SessionSummary(*base, info.kind, "broken", sealed, created)  # never resumed
        return replace(broken, assessor=info.assessor)
    torn = None
    if peek.torn is not None:
        torn = f"torn last line ({peek.torn}): run `discussion recover`"
    not_held: str | None = None
    tally: TallyData | None = None
    if status == "closed":
        not_held = _not_held(folder, info, tail, whole=len(tail) == size)
        if peek.last is not None and isinstance(peek.last.payload, ClosedData):
            tally = peek.last.payload.tally
    return SessionSummary(
        *base, info.kind, status, torn, created, not_held, assessor=info.assessor, tally=tally
    )


def _not_held(folder: Path, info: SessionInfo, tail: bytes, whole: bool) -> str | None:
    """Why a closed session's discussion did not go ahead (`SessionState.not_held`), or None.

    Cheap for the usual case: no decline near the end, or a note, question, decision or
    consent in the tail, settles it without parsing (a decline is logged just before closing).
    Otherwise the (small) log is folded: the tail when it is the whole log, else all of it.
    """
    if not any(marker in tail for marker in _DECLINED_MARKERS):
        return None
    if any(marker in tail for marker in _HELD_MARKERS):
        return None
    if whole:
        try:
            events = [parse_line(line) for line in tail.split(b"\n")[:-1]]
        except EventFormatError:
            return None  # a damaged line is `discussion verify`'s to report
    else:
        scan = read_log(folder)
        if scan.problem is not None:
            return None
        events = scan.events
    return derive_state(info, events, owned=False).not_held


def _empty(folder: Path) -> bool:
    """A folder with nothing in it: its creation failed before writing anything (not listed)."""
    try:
        with os.scandir(folder) as scan:
            return next(scan, None) is None
    except OSError:
        return False  # unreadable: list it as broken rather than hide it


def listed(folder: Path) -> SessionSummary | None:
    """The folder's row read afresh, or None for an empty folder. The usual folder costs no
    extra call: only when its session.json cannot be read is the folder looked into."""
    summary = summarise(folder)
    if summary.status == "broken" and not os.path.lexists(folder / SESSION_JSON):
        return None if _empty(folder) else summary
    return summary


def list_sessions(home: Path | None = None) -> list[SessionSummary]:
    """Every session folder under `home` (default: sessions_dir()), oldest first.

    Sealed folders unchanged since the last listing come from the data home's cache
    (`discussion.record.listing_cache`), the same rows a fresh read gives. Raises UserError
    only when `home` itself cannot be read.
    """
    from discussion.record.listing_cache import ListingCache, encode, read_folder

    root = home if home is not None else sessions_dir()
    cache = ListingCache.load(root)  # sealed folders' rows, while their files are unchanged
    rows = []
    for name in folder_names(root):
        if (hit := cache.lookup(name)) is not None:
            rows.append(hit.summary)
            continue
        key, summary = read_folder(root, name, cache.enabled)
        if summary is not None:
            rows.append(summary)
            cache.keep(name, key, encode(summary))
    cache.save()
    return rows


def folder_names(root: Path) -> list[str]:
    """The sorted names of the folders in the sessions folder `root` that may be sessions (not
    hidden, not a stray file; [] if `root` does not exist); UserError when it cannot be read.
    `summarise_folders` leaves out the empty ones among them."""
    if not root.is_dir():
        return []
    try:
        with os.scandir(root) as scan:  # names only: sorting Paths cost a tenth of the list
            return sorted(entry.name for entry in scan if _folder_entry(entry))
    except OSError as error:
        raise UserError(f"{root}: cannot list the sessions: {error.strerror or error}") from None


def _folder_entry(entry: os.DirEntry[str]) -> bool:
    """A folder, or a link to one (the entry's type comes with the listing: no call)."""
    if entry.name.startswith("."):
        return False
    try:
        return entry.is_dir()
    except OSError:
        return False


def summarise_folders(root: Path, names: list[str]) -> list[SessionSummary]:
    """The summaries of the session folders `names` (from `folder_names`) in `root`, in that
    order, empty folders left out (a part of the list can be summarised on its own, e.g. in
    another process)."""
    rows = (listed(root / name) for name in names)
    return [row for row in rows if row is not None]
