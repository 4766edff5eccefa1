"""The transcript's protection: derived evidence, signed, tied to the sealed audio and the seal.

A transcript is never part of the sealed record (the record was sealed before it existed, and
sealing never covers transcript.json). Instead it carries, and signs, what it came from:

- `session_id` and `seal_hash` (the hash of the record's `closed` line): the record it belongs
  to; a transcript moved from another record, or made before a re-seal, no longer matches.
- `audio`: each segment file's sha256; these must equal the hashes the seal holds for the
  same files, so a transcript of other audio is caught even though the words are signed.

The signature is made exactly as the seal's (discussion.signing.signature.sign_fields), over
the whole of transcript.json with its `signature` slot empty, for the purpose `transcript` (so
a seal signature never passes as a transcript's, and back). The fields signed are the parsed
file as written, not the model: a field added, removed or changed anywhere breaks it.

Who may sign: whoever ran the transcription, with their data folder's key (assessor or
verifier). The public key travels in the file, so anyone could edit a word and re-sign with a
fresh key: a signature only counts when its key is the one that signed the seal or a key
trusted here (this data folder's own keys and `discussion keys trust`). Any other key is
reported as altered, with the fix (trust that key if that person did transcribe it).

A transcript beside a record that is NOT sealed is not an alteration of the record, but proof
that it was cut short: only a sealed record is transcribed, so a transcript of this session,
validly signed, names a seal (`seal_hash`) that this log no longer holds. Its status is
`seal_missing` (no problem added: the record's verdict stays "not sealed, may be incomplete",
and verify says in red to ask for the copy handed in). A bad signature or another session's
transcript there is still `altered`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from discussion.errors import UserError
from discussion.json_input import loads
from discussion.safe_files import UnsafeFileError, read_bounded
from discussion.signing.model import Signature as SealSignature
from discussion.signing.model import fingerprint
from discussion.signing.signature import SignatureCheck, check_fields, sign_fields
from discussion.text_safety import shorten, visible
from discussion.transcript.model import (
    MAX_TRANSCRIPT_BYTES,
    TRANSCRIPT_JSON,
    Signature,
    Transcript,
)

if TYPE_CHECKING:
    from discussion.signing.keys import SigningKey

TRANSCRIPT_PURPOSE = "transcript"

TranscriptStatus = Literal["intact", "missing", "altered", "seal_missing"]


def transcript_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """What the signature covers: the whole transcript JSON object with `signature` empty."""
    return {**body, "signature": None}


def sign_transcript(transcript: Transcript, key: SigningKey, signer: str) -> Transcript:
    """`transcript` with its signature slot filled: signed by `key` as `signer`.

    Call it on the finished transcript (its `session_id`, `seal_hash` and `audio` hashes set),
    then write the result with `save_transcript`; the signature covers every field of the
    file as written (any later change breaks it). `signer` is the person's name (one line,
    1..200 characters); `key` is theirs (`discussion.signing.keys.load_or_create_key`).
    """
    body = transcript.model_dump(mode="json")
    signature = sign_fields(
        key, purpose=TRANSCRIPT_PURPOSE, fields=transcript_fields(body), signer=signer
    )
    slot = Signature.model_validate(signature.model_dump(mode="json"))
    return transcript.model_copy(update={"signature": slot})


@dataclass(frozen=True)
class TranscriptCheck:
    """What verify found about transcript.json (never raised: `status` and the problems say)."""

    status: TranscriptStatus
    check: SignatureCheck | None = None
    # The parsed transcript, only when intact (exports show it; an altered one is never shown).
    transcript: Transcript | None = None
    problems: list[str] = field(default_factory=list)
    # The signature's key is the one that sealed the record (else it is trusted here, or bad).
    by_sealer: bool = False
    # status seal_missing: the seal_hash the transcript names, which the log does not hold.
    named_seal: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The `transcript` object of `verify --json`: status, signed_by, signature_ok, trusted."""
        out: dict[str, Any] = {
            "status": self.status,
            "signed_by": None,
            "signature_ok": False,
            "trusted": False,
            "signed_by_sealer": self.by_sealer,
            "problems": list(self.problems),
        }
        if self.check is not None:
            checked = self.check.as_json()
            out.update(
                signed_by=checked["signed_by"],
                signature_ok=checked["signature_ok"],
                trusted=checked["trusted"],  # as the seal's: in the trusted set or our own
            )
        if self.named_seal is not None:
            out["named_seal"] = self.named_seal
        if self.transcript is not None:
            out["segments"] = len(self.transcript.segments)
            out["words"] = len(self.transcript.words())
            out["engine"] = self.transcript.engine.name
        return out

    def describe(self) -> str:
        """The phrase `verify` prints about the transcript."""
        if self.status == "missing":
            return "none (run `discussion transcribe FOLDER` to make one)"
        if self.status == "seal_missing" and self.named_seal is not None:
            return seal_missing_text(self.named_seal)
        if self.status == "intact" and self.check is not None:
            who = f"{visible(self.check.signer, allow_newlines=False)} ({self.check.fingerprint})"
            how = "the key that sealed the record" if self.by_sealer else "a key trusted here"
            return f"intact, signed by {who}, {how}"
        return "ALTERED (see the problems below)"


