"""The manifest: written last, it names every object of a handed-in record and its hash.

Stored at `records/<session_id>/manifest.json` (the record's files beside it under the same
prefix), as canonical JSON; the index keeps its sha256, so a manifest replaced on the store is
caught by a pull even when the hashes inside it were changed to match altered files.
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT = "discussion-hub-manifest-1"
RECORDS_PREFIX = "records"
JUDGEMENTS_PREFIX = "judgements"
MANIFEST_NAME = "manifest.json"


class ManifestObject(BaseModel):
    """One object of the record: the file's path in the folder, its key, hash and version."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    path: str
    key: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    checksum: str | None  # the store's own checksum when it was handed in
    version_id: str | None


class Manifest(BaseModel):
    """What a hand-in put on the store, and whose seal covers it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    format: Literal["discussion-hub-manifest-1"] = "discussion-hub-manifest-1"
    session_id: str
    folder_name: str
    seal_hash: str
    signer: str
    public_key: str
    objects: list[ManifestObject]

    def content(self) -> bytes:
        """The canonical bytes stored (sorted keys, no spaces, UTF-8)."""
        return canonical(self.model_dump(mode="json"))

    def files(self) -> dict[str, str]:
        """Path -> sha256, what two hand-ins of the same record must agree on."""
        return {item.path: item.sha256 for item in self.objects}


def canonical(value: object) -> bytes:
    """Canonical JSON bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(data: bytes) -> str:
    """The hex sha256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def record_prefix(session_id: str) -> str:
    """Where a record's objects live: `records/<session_id>/`."""
    return f"{RECORDS_PREFIX}/{session_id}/"


def manifest_key(session_id: str) -> str:
    """The manifest's key."""
    return f"{record_prefix(session_id)}{MANIFEST_NAME}"


def judgement_key(session_id: str, digest: str) -> str:
    """A handed-in verification.jsonl: named by its hash, so each version is a new object."""
    return f"{JUDGEMENTS_PREFIX}/{session_id}/{digest}.jsonl"
