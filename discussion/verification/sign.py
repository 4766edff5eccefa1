"""The verifier's signature on a finished round (via `discussion.signing`), and its check.

What is signed (purpose `verification`): the session id, the hash of the assessor's closed
line (`seal_hash`) and the hash of the verification line before `finished` (`chain_head`), so
a signature can be moved neither to another record nor to another verification.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from discussion.verification.events import FinishedData

if TYPE_CHECKING:
    from discussion.signing.keys import SigningKey

PURPOSE = "verification"


def signed_fields(session_id: str, seal_hash: str, chain_head: str) -> dict[str, Any]:
    """The fields a verification signature covers."""
    return {"session_id": session_id, "seal_hash": seal_hash, "chain_head": chain_head}


def verifier_key(home: Path | None = None) -> SigningKey:
    """This data folder's verifier key (made on first use); KeyFileError (one line) if damaged."""
    from discussion.signing.keys import load_or_create_key

    return load_or_create_key("verifier", home)


def sign_finish(
    key: SigningKey, verifier: str, session_id: str, seal_hash: str, chain_head: str
) -> dict[str, Any]:
    """Sign a round's end with `key` (see `verifier_key`)."""
    from discussion.signing.signature import sign_fields

    fields = signed_fields(session_id, seal_hash, chain_head)
    signature = sign_fields(key, purpose=PURPOSE, fields=fields, signer=verifier)
    dumped: dict[str, Any] = signature.model_dump(mode="json")
    return dumped


def check_finish(finished: FinishedData, home: Path | None = None) -> dict[str, Any]:
    """`signed_by`, `signature_ok`, `trusted` (and `described`) of a finished round."""
    from discussion.signing.model import Signature
    from discussion.signing.signature import check_fields

    try:
        signature = Signature.model_validate(finished.signature)
    except ValidationError:
        return {
            "signed_by": None,
            "signature_ok": False,
            "trusted": False,
            "described": "NO VALID SIGNATURE (missing or malformed)",
        }
    fields = signed_fields(finished.session_id, finished.seal_hash, finished.chain_head)
    check = check_fields(signature, purpose=PURPOSE, fields=fields, home=home)
    return {**check.as_json(), "described": check.describe()}
