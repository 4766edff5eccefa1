"""The list of sessions for a home screen: robust to broken folders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from discussion.errors import UserError
from discussion.paths import sessions_dir
from discussion.record.info import SESSION_JSON
from discussion.record.session import is_owned_by_running_process, load_info, read_log

ListedStatus = Literal["open", "interrupted", "closed", "broken"]


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


def summarise(folder: Path) -> SessionSummary:
    """Summarise one folder; never raises for a damaged folder (status "broken")."""
    try:
        info = load_info(folder)
    except UserError as error:
        return SessionSummary(folder, folder.name, None, None, None, None, "broken", error.message)
    scan = read_log(folder)
    base = (folder, info.session_id, info.apprentice_name, info.created_at.date(), info.attempt)
    if scan.problem is not None:
        return SessionSummary(*base, info.kind, "broken", scan.problem)
    closed = bool(scan.events) and scan.events[-1].type == "closed"
    status: ListedStatus = "closed" if closed else "interrupted"
    if not closed and is_owned_by_running_process(folder):
        status = "open"
    problem = None
    if scan.torn is not None:
        problem = f"torn last line {scan.torn.line_number}: run `discussion recover`"
    return SessionSummary(*base, info.kind, status, problem)


def list_sessions(home: Path | None = None) -> list[SessionSummary]:
    """Every session folder under `home` (default: sessions_dir()), oldest first."""
    root = home if home is not None else sessions_dir()
    rows: list[SessionSummary] = []
    if not root.is_dir():
        return rows
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        if not (folder / SESSION_JSON).exists() and not any(folder.iterdir()):
            continue  # an empty folder (creation failed before writing anything)
        rows.append(summarise(folder))
    return rows
