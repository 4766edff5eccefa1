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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from discussion.export.transcript_excerpt import ExcerptWindow

# Listed here, not imported, so that `discussion --help` stays fast (importing the export package
# takes ~0.3 s); tests check these against discussion.export.formats.EXPORT_FORMATS, the one list
# of formats (rendering and the app's export screen go by that).
REPORT_FORMATS = ("md", "html", "csv")
MEDIA_FORMATS = ("vtt", "srt", "audacity", "eaf")
# The verifier's report beside the assessor's decisions (discussion.verification.export).
VERIFICATION_FORMATS = ("verification", "verification-html")
# What was said: the intact transcript.json, text or WebVTT (export/transcript_formats.py).
TRANSCRIPT_FORMATS = ("transcript", "transcript-vtt")
ALL_FORMATS = (*REPORT_FORMATS, *MEDIA_FORMATS, *VERIFICATION_FORMATS, *TRANSCRIPT_FORMATS)


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
        "verification, verification-html (the verifiers' judgements beside the decisions); "
        "transcript, transcript-vtt (what was said: the record's signed transcript as "
        "[HH:MM:SS] lines or WebVTT)",
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
    for side, edge, default in (("before", "starts", 10), ("after", "ends", 20)):
        parser.add_argument(
            f"--excerpt-{side}",
            type=float,
            metavar="S",
            help=f"md, html: the transcript under each note {edge} S seconds {side} its time "
            f"(0 to 120; default the transcript_excerpt_{side}_s setting, {default})",
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
    text = render_export(
        folder, fmt, segment=args.segment, written_in=written_in, excerpt=_excerpt(args, fmt)
    )
    if args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    written = write_export(text, args.output, session_folder=folder, force=args.force)
    print(f"wrote {written}", file=sys.stderr)
    return 0


def _excerpt(args: argparse.Namespace, fmt: str) -> ExcerptWindow | None:
    """The window from --excerpt-before/--excerpt-after (the settings' for one not given),
    checked against the setting's bounds; None when neither is given."""
    before: float | None = args.excerpt_before
    after: float | None = args.excerpt_after
    if before is None and after is None:
        return None
    from discussion.errors import UserError

    if fmt not in ("md", "html"):
        raise UserError(
            f"--excerpt-before/--excerpt-after apply to md and html, not to {fmt}: leave them out"
        )
    from pydantic import ValidationError

    from discussion.export.transcript_excerpt import ExcerptWindow
    from discussion.paths import data_home_path
    from discussion.settings import SETTINGS_FILE, Settings, load_settings

    # The other end from the settings file, read without making the data home.
    given_both = before is not None and after is not None
    settings = Settings() if given_both else load_settings(data_home_path() / SETTINGS_FILE)
    try:
        return ExcerptWindow.checked(
            settings.transcript_excerpt_before_s if before is None else before,
            settings.transcript_excerpt_after_s if after is None else after,
        )
    except ValidationError as error:
        first = error.errors()[0]
        option = "--excerpt-" + str(first["loc"][0]).split("_")[2]
        raise UserError(
            f"{option}: {first['msg']} (seconds from 0 to 120): give another number"
        ) from None
