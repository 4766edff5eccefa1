"""The one list of export formats (discussion.export.formats): the CLI accepts exactly these,
and each renders from a real record."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_media_export import build

from discussion.cli import export_cmd
from discussion.errors import UserError
from discussion.export.formats import (
    EXPORT_FORMATS,
    FORMAT_NAMES,
    default_file_name,
    export_options,
    formats_of,
    render_export,
)


def test_the_cli_accepts_exactly_the_listed_formats() -> None:
    assert export_cmd.ALL_FORMATS == FORMAT_NAMES
    assert formats_of("report") == export_cmd.REPORT_FORMATS
    assert formats_of("media") == export_cmd.MEDIA_FORMATS
    assert formats_of("verification") == export_cmd.VERIFICATION_FORMATS


def test_every_listed_format_renders_and_default_names_differ(tmp_path: Path) -> None:
    rec = build(tmp_path / "sessions")
    rec.close()
    for spec in EXPORT_FORMATS:
        if spec.kind == "transcript":  # needs a transcript.json: tests/test_transcript_export.py
            continue
        assert render_export(rec.folder, spec.name, written_in=tmp_path).strip(), spec.name
    names = {default_file_name("s1", spec.name) for spec in EXPORT_FORMATS}
    assert len(names) == len(EXPORT_FORMATS)
    assert default_file_name("s1", "vtt", 2) == "s1.segment-002.vtt"
    assert default_file_name("s1", "md", 2) == "s1.md"  # a segment only for media formats


def test_segment_only_for_media_and_unknown_formats_are_one_line(tmp_path: Path) -> None:
    rec = build(tmp_path / "sessions", segments=2)
    rec.close()
    with pytest.raises(UserError, match="--segment applies to the media formats"):
        render_export(rec.folder, "html", segment=1)
    with pytest.raises(UserError, match="unknown export format 'pdf': use one of md, html"):
        render_export(rec.folder, "pdf")
    second = render_export(rec.folder, "vtt", segment=2)
    assert "In segment 2" in second and "Named the warehouse" not in second


def test_options_list_the_segments_and_verification_needs_its_file(tmp_path: Path) -> None:
    rec = build(tmp_path / "sessions", segments=2)
    rec.close()
    options = export_options(rec.folder)
    assert [s.label for s in options.segments] == [
        "1 · audio/segment-001.wav from 00:00:00",
        "2 · audio/segment-002.wav from 00:01:00",
    ]
    reason = options.reason("verification")
    assert reason is not None and "verification.jsonl" in reason
    assert options.reason("verification-html") == reason and options.reason("vtt") is None
    (rec.folder / "verification.jsonl").write_text("")
    assert export_options(rec.folder).reason("verification") is None
