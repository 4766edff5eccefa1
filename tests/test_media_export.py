"""Media-tool exports (vtt, srt, audacity, eaf) read back with the libraries their users use.

WebVTT through webvtt-py, SRT through `srt`, the Audacity label track through the csv module as
Audacity reads it (tab-separated, no quoting), ELAN through pympi-ling (`pympi.Elan.Eaf`): the
cue times and texts parsed back must equal the record's notes, marks and questions.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlparse

import pympi
import pytest
import srt
import webvtt
from test_record_support import make_info, write_wav

from discussion.errors import UserError
from discussion.export import render
from discussion.export.cues import HOLD_MS, build_track, ms
from discussion.export.eaf_format import render_eaf
from discussion.export.media import render_media
from discussion.export.report import Report, build_report
from discussion.export.srt_format import ZWSP
from discussion.record import (
    QuestionAskedData,
    RecordingStartedData,
    RecordingStoppedData,
    verify,
)
from discussion.record.session import SessionRecord
from discussion.text_safety import visible

TRICKY = "A --> B <b>bold</b> & co\nsecond line"


def build(home: Path, *, segments: int = 1) -> SessionRecord:
    """A record: a question, tagged notes (one amended, one tricky), marks (one amended)."""
    rec = SessionRecord.create(make_info(reaction_lag_s=0.0), home=home)
    start = 0.0
    for index in range(segments):
        path = rec.next_segment_path()
        name = path.relative_to(rec.folder).as_posix()
        rec.append(RecordingStartedData(segment=name, start_offset=start, device="t"), start)
        if index == 0:
            rec.append(QuestionAskedData(question_id="Q-1A-01", criteria=["1A", "2A"]), 5.0)
            first = rec.add_note("Named the warehouse team", ["1A"], 12.5)
            rec.amend_note(first.seq, "Named the warehouse and finance teams", ["1A", "2A"])
            rec.add_note("", [], 14.0)  # a mark
            rec.add_note(TRICKY, ["3A"], 20.25)
            later = rec.add_note("", [], 21.0)  # a mark given text later: a note
            rec.amend_note(later.seq, "Gave a second example", ["3B"])
            rec.add_note("No tags on this one", [], 40.0)
        else:
            rec.add_note(f"In segment {index + 1}", ["5A"], start + 3.0)
        frames = write_wav(path, 60.0)
        rec.append(RecordingStoppedData(segment=name, frames=frames, reason="stop"), start + 60)
        start += 60.0
    return rec


@pytest.fixture
def report(tmp_path: Path) -> Report:
    rec = build(tmp_path / "sessions")
    rec.close()
    return build_report(rec.folder)


def expected(report: Report, *, shift_ms: int = 0) -> list[tuple[int, str]]:
    """(start ms, label) of every note, mark and question, in time order, from the record."""
    items: list[tuple[int, str]] = []
    for note in report.state.notes:
        if note.is_mark:
            items.append((ms(note.offset), f"mark {note.mark_number}"))
        else:
            tags = " ".join(note.criteria) or "no criteria"
            items.append((ms(note.offset), f"#{note.number} [{tags}] {note.text}"))
    for q in report.state.questions:
        items.append((ms(q.offset), f"question {q.question_id} asked [{' '.join(q.criteria)}]"))
    items.sort(key=lambda item: item[0])
    return [(start - shift_ms, label) for start, label in items]


def test_the_record_has_what_the_tests_rely_on(report: Report) -> None:
    kinds = ["mark" if n.is_mark else "note" for n in report.state.notes]
    assert kinds == ["note", "mark", "note", "note", "note"]  # the mark given text is a note
    assert len(expected(report)) == 6


def tricky_number(report: Report) -> int:
    return next(n.number for n in report.notes if n.text == TRICKY)


def test_vtt_round_trips_through_webvtt_py(report: Report) -> None:
    text = render_media(report, "vtt")
    captions = webvtt.from_string(text).captions
    got = [(c.start_time.in_milliseconds(), html.unescape(c.text)) for c in captions]
    assert got == expected(report)
    # identifiers carry the numbers people see (NoteView.number, or the mark's number)
    idents = ["question-1"] + [
        f"mark-{n.mark_number}" if n.is_mark else f"note-{n.number}" for n in report.state.notes
    ]
    assert [c.identifier for c in captions] == idents
    tricky = next(c for c in captions if c.identifier == f"note-{tricky_number(report)}")
    assert "<b>" not in tricky.raw_text and "-->" not in tricky.raw_text  # escaped, not applied
    assert html.unescape(tricky.text).endswith(TRICKY)  # webvtt-py strips real tags: none here
    assert len(tricky.lines) == 2


def test_srt_round_trips_through_srt(report: Report) -> None:
    subtitles = list(srt.parse(render_media(report, "srt")))
    got = [(int(s.start.total_seconds() * 1000), s.content.replace(ZWSP, "")) for s in subtitles]
    assert got == expected(report)
    assert [s.index for s in subtitles] == [1, 2, 3, 4, 5, 6]
    tricky = subtitles[3].content
    assert "<b>" not in tricky and "-->" not in tricky  # players show the text, not bold


def audacity_rows(report: Report) -> list[list[str]]:
    """The label lines split as Audacity splits them: on tabs, no quoting."""
    text = render_media(report, "audacity")
    return list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


def test_audacity_labels_read_as_audacity_does(report: Report) -> None:
    rows = list(
        csv.reader(
            io.StringIO(render_media(report, "audacity")), delimiter="\t", quoting=csv.QUOTE_NONE
        )
    )
    assert all(len(row) == 3 for row in rows)
    assert all(len(start.split(".")[1]) == 6 for start, _, _ in rows)
    got = [(round(float(start) * 1000), label) for start, _, label in rows]
    assert got == [(t, visible(label, allow_newlines=False)) for t, label in expected(report)]
    assert "second line" in rows[3][2] and "\n" not in rows[3][2]  # one label, one line


def test_cue_ends_are_the_next_cue_or_the_hold_time(report: Report) -> None:
    cues = build_track(report).cues
    for cue, following in itertools.pairwise(cues):
        assert cue.start_ms < cue.end_ms <= min(following.start_ms, cue.start_ms + HOLD_MS)
    assert cues[-1].end_ms == cues[-1].start_ms + HOLD_MS  # 40 s note, audio runs to 60 s
    assert all(c.criteria == () for c in cues if c.kind == "mark")


def eaf_of(report: Report, tmp_path: Path, segment: int | None = None) -> tuple[Path, object]:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    path = out / "record.eaf"
    path.write_text(render_eaf(report, segment, written_in=out), encoding="utf-8")
    return path, pympi.Elan.Eaf(str(path))


def test_eaf_reads_in_pympi_with_a_tier_per_criterion(report: Report, tmp_path: Path) -> None:
    _, eaf = eaf_of(report, tmp_path)
    assert isinstance(eaf, pympi.Elan.Eaf)
    criteria = [c.id for c in report.standard.component("discussion").criteria]
    assert list(eaf.get_tier_names()) == [*criteria, "no criteria", "questions", "marks"]
    for cid in criteria:
        want = [
            (ms(n.offset), f"#{n.number} [{' '.join(n.criteria)}] {n.text}")
            for n in report.notes
            if cid in n.criteria
        ]
        got = [(start, value) for start, _, value in eaf.get_annotation_data_for_tier(cid)]
        assert got == want, cid
    assert [v for _, _, v in eaf.get_annotation_data_for_tier("marks")] == ["mark 1"]
    questions = eaf.get_annotation_data_for_tier("questions")
    assert [(s, v) for s, _, v in questions] == [(5000, "question Q-1A-01 asked [1A 2A]")]
    tricky = eaf.get_annotation_data_for_tier("3A")[0][2]
    assert tricky.endswith(TRICKY)  # '-->', '<b>', '&' and the newline as written


def test_eaf_links_the_audio_absolutely_and_relatively(report: Report, tmp_path: Path) -> None:
    path, eaf = eaf_of(report, tmp_path)
    assert isinstance(eaf, pympi.Elan.Eaf)
    (media,) = eaf.get_linked_files()
    wav = (report.folder / "audio" / "segment-001.wav").resolve()
    assert Path(unquote(urlparse(media["MEDIA_URL"]).path)) == wav
    assert (path.parent / unquote(media["RELATIVE_MEDIA_URL"])).resolve() == wav
    assert media["MIME_TYPE"] == "audio/x-wav"


def test_eaf_keeps_the_schema_structure(report: Report, tmp_path: Path) -> None:
    """What EAFv3.0.xsd requires of our file: order, required attributes, ids and references."""
    path, _ = eaf_of(report, tmp_path)
    root = ET.parse(path).getroot()
    assert root.tag == "ANNOTATION_DOCUMENT"
    assert {"AUTHOR", "DATE", "VERSION", "FORMAT"} <= set(root.attrib)
    xsi = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"
    assert root.attrib[xsi].endswith("EAFv3.0.xsd")
    tags = [child.tag for child in root]
    assert tags[:2] == ["HEADER", "TIME_ORDER"] and tags[-1] == "LINGUISTIC_TYPE"
    assert set(tags[2:-1]) == {"TIER"}
    header = [c.tag for c in root[0]]
    assert header == sorted(header, key=["MEDIA_DESCRIPTOR", "PROPERTY"].index)
    slots = {s.attrib["TIME_SLOT_ID"]: int(s.attrib["TIME_VALUE"]) for s in root[1]}
    assert list(slots.values()) == sorted(slots.values())
    ids = [a.attrib["ANNOTATION_ID"] for a in root.iter("ALIGNABLE_ANNOTATION")]
    assert len(ids) == len(set(ids)) and all(i[0].isalpha() for i in ids)
    types = {t.attrib["LINGUISTIC_TYPE_ID"] for t in root.iter("LINGUISTIC_TYPE")}
    for tier in root.iter("TIER"):
        assert tier.attrib["LINGUISTIC_TYPE_REF"] in types
        for a in tier.iter("ALIGNABLE_ANNOTATION"):
            assert slots[a.attrib["TIME_SLOT_REF1"]] < slots[a.attrib["TIME_SLOT_REF2"]]


def test_the_seal_hash_is_in_every_format_with_a_place_for_it(
    report: Report, tmp_path: Path
) -> None:
    """`verify`'s `seal sha256`, to check a later copy against: a NOTE in WebVTT, a last column
    in CSV, a HEADER property in ELAN; each still reads in its consumers' library as before."""
    seal = verify(report.folder).seal_hash
    assert seal is not None and seal == report.record_hash
    vtt = webvtt.from_string(render_media(report, "vtt"))
    assert f"seal sha256: {seal}" in vtt.header_comments[0].splitlines()
    assert len(vtt.captions) == len(expected(report))  # a comment, not a cue
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert rows and {row["seal_sha256"] for row in rows} == {seal}
    assert list(rows[0])[:2] == ["row_type", "session_id"]  # the columns before kept their place
    _, eaf = eaf_of(report, tmp_path)
    assert isinstance(eaf, pympi.Elan.Eaf)
    assert ("discussion.seal_sha256", seal) in eaf.get_properties()
    # SRT and Audacity labels have no comment or header: no made-up cue carries it (docs say so).
    assert all(seal not in render_media(report, fmt) for fmt in ("srt", "audacity"))


