"""Property: whatever a note says, every media export stays valid and reads back as written.

Any text (any script, markup, `-->`, line breaks, control characters) is laid out by each
format and parsed back by its users' library: still exactly the cues written, at their times,
with the note's text as the format's documented rule makes it (control characters visible;
WebVTT and SRT leave out empty lines; an Audacity label is one line).
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pympi
import pytest
import srt
import webvtt
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples
from test_record_support import make_closed_session

from discussion.export.audacity_format import track_audacity
from discussion.export.cues import Cue, Track
from discussion.export.eaf_format import track_eaf
from discussion.export.report import Report, build_report
from discussion.export.srt_format import ZWSP, track_srt
from discussion.export.vtt_format import track_vtt
from discussion.text_safety import visible

# Any character a note could hold once read from the record's JSON and written as UTF-8.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=80)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Report]:
    home = tmp_path_factory.mktemp("props")
    yield build_report(make_closed_session(home / "sessions"))


# Texts that broke (or would break) a naive writer, always tried first.
NASTY = (
    "a --> b",
    "<b>bold</b> & <c.x>v</c> &amp;",
    "x\n\n2\n00:00:01,000 --> 00:00:02,000\nforged",
    "x\n\nnote-9\n00:00:01.000 --> 00:00:02.000\nforged",
    "{\\an8}top {\\b1}",
    "tab\there\r\nnext\x1b[2J\x00",
    "\ufffe\uffff\u2028\u2029\x85",
)


def nasty(test: Any) -> Any:
    """Apply `@example(text=...)` for each of NASTY."""
    for text in NASTY:
        test = example(text=text)(test)
    return test


def track_of(text: str) -> tuple[Track, str]:
    """A note holding `text` between two marks; and the note's label as written."""
    note = Cue("note", 1500, 4000, 7, ("1A", "3B"), text)
    cues = [Cue("mark", 0, 1500, 1, (), ""), note, Cue("mark", 4000, 12000, 2, (), "")]
    return Track(cues, None, None, []), note.label


def without_empty_lines(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if line.strip())


@settings(max_examples=examples(150), deadline=None)
@nasty
@given(text=TEXT)
def test_webvtt(report: Report, text: str) -> None:
    track, label = track_of(text)
    captions = webvtt.from_string(track_vtt(report, track)).captions
    assert [c.identifier for c in captions] == ["mark-1", "note-7", "mark-2"]
    assert [c.start_time.in_milliseconds() for c in captions] == [0, 1500, 4000]
    assert html.unescape(captions[1].raw_text) == without_empty_lines(visible(label))


@settings(max_examples=examples(150), deadline=None)
@nasty
@given(text=TEXT)
def test_srt(text: str) -> None:
    track, label = track_of(text)
    subtitles = list(srt.parse(track_srt(track)))
    assert [s.start.total_seconds() for s in subtitles] == [0, 1.5, 4]
    assert subtitles[1].content.replace(ZWSP, "") == without_empty_lines(visible(label))


@settings(max_examples=examples(150), deadline=None)
@nasty
@given(text=TEXT)
def test_audacity(text: str) -> None:
    track, label = track_of(text)
    reader = csv.reader(io.StringIO(track_audacity(track)), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = list(reader)
    assert [row[:2] for row in rows] == [
        ["0.000000", "1.500000"],
        ["1.500000", "4.000000"],
        ["4.000000", "12.000000"],
    ]
    assert rows[1][2] == visible(label, allow_newlines=False) and len(rows[1]) == 3


@settings(max_examples=examples(100), deadline=None)
@nasty
@given(text=TEXT)
def test_eaf(report: Report, tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    track, label = track_of(text)
    path = Path(tmp_path_factory.getbasetemp()) / "prop.eaf"
    path.write_text(track_eaf(report, track, path.parent), encoding="utf-8")
    eaf = pympi.Elan.Eaf(str(path))
    want = visible(label).replace("\ufffe", "\ufffd").replace("\uffff", "\ufffd")
    assert eaf.get_annotation_data_for_tier("3B") == [(1500, 4000, want)]
    assert [a[:2] for a in eaf.get_annotation_data_for_tier("marks")] == [(0, 1500), (4000, 12000)]
