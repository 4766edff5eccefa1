"""The committed sample record is signed by the published sample key, named as a sample key."""

from __future__ import annotations

import json
from pathlib import Path

from signing_helpers import REPO, keys_cli, verify_cli, verify_json

from discussion.signing.keys import load_private_key, public_key_b64, read_public_key_file
from discussion.signing.model import fingerprint

SAMPLE = REPO / "transcripts" / "sample-discussion"
SAMPLE_PUB = REPO / "transcripts" / "sample-key.pub"
SAMPLE_NAME = "SAMPLE KEY — not a real assessor"


def test_sample_is_signed_by_the_sample_key_and_not_trusted_by_default() -> None:
    key = public_key_b64(read_public_key_file(SAMPLE_PUB))
    status, report = verify_json(SAMPLE)
    assert status == 0 and report["ok"], report["problems"]
    assert report["signature"] == "signed" and report["signature_ok"] is True
    assert report["signed_by"] == {"name": SAMPLE_NAME, "fingerprint": fingerprint(key)}
    assert report["trusted"] is False
    text = verify_cli(SAMPLE).stdout
    assert f"signed by {SAMPLE_NAME}" in text and "NOT TRUSTED" in text


def test_sample_key_files_name_themselves_and_match(tmp_path: Path) -> None:
    assert SAMPLE_NAME in SAMPLE_PUB.read_text(encoding="utf-8")
    private = REPO / "transcripts" / "sample-key.pem"
    assert SAMPLE_NAME in private.read_text(encoding="utf-8")
    pair = load_private_key(private, owner_only=False)
    assert pair.public_key == public_key_b64(read_public_key_file(SAMPLE_PUB))
    trusted = keys_cli("trust", str(SAMPLE_PUB), "--name", SAMPLE_NAME)
    assert trusted.returncode == 0, trusted.stderr
    status, report = verify_json(SAMPLE)
    assert status == 0 and report["trusted"] is True


def test_sample_has_its_transcript_signed_by_the_sample_key() -> None:
    """A fresh clone's sample has transcript.json: intact, of this seal, by the sealer's key."""
    key = public_key_b64(read_public_key_file(SAMPLE_PUB))
    status, report = verify_json(SAMPLE)
    assert status == 0 and report["ok"], report["problems"]
    transcript = report["transcript"]
    assert transcript["status"] == "intact" and transcript["signature_ok"] is True
    assert transcript["signed_by"] == {"name": SAMPLE_NAME, "fingerprint": fingerprint(key)}
    assert transcript["signed_by_sealer"] is True and transcript["trusted"] is False
    assert transcript["segments"] > 10 and transcript["words"] > 200
    raw = json.loads((SAMPLE / "transcript.json").read_text(encoding="utf-8"))
    assert raw["seal_hash"] == report["seal_hash"] and raw["session_id"] == "sample-discussion"
    assert raw["signature"]["public_key"] == key
    text = verify_cli(SAMPLE).stdout
    assert f"transcript: intact, signed by {SAMPLE_NAME}" in text
    assert "the key that sealed the record" in text
