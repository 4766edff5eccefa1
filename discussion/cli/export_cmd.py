"""`discussion export FOLDER [--format F] [-o FILE] [--force] [--segment N]`: the record.

Formats: the assessment record (`md`, `html`, `csv`) and the timeline for media tools (`vtt`,
`srt`, `audacity`, `eaf`: notes, marks and questions as cues; `--segment N` for one recording
segment's file). Every format prints to standard output unless `-o` names a file: a regular
file, never inside a folder that holds a session record, written atomically with mode 0600,
and an existing one only with `--force`. Works on open, interrupted and closed sessions; the
record says which. Exit 0 on success, 2 for a bad format or option or when FOLDER is missing
or not a session folder, 1 when its log is damaged.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

# Listed here, not imported, so that `discussion --help` stays fast (importing the export package
# takes ~0.3 s); tests check these against discussion.export.formats.EXPORT_FORMATS, the one list
# of formats (rendering and the app's export screen go by that).
REPORT_FORMATS = ("md", "html", "csv")
MEDIA_FORMATS = ("vtt", "srt", "audacity", "eaf")
# The verifier's report beside the assessor's decisions (discussion.verification.export).
VERIFICATION_FORMATS = ("verification", "verification-html")
ALL_FORMATS = (*REPORT_FORMATS, *MEDIA_FORMATS, *VERIFICATION_FORMATS)


def add_parser(subparsers: Any) -> None:
    """Register the `export` sub-command."""
    parser = subparsers.add_parser(
        "export",
        help="export a session's record (Markdown, HTML, CSV) or its timeline for media tools",
        description="Write the assessment record of a session: apprentice, assessor, attempt, "
        "recording, consent, every criterion decision with its rationale and notes, all notes, "
        "questions asked, the other components' results, the grade as it stands and its "
        "reasons, the record hash and the verification result; or its notes, marks and "
        "questions as cues for a media tool (WebVTT, SRT, an Audacity label track, an ELAN "
        "file linked to the audio). Exit 0 written, 2 not a session folder or a bad option, "
        "1 damaged log.",
    )
    parser.add_argument("folder", type=Path, help="the session folder")
    parser.add_argument(
        "--format",
        "-f",
        default="md",
        metavar="FORMAT",
        help="md (default), html (printable page), csv (one row per note and decision); "
        "vtt (WebVTT), srt (SubRip), audacity (label track), eaf (ELAN, linked to the audio); "
        "verification, verification-html (the verifiers' judgements beside the decisions)",
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
    parser.add_argument(
        "--segment",
        type=int,
        metavar="N",
        help="media formats: only recording segment N (1 = audio/segment-001.wav), times "
        "from its start; eaf needs it when the record has several segments",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build, render and write the record."""
    from discussion.export import write_export
    from discussion.export.formats import export_format, render_export

    fmt: str = args.format
    export_format(fmt)  # an unknown format is refused before anything is read
    folder: Path = args.folder
    written_in = None if args.output is None else args.output.expanduser().parent
    text = render_export(folder, fmt, segment=args.segment, written_in=written_in)
    if args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    written = write_export(text, args.output, session_folder=folder, force=args.force)
    print(f"wrote {written}", file=sys.stderr)
    return 0