def seal_missing_text(seal_hash: str) -> str:
    """What verify and the record view say when a transcript names a seal the log lacks."""
    return (
        f"{TRANSCRIPT_JSON} names seal {seal_hash[:12]} of this session, which this log does "
        "not hold: the record was sealed and has been cut short; ask for the copy handed in"
    )


def check_transcript(
    folder: Path,
    *,
    session_id: str | None,
    seal_hash: str | None,
    sealed_files: Mapping[str, str],
    seal_public_key: str | None,
    problems: list[str],
    segment_files: Sequence[str] | None = None,
    home: Path | None = None,
) -> TranscriptCheck:
    """Check `folder`'s transcript.json against the record's seal; faults go into `problems`.

    `session_id`, `seal_hash` and `sealed_files` (name -> sha256, from the closed event) are the
    record's; `seal_public_key` is the key that signed the seal (None when unsigned);
    `segment_files` the recording segments the log names (each must be transcribed; None: every
    sealed `audio/*.wav`). Returns status `missing` (no transcript: no problem), `intact`,
    `seal_missing` (the record is not sealed but a validly signed transcript of this session
    names its seal: cut short; no problem added) or `altered` (each reason is also a line in
    `problems`, so verify exits 1). Never raises for a damaged file.
    """
    path = folder / TRANSCRIPT_JSON
    if not os.path.lexists(path):
        return TranscriptCheck("missing")
    found: list[str] = []
    if segment_files is None:
        segment_files = [n for n in sealed_files if n.startswith("audio/") and n.endswith(".wav")]
    result = _check(
        path, session_id, seal_hash, (sealed_files, segment_files), seal_public_key, found, home
    )
    problems += found
    if found:
        return TranscriptCheck("altered", result[0], None, found, result[2])
    if seal_hash is None and result[1] is not None:  # never shown as this record's words
        named = result[1].seal_hash
        return TranscriptCheck("seal_missing", result[0], None, [], False, named_seal=named)
    return TranscriptCheck("intact", result[0], result[1], [], result[2])


def _check(
    path: Path,
    session_id: str | None,
    seal_hash: str | None,
    audio: tuple[Mapping[str, str], Sequence[str]],
    seal_public_key: str | None,
    problems: list[str],
    home: Path | None,
) -> tuple[SignatureCheck | None, Transcript | None, bool]:
    name = TRANSCRIPT_JSON
    try:
        content = read_bounded(path, MAX_TRANSCRIPT_BYTES, follow_symlinks=False)
        raw = loads(content.decode("utf-8"), name)
    except UnsafeFileError as error:
        problems.append(f"{name} {error.reason} (not read; remove it, or transcribe again)")
        return None, None, False
    except OSError as error:
        problems.append(f"{name}: cannot be read ({error.strerror or error}); transcribe again")
        return None, None, False
    except UnicodeDecodeError:
        problems.append(f"{name}: not UTF-8 text: it is damaged; transcribe again")
        return None, None, False
    except UserError as error:
        problems.append(f"{error.message}: the transcript is damaged; transcribe again")
        return None, None, False
    if not isinstance(raw, dict):
        problems.append(f"{name} is not a JSON object: it is damaged; transcribe again")
        return None, None, False
    try:
        transcript = Transcript.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        problems.append(
            f"{name}: field {where}: {first['msg']}: it is damaged or was edited; transcribe again"
        )
        return None, None, False
    unsealed = seal_hash is None  # no seal to hold the key or the audio hashes against
    check, by_sealer = _check_signature(
        transcript, raw, seal_public_key, problems, home, need_trust=not unsealed
    )
    _check_source(transcript, session_id, seal_hash, problems)
    if not unsealed:
        _check_audio(transcript, *audio, problems)
    _check_times(transcript, problems)
    return check, transcript, by_sealer


