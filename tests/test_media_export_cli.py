"""`discussion export --format vtt|srt|audacity|eaf` in a fresh interpreter: output, -o, errors."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pympi
import srt
import webvtt
from test_media_export import build
from test_record_support import run_cli

from discussion.cli import export_cmd
from discussion.export import FORMATS
from discussion.export.media import MEDIA_FORMATS, render_media
from discussion.export.report import build_report
from discussion.record import verify


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("discussion: error:"), result.stderr
    assert result.stdout == ""
    return lines[0]


def closed(tmp_path: Path, segments: int = 1) -> Path:
    rec = build(tmp_path / "sessions", segments=segments)
    rec.close()
    return rec.folder


def test_the_cli_lists_the_formats_the_package_renders() -> None:
    assert export_cmd.REPORT_FORMATS == FORMATS
    assert export_cmd.MEDIA_FORMATS == MEDIA_FORMATS


def test_each_media_format_goes_to_standard_output(tmp_path: Path) -> None:
    folder = closed(tmp_path)
    vtt = run_cli("export", str(folder), "--format", "vtt", home=tmp_path)
    assert vtt.returncode == 0, vtt.stderr
    assert len(webvtt.from_string(vtt.stdout).captions) == 6
    srt_out = run_cli("export", str(folder), "-f", "srt", home=tmp_path)
    assert len(list(srt.parse(srt_out.stdout))) == 6
    labels = run_cli("export", str(folder), "-f", "audacity", home=tmp_path)
    assert len(labels.stdout.splitlines()) == 6 and labels.stdout.count("\t") == 12
    assert verify(folder).ok  # nothing was written into the record


def test_eaf_to_a_file_is_atomic_private_and_never_replaced_without_force(tmp_path: Path) -> None:
    folder = closed(tmp_path)
    out = tmp_path / "exports"
    out.mkdir()
    target = out / "record.eaf"
    first = run_cli("export", str(folder), "-f", "eaf", "-o", str(target), home=tmp_path)
    assert first.returncode == 0 and first.stdout == "" and "wrote" in first.stderr
    assert os.listdir(out) == ["record.eaf"]  # no temporary file left behind
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    eaf = pympi.Elan.Eaf(str(target))
    relative = eaf.get_linked_files()[0]["RELATIVE_MEDIA_URL"]
    assert (out / relative).resolve() == (folder / "audio" / "segment-001.wav").resolve()
    target.write_text("keep me")
    line = one_line(run_cli("export", str(folder), "-f", "eaf", "-o", str(target), home=tmp_path))
    assert "already exists" in line and "--force" in line
    assert target.read_text() == "keep me"
    forced = run_cli(
        "export", str(folder), "-f", "vtt", "-o", str(target), "--force", home=tmp_path
    )
    assert forced.returncode == 0, forced.stderr
    assert target.read_text(encoding="utf-8").startswith("WEBVTT")


def test_unknown_format_is_one_line_listing_the_formats(tmp_path: Path) -> None:
    folder = closed(tmp_path)
    line = one_line(run_cli("export", str(folder), "--format", "ass", home=tmp_path))
    assert "unknown export format 'ass'" in line
    assert "md, html, csv, vtt, srt, audacity, eaf" in line


def test_segment_option_errors_are_one_line(tmp_path: Path) -> None:
    folder = closed(tmp_path, segments=2)
    line = one_line(run_cli("export", str(folder), "-f", "eaf", home=tmp_path))
    assert "2 audio segments" in line and "audio/segment-002.wav from 00:01:00" in line
    assert "--segment" in one_line(run_cli("export", str(folder), "--segment", "1", home=tmp_path))
    line = one_line(run_cli("export", str(folder), "-f", "vtt", "--segment", "0", home=tmp_path))
    assert "--segment 0" in line
    ok = run_cli("export", str(folder), "-f", "eaf", "--segment", "2", home=tmp_path)
    assert ok.returncode == 0 and "segment-002.wav" in ok.stdout


def test_the_sample_record_exports_in_all_four(tmp_path: Path) -> None:
    """What a verifier does on a fresh clone: each format of the sample record opens."""
    sample = Path(__file__).resolve().parent.parent / "transcripts" / "sample-discussion"
    report = build_report(sample)
    moments = len(report.state.notes) + len(report.state.questions)
    assert moments > 5
    assert len(webvtt.from_string(render_media(report, "vtt")).captions) == moments
    assert len(list(srt.parse(render_media(report, "srt")))) == moments
    assert len(render_media(report, "audacity").splitlines()) == moments
    eaf_file = tmp_path / "sample.eaf"
    eaf_file.write_text(render_media(report, "eaf", written_in=tmp_path), encoding="utf-8")
    eaf = pympi.Elan.Eaf(str(eaf_file))
    linked = eaf.get_linked_files()[0]["RELATIVE_MEDIA_URL"]
    assert (tmp_path / linked).resolve() == (sample / "audio" / "segment-001.wav").resolve()
    in_tiers = sum(len(eaf.get_annotation_data_for_tier(t)) for t in ("questions", "marks"))
    assert in_tiers == len(report.state.questions) + len(report.marks)
