"""Sessions for quality assurance: the list with filters, and a reproducible IQA sample.

Fast by design: each folder is summarised from its session.json and the last part of its log
(`discussion.record.listing`), plus the last line of its `verification.jsonl` if there is one;
the whole chain is `discussion verify`'s work. A sealed folder whose files are unchanged since
the last listing is not read again: its row comes from the data home's cache
(`discussion.record.listing_cache`). A damaged folder is one entry saying what is
wrong with it, never an error that hides the others.

- `grade` is the discussion component's result from the criteria sealed in the `closed` event's
  tally (`fail`, `pass`, or `distinction` when the component reached its distinction threshold
  on an attempt that counts), graded by the same engine as `discussion grade`. It is not the
  EPA grade, which needs the showcase and observation too. Unclosed, broken, practice and
  "did not go ahead" sessions have no grade (None, shown as a dash).
- `verified`: the folder's `verification.jsonl` holds a `finished` event (a verifier finished a
  round of judgements; `discussion judge`). Its chain and signature are `verify`'s work.

The sample (`draw_sample`) takes only closed assessments whose discussion went ahead (not
practice, not "did not go ahead", not damaged). Its size is the percentage of the eligible
sessions **rounded up** (`sample_size`: 10% of 25 is 3), so any sample of a non-empty set holds
at least one session. With `per_assessor`, the rule applies to each assessor's sessions on
their own (10% of each assessor's, rounded up: at least one each). Within a set, sessions not
yet verified come first, then a draw keyed by the seed and each session's id, so the same seed
over the same sessions gives the same sample whatever order the folders are listed in, and
adding a session does not reshuffle the others.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, tzinfo
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from discussion.errors import UserError
from discussion.paths import sessions_dir
from discussion.record.listing import SessionSummary, folder_names
from discussion.record.listing_cache import Key, ListingCache, encode, read_folder
from discussion.record.listing_cache import Verification as Verification  # one definition
from discussion.safe_files import UnsafeFileError, read_bounded, read_tail

State = Literal["open", "interrupted", "closed", "broken", "did not go ahead"]
STATES: tuple[State, ...] = ("open", "interrupted", "closed", "broken", "did not go ahead")
NOT_HELD: State = "did not go ahead"

VERIFICATION_JSONL = "verification.jsonl"
# The event that ends a verifier's round (discussion.verification.events.FinishedData). In
# canonical JSON a `"` inside a string is escaped, so these bytes are only ever an event's
# own type, never a comment's text.
FINISHED_MARKER = b'"type":"finished"'
_VERIFICATION_TAIL = 16 * 1024
_VERIFICATION_MAX = 64 * 1024 * 1024
# From this many folders `list_entries(workers=N)` forks: below it the fork costs more.
PARALLEL_FROM = 2000


@dataclass(frozen=True)
class SessionEntry:
    """One session as a verifier sees it in the list (None where a damaged folder hides it)."""

    folder: Path
    session_id: str
    apprentice: str | None
    assessor: str | None
    date: date | None
    attempt: int | None
    kind: str | None
    state: State
    grade: str | None
    verification: Verification
    problem: str | None = None
    created_at: datetime | None = field(default=None, compare=False)

    @property
    def verified(self) -> bool:
        """Whether a verifier finished judging this session."""
        return self.verification == "finished"

    def as_json(self) -> dict[str, Any]:
        """The `--json` object of `discussion sessions` and `discussion sample`."""
        return {
            "folder": str(self.folder),
            "session_id": self.session_id,
            "apprentice": self.apprentice,
            "assessor": self.assessor,
            "date": self.date.isoformat() if self.date else None,
            "attempt": self.attempt,
            "kind": self.kind,
            "state": self.state,
            "grade": self.grade,
            "verified": self.verified,
            "verification": self.verification,
            "problem": self.problem,
        }


@functools.lru_cache(maxsize=4096)
def discussion_grade(attempt: int, met: frozenset[str]) -> str | None:
    """The discussion component's result for these criteria met on this attempt (or None when
    the engine refuses them, e.g. a criterion id from another standard)."""
    from discussion.grading import AttemptInput, GradingInput, GradingInputError, grade

    entry = AttemptInput(component="discussion", attempt=attempt, achieved=sorted(met))
    try:
        result = grade(GradingInput(attempts=[entry])).components["discussion"]
    except (GradingInputError, KeyError, ValueError):
        return None
    if result.status != "passed":
        return "fail"
    return "distinction" if result.distinction_counted >= result.threshold else "pass"


def verification_state(folder: Path) -> Verification:
    """How far verifiers got: "finished" once any round of `verification.jsonl` was finished,
    "started" when it holds only rounds in progress. Cheap: the last line, then the file's tail;
    the whole (small) file only when an older round may have finished beyond the tail."""
    path = f"{folder}/{VERIFICATION_JSONL}"  # a str: no Path built per folder
    try:
        tail, size = read_tail(path, _VERIFICATION_TAIL, follow_symlinks=False)
    except FileNotFoundError:
        return "none"
    except (UnsafeFileError, OSError):
        return "unreadable"
    lines = tail.split(b"\n")
    complete = lines[:-1] if len(tail) == size else lines[1:-1]
    if not complete:
        return "started" if size else "none"
    if FINISHED_MARKER in tail:
        return "finished"
    try:
        json.loads(complete[-1])["type"]
    except (ValueError, TypeError, KeyError):
        return "unreadable"  # a damaged last line: `discussion verify` says what is wrong
    if len(tail) == size:
        return "started"
    try:
        whole = read_bounded(path, _VERIFICATION_MAX, follow_symlinks=False)
    except (UnsafeFileError, OSError):
        return "unreadable"
    return "finished" if FINISHED_MARKER in whole else "started"


def entry_from_summary(
    summary: SessionSummary, tz: tzinfo | None = None, verification: Verification | None = None
) -> SessionEntry:
    """The entry for one listed folder; `tz` is the zone of its date (default: local time),
    `verification` its verification.jsonl's state when known (else read now)."""
    state: State = NOT_HELD if summary.not_held is not None else summary.status
    grade = None
    # A practice record never counts as an assessment: it has no grade, whatever it decided.
    counts = summary.kind != "practice"
    if counts and state == "closed" and summary.tally is not None and summary.attempt is not None:
        grade = discussion_grade(summary.attempt, frozenset(summary.tally.met))
    created = summary.created_at
    day = created.astimezone(tz).date() if created is not None else summary.date
    return SessionEntry(
        folder=summary.folder,
        session_id=summary.session_id,
        apprentice=summary.apprentice,
        assessor=summary.assessor,
        date=day,
        attempt=summary.attempt,
        kind=summary.kind,
        state=state,
        grade=grade,
        verification=verification_state(summary.folder) if verification is None else verification,
        problem=summary.problem,
        created_at=created,
    )


