"""A sealed record stays sealed: the signs that a record holds, or once held, a `closed` line.

`recover` and resume refuse a record for which `reopen_refusal` gives a reason; `verify` and
the session list use the same signs. A torn line that is (or starts like) a closed event is a
damaged seal, not an interruption; an unclosed log without its `recorder.lock` (kept from
creation until the seal) has probably lost its closed line; a missing or emptied log is never
rebuilt, since every note would be lost. A transcript (transcript.json, or a run's
transcript.partial.json) is made only of a sealed record, so one in the folder proves the
record was sealed even when its closed line is gone.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from discussion.record.info import AUDIO_DIR, EVENTS_JSONL, LOCK_FILE
from discussion.record.log import TORN_PREFIX, scan_log
from discussion.record.session import MAX_LOG_BYTES, TRANSCRIPT_FILES
from discussion.safe_files import UnsafeFileError, read_bounded

# What the copy handed in settles; said wherever a record is refused.
ADVICE = "keep the folder as it is and ask the organisation for the copy handed in"
# In canonical JSON a `"` inside a string is escaped, so these bytes can only be a line's own
# type or the closed event's own field (chain_head is the first key of its data), never text.
_CLOSED_MARKERS = (b'"type":"closed"', b'"chain_head":')


def looks_closed(line: bytes) -> bool:
    """True if `line` (a whole or torn log line) is, or starts like, a closed event."""
    return any(marker in line for marker in _CLOSED_MARKERS)


def set_aside_closed(folder: Path) -> list[str]:
    """The `events.torn-<n>.jsonl` files (set aside by a recovery) holding a closed line."""
    found = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    for name in names:
        if not (name.startswith(TORN_PREFIX) and name.endswith(".jsonl")):
            continue
        try:  # never through a symlink, never a FIFO or a device
            content = read_bounded(folder / name, MAX_LOG_BYTES, follow_symlinks=False)
        except (OSError, UnsafeFileError):
            continue  # verify names it as not a regular file
        if looks_closed(content):
            found.append(name)
    return found


def transcript_left(folder: Path) -> str | None:
    """The transcript file in `folder` (present, even as a symlink), None if there is none.

    Only a sealed record is transcribed, so such a file is proof that it was sealed.
    """
    return next((n for n in sorted(TRANSCRIPT_FILES) if os.path.lexists(folder / n)), None)


def reopen_refusal(folder: Path) -> str | None:
    """Why `folder` must not be recovered or resumed (one line naming it), None if it may be.

    Called for a record that is not cleanly closed (a closed last line is "nothing to do").
    """
    path = folder / EVENTS_JSONL
    try:
        content = read_bounded(path, MAX_LOG_BYTES, follow_symlinks=False)
    except FileNotFoundError:
        return (
            f"{folder}: {EVENTS_JSONL} is missing and a record is never rebuilt from nothing "
            f"(every note would be lost); {ADVICE}"
        )
    except (OSError, UnsafeFileError):
        return None  # not a regular file: reported by recover and verify as it is
    if not content.strip():
        return (
            f"{folder}: {EVENTS_JSONL} is empty and a record is never rebuilt from nothing "
            f"(every note would be lost); {ADVICE}"
        )
    scan = scan_log(content)
    closed = next((e for e in scan.events if e.type == "closed"), None)
    if closed is not None and (closed is not scan.events[-1] or scan.torn is not None):
        return (
            f"{folder}: sealed at {EVENTS_JSONL} line {closed.seq + 1} and added to after; "
            f"a sealed record is never reopened: {ADVICE}"
        )
    if closed is not None:
        return None  # cleanly closed: SessionRecord.open says so (SessionClosedError)
    if scan.torn is not None and looks_closed(content[scan.torn.offset :]):
        return (
            f"{folder}: {EVENTS_JSONL} line {scan.torn.line_number} is a damaged closed line "
            f"({scan.torn.reason}): a broken seal, not an interruption, so it is not "
            f"reopened; {ADVICE}"
        )
    if aside := set_aside_closed(folder):
        return (
            f"{folder}: its closed line was set aside as {aside[0]} by an earlier recovery; "
            f"a sealed record is never reopened: {ADVICE}"
        )
    if scan.events and not os.path.lexists(folder / LOCK_FILE):
        return (
            f"{folder}: no closed line and no {LOCK_FILE} (an interrupted session keeps its "
            f"lock file until sealed), so its closed line may have been removed; {ADVICE}"
        )
    if (transcript := transcript_left(folder)) is not None:
        return (
            f"{folder}: no closed line, but {transcript} is there and only a sealed record is "
            f"transcribed: it was sealed and has been cut short, so it is not reopened; {ADVICE}"
        )
    return None


def empty_folders(folder: Path, *, audio_may_be_empty: bool) -> list[str]:
    """Empty sub-folders of a session folder (relative POSIX paths), symlinks not followed.

    An empty `audio/` is normal while no recording has written a file yet.
    """
    found: list[str] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as scan:
                children = list(scan)
        except OSError:
            continue
        if not children and current != folder:
            relative = current.relative_to(folder).as_posix()
            if not (audio_may_be_empty and relative == AUDIO_DIR):
                found.append(relative)
        for entry in children:
            try:
                if stat.S_ISDIR(entry.stat(follow_symlinks=False).st_mode):
                    pending.append(Path(entry.path))
            except OSError:
                continue
    return sorted(found)


def listed_seal_problem(folder: Path, tail: bytes) -> str | None:
    """Why an unclosed record in the session list is a broken seal, not an interruption.

    Cheap enough for the list (the log's last bytes, already read, and a few lstats), so the
    home screen never offers to resume a sealed record; `reopen_refusal` is the full check.
    """
    if looks_closed(tail):
        return (
            "sealed, then added to or its closed line damaged: it is not reopened "
            f"(see `discussion verify {folder}`)"
        )
    if not os.path.lexists(folder / LOCK_FILE):
        return (
            f"no closed line and no {LOCK_FILE}: its closed line may have been removed "
            f"(see `discussion verify {folder}`)"
        )
    if (transcript := transcript_left(folder)) is not None:
        return (
            f"no closed line, but {transcript} is there (only a sealed record is transcribed): "
            f"it was sealed and cut short (see `discussion verify {folder}`)"
        )
    return None
