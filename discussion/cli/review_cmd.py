"""`discussion review FOLDER`: hear the evidence of a session record, keys only.

Opens the review screen (the verify verdict, the recording's moments, a level strip, playback
from any note less a pre-roll, per-criterion evidence). The folder is checked here first so a
wrong path is one line and exit 2, never an empty screen.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from discussion.errors import UserError


def add_parser(subparsers: Any) -> None:
    """Register the `review` sub-command."""
    parser = subparsers.add_parser(
        "review",
        help="review a session record: its verdict, moments and audio (terminal app)",
        description="Open a session record for review: the verify verdict, a timeline of the "
        "recording (questions, notes by criterion, decisions, gaps, alarms, pauses), a level "
        "strip, and playback from any note (less the review_preroll_s setting, 5 s) at 0.75x "
        "to 2x without pitch change. Press F1 in the app for the keys.",
    )
    parser.add_argument("folder", type=Path, help="the session folder")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the folder, then run the review app."""
    folder: Path = args.folder
    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder (give a session folder)")
    if not (folder / "events.jsonl").exists() and not (folder / "session.json").exists():
        raise UserError(f"{folder} is not a session folder (no session.json, no events.jsonl)")
    from discussion.ui.screens.review_app import run_review  # Textual only for this command

    return run_review(folder)
