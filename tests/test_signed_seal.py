"""The seal is signed at closing; verify checks the signature. Each forgery of issue 10 (a
recomputed chain, a swapped public key, a signature moved from another record, a missing
signature) is *altered* (exit 1) through `.venv/bin/discussion verify`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from signing_helpers import (
    Events,
    keys_cli,
    read_events,
    rewrite,
    set_session_json,
    verify_cli,
    verify_json,
)
from test_record_support import make_closed_session

from discussion.record.info import SCHEMA_VERSION
from discussion.record.seal_signature import SIGNED_SCHEMA_VERSION
from discussion.signing.keys import load_or_create_key


def _home() -> Path:
    return Path(os.environ["DISCUSSION_HOME"])


def _edit_note(events: Events) -> None:
    note = next(e for e in events if e["type"] == "note")
    note["data"]["text"] = "Gave a detailed, excellent example"


def test_closed_record_is_signed_by_this_data_folders_key(tmp_path: Path) -> None:
    assert SCHEMA_VERSION >= SIGNED_SCHEMA_VERSION  # new records must be signed
    folder = make_closed_session(tmp_path)
    key = load_or_create_key("assessor")
    closed = read_events(folder)[-1]["data"]
    assert closed["signature"]["public_key"] == key.public_key
    assert closed["signature"]["signer"] == "Test Assessor"
    status, report = verify_json(folder)
    assert status == 0 and report["ok"], report["problems"]
    assert report["signed_by"] == {"name": "Test Assessor", "fingerprint": key.fingerprint}
    assert report["signature_ok"] is True and report["trusted"] is True
    text = verify_cli(folder).stdout
    assert f"signed by Test Assessor ({key.fingerprint})" in text


def test_recomputed_chain_is_altered(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    rewrite(folder, _edit_note)  # every hash and the chain head recomputed by the published rule
    status, report = verify_json(folder)
    assert status == 1 and not report["ok"]
    assert report["signature_ok"] is False
    assert any("signature does not match" in p for p in report["problems"])
    assert "NOT INTACT" in verify_cli(folder).stdout


def test_swapped_public_key_is_altered(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    other = load_or_create_key("assessor", home=tmp_path / "forger")

    def swap(events: Events) -> None:
        events[-1]["data"]["signature"]["public_key"] = other.public_key

    rewrite(folder, swap)
    status, report = verify_json(folder)
    assert status == 1 and report["signature_ok"] is False
    assert report["signed_by"]["fingerprint"] == other.fingerprint


def test_signature_moved_from_another_record_is_altered(tmp_path: Path) -> None:
    first = make_closed_session(tmp_path / "a")
    second = make_closed_session(tmp_path / "b")
    moved = read_events(first)[-1]["data"]["signature"]

    def move(events: Events) -> None:
        events[-1]["data"]["signature"] = moved

    rewrite(second, move)
    status, report = verify_json(second)
    assert status == 1 and report["signature_ok"] is False
    # The donor record itself still verifies: only the copy is refused.
    assert verify_json(first)[0] == 0


def test_missing_signature_is_altered(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    rewrite(folder, lambda events: events[-1]["data"].pop("signature"))
    status, report = verify_json(folder)
    assert status == 1 and report["signature"] == "missing"
    assert any("requires one" in p for p in report["problems"])


def test_stripping_the_signature_and_claiming_the_old_format_is_altered(tmp_path: Path) -> None:
    """A forger who also rewrites session.json's schema_version (and the created event) still
    leaves a closed line dated after signing began."""
    folder = make_closed_session(tmp_path)
    rewrite(folder, lambda events: events[-1]["data"].pop("signature"))
    set_session_json(folder, schema_version=1)
    status, report = verify_json(folder)
    assert status == 1 and report["signature"] == "missing"
    assert any("signing began" in p for p in report["problems"])


def test_old_unsigned_record_verifies_as_unsigned(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)

    def make_old(events: Events) -> None:
        events[-1]["data"].pop("signature")
        for event in events:
            event["at"] = "2026-11-23T20:00:00.000Z"  # made before signing existed

    rewrite(folder, make_old)
    set_session_json(folder, schema_version=1)
    status, report = verify_json(folder)
    assert status == 0 and report["ok"], report["problems"]
    assert report["signature"] == "unsigned-legacy"
    assert report["signed_by"] is None and report["signature_ok"] is False
    assert report["trusted"] is False
    text = verify_cli(folder).stdout
    assert "unsigned (made before signing" in text and "not authorship" in text


def test_valid_signature_by_untrusted_key_verifies_but_says_so(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    fresh_home = tmp_path / "verifier-home"  # a verifier who trusts nobody yet
    status, report = verify_json(folder, home=fresh_home)
    assert status == 0 and report["signature_ok"] is True and report["trusted"] is False
    text = verify_cli(folder, home=fresh_home).stdout
    assert "NOT TRUSTED" in text and "intact" in text
    exported = tmp_path / "assessor.pub"
    assert keys_cli("export", str(exported)).returncode == 0
    trusted = keys_cli("trust", str(exported), "--name", "T. Assessor", home=fresh_home)
    assert trusted.returncode == 0
    status, report = verify_json(folder, home=fresh_home)
    assert status == 0 and report["trusted"] is True and report["trusted_as"] == "T. Assessor"


def test_resigned_forgery_is_untrusted_not_the_assessors(tmp_path: Path) -> None:
    """Someone with their own key can re-sign a forged record; it then names their key, not the
    assessor's, and verify says it is not trusted."""
    from discussion.record.events import ClosedData
    from discussion.record.seal_signature import sign_seal

    folder = make_closed_session(tmp_path)
    genuine = load_or_create_key("assessor")
    forger = load_or_create_key("assessor", home=tmp_path / "forger")

    def resign(events: Events) -> None:
        _edit_note(events)

    rewrite(folder, resign)
    events = read_events(folder)
    closed = ClosedData.model_validate(events[-1]["data"])
    signed = sign_seal(forger, "Test Assessor", events[0]["data"]["session_id"], closed)
    rewrite(folder, lambda ev: ev[-1].update(data=signed.model_dump(mode="json")))
    status, report = verify_json(folder)
    assert report["signature_ok"] is True and report["trusted"] is False
    assert report["signed_by"]["fingerprint"] == forger.fingerprint != genuine.fingerprint
    assert "NOT TRUSTED" in verify_cli(folder).stdout
    assert status == 0  # intact as a file; the untrusted key is what tells the verifier
    # A verifier who trusts the real assessor's key is told the name is theirs, the key is not.
    verifier_home = tmp_path / "verifier"
    exported = tmp_path / "genuine.pub"
    exported.write_bytes(genuine.public_pem())
    assert (
        keys_cli("trust", str(exported), "--name", "Test Assessor", home=verifier_home).returncode
        == 0
    )
    text = verify_cli(folder, home=verifier_home).stdout
    assert f"the key trusted as Test Assessor is {genuine.fingerprint}" in text
    assert "someone else signed this record in their name" in text