def _check_signature(
    transcript: Transcript,
    raw: dict[str, Any],
    seal_public_key: str | None,
    problems: list[str],
    home: Path | None,
    *,
    need_trust: bool = True,
) -> tuple[SignatureCheck | None, bool]:
    """The signature matches (and, with `need_trust`, is the sealer's key or trusted here).

    Beside an unsealed record there is no sealer's key to compare with: a matching signature
    is enough there, since the transcript is then only evidence of a seal, never shown as
    the record's words."""
    name = TRANSCRIPT_JSON
    if transcript.signature is None:
        problems.append(
            f"{name} has no signature: every transcript is signed when it is made, so it was "
            "removed (the transcript may have been edited); transcribe again"
        )
        return None, False
    try:
        signature = SealSignature.model_validate(transcript.signature.model_dump(mode="json"))
    except ValidationError:
        problems.append(f"{name}: the signature is malformed (edited?); transcribe again")
        return None, False
    check = check_fields(
        signature, purpose=TRANSCRIPT_PURPOSE, fields=transcript_fields(raw), home=home
    )
    by_sealer = seal_public_key is not None and signature.public_key == seal_public_key
    if not check.ok:
        problems.append(
            f"{name}: the signature does not match (a word, a time, a segment, the audio "
            "hashes or the signer's key differ from what was signed); transcribe again"
        )
    elif need_trust and not by_sealer and not check.trusted:
        signer = shorten(check.signer, 100)  # the file's text: never raw on a terminal
        problems.append(
            f"{name} is signed by {signer} ({fingerprint(signature.public_key)}), a key "
            "that neither sealed this record nor is trusted here: anyone can re-sign an edited "
            f"transcript with a new key; if {signer} made it, compare the fingerprint "
            "with them, then `discussion keys trust FILE --name NAME`"
        )
    return check, by_sealer


def _check_source(
    transcript: Transcript, session_id: str | None, seal_hash: str | None, problems: list[str]
) -> None:
    name = TRANSCRIPT_JSON
    if transcript.session_id != session_id:
        problems.append(
            f"{name} names another session ({shorten(transcript.session_id)}): moved from "
            "another record?"
        )
    if seal_hash is not None and transcript.seal_hash != seal_hash:
        problems.append(
            f"{name} names another seal than this record's closed line: moved from "
            "another record, or the record was sealed again since"
        )


def _check_audio(
    transcript: Transcript,
    sealed_files: Mapping[str, str],
    segment_files: Sequence[str],
    problems: list[str],
) -> None:
    """Every audio file the transcript names is sealed with the same hash, every recording
    segment is named."""
    name = TRANSCRIPT_JSON
    named = set()
    for source in transcript.audio:
        named.add(source.segment)
        sealed = sealed_files.get(source.segment)
        if sealed is None:
            problems.append(
                f"{name} was made from {shorten(source.segment)}, which the seal does not hold"
            )
        elif sealed != source.sha256:
            problems.append(
                f"{name} was made from other audio than the sealed {shorten(source.segment)} "
                "(its sha256 differs from the seal's); transcribe again"
            )
    for audio in sorted(set(segment_files)):
        if audio not in named:
            problems.append(f"{name} does not cover the sealed {audio}: transcribe again")


def _check_times(transcript: Transcript, problems: list[str]) -> None:
    """Times that cannot be (a signed file would not hold them, but name them plainly)."""
    name = TRANSCRIPT_JSON
    for number, segment in enumerate(transcript.segments, start=1):
        if segment.end < segment.start or segment.start < 0:
            problems.append(f"{name} segment {number}: ends before it starts or starts before 0")
            return


__all__ = [
    "TRANSCRIPT_PURPOSE",
    "TranscriptCheck",
    "TranscriptStatus",
    "check_transcript",
    "seal_missing_text",
    "sign_transcript",
    "transcript_fields",
]
