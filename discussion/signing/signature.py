"""Signing a set of fields and checking such a signature.

The message signed is

    b"discussion-signature-v1\n" + purpose + "\n" + canonical_json({**fields, "signer": name,
                                                                     "public_key": key})

so the signer's name and public key are themselves covered (swapping either breaks the
signature), and the purpose keeps uses apart (a seal signature never passes as a
verification's, and back). Callers put the session id and a chain head in `fields`, which is
what stops a signature being moved to another record.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from discussion.signing.model import Signature, fingerprint, signed_message

if TYPE_CHECKING:
    from discussion.signing.keys import SigningKey


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of checking one signature (never raised: `ok` says)."""

    ok: bool
    signer: str  # the name the signature claims
    fingerprint: str
    trusted_name: str | None  # the name in this data folder's trusted set, if any
    # Fingerprints of other keys trusted under the name this (untrusted) key claims: a record
    # re-signed by someone else in the assessor's name shows here.
    name_trusted_with: tuple[str, ...] = ()

    @property
    def trusted(self) -> bool:
        """The key is in the trusted set or is this data folder's own."""
        return self.trusted_name is not None

    @property
    def name(self) -> str:
        """Who signed, as far as we can say: the trusted name, else the claimed one."""
        return self.trusted_name or self.signer

    def as_json(self) -> dict[str, Any]:
        """`signed_by`, `signature_ok`, `trusted` as `verify --json` reports them."""
        return {
            "signed_by": {"name": self.signer, "fingerprint": self.fingerprint},
            "signature_ok": self.ok,
            "trusted": self.ok and self.trusted,
            "trusted_as": self.trusted_name if self.ok else None,
        }

    def describe(self) -> str:
        """One phrase for people, e.g. `signed by Jo Bloggs (ab12 cd34 ef56 7890), trusted`."""
        who = f"{self.signer} ({self.fingerprint})"
        if not self.ok:
            return f"signature claimed by {who} DOES NOT MATCH"
        if self.trusted_name is None and self.name_trusted_with:
            return (
                f"signed by {who}, but this key is NOT TRUSTED here: the key trusted as "
                f"{self.signer} is {', '.join(self.name_trusted_with)}; unless they changed "
                "keys, someone else signed this record in their name"
            )
        if self.trusted_name is None:
            return f"signed by {who}, but this key is NOT TRUSTED here (nobody vouched for it)"
        if self.trusted_name == self.signer:
            return f"signed by {who}, trusted"
        return f"signed by {who}, trusted as {self.trusted_name}"


def sign_fields(key: SigningKey, *, purpose: str, fields: dict[str, Any], signer: str) -> Signature:
    """Sign `fields` for `purpose` as `signer` with `key`."""
    message = signed_message(purpose, fields, signer, key.public_key)
    raw = key.sign(message)
    return Signature(
        signer=signer, public_key=key.public_key, signature=base64.b64encode(raw).decode("ascii")
    )


def verify_raw(public_key: str, message: bytes, signature: str) -> bool:
    """Whether `signature` (base64) is the Ed25519 signature of `message` by `public_key`."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def check_fields(
    signature: Signature, *, purpose: str, fields: dict[str, Any], home: Path | None = None
) -> SignatureCheck:
    """Check `signature` over `fields` for `purpose`, and whether its key is trusted here."""
    from discussion.signing.trust import load_trusted, trusted_name  # reads key files

    message = signed_message(purpose, fields, signature.signer, signature.public_key)
    ok = verify_raw(signature.public_key, message, signature.signature)
    trusted_as = trusted_name(signature.public_key, home)
    others: tuple[str, ...] = ()
    if trusted_as is None:
        others = tuple(
            entry.fingerprint
            for entry in load_trusted(home).keys
            if entry.name.casefold() == signature.signer.strip().casefold()
        )
    return SignatureCheck(
        ok=ok,
        signer=signature.signer,
        fingerprint=fingerprint(signature.public_key),
        trusted_name=trusted_as,
        name_trusted_with=others,
    )