def test_an_unsealed_record_has_no_seal_hash_and_says_so(tmp_path: Path) -> None:
    rec = build(tmp_path / "sessions")
    rec.release()
    report = build_report(rec.folder)
    vtt = webvtt.from_string(render_media(report, "vtt"))
    assert "seal sha256: none, NOT SEALED" in vtt.header_comments[0].splitlines()
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert rows and {row["seal_sha256"] for row in rows} == {""}
    _, eaf = eaf_of(report, tmp_path)
    assert isinstance(eaf, pympi.Elan.Eaf)
    assert ("discussion.seal_sha256", "NOT SEALED") in eaf.get_properties()


def test_control_characters_are_visible_and_every_format_still_parses(tmp_path: Path) -> None:
    rec = build(tmp_path / "sessions")
    rec.add_note("bell\x07 esc\x1b[2J cr\rend\x00 blank\n\nline", ["4A"], 50.0)
    rec.close()
    report = build_report(rec.folder)
    head = f"#{report.notes[-1].number} [4A]"
    captions = webvtt.from_string(render_media(report, "vtt")).captions
    assert html.unescape(captions[-1].text) == f"{head} bell␇ esc␛[2J cr␍end␀ blank\nline"
    subtitles = list(srt.parse(render_media(report, "srt")))
    assert subtitles[-1].content.replace(ZWSP, "") == f"{head} bell␇ esc␛[2J cr␍end␀ blank\nline"
    rows = list(
        csv.reader(
            io.StringIO(render_media(report, "audacity")), delimiter="\t", quoting=csv.QUOTE_NONE
        )
    )
    assert len(rows) == 7 and rows[-1][2] == f"{head} bell␇ esc␛[2J cr␍end␀ blank␊␊line"
    _, eaf = eaf_of(report, tmp_path)
    assert isinstance(eaf, pympi.Elan.Eaf)
    value = eaf.get_annotation_data_for_tier("4A")[0][2]
    assert value == f"{head} bell␇ esc␛[2J cr␍end␀ blank\n\nline"


