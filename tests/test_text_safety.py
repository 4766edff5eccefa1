"""Control characters in a record never reach an export raw (md, html, csv)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from test_record_support import make_info

from discussion.export import export_text
from discussion.record import SessionRecord

EVIL = "cleared \x1b[2J screen, rang \x07 bell, \u202egnp.exe"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Written straight to the record (as an old record, or a path that skips parse_note, would).
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path / "home"))
    rec = SessionRecord.create(make_info(audio=False, no_audio_reason="test"))
    note = rec.add_note(EVIL, ["1A"], 5.0)
    rec.decide("1A", True, "rationale \x1b]0;title\x07", [note.seq])
    rec.close()
    return rec.folder


@pytest.mark.parametrize("fmt", ["md", "html", "csv"])
def test_exports_hold_no_raw_control_characters(folder: Path, fmt: str) -> None:
    text = export_text(folder, fmt)
    for char in ("\x1b", "\x07", "\u202e"):
        assert char not in text, (fmt, char)
    plain = text.replace("&lt;", "<").replace("&gt;", ">").replace("\\", "")
    assert "␛" in text and "␇" in text and "<U+202E>" in plain


def test_csv_still_parses_with_the_visible_stand_ins(folder: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(export_text(folder, "csv"))))
    texts = [r["text"] for r in rows]
    assert "cleared ␛[2J screen, rang ␇ bell, <U+202E>gnp.exe" in texts
