"""The record's timeline as an ELAN annotation file (EAF 3.0), linked to the recording.

Tiers: one per discussion criterion of the standard (a note tagged 1A and 2A is on both, its
text saying both), `no criteria` when a note has no tags, then `questions` (questions marked as
asked) and `marks` (bookmarks, never evidence). Every annotation reads as the other media
exports do (`#3 [1A 2A] the note's text`); see `cues` for times and cue ends. ELAN allows no
overlap on a tier, so cues starting at the same millisecond on one tier share one annotation.

An ELAN file plays one timeline against its media, so it covers one recording segment: the
only one when there is one, else the one chosen with `--segment N` (times then relative to
that file; without `--segment` a record of several segments is refused in one line naming
them). A notes-only session gives a file with no media and the session timeline.

The media is linked twice, as ELAN looks for it: `MEDIA_URL` is the absolute `file:` URL of
`audio/segment-NNN.wav` in the session folder, and `RELATIVE_MEDIA_URL` the path from where
the export is written (the folder of `-o FILE`, or the current folder for standard output).
Text goes through ElementTree (so `&`, `<` and `-->` are plain character data) after control
characters are made visible and characters XML cannot hold are replaced with U+FFFD.
HEADER properties name the session, its status, the verdict and the seal's hash
(`discussion.seal_sha256`, as `verify` prints it; `NOT SEALED` before closing).
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from datetime import UTC
from pathlib import Path
from urllib.parse import quote

from discussion.errors import UserError
from discussion.export.cues import Cue, Track, build_track, describe_segments
from discussion.export.report import Report
from discussion.text_safety import visible

QUESTIONS_TIER = "questions"
MARKS_TIER = "marks"
UNTAGGED_TIER = "no criteria"
LINGUISTIC_TYPE = "default-lt"
SCHEMA = "http://www.mpi.nl/tools/elan/EAFv3.0.xsd"
# Characters XML 1.0 cannot hold even as references: lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` that XML can hold: controls made visible, impossible characters as U+FFFD."""
    return _NOT_XML.sub("\ufffd", visible(text))


def eaf_track(report: Report, segment: int | None) -> Track:
    """The cues the file holds: one segment's (see the module docstring)."""
    segments = report.state.segments
    if segment is None and len(segments) > 1:
        raise UserError(
            f"an ELAN file links one recording and {describe_segments(segments)}: "
            "give --segment N (one file per segment)"
        )
    if segment is None and len(segments) == 1:
        segment = 1
    return build_track(report, segment)


def media_urls(report: Report, file: str, written_in: Path) -> tuple[str, str]:
    """(absolute `file:` URL, URL relative to `written_in`) of the session's `file`."""
    media = (report.folder / file).resolve()
    relative = Path(os.path.relpath(media, written_in.resolve())).as_posix()
    if not relative.startswith("../"):
        relative = "./" + relative
    return media.as_uri(), quote(relative)


def tier_ids(report: Report, cues: list[Cue]) -> list[str]:
    """Criterion tiers in the standard's order (and any other tag after), then the rest."""
    ids = [c.id for c in report.standard.component("discussion").criteria]
    notes = [cue for cue in cues if cue.kind == "note"]
    for cue in notes:
        ids += [c for c in cue.criteria if c not in ids and c not in (QUESTIONS_TIER, MARKS_TIER)]
    if any(not cue.criteria for cue in notes):
        ids.append(UNTAGGED_TIER)
    return [*ids, QUESTIONS_TIER, MARKS_TIER]


def tiers_of(cue: Cue) -> list[str]:
    """The tiers `cue` goes on."""
    if cue.kind == "mark":
        return [MARKS_TIER]
    if cue.kind == "question":
        return [QUESTIONS_TIER]
    return list(cue.criteria) or [UNTAGGED_TIER]