def test_several_segments_eaf_per_segment_others_on_the_timeline(tmp_path: Path) -> None:
    rec = build(tmp_path / "sessions", segments=2)
    rec.close()
    report = build_report(rec.folder)
    with pytest.raises(UserError) as refused:
        render_eaf(report)
    assert "2 audio segments" in refused.value.message and "--segment" in refused.value.message
    _, eaf = eaf_of(report, tmp_path, segment=2)
    assert isinstance(eaf, pympi.Elan.Eaf)
    assert eaf.get_linked_files()[0]["MEDIA_URL"].endswith("audio/segment-002.wav")
    label = f"#{report.notes[-1].number} [5A] In segment 2"
    assert eaf.get_annotation_data_for_tier("5A") == [(3000, 3000 + HOLD_MS, label)]
    assert eaf.get_annotation_data_for_tier("1A") == []  # segment 1's notes stay in its file
    whole = webvtt.from_string(render_media(report, "vtt")).captions
    assert whole[-1].start_time.in_milliseconds() == 63000  # the session timeline
    one = webvtt.from_string(render_media(report, "vtt", segment=2)).captions
    assert [c.start_time.in_milliseconds() for c in one] == [3000]
    with pytest.raises(UserError, match="--segment 3: this record has 2 audio segments"):
        render_media(report, "srt", segment=3)


