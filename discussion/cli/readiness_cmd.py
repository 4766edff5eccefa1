"""`discussion readiness FOLDER... [--format md|html] [-o FILE] [--force]`: the readiness report
over an apprentice's mock discussions (practice records), per criterion and over time.

Each FOLDER is a mock's session folder or a folder of session folders (the sessions folder);
records that are not mocks are left out and named. Prints to standard output unless `-o` names
a file. Exit 0 written; 2 for an unknown format, a missing folder or a file that cannot be
written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

FORMATS = ("md", "html")


def add_parser(subparsers: Any) -> None:
    """Register the `readiness` sub-command."""
    parser = subparsers.add_parser(
        "readiness",
        help="the readiness report over mock discussions (Markdown or HTML)",
        description="How an apprentice's mock discussions went: per criterion, the questions "
        "practised, the look-fors covered (self-ticked and matched by cue words), time per "
        "answer and words per minute, the criteria to work on next with practice questions to "
        "try, and the mocks compared over time.",
    )
    parser.add_argument(
        "folders",
        nargs="+",
        type=Path,
        metavar="FOLDER",
        help="a mock's folder or a sessions folder",
    )
    parser.add_argument(
        "--format", "-f", metavar="FORMAT", default="md", help="md (default) or html"
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of standard output"
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read the mocks, build the report and write it."""
    from discussion.bank import load_bank
    from discussion.briefing import write_briefing
    from discussion.errors import UserError
    from discussion.mock.readiness import load_mock_records, readiness
    from discussion.mock.readiness_render import render_html, render_markdown

    if args.format not in FORMATS:
        raise UserError(f"--format {args.format!r} is not a format: use md or html")
    records, skipped = load_mock_records(args.folders)
    report = readiness(records, load_bank(), skipped=skipped)
    text = render_html(report) if args.format == "html" else render_markdown(report)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    write_briefing(text, args.output, force=args.force)  # the same whole-file write
    print(f"wrote {args.output}", file=sys.stderr)
    return 0
