"""The session list's cache of sealed folders' rows, kept while their files are unchanged.

A sealed (closed) folder never changes, yet listing 10,000 of them read and validated 10,000
session.json files and log tails each time. As git's index does for a working tree, the row of
each sealed folder is kept in the data home's `cache/sessions.json` under a key of the files it
was read from, and reused while that key is unchanged:

- The key is (inode, size, mtime_ns, ctime_ns) of session.json, events.jsonl and
  verification.jsonl (None when absent), taken before the folder is read, with recorder.lock
  absent. Any change is a miss and the folder is read as before: an edited session.json, an
  appended or removed line (a removed seal), a verifier's first judgement, a file replaced or
  its mtime set back (ctime cannot be). A folder with a recorder.lock is never cached.
- Only a closed folder's row without a problem is kept: an open, interrupted or damaged folder
  is read afresh every time, so a broken row always says what is wrong now.
- A row whose files changed within `RACY_NS` of the cache write is not kept ("racy", as in
  git): a change in the same timestamp tick as the read could leave the key as it was.
- The file is JSON (never pickle), written to a temporary file renamed into place, 0600 in a
  0700 folder (it holds names, like session.json); not fsync'd, as a cache lost is rebuilt.
  One that cannot be read, is damaged or was written by another version is ignored and
  rewritten; one that cannot be written is left as it is. The cache is never a reason for
  the listing to fail, nor to list anything other than a fresh read would.
- Only the data home's own sessions folder is cached: a sessions folder listed by path
  elsewhere (a copy, a test) is read as before. Rows of folders no longer there are dropped at
  the next write.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, TypeGuard

from discussion import installed_version
from discussion.paths import data_home_path
from discussion.record.events import TallyData
from discussion.record.info import EVENTS_JSONL, LOCK_FILE, SESSION_JSON, VERIFICATION_JSONL
from discussion.record.listing import SessionSummary, listed
from discussion.safe_files import UnsafeFileError, read_bounded

# Bumped whenever a row's meaning changes (with the software version, in the file).
FORMAT = 1
CACHE_DIR = "cache"
CACHE_FILE = "sessions.json"
RACY_NS = 2_000_000_000
# About 350 bytes a row: far more sessions than one data home holds.
MAX_CACHE_BYTES = 64 << 20
_KEYED = (SESSION_JSON, EVENTS_JSONL, VERIFICATION_JSONL)

# The state of a folder's verification.jsonl (`discussion.sampling.verification_state`).
Verification = Literal["none", "started", "finished", "unreadable"]
_VERIFICATIONS = frozenset({"none", "started", "finished", "unreadable"})
# A file's (st_ino, st_size, st_mtime_ns, st_ctime_ns), as lists: what JSON gives back.
Key = list[list[int] | None]


@dataclass(frozen=True)
class Hit:
    """A cached row: the folder's summary and, once the sessions list read it, the state of
    its verification.jsonl (None when only the home screen's list has seen it)."""

    summary: SessionSummary
    verification: Verification | None
    key: Key


def cache_path(root: Path) -> Path | None:
    """Where the rows of sessions folder `root` are kept, or None when it is not the data
    home's own sessions folder (not cached)."""
    home = data_home_path()
    if os.path.abspath(root) != os.path.abspath(home / "sessions"):
        return None
    return home / CACHE_DIR / CACHE_FILE


def folder_key(folder: str) -> Key | None:
    """The key of the files a row of `folder` is read from, or None when the row cannot be
    cached: a recorder.lock there, session.json or events.jsonl missing, one of the files not
    a regular file, or a folder that cannot be looked into."""
    key: Key = []
    for name in _KEYED:
        try:
            status = os.lstat(f"{folder}/{name}")
        except FileNotFoundError:
            if name != VERIFICATION_JSONL:
                return None
            key.append(None)
            continue
        except OSError:
            return None
        if not stat.S_ISREG(status.st_mode):
            return None
        key.append([status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns])
    try:
        os.lstat(f"{folder}/{LOCK_FILE}")
    except FileNotFoundError:
        return key
    except OSError:
        return None  # cannot tell whether a recorder owns it
    return None


def read_folder(root: Path, name: str, keyed: bool) -> tuple[Key | None, SessionSummary | None]:
    """Folder `name`'s row read afresh (None for an empty folder) and, when `keyed`, the key
    of its files taken before reading them (None when it cannot be cached)."""
    key = folder_key(f"{root}/{name}") if keyed else None
    return key, listed(root / name)


def encode(summary: SessionSummary) -> list[Any] | None:
    """A row as JSON values, or None when it is not to be cached (not closed, or a problem)."""
    if summary.status != "closed" or summary.problem is not None:
        return None
    tally = summary.tally
    return [
        summary.session_id,
        summary.apprentice,
        summary.date.isoformat() if summary.date is not None else None,
        summary.attempt,
        summary.kind,
        summary.created_at.isoformat() if summary.created_at is not None else None,
        summary.not_held,
        summary.assessor,
        None if tally is None else tally.met,
        None if tally is None else tally.not_met,
    ]


def decode(folder: Path, row: Any) -> SessionSummary:
    """The summary a row was made from; ValueError or TypeError for a row that is not one."""
    if type(row) is not list or len(row) != 10:
        raise ValueError("not a row")
    session_id, apprentice, day, attempt, kind, created, not_held, assessor, met, not_met = row
    for text in (session_id, apprentice, day, kind, created, not_held, assessor):
        if text is not None and type(text) is not str:
            raise ValueError("a text field is not text")
    if session_id is None or (attempt is not None and type(attempt) is not int):
        raise ValueError("no session id, or an attempt that is not a whole number")
    return SessionSummary(
        folder,
        session_id,
        apprentice,
        None if day is None else date.fromisoformat(day),
        attempt,
        kind,
        "closed",
        None,
        None if created is None else datetime.fromisoformat(created),
        not_held,
        assessor,
        None if met is None and not_met is None else TallyData(met=met, not_met=not_met),
    )


def _verification(value: object) -> TypeGuard[Verification | None]:
    return value is None or value in _VERIFICATIONS


class ListingCache:
    """The cached rows of one sessions folder for one listing: `lookup` each folder, `keep`
    each row read afresh (`read_folder`), then `save` (writes only when something changed)."""

    def __init__(self, root: Path, path: Path | None, rows: dict[str, Any], dirty: bool) -> None:
        self.root = root
        self.path = path
        self._stored = rows  # as read from the file: name -> [key, row, verification]
        self._kept: dict[str, list[Any]] = {}
        self._new: set[str] = set()
        self._dirty = dirty  # the file needs writing even if no row changes (damaged)

    @classmethod
    def load(cls, root: Path) -> ListingCache:
        """The cache of sessions folder `root` (empty when there is none usable)."""
        path = cache_path(root)
        if path is None:
            return cls(root, None, {}, dirty=False)
        try:
            data = json.loads(read_bounded(path, MAX_CACHE_BYTES, follow_symlinks=False))
        except FileNotFoundError:
            return cls(root, path, {}, dirty=False)
        except (OSError, UnsafeFileError, ValueError):
            return cls(root, path, {}, dirty=True)
        usable = (
            isinstance(data, dict)
            and data.get("format") == FORMAT
            and data.get("software") == installed_version()
            and isinstance(data.get("rows"), dict)
        )
        return cls(root, path, data["rows"] if usable else {}, dirty=not usable)

    @property
    def enabled(self) -> bool:
        """Whether this sessions folder is cached (the data home's own)."""
        return self.path is not None

    def lookup(self, name: str) -> Hit | None:
        """Folder `name`'s cached row if its files are unchanged, else None (read it with
        `read_folder`). Only a folder with a cached row is looked at."""
        stored = self._stored.get(name)
        if stored is None:
            return None
        key = folder_key(f"{self.root}/{name}")
        try:
            stored_key, row, verification = stored
            if key is None or stored_key != key or not _verification(verification):
                return None
            hit = Hit(decode(self.root / name, row), verification, key)
        except (ValueError, TypeError):
            return None
        self._kept[name] = stored
        return hit

    def keep(
        self,
        name: str,
        key: Key | None,
        row: list[Any] | None,
        verification: Verification | None = None,
    ) -> None:
        """Keep folder `name`'s row (from `encode`) under the key looked up before reading it;
        nothing is kept without a key or a row."""
        if self.path is None or key is None or row is None:
            return
        self._kept[name] = [key, row, verification]
        self._new.add(name)

    def save(self) -> None:
        """Write the rows kept if any changed (racy new rows left out); never raises."""
        if self.path is None:
            return
        limit = time.time_ns() - RACY_NS
        for name in list(self._new):
            if any(item is not None and item[2] > limit for item in self._kept[name][0]):
                del self._kept[name]
                self._new.discard(name)
        unchanged = not self._new and len(self._kept) == len(self._stored)
        if unchanged and not self._dirty:
            return
        data = {"format": FORMAT, "software": installed_version(), "rows": self._kept}
        with contextlib.suppress(OSError, ValueError):
            _write(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _write(path: Path, text: str) -> None:
    """`text` in `path` by a temporary file renamed into place (0600, folder 0700)."""
    path.parent.mkdir(mode=0o700, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