def test_an_empty_record_gives_valid_empty_files(tmp_path: Path) -> None:
    rec = SessionRecord.create(make_info(), home=tmp_path / "sessions")
    rec.close()
    report = build_report(rec.folder)
    assert webvtt.from_string(render_media(report, "vtt")).captions == []
    assert list(srt.parse(render_media(report, "srt"))) == []
    assert render_media(report, "audacity") == ""
    _, eaf = eaf_of(report, tmp_path)
    assert isinstance(eaf, pympi.Elan.Eaf)
    assert eaf.get_linked_files() == []  # no audio: nothing to link


def test_eaf_never_overlaps_on_a_tier(tmp_path: Path) -> None:
    """Notes at the same moment (both clamped to 0 by the reaction lag) share one annotation."""
    rec = SessionRecord.create(make_info(reaction_lag_s=2.0), home=tmp_path / "sessions")
    path = rec.next_segment_path()
    name = path.relative_to(rec.folder).as_posix()
    rec.append(RecordingStartedData(segment=name, start_offset=0.0, device="t"), 0.0)
    rec.add_note("First at the start", ["1A"], 0.5)
    rec.add_note("Second at the start", ["1A", "2A"], 1.0)
    rec.add_note("", [], 1.5)  # a mark at the same moment: its own tier
    rec.append(RecordingStoppedData(segment=name, frames=write_wav(path, 5.0), reason="s"), 5.0)
    rec.close()
    report = build_report(rec.folder)
    _, eaf = eaf_of(report, tmp_path)
    assert isinstance(eaf, pympi.Elan.Eaf)
    first, second = (f"#{n.number} [{' '.join(n.criteria)}] {n.text}" for n in report.notes)
    assert eaf.get_annotation_data_for_tier("1A") == [(0, 5000, f"{first}\n{second}")]
    assert eaf.get_annotation_data_for_tier("2A") == [(0, 5000, second)]
    assert [v for _, _, v in eaf.get_annotation_data_for_tier("marks")] == ["mark 1"]
    for tier in eaf.get_tier_names():
        spans = sorted(eaf.get_annotation_data_for_tier(tier))
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), tier


def test_eaf_on_standard_output_links_from_the_current_folder(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "where-the-eaf-goes"
    here.mkdir()
    monkeypatch.chdir(here)
    path = here / "record.eaf"
    path.write_text(render_media(report, "eaf"), encoding="utf-8")  # as `> record.eaf` does
    eaf = pympi.Elan.Eaf(str(path))
    relative = unquote(eaf.get_linked_files()[0]["RELATIVE_MEDIA_URL"])
    assert (here / relative).resolve() == (report.folder / "audio" / "segment-001.wav").resolve()
