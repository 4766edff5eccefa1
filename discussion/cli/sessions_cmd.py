"""`discussion sessions [--assessor A] [--from DATE] [--to DATE] [--state S] [--json]`.

One line per session folder (date, apprentice, assessor, attempt, state, grade, verified,
folder); a damaged folder is a line saying what is wrong with it. Reads only each folder's
session.json and the last part of its logs (`discussion.sampling`), so it stays fast.
Exit 0 (also when nothing matches), 2 for bad options or an unreadable sessions folder.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from discussion.errors import UserError

if TYPE_CHECKING:
    from discussion.sampling import SessionEntry, SessionFilter

STATE_CHOICES = ("open", "interrupted", "closed", "broken", "did-not-go-ahead")
DASH = "—"
NAME_WIDTH = 28
# A long list is shared between processes (one per core, at most this many).
MAX_WORKERS = 4


def add_filter_options(parser: argparse.ArgumentParser, *, state: bool = True) -> None:
    """The filters `sessions` and `sample` share (and `--home`)."""
    parser.add_argument("--assessor", metavar="NAME", help="only this assessor's sessions")
    parser.add_argument(
        "--from", dest="date_from", metavar="DATE", help="only sessions on or after YYYY-MM-DD"
    )
    parser.add_argument(
        "--to", dest="date_to", metavar="DATE", help="only sessions on or before YYYY-MM-DD"
    )
    if state:
        parser.add_argument("--state", choices=STATE_CHOICES, help="only sessions in this state")
    parser.add_argument("--home", type=Path, help="data home (default: DISCUSSION_HOME)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of lines")


def add_parser(subparsers: Any) -> None:
    """Register the `sessions` sub-command."""
    parser = subparsers.add_parser(
        "sessions",
        help="list the session records with their state, grade and verification",
        description="List every session folder: date (local time), apprentice, assessor, "
        "attempt, state, the discussion component's grade from the decisions sealed at closing "
        "(not the EPA grade, which also needs the showcase and observation) and whether a "
        "verifier finished judging it. A damaged folder is listed with what is wrong. Names "
        "match without regard to case.",
    )
    add_filter_options(parser)
    parser.set_defaults(func=run)


def parse_date(text: str | None, option: str) -> date | None:
    """A `--from`/`--to` value; UserError naming the option and the format when it is not."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{option} {text!r} is not a date: write it as YYYY-MM-DD") from None


def build_filter(args: argparse.Namespace) -> SessionFilter:
    """The filter the options ask for (UserError for a bad date or an empty range)."""
    from discussion.sampling import SessionFilter

    start = parse_date(args.date_from, "--from")
    end = parse_date(args.date_to, "--to")
    if start is not None and end is not None and start > end:
        raise UserError(f"--from {start} is after --to {end}: give the earlier date first")
    state = getattr(args, "state", None)
    if state == "did-not-go-ahead":
        state = "did not go ahead"
    if args.assessor is not None and not args.assessor.strip():
        raise UserError("--assessor is blank: give the assessor's name")
    return SessionFilter(args.assessor, start, end, state)


def load_entries(args: argparse.Namespace) -> list[SessionEntry]:
    """Every session under the data home (or `--home`)."""
    from discussion.sampling import list_entries

    if args.home is not None:
        os.environ["DISCUSSION_HOME"] = str(args.home.resolve())
    return list_entries(workers=min(os.cpu_count() or 1, MAX_WORKERS))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def entry_cells(entry: SessionEntry) -> list[str]:
    """The columns of one line, in `HEADER` order."""
    return [
        entry.date.isoformat() if entry.date else DASH,
        _clip(entry.apprentice or DASH, NAME_WIDTH),
        _clip(entry.assessor or DASH, NAME_WIDTH),
        DASH if entry.attempt is None else str(entry.attempt),
        entry.state,
        entry.grade or DASH,
        _verified_text(entry),
        entry.folder.name,
    ]


HEADER = ["Date", "Apprentice", "Assessor", "Attempt", "State", "Grade", "Verified", "Folder"]


def _verified_text(entry: SessionEntry) -> str:
    return {"finished": "yes", "started": "in progress", "unreadable": "unreadable"}.get(
        entry.verification, "no"
    )


def format_lines(entries: Sequence[SessionEntry]) -> list[str]:
    """A header and one aligned line per entry; a problem follows its folder's name."""
    rows = [HEADER, *(entry_cells(entry) for entry in entries)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER) - 1)]
    lines = []
    for row, entry in zip(rows, [None, *entries], strict=True):
        text = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        text += "  " + row[-1]
        if entry is not None and entry.kind == "practice":
            text += " (practice)"
        if entry is not None and entry.problem:
            text += f": {entry.problem}"
        lines.append(text)
    return lines


def run(args: argparse.Namespace) -> int:
    """List the sessions that match the filters."""
    wanted = build_filter(args)
    entries = wanted.apply(load_entries(args))
    if args.json:
        print(json_lines(entries))
        return 0
    if not entries:
        print("No sessions match." if _filtered(args) else "No sessions yet.")
        return 0
    for line in format_lines(entries):
        print(line)
    return 0


def json_lines(entries: Sequence[SessionEntry]) -> str:
    """The `--json` list with one session's object per line (easy to read and to grep; and
    json's C encoder does it, where indenting took a tenth of a 10,000-folder listing)."""
    if not entries:
        return "[]"
    rows = (_ENCODER.encode(entry.as_json()) for entry in entries)
    return "[\n  " + ",\n  ".join(rows) + "\n]"


# One encoder for every line: `json.dumps` with an option builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _filtered(args: argparse.Namespace) -> bool:
    return any(
        getattr(args, name, None) is not None
        for name in ("assessor", "date_from", "date_to", "state")
    )