def list_entries(
    home: Path | None = None,
    tz: tzinfo | None = None,
    *,
    workers: int = 1,
    parallel_from: int = PARALLEL_FROM,
) -> list[SessionEntry]:
    """Every session under `home` (default: the sessions folder), oldest first (folder name).

    Sealed folders unchanged since the last listing come from the data home's cache
    (`discussion.record.listing_cache`), the same entries a fresh read gives; the others are
    read. `workers` > 1 shares a long list of folders to read between that many forked
    processes (each folder is read on its own, so the work splits cleanly): for the command
    line only, never from a process with threads (the app). Raises UserError only when `home`
    itself cannot be read.
    """
    root = home if home is not None else sessions_dir()
    names = folder_names(root)
    cache = ListingCache.load(root)
    entries: list[SessionEntry | None] = []
    missed: list[tuple[int, str]] = []  # (place in the list, folder name)
    for name in names:
        if (hit := cache.lookup(name)) is None:
            missed.append((len(entries), name))
            entries.append(None)
            continue
        entry = entry_from_summary(hit.summary, tz, hit.verification)
        if hit.verification is None:  # cached by the home screen's list, which does not read it
            cache.keep(name, hit.key, encode(hit.summary), entry.verification)
        entries.append(entry)
    todo = [name for _, name in missed]
    if workers > 1 and len(todo) >= parallel_from:
        read = _list_in_processes(root, todo, tz, workers, cache.enabled)
    else:
        read = _read(root, todo, tz, cache.enabled)
    for (place, name), (fresh, key, row) in zip(missed, read, strict=True):
        entries[place] = fresh
        if fresh is not None:
            cache.keep(name, key, row, fresh.verification)
    cache.save()
    return [entry for entry in entries if entry is not None]


