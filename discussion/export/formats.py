"""Every export format in one list: what `discussion export --format` accepts and what the
app's export screen offers, with how each is rendered and named.

    for spec in EXPORT_FORMATS: ...                      # name, kind, file suffix, what it is
    text = render_export(folder, "vtt", segment=2, written_in=folder_of_the_file)
    name = default_file_name(session_id, "vtt", segment=2)   # <id>.segment-002.vtt
    options = export_options(folder)                     # segments, formats not available

A format added here appears in both (the CLI keeps a copy of the names for a fast `--help`,
which a test checks against this list). Kinds: `report` (the assessment record), `media` (the
timeline for media tools; one recording segment with `segment=N`), `verification` (the
verifiers' judgements beside the decisions; the app offers it only once `verification.jsonl`
exists, the CLI says there is none), `transcript` (what was said, from an intact transcript.json:
discussion.export.transcript_formats; offered once the record has one).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from discussion.errors import UserError

if TYPE_CHECKING:
    from discussion.export.transcript_excerpt import ExcerptWindow

FormatKind = Literal["report", "media", "verification", "transcript"]


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its `--format` name, its kind, its file suffix and what it is."""

    name: str
    kind: FormatKind
    suffix: str  # of the default file name, without the dot (may hold one: verification.md)
    title: str  # a few words for the screen and --help

    @property
    def takes_segment(self) -> bool:
        """Whether it can cover one recording segment (`--segment N`)."""
        return self.kind == "media"

    @property
    def needs_one_segment(self) -> bool:
        """ELAN links one recording: a record of several segments needs one chosen."""
        return self.name == "eaf"


EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("md", "report", "md", "the record in Markdown"),
    ExportFormat("html", "report", "html", "the record as a printable page"),
    ExportFormat("csv", "report", "csv", "one row per note and decision"),
    ExportFormat("vtt", "media", "vtt", "WebVTT cues"),
    ExportFormat("srt", "media", "srt", "SubRip subtitles"),
    ExportFormat("audacity", "media", "txt", "Audacity label track"),
    ExportFormat("eaf", "media", "eaf", "ELAN file linked to the audio"),
    ExportFormat("verification", "verification", "verification.md", "verifiers' report"),
    ExportFormat(
        "verification-html", "verification", "verification.html", "verifiers' report, page"
    ),
    ExportFormat("transcript", "transcript", "transcript.txt", "what was said, as text"),
    ExportFormat("transcript-vtt", "transcript", "transcript.vtt", "what was said, WebVTT"),
)
FORMAT_NAMES: tuple[str, ...] = tuple(spec.name for spec in EXPORT_FORMATS)


def export_format(name: str) -> ExportFormat:
    """The format called `name`, or `UserError` listing them all."""
    for spec in EXPORT_FORMATS:
        if spec.name == name:
            return spec
    raise UserError(f"unknown export format {name!r}: use one of {', '.join(FORMAT_NAMES)}")


def formats_of(kind: FormatKind) -> tuple[str, ...]:
    """The names of the formats of one kind, in the list's order."""
    return tuple(spec.name for spec in EXPORT_FORMATS if spec.kind == kind)


def default_file_name(session_id: str, fmt: str, segment: int | None = None) -> str:
    """`<session id>.<suffix>`, or `<session id>.segment-NNN.<suffix>` for one segment."""
    spec = export_format(fmt)
    middle = f".segment-{segment:03d}" if segment is not None and spec.takes_segment else ""
    return f"{session_id}{middle}.{spec.suffix}"


def render_export(
    folder: Path,
    fmt: str,
    *,
    segment: int | None = None,
    written_in: Path | None = None,
    excerpt: ExcerptWindow | None = None,
) -> str:
    """The export of the session in `folder` in format `fmt` (read-only).

    `segment` (media formats only) keeps recording segment N, times from its start;
    `written_in` is the folder the file goes to (ELAN's relative link to the audio is made from
    it; the current folder when None); `excerpt` the transcript window under each note in md
    and html (None: the settings'). `UserError` for a bad format, segment or folder.
    """
    spec = export_format(fmt)
    if segment is not None and not spec.takes_segment:
        raise UserError(
            f"--segment applies to the media formats ({', '.join(formats_of('media'))}), "
            f"not to {fmt}: leave it out"
        )
    if spec.kind == "media":
        from discussion.export.media import render_media
        from discussion.export.report import build_report

        where = Path.cwd() if written_in is None else written_in
        return render_media(build_report(folder), fmt, segment=segment, written_in=where)
    if spec.kind == "verification":
        from discussion.verification.export import verification_text

        return verification_text(folder, fmt)
    if spec.kind == "transcript":
        from discussion.export.transcript_formats import transcript_export

        return transcript_export(folder, fmt)
    from discussion.export import export_text

    return export_text(folder, fmt, excerpt=excerpt)


@dataclass(frozen=True)
class SegmentChoice:
    """A recording segment one can export alone: its number (1-based) and a label."""

    number: int
    label: str  # `1 · audio/segment-001.wav from 00:00:00`


@dataclass(frozen=True)
class ExportOptions:
    """What a session offers: its recording segments and the formats it cannot give (why)."""

    segments: tuple[SegmentChoice, ...]
    unavailable: dict[str, str]

    def reason(self, fmt: str) -> str | None:
        """Why `fmt` cannot be exported from this session, or None."""
        return self.unavailable.get(fmt)


def export_options(folder: Path) -> ExportOptions:
    """The segments of `folder`'s recording and the formats not available (read-only, no
    verification of the record; `UserError` when it is not a session folder)."""
    from discussion.export.report import hhmmss
    from discussion.record import derive_state
    from discussion.record.session import load_info, read_log
    from discussion.verification.events import VERIFICATION_JSONL

    state = derive_state(load_info(folder), read_log(folder).events, owned=False)
    segments = tuple(
        SegmentChoice(number, f"{number} · {seg.file} from {hhmmss(seg.start_offset)}")
        for number, seg in enumerate(state.segments, start=1)
    )
    unavailable: dict[str, str] = {}
    if not os.path.lexists(folder / VERIFICATION_JSONL):
        reason = (
            f"no {VERIFICATION_JSONL} yet: a verifier judges the record first (in the review, "
            "or `discussion judge`)"
        )
        unavailable |= dict.fromkeys(formats_of("verification"), reason)
    if not os.path.lexists(folder / "transcript.json"):
        reason = (
            "no transcript yet (no transcript.json): make one with `discussion transcribe "
            "FOLDER` (or from the app once the session is sealed)"
        )
        unavailable |= dict.fromkeys(formats_of("transcript"), reason)
    return ExportOptions(segments, unavailable)
