"""The assessor's signature on the seal: what is signed, when it is required, how it is checked.

The `closed` event's data carries `signature` ({algorithm, signer, public_key, signature}); what
is signed is the seal: the session id (from the created event), the chain head, every sealed
file's hash, the tally and the reason (see docs/record-format.md, "Signatures"). Records whose
`schema_version` (session.json and the created event) is `SIGNED_SCHEMA_VERSION` or later must
carry a signature; older ones verify as "unsigned (made before signing)".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from discussion.record.events import ClosedData, CreatedData
from discussion.signing.model import Signature
from discussion.signing.signature import SignatureCheck, check_fields, sign_fields

if TYPE_CHECKING:
    from discussion.signing.keys import SigningKey

# session.json / created schema_version from which the closed event must be signed.
SIGNED_SCHEMA_VERSION = 2
SEAL_PURPOSE = "seal"
# Signing came in with this release: a closed line written from this day on by this software is
# always signed, so an unsigned one dated later is a stripped signature, not an old record.
SIGNING_SINCE = "2026-12-02"

SealStatus = Literal["signed", "unsigned-legacy", "missing", "bad", "unsealed"]


def seal_fields(session_id: str, closed: ClosedData) -> dict[str, Any]:
    """The fields of the seal that the signature covers (everything but the signature)."""
    return {
        "session_id": session_id,
        "chain_head": closed.chain_head,
        "files": dict(closed.files),
        "tally": closed.tally.model_dump(mode="json"),
        "reason": closed.reason,
    }


def sign_seal(key: SigningKey, signer: str, session_id: str, closed: ClosedData) -> ClosedData:
    """`closed` with the signature of its seal by `key` as `signer`."""
    signature = sign_fields(
        key, purpose=SEAL_PURPOSE, fields=seal_fields(session_id, closed), signer=signer
    )
    return closed.model_copy(update={"signature": signature})


@dataclass(frozen=True)
class SealCheck:
    """What verify found about the seal's signature."""

    status: SealStatus
    check: SignatureCheck | None = None

    def as_json(self) -> dict[str, Any]:
        """`signed_by`, `signature_ok`, `trusted` and `signature` (the status) for --json."""
        if self.check is None:
            return {
                "signature": self.status,
                "signed_by": None,
                "signature_ok": False,
                "trusted": False,
            }
        return {"signature": self.status, **self.check.as_json()}

    def describe(self) -> str:
        """The phrase `verify` prints about the signature."""
        if self.status == "unsigned-legacy":
            return "unsigned (made before signing: the hashes show consistency, not authorship)"
        if self.status == "missing":
            return "signature MISSING"
        if self.status == "unsealed":
            return "not signed (not sealed yet)"
        assert self.check is not None
        return self.check.describe()


def check_seal(
    created: CreatedData | None,
    closed: ClosedData,
    problems: list[str],
    *,
    line: int,
    sealed_at: str = "",
    home: Path | None = None,
) -> SealCheck:
    """Check the closed event's signature; each fault is a line added to `problems`.

    `line` is the closed event's line number in events.jsonl (for the problem lines) and
    `sealed_at` its `at` time (an unsigned seal dated on or after SIGNING_SINCE is refused).
    """
    from discussion.record.info import EVENTS_JSONL

    where = f"{EVENTS_JSONL} line {line}"
    schema = created.schema_version if created is not None else SIGNED_SCHEMA_VERSION
    if closed.signature is None:
        if schema < SIGNED_SCHEMA_VERSION and sealed_at[:10] < SIGNING_SINCE:
            return SealCheck("unsigned-legacy")
        if schema < SIGNED_SCHEMA_VERSION:
            problems.append(
                f"{where}: the closed event has no signature but is dated {sealed_at[:10]}, "
                f"on or after the day signing began ({SIGNING_SINCE}): the signature was removed"
            )
            return SealCheck("missing")
        problems.append(
            f"{where}: the closed event has no signature, but this record's format (schema "
            f"{schema}) requires one: the seal was removed or rewritten"
        )
        return SealCheck("missing")
    session_id = created.session_id if created is not None else ""
    check = check_fields(
        closed.signature,
        purpose=SEAL_PURPOSE,
        fields=seal_fields(session_id, closed),
        home=home,
    )
    if not check.ok:
        problems.append(
            f"{where}: the seal's signature does not match (the chain, the files, the session "
            "id or the signer's key differ from what was signed)"
        )
        return SealCheck("bad", check)
    return SealCheck("signed", check)


__all__ = [
    "SEAL_PURPOSE",
    "SIGNED_SCHEMA_VERSION",
    "SealCheck",
    "Signature",
    "check_seal",
    "seal_fields",
    "sign_seal",
]