# Read afresh: the entry (None for an empty folder), the key of its files taken before reading
# them (None when not `keyed` or not cacheable) and its row to cache (`listing_cache.encode`).
_Read = tuple[SessionEntry | None, Key | None, list[Any] | None]


def _read(root: Path, names: list[str], tz: tzinfo | None, keyed: bool) -> list[_Read]:
    """Each folder's entry read afresh, with what the cache keeps of it."""
    read: list[_Read] = []
    for name in names:
        key, summary = read_folder(root, name, keyed)
        if summary is None:
            read.append((None, None, None))
        else:
            read.append((entry_from_summary(summary, tz), key, encode(summary)))
    return read


def _list_in_processes(
    root: Path, names: list[str], tz: tzinfo | None, workers: int, keyed: bool
) -> list[_Read]:
    import multiprocessing

    # Loaded once here rather than once in each worker (the grades, the ULN check and the
    # attempt rule that session.json's checks import on first use).
    import discussion.grading
    import discussion.uln  # noqa: F401
    from discussion.standard import load_standard

    load_standard()
    # Contiguous chunks, a few per worker so an uneven one does not hold up the rest;
    # `map` keeps their order, so the list stays in folder-name order.
    size = max(1, len(names) // (workers * 4) + 1)
    chunks = [names[i : i + size] for i in range(0, len(names), size)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        parts = pool.starmap(_rows, [(root, chunk, tz, keyed) for chunk in chunks])
    return [
        (None if got is None else SessionEntry(root / got[0], *got[1:]), key, row)
        for part in parts
        for got, key, row in part
    ]


# An entry as a tuple, its folder by name: unpickling entries (their Paths and dataclass
# state) cost the parent a tenth of a second over 10,000 folders, plain tuples a twentieth.
_ROW_FIELDS = operator.attrgetter(*[item.name for item in fields(SessionEntry)][1:])


def _rows(
    root: Path, names: list[str], tz: tzinfo | None, keyed: bool
) -> list[tuple[tuple[Any, ...] | None, Key | None, list[Any] | None]]:
    """`_read` with each entry as a tuple for a worker to send back: (folder name, the other
    fields...), or None for an empty folder."""
    return [
        (None if entry is None else (entry.folder.name, *_ROW_FIELDS(entry)), key, row)
        for entry, key, row in _read(root, names, tz, keyed)
    ]


def _name_key(name: str) -> str:
    """Assessor names compared without case or repeated spaces ("sam  ASSESSOR")."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class SessionFilter:
    """Which sessions to keep: all given conditions must hold (dates inclusive)."""

    assessor: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    state: State | None = None
    # The assessor's name contains `assessor` (the app filters as the verifier types), rather
    # than being it (the command line).
    assessor_part: bool = False

    def matches(self, entry: SessionEntry) -> bool:
        """Whether `entry` passes every condition given (a missing value fails its condition)."""
        if self.assessor is not None and not self._assessor_matches(entry.assessor):
            return False
        if self.date_from is not None and (entry.date is None or entry.date < self.date_from):
            return False
        if self.date_to is not None and (entry.date is None or entry.date > self.date_to):
            return False
        return self.state is None or entry.state == self.state

    def _assessor_matches(self, name: str | None) -> bool:
        if name is None or self.assessor is None:
            return False
        if self.assessor_part:
            return _name_key(self.assessor) in _name_key(name)
        return _name_key(name) == _name_key(self.assessor)

    def apply(self, entries: Iterable[SessionEntry]) -> list[SessionEntry]:
        """The entries that match, in their order."""
        return [entry for entry in entries if self.matches(entry)]


def is_eligible(entry: SessionEntry) -> bool:
    """Whether a session can be sampled: a closed assessment whose discussion went ahead."""
    return entry.kind == "assessment" and entry.state == "closed" and entry.problem is None


def parse_percent(text: str) -> Fraction:
    """`--percent` as an exact fraction; UserError (exit 2) unless 0 < P <= 100."""
    try:
        value = Fraction(text.strip().removesuffix("%"))
    except (ValueError, ZeroDivisionError):
        raise UserError(
            f"--percent {text!r} is not a number: give a percentage from 0 to 100, e.g. 10"
        ) from None
    if not 0 < value <= 100:
        raise UserError(
            f"--percent {text} is outside the range: give more than 0 and at most 100, e.g. 10"
        )
    return value


def sample_size(percent: Fraction, count: int) -> int:
    """`percent` of `count` sessions, rounded up (so at least one of a non-empty set)."""
    return math.ceil(percent * count / 100)


def draw_key(seed: int, entry: SessionEntry) -> str:
    """The session's place in the draw: a hash of the seed and its id (stable, fair)."""
    text = f"{seed}\0{entry.session_id}\0{entry.folder.name}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _order(seed: int, entries: Iterable[SessionEntry]) -> list[SessionEntry]:
    """Not yet verified first, then by the draw."""
    return sorted(entries, key=lambda e: (e.verified, draw_key(seed, e)))


@dataclass(frozen=True)
class Sample:
    """An IQA sample: what was asked, how many could be drawn from, and the sessions drawn."""

    seed: int
    percent: Fraction
    per_assessor: bool
    eligible: int
    sessions: list[SessionEntry]
    # Per set drawn from (the assessor, or "" for all): (eligible, drawn).
    sets: dict[str, tuple[int, int]]

    def as_json(self) -> dict[str, Any]:
        """The `discussion sample --json` object."""
        return {
            "seed": self.seed,
            "percent": float(self.percent),
            "rounding": "up",
            "per": "assessor" if self.per_assessor else None,
            "eligible": self.eligible,
            "size": len(self.sessions),
            "sets": [
                {"assessor": name or None, "eligible": total, "drawn": drawn}
                for name, (total, drawn) in self.sets.items()
            ],
            "sessions": [entry.as_json() for entry in self.sessions],
        }


def draw_sample(
    entries: Sequence[SessionEntry], percent: Fraction, seed: int, *, per_assessor: bool = False
) -> Sample:
    """The sample of the eligible `entries`, in session id order (see the module docstring)."""
    pool = [entry for entry in entries if is_eligible(entry)]
    groups: dict[str, list[SessionEntry]] = {}
    names: dict[str, str] = {}
    for entry in sorted(pool, key=lambda e: (e.session_id, e.folder.name)):
        key = _name_key(entry.assessor or "") if per_assessor else ""
        groups.setdefault(key, []).append(entry)
        names.setdefault(key, (entry.assessor or "") if per_assessor else "")
    chosen: list[SessionEntry] = []
    sets: dict[str, tuple[int, int]] = {}
    for key in sorted(groups):
        members = groups[key]
        take = sample_size(percent, len(members))
        chosen.extend(_order(seed, members)[:take])
        sets[names[key]] = (len(members), take)
    chosen.sort(key=lambda e: (e.session_id, e.folder.name))
    return Sample(seed, percent, per_assessor, len(pool), chosen, sets)
