"""Handing a sealed, signed record in: files, then the manifest, then the index row, then the mark.

Order matters and is the guarantee: every file goes up with its sha256 and `If-None-Match: *`
and the store's checksum must equal ours; the manifest (naming every object, its hash and its
version) is written last on the store; the index row only after that, in one transaction; and
only then is the record marked handed in locally (`discussion.hub.queue.mark_handed_in`). A
push that stops anywhere is finished by the next one, which sends only what is missing. A
second push of a record handed in changes nothing.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from discussion.errors import UserError
from discussion.hub.config import HubConfig
from discussion.hub.errors import HubConflict, HubError
from discussion.hub.index import Index
from discussion.hub.manifest import (
    Manifest,
    ManifestObject,
    judgement_key,
    manifest_key,
    record_prefix,
    sha256_hex,
)
from discussion.hub.multipart import PendingUpload
from discussion.hub.store import MULTIPART_FROM, Store, Stored, hex_to_b64
from discussion.sampling import SessionEntry

if TYPE_CHECKING:
    from discussion.record.events import Event

VERIFICATION_JSONL = "verification.jsonl"


@dataclass(frozen=True)
class PushResult:
    """What a hand-in did: `new` False when the hub already held all of it."""

    session_id: str
    new: bool
    objects: int
    bytes_total: int
    bytes_sent: int
    manifest_sha256: str


def _sealed_report(folder: Path) -> tuple[object, str, str, str, dict[str, str]]:
    """(report, session id, signer, public key, sealed files) of a verified, sealed record;
    UserError with the fix otherwise."""
    from discussion.record.events import ClosedData
    from discussion.record.verify import verify

    report = verify(folder)
    if not report.sealed:
        raise UserError(
            f"{folder} is not sealed: only a closed, signed record can be handed in; close "
            "the session in the app (or `discussion recover` it, then close it)"
        )
    if not report.ok:
        raise HubError(
            f"{folder} is not intact ({report.problems[0]}): run `discussion verify {folder}`; "
            "an altered record is never handed in"
        )
    check = report.seal.check if report.seal is not None else None
    if report.seal is None or report.seal.status != "signed" or check is None:
        raise UserError(f"{folder} is sealed but not signed: only signed records are handed in")
    # verify read the whole chain: its two ends are all a hand-in needs (no second scan)
    try:
        last = _last_event(folder)
        session_id = _created_session_id(folder)
    except (OSError, ValueError, KeyError, UserError):
        last = None
    closed = last.payload if last is not None else None
    if not isinstance(closed, ClosedData) or closed.signature is None:
        raise HubError(f"{folder} changed while being handed in: push it again")
    return (
        report,
        session_id,
        closed.signature.signer,
        closed.signature.public_key,
        dict(closed.files),
    )


def record_files(folder: Path) -> list[str]:
    """Every regular file of the record but verification.jsonl (handed in on its own)."""
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink() and path.name != VERIFICATION_JSONL
    )


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _last_event(folder: Path) -> Event | None:
    """The log's last event, read from its tail (it checks its own hash)."""
    from discussion.record.log import scan_tail
    from discussion.safe_files import read_tail

    tail, size = read_tail(str(folder / "events.jsonl"), 256 * 1024, follow_symlinks=False)
    return scan_tail(tail, len(tail) == size).last


def _created_session_id(folder: Path) -> str:
    """The session id of the log's first (created) event."""
    from discussion.record.events import parse_line

    with (folder / "events.jsonl").open("rb") as log:
        first = log.readline(1 << 20).rstrip(b"\n")
    return str(parse_line(first).data["session_id"])


def _claimed_seal(folder: Path) -> tuple[str, dict[str, str]] | None:
    """(session id, sealed files) as session.json and the log's last event claim them, read
    cheaply so the large files can go up while `verify` checks the claim; None when the last
    event is not a closed one (then `verify` says what is wrong before anything is sent)."""
    from discussion.record.events import ClosedData

    try:
        last = _last_event(folder)
        if last is None or not isinstance(last.payload, ClosedData):
            return None
        return _created_session_id(folder), dict(last.payload.files)
    except (OSError, ValueError, KeyError, TypeError, UserError):
        return None


