"""Exports for the media tools verifiers use: WebVTT, SRT, Audacity labels and ELAN.

    text = render_media(report, "vtt" | "srt" | "audacity" | "eaf", segment=None, written_in=dir)

Each lays out the same cues (`cues.build_track`: notes numbered as on screen, marks as marks,
questions asked) on the session timeline, or on recording segment N with `segment=N`.
`written_in` is the folder the export goes to (ELAN's relative media link is made from it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from discussion.errors import UserError
from discussion.export.audacity_format import render_audacity
from discussion.export.eaf_format import render_eaf
from discussion.export.report import Report
from discussion.export.srt_format import render_srt
from discussion.export.vtt_format import render_vtt

MediaFormat = Literal["vtt", "srt", "audacity", "eaf"]
MEDIA_FORMATS: tuple[MediaFormat, ...] = ("vtt", "srt", "audacity", "eaf")
# What each is, for --help.
MEDIA_HELP = {
    "vtt": "WebVTT cues",
    "srt": "SubRip subtitles",
    "audacity": "Audacity label track",
    "eaf": "ELAN annotation file linked to the audio",
}


def render_media(
    report: Report, fmt: str, *, segment: int | None = None, written_in: Path | None = None
) -> str:
    """The record's timeline in media format `fmt` (see the module docstring)."""
    if fmt == "vtt":
        return render_vtt(report, segment)
    if fmt == "srt":
        return render_srt(report, segment)
    if fmt == "audacity":
        return render_audacity(report, segment)
    if fmt == "eaf":
        return render_eaf(report, segment, written_in)
    raise UserError(f"unknown media format {fmt!r} (use one of: {', '.join(MEDIA_FORMATS)})")
