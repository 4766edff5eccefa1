"""`discussion export FOLDER [--format md|html|csv] [-o FILE]`: the assessment record.

Prints to standard output unless `-o` names a file: a regular file, never inside a folder that
holds a session record, and an existing one only with `--force`. Works on
open, interrupted and closed sessions; the record says which at the top. Exit 0 on success,
2 when FOLDER is missing or not a session folder, 1 when its log is damaged.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> None:
    """Register the `export` sub-command."""
    parser = subparsers.add_parser(
        "export",
        help="export a session's assessment record (Markdown, HTML or CSV)",
        description="Write the assessment record of a session: apprentice, assessor, attempt, "
        "recording, consent, every criterion decision with its rationale and notes, all notes, "
        "questions asked, the other components' results, the grade as it stands and its "
        "reasons, the record hash and the verification result. Exit 0 written, 2 not a "
        "session folder, 1 damaged log.",
    )
    parser.add_argument("folder", type=Path, help="the session folder")
    parser.add_argument(
        "--format",
        "-f",
        choices=("md", "html", "csv"),
        default="md",
        help="md (default), html (printable page) or csv (one row per note and decision)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write to FILE (mode 0600) instead of standard output; never a device, a "
        "folder holding a session record, or an existing file (unless --force)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace FILE if it exists (a regular file only)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build, render and write the record."""
    from discussion.export import export_text, write_export

    folder: Path = args.folder
    text = export_text(folder, args.format)
    if args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    written = write_export(text, args.output, session_folder=folder, force=args.force)
    print(f"wrote {written}", file=sys.stderr)
    return 0