def push_record(folder: Path, config: HubConfig) -> PushResult:
    """Hand in the record in `folder` (see the module docstring).

    The store's client is made and the large files' parts started first, then `verify`
    runs on a thread of its own while they go up (all of these want the interpreter at
    first, and the parts wait for nothing but the client). The small files go up once
    verify passed, and the large files' uploads are completed (made objects) only then;
    they are dropped if it did not pass."""
    claimed = _claimed_seal(folder)
    checked = None if claimed is not None else _sealed_report(folder)  # raises what is wrong
    try:
        store = Store(config)
        index = Index(config)
    except BaseException:
        if checked is None:
            _sealed_report(folder)  # a record that cannot be handed in says so first
        raise
    try:
        with ThreadPoolExecutor(4, thread_name_prefix="hub-push") as helpers:
            return _push(folder, store, index, helpers, checked, claimed)
    finally:
        index.close()


_Sealed = tuple[object, str, str, str, dict[str, str]]


def _send_large(
    store: Store,
    session_id: str,
    large: list[tuple[str, Path, str, int]],
    under_way: threading.Event,
) -> dict[str, PendingUpload]:
    """The large files' parts on the store, their uploads left open (see `_push`);
    `under_way` set once the first file's parts start to go."""
    from discussion.hub.multipart import send_parts

    return {
        name: send_parts(store, f"{record_prefix(session_id)}{name}", path, digest, size, under_way)
        for name, path, digest, size in large
    }


def _push(
    folder: Path,
    store: Store,
    index: Index,
    helpers: ThreadPoolExecutor,
    checked: _Sealed | None,
    claimed: tuple[str, dict[str, str]] | None,
) -> PushResult:
    from discussion.hub.multipart import abort_upload, finish_upload

    large: list[tuple[str, Path, str, int]] = []
    sending: Future[dict[str, PendingUpload]] | None = None
    verified: Future[_Sealed] | None = None  # None: not started (or `checked` already)
    try:
        # The bucket and the index are checked while the parts start: a missing bucket or
        # schema is still what the push says (after what is wrong with the record, if any).
        reached = helpers.submit(store.check)
        schema = helpers.submit(index.check_schema)
        if claimed is not None:
            for name in record_files(folder):
                path = folder / name
                digest = claimed[1].get(name)
                size = path.stat().st_size
                if digest is not None and size >= MULTIPART_FROM:
                    large.append((name, path, digest, size))
            under_way = threading.Event()
            sending = helpers.submit(_send_large, store, claimed[0], large, under_way)
            sending.add_done_callback(lambda _done: under_way.set())
            # verify holds the interpreter much of its time: once the parts go, not before
            under_way.wait()
        if checked is None:
            verified = helpers.submit(_sealed_report, folder)
        reached.result()
        schema.result()
    except BaseException:
        # a record that cannot be handed in says so first
        if verified is not None:
            verified.result()
        elif checked is None:
            _sealed_report(folder)
        raise
    try:
        outcome = verified.result() if verified is not None else checked
        assert outcome is not None  # one of the two is always there
        report, session_id, signer, public_key, sealed = outcome
        if claimed is not None and (
            claimed[0] != session_id
            or any(sealed.get(name) != digest for name, _p, digest, _s in large)
        ):
            raise HubError(f"{folder} changed while being handed in: push it again")
    except BaseException:
        if sending is not None and sending.exception() is None:
            for item in sending.result().values():
                abort_upload(store, item)
        raise
    # Verified: the small files go up while the large files' parts still do.
    if sending is not None and sending.done():
        sending.result()  # a part the store refused: nothing more is sent
    stored: dict[str, Stored] = {}
    names = record_files(folder)
    digests: dict[str, str] = {}
    sent_large = {item[0] for item in large}
    for name in names:
        digests[name] = sealed.get(name) or _hash(folder / name)  # sealed: hashed by verify
        if name not in sent_large:
            key = f"{record_prefix(session_id)}{name}"
            stored[name] = store.put_file(key, folder / name, digests[name])
    entry = _entry(folder)
    pending = sending.result() if sending is not None else {}
    objects: list[ManifestObject] = []
    for name in names:
        done = stored[name] if name in stored else finish_upload(store, pending[name])
        objects.append(
            ManifestObject(
                path=name,
                key=done.key,
                sha256=digests[name],
                size=done.size,
                checksum=done.checksum,
                version_id=done.version_id,
            )
        )
    manifest = Manifest(
        session_id=session_id,
        folder_name=folder.name,
        seal_hash=str(getattr(report, "seal_hash", "")),
        signer=signer,
        public_key=public_key,
        objects=objects,
    )
    content, written = _put_manifest(store, manifest)
    row = {
        "session_id": session_id,
        "folder_name": folder.name,
        "apprentice": entry.apprentice,
        "assessor": entry.assessor,
        "created_at": entry.created_at,
        "day": entry.date,
        "attempt": entry.attempt,
        "kind": entry.kind,
        "state": entry.state,
        "grade": entry.grade,
        "seal_hash": manifest.seal_hash,
        "signer_key": public_key,
        "manifest_key": written.key,
        "manifest_sha256": sha256_hex(content),
        "manifest_version": written.version_id,
        "bytes": sum(item.size for item in objects),
    }
    new = index.add_session(row, signer)
    from discussion.hub.queue import mark_handed_in

    mark_handed_in(session_id, folder, sha256_hex(content))
    total = sum(item.size for item in objects)
    sent = sum(item.sent for item in stored.values()) + sum(p.sent for p in pending.values())
    return PushResult(session_id, new, len(objects), total, sent, sha256_hex(content))


