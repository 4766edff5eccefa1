"""`discussion recover [FOLDER] [--json]`: recover interrupted sessions.

Exit status: 0 done (or nothing to do), 1 some session could not be recovered or was refused (it
holds or once held a closed line, or its log is missing or empty: a sealed record stays sealed
and a lost log is never rebuilt), 2 the session is in use by a running process or the folder is
not a session.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> None:
    """Register the `recover` sub-command."""
    parser = subparsers.add_parser(
        "recover",
        help="recover interrupted sessions (torn event line, stale WAV headers)",
        description="Recover the given session, or every unclosed session whose recording "
        "process is no longer running: repair WAV headers, set aside a torn last event line "
        "and record a `recovered` event. The session can then be resumed or closed. A record that "
        "holds or once held a closed line, or whose log is missing or empty, is refused (exit 1): "
        "keep the folder as it is and ask for the copy handed in.",
    )
    parser.add_argument("folder", type=Path, nargs="?", help="one session folder (default: all)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Recover and print what was done per session."""
    from discussion.record.recover import recover

    report = recover(args.folder)
    if args.json:
        print(json.dumps([s.as_json() for s in report.sessions], ensure_ascii=False, indent=2))
    elif not report.sessions:
        print("no interrupted sessions")
    else:
        for outcome in report.sessions:
            print(f"{outcome.folder.name}: {outcome.action}: {outcome.message}")
    return 0 if report.ok else 1
