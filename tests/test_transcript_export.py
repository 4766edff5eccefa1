"""Exports of the transcript: `--format transcript` (`[HH:MM:SS] text` per segment),
`--format transcript-vtt` (parsed by webvtt-py), and the md/html record showing under each note
the words from 10 s before to 20 s after it (both ends included; configurable). Text goes
through the text safety: no control character reaches a file or the terminal. Hand-made
transcripts through the real model, real exports through the `discussion export` dispatcher."""

from __future__ import annotations

import json
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import webvtt
from cli_inprocess import run_in_process
from test_record_support import make_closed_session, make_info, write_wav
from transcript_helpers import edit_raw, make_transcript, write_signed

from discussion.cli import export_cmd
from discussion.errors import UserError
from discussion.export.formats import default_file_name, export_options, formats_of
from discussion.export.transcript_excerpt import ExcerptWindow, excerpt_text, excerpt_words
from discussion.record import RecordingStartedData, RecordingStoppedData, SessionRecord
from discussion.settings import load_settings
from discussion.transcript.model import Segment, Transcript, Word

NOTE_AT = 15.0  # the note's time on the timeline (first keystroke 17.0 less the 2.0 s lag)
ESC_WORD = "\x1b[2Jwiped\x07"


def _word(start: float, text: str) -> Word:
    return Word(start=start, end=start + 0.2, word=" " + text, probability=0.9)


# Words around the note: 4.999 and 35.001 are just outside [5.0, 35.0]; 5.0 and 35.0 are the
# window's ends exactly (-10 s, +20 s).
WORDS = [
    (1.0, "long-before"),
    (4.999, "just-early"),
    (5.0, "first-in"),
    (15.0, "<script>alert(1)</script>"),
    (20.0, ESC_WORD),
    (35.0, "last-in"),
    (35.001, "just-late"),
]


def _segments() -> list[Segment]:
    return [
        Segment(start=start, end=start + 0.2, text=" " + text, words=[_word(start, text)])
        for start, text in WORDS
    ]


def _session(tmp_path: Path) -> Path:
    """A sealed 40 s session with one note at 15.0 s and a signed transcript of it."""
    record = SessionRecord.create(make_info(), home=tmp_path)
    segment = record.next_segment_path()
    name = segment.relative_to(record.folder).as_posix()
    record.append(RecordingStartedData(segment=name, start_offset=0.0, device="test"), 0.0)
    frames = write_wav(segment, 40.0)
    note = record.add_note("Described the refund policy", ["1A"], NOTE_AT + 2.0)
    record.decide("1A", True, "a clear example", [note.seq])  # cited: quoted there too
    record.append(RecordingStoppedData(segment=name, frames=frames, reason="stop"), 40.0)
    record.close()
    write_signed(record.folder, make_transcript(record.folder, segments=_segments()))
    return record.folder