def _put_manifest(store: Store, manifest: Manifest) -> tuple[bytes, Stored]:
    """(content, stored) of the record's manifest: written now (`If-None-Match: *`, no HEAD
    first), or the one a push before this one wrote, which must name the same files."""
    content = manifest.content()
    key = manifest_key(manifest.session_id)
    written = store.put_new(key, content, sha256_hex(content))
    if written is not None:
        return content, written
    there = store.get_bytes(key)
    if Manifest.model_validate_json(there).files() != manifest.files():
        raise HubConflict(
            f"the hub already holds session {manifest.session_id} with other files: nothing on "
            "the hub is overwritten (was the record changed after it was handed in?)"
        )
    return there, store.existing(key, sha256_hex(there), hex_to_b64(sha256_hex(there)))


def _entry(folder: Path) -> SessionEntry:
    from discussion.record.listing import summarise_folders
    from discussion.sampling import entry_from_summary

    summaries = summarise_folders(folder.parent, [folder.name])
    if not summaries:
        raise UserError(f"{folder} is not a session folder")
    return entry_from_summary(summaries[0])


@dataclass(frozen=True)
class JudgementResult:
    """A handed-in verification.jsonl."""

    session_id: str
    new: bool
    verifier: str
    outcome: str | None
    sha256: str


def push_judgement(folder: Path, config: HubConfig) -> JudgementResult:
    """Hand in the folder's signed verification.jsonl, indexed by verifier and outcome."""
    from discussion.record.verify import verify

    path = folder / VERIFICATION_JSONL
    if not path.is_file():
        raise UserError(
            f"{folder} has no {VERIFICATION_JSONL}: judge it first (`discussion judge`)"
        )
    report = verify(folder)
    if not report.ok:
        raise HubError(f"{folder} is not intact ({report.problems[0]}): run `discussion verify`")
    rounds = (report.verification or {}).get("rounds", [])
    done = [r for r in rounds if r.get("finished")]
    if not done:
        raise UserError(
            f"{folder}/{VERIFICATION_JSONL} holds no finished, signed round: finish judging first"
        )
    last = done[-1]
    public_key = _verifier_key(path)
    session_id = str(report.as_json().get("verification") and _session_id(folder))
    data = path.read_bytes()
    digest = sha256_hex(data)
    store = Store(config)
    index = Index(config)
    try:
        store.check()
        index.check_schema()
        if index.session(session_id) is None:
            raise HubError(f"the hub holds no record {session_id}: hand the record in first")
        stored = store.put_bytes(judgement_key(session_id, digest), data, digest)
        row = {
            "session_id": session_id,
            "sha256": digest,
            "object_key": stored.key,
            "version_id": stored.version_id,
            "verifier": last["verifier"],
            "verifier_key": public_key,
            "outcome": last.get("outcome"),
            "finished": True,
        }
        new = index.add_judgement(row, last["verifier"])
    finally:
        index.close()
    return JudgementResult(session_id, new, last["verifier"], last.get("outcome"), digest)


def _session_id(folder: Path) -> str:
    import json

    return str(json.loads((folder / "session.json").read_text(encoding="utf-8"))["session_id"])


def _verifier_key(path: Path) -> str:
    from discussion.verification.events import FinishedData
    from discussion.verification.log import scan_verification

    scan = scan_verification(path.read_bytes())
    keys = [
        str(e.payload.signature.get("public_key", ""))
        for e in scan.events
        if isinstance(e.payload, FinishedData)
    ]
    if not keys or not keys[-1]:
        raise UserError(f"{path}: the last finished round carries no signature")
    return keys[-1]