def tier_spans(report: Report, track: Track) -> dict[str, list[tuple[int, int, str]]]:
    """(start, end, text) per tier, in time order, never overlapping on a tier.

    Cues end at the next later cue, so only cues starting at the same millisecond could overlap
    (ELAN allows no overlap on a tier): those on one tier become one annotation, their texts on
    separate lines in the order written.
    """
    by_tier: dict[str, list[tuple[int, int, str]]] = {t: [] for t in tier_ids(report, track.cues)}
    for cue in track.cues:
        for tier in tiers_of(cue):
            spans = by_tier[tier]
            if spans and spans[-1][0] == cue.start_ms:
                start, end, text = spans[-1]
                spans[-1] = (start, end, f"{text}\n{cue.label}")
            else:
                spans.append((cue.start_ms, cue.end_ms, cue.label))
    return by_tier


def render_eaf(report: Report, segment: int | None = None, written_in: Path | None = None) -> str:
    """The record as EAF 3.0 XML text; `written_in` is the folder the file will be in."""
    return track_eaf(report, eaf_track(report, segment), written_in)


def track_eaf(report: Report, track: Track, written_in: Path | None = None) -> str:
    """Lay out `track` (one segment's cues, or a notes-only record's) as EAF 3.0."""
    root = ET.Element(
        "ANNOTATION_DOCUMENT",
        {
            "AUTHOR": xml_text(visible(report.info.assessor, allow_newlines=False)),
            "DATE": report.info.created_at.astimezone(UTC).isoformat(timespec="seconds"),
            "FORMAT": "3.0",
            "VERSION": "3.0",
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:noNamespaceSchemaLocation": SCHEMA,
        },
    )
    header = ET.SubElement(root, "HEADER", {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"})
    if track.segment is not None:
        absolute, relative = media_urls(report, track.segment.file, written_in or Path.cwd())
        ET.SubElement(
            header,
            "MEDIA_DESCRIPTOR",
            {"MEDIA_URL": absolute, "MIME_TYPE": "audio/x-wav", "RELATIVE_MEDIA_URL": relative},
        )
    slots = sorted({t for cue in track.cues for t in (cue.start_ms, cue.end_ms)})
    slot_id = {t: f"ts{i}" for i, t in enumerate(slots, start=1)}
    by_tier = tier_spans(report, track)
    count = sum(len(spans) for spans in by_tier.values())
    ET.SubElement(header, "PROPERTY", {"NAME": "lastUsedAnnotationId"}).text = str(count)
    ET.SubElement(header, "PROPERTY", {"NAME": "discussion.session_id"}).text = xml_text(
        report.info.session_id
    )
    ET.SubElement(header, "PROPERTY", {"NAME": "discussion.status"}).text = xml_text(
        report.status_text
    )
    verdict = "intact" if report.verify.ok else "NOT INTACT"
    ET.SubElement(header, "PROPERTY", {"NAME": "discussion.verification"}).text = verdict
    # The seal's hash, as `verify` prints it, to check a later copy of the record against.
    ET.SubElement(header, "PROPERTY", {"NAME": "discussion.seal_sha256"}).text = (
        report.record_hash or "NOT SEALED"
    )
    order = ET.SubElement(root, "TIME_ORDER")
    for t in slots:
        ET.SubElement(order, "TIME_SLOT", {"TIME_SLOT_ID": slot_id[t], "TIME_VALUE": str(t)})
    number = 0
    for tier, spans in by_tier.items():
        element = ET.SubElement(
            root, "TIER", {"LINGUISTIC_TYPE_REF": LINGUISTIC_TYPE, "TIER_ID": xml_text(tier)}
        )
        for start, end, value in spans:
            number += 1
            annotation = ET.SubElement(ET.SubElement(element, "ANNOTATION"), "ALIGNABLE_ANNOTATION")
            annotation.set("ANNOTATION_ID", f"a{number}")
            annotation.set("TIME_SLOT_REF1", slot_id[start])
            annotation.set("TIME_SLOT_REF2", slot_id[end])
            ET.SubElement(annotation, "ANNOTATION_VALUE").text = xml_text(value)
    ET.SubElement(
        root,
        "LINGUISTIC_TYPE",
        {
            "GRAPHIC_REFERENCES": "false",
            "LINGUISTIC_TYPE_ID": LINGUISTIC_TYPE,
            "TIME_ALIGNABLE": "true",
        },
    )
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