def _export(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`discussion export FOLDER ARGS` through the real dispatcher, in this process (the console
    script itself: tests/test_cli_process.py)."""
    return run_in_process(["export", str(folder), *args], env=dict(os.environ))


def test_plain_text_is_one_timed_line_per_segment(tmp_path: Path) -> None:
    folder = _session(tmp_path)
    result = _export(folder, "--format", "transcript")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(WORDS)
    assert all(re.fullmatch(r"\[\d\d:\d\d:\d\d\] \S.*", line) for line in lines), lines
    assert lines[0] == "[00:00:01] long-before"
    assert lines[1] == "[00:00:04] just-early"  # HH:MM:SS rounded down, as the record's times
    assert lines[5] == "[00:00:35] last-in"
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert lines[4] == "[00:00:20] \u241b[2Jwiped\u2407"  # made visible, not applied


def test_webvtt_parses_with_a_cue_per_segment(tmp_path: Path) -> None:
    folder = _session(tmp_path)
    result = _export(folder, "--format", "transcript-vtt")
    assert result.returncode == 0, result.stderr
    captions = webvtt.from_string(result.stdout).captions
    assert [c.identifier for c in captions] == [f"segment-{n}" for n in range(1, len(WORDS) + 1)]
    assert captions[1].start == "00:00:04.999" and captions[1].end == "00:00:05.199"
    assert captions[6].start == "00:00:35.001"
    assert "\x1b" not in result.stdout
    assert "&lt;script&gt;" in result.stdout  # shown, never a tag
    assert "NOTE" in result.stdout and folder.name in result.stdout


def test_a_record_without_transcript_says_how_to_make_one(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    for fmt in ("transcript", "transcript-vtt"):
        result = _export(folder, "--format", fmt)
        assert result.returncode == 2 and result.stdout == ""
        assert "discussion transcribe" in result.stderr and len(result.stderr.splitlines()) == 1


def test_an_altered_transcript_is_not_exported(tmp_path: Path) -> None:
    folder = _session(tmp_path)
    edit_raw(folder, lambda d: d["segments"][2].update(text=" edited"))
    result = _export(folder, "--format", "transcript")
    assert result.returncode == 1 and result.stdout == ""
    assert "altered" in result.stderr and "Traceback" not in result.stderr
    markdown = _export(folder, "--format", "md")
    assert markdown.returncode == 0
    assert "said (" not in markdown.stdout  # an altered transcript is never quoted
    assert "transcript.json" in markdown.stdout  # the record names the fault
    assert "- **Transcript:** ALTERED: not quoted here" in markdown.stdout


def _excerpt_line(markdown: str) -> str:
    """The excerpt under the note; the same one, a level deeper, under the decision citing it."""
    lines = [line for line in markdown.splitlines() if "said (" in line]
    assert len(lines) == 2, lines
    cited, listed = lines
    assert cited.startswith("    - *said (") and listed.startswith("  - *said (")
    assert cited.strip() == listed.strip()
    return listed


def test_markdown_shows_the_words_from_10_s_before_to_20_s_after(tmp_path: Path) -> None:
    folder = _session(tmp_path)
    result = _export(folder, "--format", "md")
    assert result.returncode == 0, result.stderr
    line = _excerpt_line(result.stdout)
    assert "first-in" in line and "last-in" in line  # exactly -10 s and +20 s are in
    for outside in ("long-before", "just-early", "just-late"):
        assert outside not in line
    assert "00:00:05\u201300:00:35" in line
    assert "\x1b" not in result.stdout and "\u241b" in line
    assert "\\<script\\>" in line  # Markdown-escaped
    fact = next(x for x in result.stdout.splitlines() if x.startswith("- **Transcript:**"))
    assert "intact, signed by Test Assessor" in fact and "7 words (hand-made)" in fact
    assert "from 10 s before to 20 s after" in fact


def test_the_window_is_configurable_on_the_command_line(tmp_path: Path) -> None:
    folder = _session(tmp_path)
    result = _export(folder, "--format", "md", "--excerpt-before", "0", "--excerpt-after", "5")
    assert result.returncode == 0, result.stderr
    line = _excerpt_line(result.stdout)
    assert "script" in line and "first-in" not in line and "wiped" in line
    refused = _export(folder, "--format", "md", "--excerpt-before", "121")
    assert refused.returncode == 2 and "--excerpt-before" in refused.stderr
    assert len(refused.stderr.splitlines()) == 1
    wrong = _export(folder, "--format", "transcript", "--excerpt-after", "5")
    assert wrong.returncode == 2 and "apply to md and html" in wrong.stderr


def test_the_window_comes_from_the_settings(tmp_path: Path) -> None:
    folder = _session(tmp_path)
    settings = Path(os.environ["DISCUSSION_HOME"]) / "settings.json"
    settings.write_text(json.dumps({"transcript_excerpt_after_s": 0}), encoding="utf-8")
    assert load_settings().transcript_excerpt_after_s == 0
    line = _excerpt_line(_export(folder, "--format", "md").stdout)
    assert "first-in" in line and "script" in line and "wiped" not in line
    settings.write_text(json.dumps({"transcript_excerpt_before_s": 500}), encoding="utf-8")
    with pytest.raises(UserError, match="transcript_excerpt_before_s"):
        load_settings()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.excerpts: list[str] = []
        self.tags: list[str] = []
        self._inside = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "div" and "excerpt" in (dict(attrs).get("class") or ""):
            self._inside = 1
            self.excerpts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "div":
            self._inside = 0

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.excerpts[-1] += data


def test_html_shows_the_excerpt_escaped(tmp_path: Path) -> None:
    folder = _session(tmp_path)
    result = _export(folder, "--format", "html")
    assert result.returncode == 0, result.stderr
    parser = _Text()
    parser.feed(result.stdout)
    assert len(parser.excerpts) == 2  # under the decision citing the note, and in the notes
    said = parser.excerpts[0]
    assert parser.excerpts[1] == said
    assert "first-in" in said and "last-in" in said and "just-late" not in said
    assert "<script>alert(1)</script>" in said  # as text: the page holds no script element
    assert "script" not in parser.tags
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout


def test_without_a_transcript_the_record_shows_nothing_more(tmp_path: Path) -> None:
    folder = _session(tmp_path)
    (folder / "transcript.json").unlink()
    for fmt in ("md", "html"):
        result = _export(folder, "--format", fmt)
        assert result.returncode == 0 and "said (" not in result.stdout
        assert "Transcript" not in result.stdout


def test_excerpt_window_ends_are_whole_milliseconds() -> None:
    """A note at 12.3 s: 2.3 and 32.3 are in (12.3 - 10 is not exactly 2.3 in floating point),
    2.299 and 32.301 are out."""
    words = [_word(s, f"w{n}") for n, s in enumerate([2.299, 2.3, 32.3, 32.301])]
    fields: dict[str, Any] = {"segments": [Segment(start=2, end=33, text="", words=words)]}
    transcript = Transcript.model_construct(**fields)  # only the words matter here
    picked = excerpt_words(transcript, 12.3, ExcerptWindow(10.0, 20.0))
    assert [w.word.strip() for w in picked] == ["w1", "w2"]
    assert excerpt_text(picked) == "w1 w2"
    assert excerpt_words(transcript, 12.3, ExcerptWindow(0.0, 0.0)) == []


def test_the_formats_are_in_the_one_list(tmp_path: Path) -> None:
    assert formats_of("transcript") == export_cmd.TRANSCRIPT_FORMATS
    assert default_file_name("s1", "transcript") == "s1.transcript.txt"
    assert default_file_name("s1", "transcript-vtt") == "s1.transcript.vtt"
    folder = make_closed_session(tmp_path)
    assert "discussion transcribe" in (export_options(folder).reason("transcript") or "")
    write_signed(folder)
    assert export_options(folder).reason("transcript-vtt") is None


def test_excerpt_text_joins_a_piece_of_a_word_on() -> None:
    words = [
        Word(start=0.0, end=0.3, word=" the", probability=0.9),
        Word(start=0.3, end=0.6, word=" follow", probability=0.9),
        Word(start=0.6, end=0.9, word="-up", probability=0.9),
        Word(start=0.9, end=1.2, word=" call", probability=0.9),
    ]
    assert excerpt_text(words) == "the follow-up call"
