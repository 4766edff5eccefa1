"""A transcript is derived evidence: `discussion verify` reports it intact, missing (fine: exit 0)
or altered (exit 1): a changed word, a changed time, a removed segment, audio hashes that are
not the sealed audio's, a removed signature, a signature by another key, a transcript moved
from another record. Hand-made transcripts through the real model; no speech engine."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from signing_helpers import verify_cli, verify_json
from test_record_support import make_closed_session, make_info, populate
from transcript_helpers import closed_line, edit_raw, make_transcript, segment, write_signed

from discussion.record import SessionRecord
from discussion.record.verify import verify
from discussion.signing.keys import load_or_create_key
from discussion.transcript.model import AudioSource, transcript_path
from discussion.transcript.seal import TRANSCRIPT_PURPOSE, check_transcript


def _altered(folder: Path, needle: str) -> dict[str, Any]:
    """verify's report for an altered transcript: exit 1, status altered, `needle` named."""
    report = verify(folder)
    assert not report.ok and report.transcript is not None
    assert report.transcript.status == "altered"
    assert report.transcript.transcript is None  # an altered transcript is never handed on
    assert any(needle in p for p in report.problems), report.problems
    out: dict[str, Any] = report.as_json()["transcript"]
    return out


def test_intact_transcript_verifies_with_who_signed_it(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    write_signed(folder)
    key = load_or_create_key("assessor")
    status, report = verify_json(folder)
    assert status == 0 and report["ok"], report["problems"]
    transcript = report["transcript"]
    assert transcript["status"] == "intact"
    assert transcript["signed_by"] == {"name": "Test Assessor", "fingerprint": key.fingerprint}
    assert transcript["signature_ok"] is True and transcript["trusted"] is True
    assert transcript["signed_by_sealer"] is True
    assert transcript["segments"] == 3 and transcript["words"] == 10
    text = verify_cli(folder).stdout
    assert f"transcript: intact, signed by Test Assessor ({key.fingerprint})" in text


def test_record_without_transcript_still_verifies(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    status, report = verify_json(folder)
    assert status == 0 and report["ok"]
    assert report["transcript"]["status"] == "missing"
    assert (
        report["transcript"]["signature_ok"] is False and report["transcript"]["trusted"] is False
    )
    assert "transcript: none" in verify_cli(folder).stdout


def test_a_changed_word_is_altered_and_exits_1(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    write_signed(folder)

    def change(data: dict[str, Any]) -> None:
        data["segments"][1]["words"][2]["word"] = " ignored"

    edit_raw(folder, change)
    out = _altered(folder, "the signature does not match")
    assert out["signature_ok"] is False
    status, report = verify_json(folder)
    assert status == 1 and report["transcript"]["status"] == "altered"
    assert "ALTERED" in verify_cli(folder).stdout


def test_a_changed_segment_text_is_altered(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    write_signed(folder)
    edit_raw(folder, lambda d: d["segments"][0].update(text=" Good evening"))
    _altered(folder, "signature does not match")


def test_a_changed_time_is_altered(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    write_signed(folder)
    edit_raw(folder, lambda d: d["segments"][1]["words"][0].update(start=0.101))
    _altered(folder, "signature does not match")


def test_a_removed_segment_is_altered(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    write_signed(folder)
    edit_raw(folder, lambda d: d["segments"].pop(1))
    _altered(folder, "signature does not match")


def test_an_added_field_is_altered(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    write_signed(folder)
    edit_raw(folder, lambda d: d["engine"].update(note="edited"))  # the model forbids extras
    _altered(folder, "transcript.json: field engine.note")


def test_transcript_of_other_audio_is_altered_though_its_signature_holds(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    honest = make_transcript(folder)
    other = AudioSource(
        segment=honest.audio[0].segment, sha256="d" * 64, start_offset=0, frames=1, samplerate=16000
    )
    write_signed(folder, honest.model_copy(update={"audio": [other]}))
    out = _altered(folder, "made from other audio than the sealed audio/segment-001.wav")
    assert out["signature_ok"] is True  # signed, but not of this record's audio


def test_transcript_missing_a_sealed_segment_is_altered(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    write_signed(folder, make_transcript(folder, audio=[]))
    _altered(folder, "does not cover the sealed audio/segment-001.wav")


def test_a_removed_signature_is_altered(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    write_signed(folder)
    edit_raw(folder, lambda d: d.update(signature=None))
    out = _altered(folder, "has no signature")
    assert out["signature_ok"] is False and out["signed_by"] is None
    status, _ = verify_json(folder)
    assert status == 1


def test_edited_and_resigned_by_another_key_is_altered(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path / "home")
    stranger = load_or_create_key("assessor", home=tmp_path / "stranger")
    edited = make_transcript(folder, segments=[segment(0.0, 0.25, "Gave an excellent example")])
    write_signed(folder, edited, key=stranger)  # signs "Test Assessor" with their own key
    out = _altered(folder, "a key that neither sealed this record nor is trusted here")
    assert out["signature_ok"] is True and out["trusted"] is False
    assert out["signed_by"]["fingerprint"] == stranger.fingerprint
    status, _ = verify_json(folder)
    assert status == 1


def test_a_swapped_public_key_is_altered(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path / "home")
    write_signed(folder)
    stranger = load_or_create_key("assessor", home=tmp_path / "stranger")
    edit_raw(folder, lambda d: d["signature"].update(public_key=stranger.public_key))
    out = _altered(folder, "signature does not match")
    assert out["signature_ok"] is False


def test_a_verifier_of_this_data_folder_may_transcribe(tmp_path: Path) -> None:
    """Whoever runs the transcription signs: this data folder's verifier key is trusted here."""
    folder = make_closed_session(tmp_path)
    write_signed(folder, key=load_or_create_key("verifier"), signer="Val Verifier")
    report = verify(folder)
    assert report.ok, report.problems
    assert report.transcript is not None and report.transcript.status == "intact"
    assert report.transcript.by_sealer is False
    assert report.as_json()["transcript"]["trusted"] is True


def test_a_transcript_moved_from_another_record_is_altered(tmp_path: Path) -> None:
    first = make_closed_session(tmp_path / "a")
    second = make_closed_session(tmp_path / "b")
    write_signed(first)
    shutil.copy(transcript_path(first), transcript_path(second))
    report = verify(second)
    assert not report.ok
    assert any("names another session" in p for p in report.problems)
    assert any("names another seal" in p for p in report.problems)


def test_a_symlinked_transcript_is_not_followed(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    outside = tmp_path / "elsewhere.json"
    outside.write_text("{}", encoding="utf-8")
    os.symlink(outside, transcript_path(folder))
    _altered(folder, "transcript.json")


def test_damaged_json_is_altered_in_one_line(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    transcript_path(folder).write_text('{"segments": [', encoding="utf-8")
    _altered(folder, "malformed JSON")
    result = verify_cli(folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_the_record_itself_is_untouched_by_a_transcript(tmp_path: Path) -> None:
    """transcript.json is no sealed file: adding one is not 'added after closing'."""
    folder = make_closed_session(tmp_path)
    before = (folder / "events.jsonl").read_bytes()
    write_signed(folder)
    report = verify(folder)
    assert report.ok, report.problems
    assert (folder / "events.jsonl").read_bytes() == before


def test_the_seal_signature_does_not_pass_as_the_transcripts(tmp_path: Path) -> None:
    """The purpose is part of what is signed: the record's seal signature, copied into
    transcript.json, does not match it (same key, same signer)."""
    assert TRANSCRIPT_PURPOSE == "transcript"
    folder = make_closed_session(tmp_path)
    write_signed(folder)
    seal_signature = closed_line(folder)["data"]["signature"]
    edit_raw(folder, lambda d: d.update(signature=seal_signature))
    out = _altered(folder, "signature does not match")
    assert out["signature_ok"] is False


def test_check_transcript_names_each_fault(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    write_signed(folder)
    problems: list[str] = ["an earlier problem"]
    result = check_transcript(
        folder,
        session_id="someone-else",
        seal_hash="0" * 64,
        sealed_files={},
        seal_public_key=None,
        problems=problems,
    )
    assert result.status == "altered" and result.check is not None and result.check.ok
    assert problems[0] == "an earlier problem" and result.problems == problems[1:]
    assert [p.split(" ", 3)[1:3] for p in problems[1:]] == [
        ["names", "another"],
        ["names", "another"],
        ["was", "made"],
    ]


def test_signed_by_the_sealer_is_intact_where_nobody_trusts_that_key(tmp_path: Path) -> None:
    """On another machine (another data folder), the sealer's key is not trusted, as for the
    seal itself: the transcript is intact (the same key signed both) but not `trusted`."""
    folder = make_closed_session(tmp_path / "assessor")
    write_signed(folder)
    status, report = verify_json(folder, home=tmp_path / "verifier-home")
    assert status == 0, report["problems"]
    transcript = report["transcript"]
    assert transcript["status"] == "intact" and transcript["signed_by_sealer"] is True
    assert transcript["trusted"] is False and report["trusted"] is False


def test_another_records_transcript_beside_an_unsealed_record_is_altered(tmp_path: Path) -> None:
    """Transcripts are made of sealed records only: another session's one was put there."""
    sealed = make_closed_session(tmp_path / "a")
    write_signed(sealed)
    record = SessionRecord.create(make_info(), home=tmp_path / "b")
    populate(record)
    shutil.copy(transcript_path(sealed), transcript_path(record.folder))
    record.release()
    report = verify(record.folder)
    assert not report.ok and report.transcript_status == "altered"
    assert any("names another session" in p for p in report.problems), report.problems


def _cut_short(folder: Path) -> str:
    """The closed line removed and the lock planted, as an interruption looks; its seal hash."""
    seal: str = closed_line(folder)["hash"]
    log = folder / "events.jsonl"
    log.write_bytes(b"".join(log.read_bytes().splitlines(keepends=True)[:-1]))
    (folder / "recorder.lock").write_text("99999\n")
    return seal


def test_its_own_transcript_beside_a_record_cut_short_names_the_missing_seal(
    tmp_path: Path,
) -> None:
    """Not an alteration of the record (exit 0, not sealed), but proof it was sealed once."""
    folder = make_closed_session(tmp_path)
    write_signed(folder)
    seal = _cut_short(folder)
    report = verify(folder)
    assert report.ok and report.verdict == "intact-not-sealed", report.problems
    assert report.transcript is not None and report.transcript_status == "seal_missing"
    assert report.transcript.transcript is None  # its words are not shown as this record's
    status, body = verify_json(folder)
    assert status == 0 and body["may_be_incomplete"] is True and body["problems"] == []
    assert body["transcript"]["status"] == "seal_missing"
    assert body["transcript"]["named_seal"] == seal
    assert body["transcript"]["signature_ok"] is True
    text = verify_cli(folder).stdout
    assert f"transcript.json names seal {seal[:12]} of this session" in text
    assert "has been cut short; ask for the copy handed in" in text


def test_a_bad_signature_beside_a_record_cut_short_is_still_altered(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    write_signed(folder)
    edit_raw(folder, lambda d: d["segments"][0].update(text=" Good evening"))
    _cut_short(folder)
    report = verify(folder)
    assert not report.ok and report.transcript_status == "altered"
    assert any("the signature does not match" in p for p in report.problems), report.problems
    status, _ = verify_json(folder)
    assert status == 1


def test_control_characters_from_the_file_never_reach_the_terminal(tmp_path: Path) -> None:
    """A signer name and a session id with ESC in them, re-signed by a stranger: verify's text
    names them with the escape made visible, and its JSON escapes it."""
    folder = make_closed_session(tmp_path / "home")
    stranger = load_or_create_key("assessor", home=tmp_path / "stranger")
    forged = make_transcript(folder, session_id="\x1b]0;pwned\x07")
    write_signed(folder, forged, key=stranger, signer="Eve\x1b[2J")
    result = verify_cli(folder)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "signed by Eve\u241b[2J" in result.stdout and "\u241b]0;pwned\u2407" in result.stdout
    status, report = verify_json(folder)
    assert status == 1 and report["transcript"]["signed_by"]["name"] == "Eve\x1b[2J"
