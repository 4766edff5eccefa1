"""Hand-ins waiting for the hub, and the marks of records handed in: both in the data home.

Where the "handed in" mark lives: `DATA/hub/handed-in/<session_id>.json`, never inside the
session folder. The seal covers every regular file of the folder (a file added after closing
makes `discussion verify` say "altered"), so a mark inside it would break the record it marks.

The queue: `DATA/hub/queue/<kind>-<session_id>.json` (kind `record` or `judgement`), written
atomically before the user is told "queued", removed only after the hub took the hand-in, so
nothing is lost. `retry(config)` pushes the items that are due; an unreachable hub puts an
item back with the next try after a back-off (30 s doubling to at most an hour). The app can
call `status_of(session_id)` for the home screen and `retry` from a worker of its own.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from discussion.errors import UserError
from discussion.hub.config import HubConfig
from discussion.hub.errors import HubUnreachable
from discussion.paths import data_home, ensure_folder
from discussion.signing.keys import write_atomic

Kind = Literal["record", "judgement"]
BACKOFF_FIRST_S = 30.0
BACKOFF_MAX_S = 3600.0


def hub_dir() -> Path:
    """`DATA/hub` (created)."""
    return ensure_folder(data_home() / "hub")


@dataclass
class QueueItem:
    """One hand-in waiting for the hub."""

    kind: Kind
    session_id: str
    folder: str
    queued_at: float
    attempts: int = 0
    next_try_at: float = 0.0
    last_error: str = ""

    def path(self) -> Path:
        """The item's file."""
        return ensure_folder(hub_dir() / "queue") / f"{self.kind}-{self.session_id}.json"

    def save(self) -> None:
        """Write the item (atomically)."""
        write_atomic(self.path(), json.dumps(asdict(self)).encode(), 0o600)


def backoff(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones."""
    return float(min(BACKOFF_FIRST_S * 2 ** max(attempts - 1, 0), BACKOFF_MAX_S))


def enqueue(
    kind: Kind, session_id: str, folder: Path, error: str, now: float | None = None
) -> QueueItem:
    """Queue a hand-in the hub could not take now (or count one more failed try)."""
    now = time.time() if now is None else now
    existing = next((i for i in items() if (i.kind, i.session_id) == (kind, session_id)), None)
    item = existing or QueueItem(kind, session_id, str(folder.resolve()), now)
    item.attempts += 1
    item.last_error = error
    item.next_try_at = now + backoff(item.attempts)
    item.save()
    return item


@dataclass(frozen=True)
class DamagedFile:
    """A queue file that cannot be read as a hand-in: never retried, never dropped unsaid."""

    path: Path
    reason: str

    @property
    def message(self) -> str:
        """What is wrong and the fix, for people."""
        return (
            f"{self.path} is damaged ({self.reason}): the hand-in it held cannot be retried; "
            "hand that record in again (`discussion hub push FOLDER`, which removes this file "
            "once the hub holds it), or delete the file if the hub already holds the record"
        )


def _load(path: Path) -> QueueItem:
    """The item in `path`; ValueError saying what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg} at line {error.lineno}") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    try:
        item = QueueItem(**data)
    except TypeError:
        missing = sorted({"kind", "session_id", "folder", "queued_at"} - set(data))
        unknown = sorted(set(data) - {f for f in QueueItem.__dataclass_fields__})
        raise ValueError(
            f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(unknown)}"
        ) from None
    if item.kind not in ("record", "judgement"):
        raise ValueError(f"kind {item.kind!r} is neither record nor judgement")
    if not (isinstance(item.session_id, str) and item.session_id and isinstance(item.folder, str)):
        raise ValueError("session_id and folder must be text")
    numbers = (item.queued_at, item.next_try_at, item.attempts)
    if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers):
        raise ValueError("queued_at, next_try_at and attempts must be numbers")
    if path.name != f"{item.kind}-{item.session_id}.json":
        raise ValueError(f"it names {item.kind} {item.session_id}, not what its name says")
    return item