def test_close_with_unusable_key_leaves_the_session_open(tmp_path: Path) -> None:
    from test_record_support import make_info, populate

    from discussion.record import SessionRecord
    from discussion.signing.keys import KeyFileError

    keys = _home() / "keys"
    keys.mkdir(mode=0o700)
    (keys / "assessor.key").write_text("damaged\n")
    record = SessionRecord.create(make_info(), home=tmp_path)
    populate(record)
    before = (record.folder / "events.jsonl").read_bytes()
    try:
        record.close()
    except KeyFileError as error:
        assert "assessor.key" in str(error)
    else:
        raise AssertionError("close signed with a damaged key")
    finally:
        record.release()
    assert (record.folder / "events.jsonl").read_bytes() == before
    shutil.rmtree(record.folder)


def test_require_trusted_fails_unsigned_and_untrusted_records(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path)
    assert verify_cli(folder, "--require-trusted").returncode == 0  # this folder's own key
    stranger = tmp_path / "stranger-home"
    refused = verify_cli(folder, "--require-trusted", home=stranger)
    assert refused.returncode == 1 and "NOT ACCEPTED (--require-trusted)" in refused.stdout
    assert "not in the trusted set" in refused.stdout
    assert verify_cli(folder, home=stranger).returncode == 0  # without the option: intact
    status, report = verify_json(folder, home=stranger)
    assert status == 0 and "require_trusted" not in report

    def make_old(events: Events) -> None:
        events[-1]["data"].pop("signature")
        for event in events:
            event["at"] = "2026-11-23T20:00:00.000Z"

    rewrite(folder, make_old)
    set_session_json(folder, schema_version=1)
    old = verify_cli(folder, "--require-trusted", "--json")
    assert old.returncode == 1
    assert '"met": false' in old.stdout and "made before signing" in old.stdout


def test_verify_needs_no_usable_data_home(tmp_path: Path) -> None:
    """Checking trust reads the data home's keys but never creates or demands it."""
    folder = make_closed_session(tmp_path)
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x")
    for home in (not_a_folder, Path("/proc/x")):
        status, report = verify_json(folder, home=home)
        assert status == 0 and report["signature_ok"] is True and report["trusted"] is False
    assert not_a_folder.is_file()
