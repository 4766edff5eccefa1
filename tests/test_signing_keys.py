"""Signing keys in the data folder, signing and checking, the trusted set and `discussion keys`."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from signing_helpers import keys_cli

from discussion.signing.keys import KeyFileError, load_or_create_key, private_key_path
from discussion.signing.model import Signature
from discussion.signing.signature import check_fields, sign_fields
from discussion.signing.trust import load_trusted, trust_key_file, trusted_name


def _home() -> Path:
    return Path(os.environ["DISCUSSION_HOME"])


def test_key_made_on_first_use_0600_and_reused() -> None:
    key = load_or_create_key("assessor")
    path = private_key_path("assessor")
    assert path == _home() / "keys" / "assessor.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert b"PRIVATE KEY" in path.read_bytes()
    again = load_or_create_key("assessor")
    assert again.public_key == key.public_key  # reused, not remade
    assert load_or_create_key("verifier").public_key != key.public_key
    assert not list(path.parent.glob(".*tmp*"))  # the atomic write left no temporary file


def test_key_is_never_under_sessions_and_never_printed() -> None:
    key = load_or_create_key()
    sessions = _home() / "sessions"
    assert sessions not in key.path.parents
    pem = key.path.read_text()
    assert pem.splitlines()[1] not in repr(key)
    shown = keys_cli("show")
    assert shown.returncode == 0
    assert key.fingerprint in shown.stdout and key.public_key in shown.stdout
    assert "PRIVATE" not in shown.stdout and pem.splitlines()[1] not in shown.stdout


def test_key_readable_by_others_is_refused_with_the_fix() -> None:
    path = load_or_create_key().path
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_or_create_key()


def test_damaged_key_is_one_line_naming_the_file() -> None:
    path = load_or_create_key().path
    path.write_text("not a key\n")
    result = keys_cli("show")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and str(path) in result.stderr
    assert "Traceback" not in result.stderr


def test_fingerprint_is_grouped_hex() -> None:
    fp = load_or_create_key().fingerprint
    groups = fp.split(" ")
    assert len(groups) == 4 and all(len(g) == 4 for g in groups)
    int("".join(groups), 16)


def test_sign_and_check_fields_and_what_breaks_them() -> None:
    key = load_or_create_key("verifier")
    fields = {"session_id": "s1", "chain_head": "a" * 64}
    sig = sign_fields(key, purpose="verification", fields=fields, signer="Val Verifier")
    assert check_fields(sig, purpose="verification", fields=fields).ok
    assert not check_fields(sig, purpose="seal", fields=fields).ok  # purposes kept apart
    assert not check_fields(sig, purpose="verification", fields={**fields, "session_id": "s2"}).ok
    renamed = sig.model_copy(update={"signer": "Someone Else"})
    assert not check_fields(renamed, purpose="verification", fields=fields).ok
    other = load_or_create_key("assessor").public_key
    swapped = sig.model_copy(update={"public_key": other})
    assert not check_fields(swapped, purpose="verification", fields=fields).ok
    assert Signature.model_validate(sig.model_dump(mode="json")) == sig


def test_trust_export_round_trip_and_untrusted_key(tmp_path: Path) -> None:
    other_home = tmp_path / "other"
    theirs = load_or_create_key("assessor", home=other_home)
    fields = {"session_id": "s1"}
    sig = sign_fields(theirs, purpose="seal", fields=fields, signer="Jo Bloggs")
    check = check_fields(sig, purpose="seal", fields=fields)
    assert check.ok and not check.trusted and "NOT TRUSTED" in check.describe()
    exported = tmp_path / "jo.pub"
    result = keys_cli("export", str(exported), home=other_home)
    assert result.returncode == 0, result.stderr
    assert theirs.fingerprint in exported.read_text()
    result = keys_cli("trust", str(exported), "--name", "Jo Bloggs")
    assert result.returncode == 0 and "added" in result.stdout
    check = check_fields(sig, purpose="seal", fields=fields)
    assert check.trusted and check.trusted_name == "Jo Bloggs"
    assert check.as_json() == {
        "signed_by": {"name": "Jo Bloggs", "fingerprint": theirs.fingerprint},
        "signature_ok": True,
        "trusted": True,
        "trusted_as": "Jo Bloggs",
    }
    trusted = _home() / "keys" / "trusted.json"
    assert json.loads(trusted.read_text())["keys"][0]["fingerprint"] == theirs.fingerprint
    again = keys_cli("trust", str(exported), "--name", "Jo Bloggs")
    assert "already trusted" in again.stdout and len(load_trusted().keys) == 1


def test_own_key_counts_as_trusted() -> None:
    key = load_or_create_key()
    assert trusted_name(key.public_key) == "this data folder's assessor key"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "does not exist"),
        ("hello\n", "holds no PEM public key"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "damaged"),
    ],
)
def test_trust_bad_file_is_one_line_exit_2(
    tmp_path: Path, content: str | None, expected: str
) -> None:
    path = tmp_path / "key.pub"
    if content is not None:
        path.write_text(content)
    result = keys_cli("trust", str(path), "--name", "Jo Bloggs")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert str(path) in result.stderr and expected in result.stderr
    assert "discussion keys export" in result.stderr  # the fix


def test_trust_blank_name_and_bad_trusted_set(tmp_path: Path) -> None:
    exported = tmp_path / "mine.pub"
    assert keys_cli("export", str(exported)).returncode == 0
    blank = keys_cli("trust", str(exported), "--name", "  ")
    assert blank.returncode == 2 and "--name is blank" in blank.stderr
    (_home() / "keys" / "trusted.json").write_text("{not json")
    bad = keys_cli("trust", str(exported), "--name", "Me")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "trusted.json" in bad.stderr and "move it aside" in bad.stderr


def test_trust_key_file_renames(tmp_path: Path) -> None:
    other = load_or_create_key("assessor", home=tmp_path / "o")
    path = tmp_path / "o.pub"
    path.write_bytes(other.public_pem())
    assert trust_key_file(path, "Jo")[1] == "added"
    assert trust_key_file(path, "Jo Bloggs")[1] == "renamed"
    assert [e.name for e in load_trusted().keys] == ["Jo Bloggs"]


def test_private_key_appears_nowhere_but_its_file_after_a_session() -> None:
    """A whole session (made, closed, signed, verified) leaves the key only in keys/."""
    import subprocess

    from signing_helpers import DISCUSSION

    result = subprocess.run(
        [str(DISCUSSION), "record", "--practice", "--no-audio", "signing test"],
        input="1A: a note\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    key_path = private_key_path("assessor")
    secret = "".join(key_path.read_text().splitlines()[1:-1]).encode()
    raw = load_or_create_key().private.private_bytes_raw()
    found = [
        path
        for path in _home().rglob("*")
        if path.is_file() and path != key_path and _holds(path.read_bytes(), secret, raw)
    ]
    assert found == []
    sessions = list((_home() / "sessions").iterdir())
    assert len(sessions) == 1 and "signed by" in result.stdout + verify_text(sessions[0])


def _holds(data: bytes, *needles: bytes) -> bool:
    return any(needle in data for needle in needles)


def verify_text(folder: Path) -> str:
    from signing_helpers import verify_cli

    return verify_cli(folder).stdout


def test_export_errors_are_one_line(tmp_path: Path) -> None:
    for target, expected in (
        (tmp_path, "is a folder"),
        (tmp_path / "no" / "k.pub", "cannot write"),
    ):
        result = keys_cli("export", str(target))
        assert result.returncode == 2, result.stdout
        assert result.stderr.count("\n") == 1 and expected in result.stderr, result.stderr
    to_stdout = keys_cli("export", "-")
    assert to_stdout.returncode == 0 and "BEGIN PUBLIC KEY" in to_stdout.stdout
    assert "PRIVATE" not in to_stdout.stdout
