"""The signature as records carry it, the fingerprint and the exact bytes signed.

Light on purpose (no `cryptography` import): `discussion.record.events` imports it, and the
app's start-up imports that.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Versioned domain separation: these bytes start every signed message.
DOMAIN = b"discussion-signature-v1\n"


class Signature(BaseModel):
    """A signature as a record carries it (in the closed event's data, for the seal)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    algorithm: Literal["ed25519"] = "ed25519"
    signer: str = Field(min_length=1, max_length=200)
    public_key: str = Field(pattern=r"^[A-Za-z0-9+/]{43}=$")
    signature: str = Field(pattern=r"^[A-Za-z0-9+/]{86}==$")


def fingerprint(public_key_b64: str) -> str:
    """First 16 hex digits of sha256(raw public key), in groups of four: `ab12 cd34 ef56 7890`."""
    try:
        raw = base64.b64decode(public_key_b64, validate=True)
    except ValueError:
        raw = public_key_b64.encode("utf-8")  # a malformed key still gets a (unique) label
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def signed_message(purpose: str, fields: dict[str, Any], signer: str, public_key: str) -> bytes:
    """The exact bytes signed: DOMAIN + purpose + newline + canonical JSON of `fields` with
    `signer` and `public_key` added (so swapping the name or the key breaks the signature)."""
    body = {**fields, "signer": signer, "public_key": public_key}
    text = json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return DOMAIN + purpose.encode("utf-8") + b"\n" + text.encode("utf-8")
