"""The trusted set: public keys this data folder accepts as belonging to a named person.

Stored as `DATA/keys/trusted.json`:

    {"keys": [{"name": "...", "public_key": "<base64 raw>", "fingerprint": "ab12 ...",
               "added_at": "2026-12-02T01:23:45Z"}]}

A signature by a key outside the set (and not this data folder's own) still verifies, but
`verify` says plainly that nobody here has vouched for the key.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from discussion.errors import UserError
from discussion.paths import data_home_path
from discussion.safe_files import UnsafeFileError, read_bounded
from discussion.signing.keys import (
    KEY_ROLES,
    KEYS_DIR,
    KeyFileError,
    existing_key,
    keys_dir,
    public_key_b64,
    read_public_key_file,
    write_atomic,
)
from discussion.signing.model import fingerprint
from discussion.text_safety import control_characters, describe_control

TRUSTED_JSON = "trusted.json"
MAX_TRUSTED_BYTES = 4 << 20
NAME_MAX = 100


class TrustedKey(BaseModel):
    """One trusted public key and the name it was trusted under."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1, max_length=NAME_MAX)
    public_key: str = Field(pattern=r"^[A-Za-z0-9+/]{43}=$")
    fingerprint: str
    added_at: str

    @field_validator("name")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return check_name(value)


class TrustedSet(BaseModel):
    """The content of trusted.json."""

    model_config = ConfigDict(extra="forbid")
    keys: list[TrustedKey] = Field(default_factory=list)


def check_name(value: str) -> str:
    """A signer's name: one line, not blank, at most 100 characters (ValueError says why)."""
    if not value.strip():
        raise ValueError("is blank: give the person's name")
    bad = control_characters(value, allow_newlines=False)
    if bad:
        raise ValueError(f"contains {describe_control(bad[0])}: a name is one line of text")
    if len(value) > NAME_MAX:
        raise ValueError(f"is longer than {NAME_MAX} characters: shorten it")
    return value.strip()


def trusted_path(home: Path | None = None) -> Path:
    """`DATA/keys/trusted.json` (not created)."""
    # Not created nor checked: verify and export read it from any data home, even an unusable one.
    return (home if home is not None else data_home_path()) / KEYS_DIR / TRUSTED_JSON


def load_trusted(home: Path | None = None) -> TrustedSet:
    """The trusted set (empty if there is none yet); UserError naming the file if it is bad."""
    path = trusted_path(home)
    fix = "fix it, or move it aside and trust the keys again (`discussion keys trust`)"
    if not path.parent.is_dir():  # no keys folder (or a data home that cannot be used)
        return TrustedSet()
    try:
        content = read_bounded(path, MAX_TRUSTED_BYTES, follow_symlinks=False)
    except FileNotFoundError:
        return TrustedSet()
    except UnsafeFileError as error:
        raise UserError(f"{path} {error.reason}; {fix}") from None
    try:
        return TrustedSet.model_validate_json(content)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise UserError(f"{path}: {where}: {first['msg']}; {fix}") from None


def trusted_name(public_key: str, home: Path | None = None) -> str | None:
    """The name `public_key` is trusted under, or None. This data folder's own keys count."""
    for entry in load_trusted(home).keys:
        if entry.public_key == public_key:
            return entry.name
    for role in KEY_ROLES:
        try:
            own = existing_key(role, home)
        except KeyFileError:
            continue  # a damaged own key is reported where it is used, not here
        if own is not None and own.public_key == public_key:
            return f"this data folder's {role} key"
    return None


def trust_key_file(file: Path, name: str, home: Path | None = None) -> tuple[TrustedKey, str]:
    """Add the public key in `file` to the trusted set under `name`.

    Returns the entry and what happened: "added", "renamed" (was trusted under another name)
    or "already trusted". KeyFileError / UserError (one line) for a bad file or name.
    """
    try:
        name = check_name(name)
    except ValueError as error:
        raise UserError(f"--name {error}") from None
    key = public_key_b64(read_public_key_file(file))
    current = load_trusted(home)
    kept = [entry for entry in current.keys if entry.public_key != key]
    previous = next((e for e in current.keys if e.public_key == key), None)
    if previous is not None and previous.name == name:
        return previous, "already trusted"
    added_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    entry = TrustedKey(name=name, public_key=key, fingerprint=fingerprint(key), added_at=added_at)
    updated = TrustedSet(keys=[*kept, entry])
    content = json.dumps(updated.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    path = keys_dir(home) / TRUSTED_JSON
    try:
        write_atomic(path, content.encode("utf-8"), 0o600)
    except OSError as error:
        raise UserError(
            f"cannot write {path}: {error.strerror}; make the data folder writable"
        ) from None
    return entry, "renamed" if previous is not None else "added"