def _scan() -> tuple[list[QueueItem], list[DamagedFile]]:
    folder = data_home() / "hub" / "queue"
    if not folder.is_dir():
        return [], []
    found: list[QueueItem] = []
    damaged: list[DamagedFile] = []
    for path in sorted(folder.glob("*.json")):
        try:
            found.append(_load(path))
        except OSError as error:
            damaged.append(DamagedFile(path, f"unreadable: {error.strerror or error}"))
        except ValueError as error:
            damaged.append(DamagedFile(path, str(error)))
    return sorted(found, key=lambda item: item.queued_at), damaged


def items() -> list[QueueItem]:
    """Every queued hand-in, oldest first (a damaged file is in `damaged()`, not here)."""
    return _scan()[0]


def damaged() -> list[DamagedFile]:
    """The queue files that cannot be read, by name: `hub status` names each and the fix."""
    return _scan()[1]


def remove(item: QueueItem) -> None:
    """Drop an item the hub took."""
    item.path().unlink(missing_ok=True)


@dataclass(frozen=True)
class RetryOutcome:
    """What one retry pass did."""

    handed_in: list[str]
    still_queued: list[QueueItem]
    refused: list[tuple[QueueItem, str]]
    damaged: list[DamagedFile] = field(default_factory=list)  # skipped, each with its fix


def retry(config: HubConfig, *, everything: bool = False, now: float | None = None) -> RetryOutcome:
    """Push the due items (all with `everything`); see the module docstring."""
    from discussion.hub.push import push_judgement, push_record

    now = time.time() if now is None else now
    done: list[str] = []
    waiting: list[QueueItem] = []
    refused: list[tuple[QueueItem, str]] = []
    queued, broken = _scan()
    for item in queued:
        if not everything and item.next_try_at > now:
            waiting.append(item)
            continue
        try:
            if item.kind == "record":
                push_record(Path(item.folder), config)
            else:
                push_judgement(Path(item.folder), config)
        except HubUnreachable as error:
            waiting.append(
                enqueue(item.kind, item.session_id, Path(item.folder), error.message, now)
            )
            continue
        except UserError as error:  # a HubError, or the record itself (e.g. its folder gone)
            item.last_error = error.message
            item.next_try_at = now + BACKOFF_MAX_S
            item.save()
            refused.append((item, error.message))
            continue
        remove(item)
        done.append(item.session_id)
    return RetryOutcome(done, waiting, refused, broken)


def mark_handed_in(session_id: str, folder: Path, manifest_sha256: str) -> Path:
    """Record locally that the hub holds this record (outside the session folder)."""
    path = ensure_folder(hub_dir() / "handed-in") / f"{session_id}.json"
    mark = {
        "session_id": session_id,
        "folder": str(folder.resolve()),
        "manifest_sha256": manifest_sha256,
        "handed_in_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    write_atomic(path, json.dumps(mark).encode(), 0o600)
    for item in items():
        if (item.kind, item.session_id) == ("record", session_id):
            remove(item)
    for bad in damaged():  # the hand-in a damaged file held is done now
        if bad.path.name == f"record-{session_id}.json":
            bad.path.unlink(missing_ok=True)
    return path


HandInState = Literal["handed in", "queued", "not handed in"]


def status_of(session_id: str) -> tuple[HandInState, QueueItem | None]:
    """A record's hand-in state for the home screen, and its queue item when queued."""
    if (data_home() / "hub" / "handed-in" / f"{session_id}.json").is_file():
        return "handed in", None
    item = next((i for i in items() if (i.kind, i.session_id) == ("record", session_id)), None)
    return ("queued", item) if item is not None else ("not handed in", None)


def handed_in_count() -> int:
    """How many records this data home handed in."""
    folder = data_home() / "hub" / "handed-in"
    return len(list(folder.glob("*.json"))) if folder.is_dir() else 0
