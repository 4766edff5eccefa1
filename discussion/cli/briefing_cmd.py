"""`discussion briefing [--mode face-to-face|virtual] [--format md|html] [-o FILE] [--force]`:
the apprentice's printable pre-briefing, from the standard's conduct data.

Prints to standard output unless `-o` names a file (an existing one only with `--force`).
Exit 0 written; 2 for an unknown mode or format, or a file that cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

FORMATS = ("md", "html")


def add_parser(subparsers: Any) -> None:
    """Register the `briefing` sub-command."""
    parser = subparsers.add_parser(
        "briefing",
        help="print the apprentice's pre-briefing (Markdown or printable HTML)",
        description="The pre-briefing to give the apprentice before the Professional "
        "Discussion: what happens, how long it takes, the recording and confidentiality, what "
        "to bring and how to ask for adjustments. Made from the standard's conduct data.",
    )
    # Checked in `run`, not by argparse: a wrong value is one line naming the choices.
    parser.add_argument(
        "--mode",
        metavar="MODE",
        help="face-to-face or virtual (default: a briefing for either)",
    )
    parser.add_argument(
        "--format", "-f", metavar="FORMAT", default="md", help="md (default) or html (printable)"
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of standard output"
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the options, build the briefing and write it."""
    from discussion.briefing import briefing_text, write_briefing
    from discussion.errors import UserError
    from discussion.standard import load_standard
    from discussion.standard.conduct import SESSION_MODES

    mode = args.mode
    if mode is not None and mode not in SESSION_MODES:
        raise UserError(f"--mode {mode!r} is not a mode: use face-to-face or virtual")
    if args.format not in FORMATS:
        raise UserError(f"--format {args.format!r} is not a format: use md or html")
    text = briefing_text(load_standard(), mode, args.format)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    write_briefing(text, args.output, force=args.force)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0
