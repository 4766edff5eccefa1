"""Resumable multipart upload: after a kill -9, the next push sends only the parts not stored.

The upload in progress is found on the store itself (`ListMultipartUploads` for the key), so a
laptop keeps no state of its own about it. A stored part is reused when its size and its ETag
(the MD5 of its bytes, S3's rule for unencrypted parts) match our part; every part is sent with
its sha256, which the store checks. The upload is completed with `If-None-Match: *`, and the
store's composite checksum (sha256 of the parts' sha256s, "-N") must equal the one we compute.

Parts are PART_SIZE bytes, CONCURRENCY at a time: a kill loses at most that many parts in
flight (the resume figure of `make bench`, hub.resume_resent_fraction).
"""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from discussion.hub.errors import HubError
from discussion.hub.store import Stored, _code, _status, b64_sha256

if TYPE_CHECKING:
    from discussion.hub.store import Store

PART_SIZE = 8 * 1024 * 1024
CONCURRENCY = 2


@dataclass(frozen=True)
class Part:
    """One part of the file: number (1-based), offset, length."""

    number: int
    offset: int
    length: int


def plan_parts(size: int, part_size: int = PART_SIZE) -> list[Part]:
    """The parts of a file of `size` bytes."""
    return [
        Part(index + 1, offset, min(part_size, size - offset))
        for index, offset in enumerate(range(0, size, part_size))
    ]


def _read(fd: int, part: Part) -> bytes:
    data = os.pread(fd, part.length, part.offset)
    if len(data) != part.length:
        raise HubError(f"the file shrank while being handed in (part {part.number})")
    return data


def composite_checksum(digests: list[bytes]) -> str:
    """S3's checksum of a multipart object: base64 sha256 of the parts' digests, then -N."""
    return f"{b64_sha256(hashlib.sha256(b''.join(digests)).digest())}-{len(digests)}"


def file_composite(path: Path, size: int) -> str:
    """The composite checksum the store would give `path` uploaded in our parts."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return composite_checksum(
            [hashlib.sha256(_read(fd, part)).digest() for part in plan_parts(size)]
        )
    finally:
        os.close(fd)


def _find_upload(store: Store, key: str) -> str | None:
    try:
        reply = store.client.list_multipart_uploads(Bucket=store.bucket, Prefix=key)
    except Exception as error:
        raise store.translate(error, f"looking for an unfinished upload of {key}") from None
    uploads = [item for item in reply.get("Uploads", []) if item.get("Key") == key]
    uploads.sort(key=lambda item: str(item.get("Initiated", "")))
    return str(uploads[-1]["UploadId"]) if uploads else None


def _stored_parts(store: Store, key: str, upload_id: str) -> dict[int, tuple[int, str]]:
    found: dict[int, tuple[int, str]] = {}
    try:
        pages = store.client.get_paginator("list_parts").paginate(
            Bucket=store.bucket, Key=key, UploadId=upload_id
        )
        for page in pages:
            for item in page.get("Parts", []):
                etag = str(item.get("ETag", "")).strip('"')
                found[int(item["PartNumber"])] = (int(item.get("Size", 0)), etag)
    except Exception as error:
        if _code(error) == "NoSuchUpload":
            return {}
        raise store.translate(error, f"listing the stored parts of {key}") from None
    return found


@dataclass(frozen=True)
class PendingUpload:
    """A multipart upload whose parts are all on the store, not yet completed (so not yet an
    object): `finish_upload` completes it, `abort_upload` drops it. `done` is set instead
    when the key already held this very file."""

    key: str
    sha256: str
    size: int
    upload_id: str = ""
    parts: tuple[tuple[int, bytes, str], ...] = ()  # (number, sha256 digest, ETag)
    sent: int = 0
    done: Stored | None = None


def upload_resumable(store: Store, key: str, path: Path, sha256_hex: str, size: int) -> Stored:
    """Upload `path` to `key` in parts, resuming an unfinished upload of it; see the module."""
    return finish_upload(store, send_parts(store, key, path, sha256_hex, size))


def send_parts(
    store: Store,
    key: str,
    path: Path,
    sha256_hex: str,
    size: int,
    under_way: threading.Event | None = None,
) -> PendingUpload:
    """Every part of `path` on the store (those already there reused), the upload left open;
    `under_way` is set once the parts start to go."""
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        return _send_parts(store, key, path, sha256_hex, size, pool, under_way)


def _send_parts(
    store: Store,
    key: str,
    path: Path,
    sha256_hex: str,
    size: int,
    pool: ThreadPoolExecutor,
    under_way: threading.Event | None,
) -> PendingUpload:
    finding = pool.submit(_find_upload, store, key)  # beside the HEAD: one round trip less
    there = store.head(key)
    if there is not None:  # handed in before: it must be this very file
        done = store.existing(key, sha256_hex, file_composite(path, size))
        return PendingUpload(key, sha256_hex, size, done=done)
    upload_id = finding.result()
    stored: dict[int, tuple[int, str]] = {}
    if upload_id is not None:
        stored = _stored_parts(store, key, upload_id)
    else:
        try:
            reply = store.client.create_multipart_upload(
                Bucket=store.bucket,
                Key=key,
                ChecksumAlgorithm="SHA256",
                Metadata={"sha256": sha256_hex},
            )
        except Exception as error:
            raise store.translate(error, f"starting the upload of {key}") from None
        upload_id = reply["UploadId"]
    parts = plan_parts(size)
    fd = os.open(path, os.O_RDONLY)
    try:
        sending = pool.map(lambda part: _part(store, key, upload_id, fd, part, stored), parts)
        if under_way is not None:
            under_way.set()
        results = list(sending)
    finally:
        os.close(fd)
    return PendingUpload(
        key,
        sha256_hex,
        size,
        upload_id,
        tuple(
            (part.number, digest, etag)
            for part, (digest, etag, _sent) in zip(parts, results, strict=True)
        ),
        sum(result[2] for result in results),
    )


def finish_upload(store: Store, pending: PendingUpload) -> Stored:
    """Complete the upload (`If-None-Match: *`); the store's composite checksum, returned by
    the completion itself, must equal ours (a HEAD only when a store does not return it)."""
    if pending.done is not None:
        return pending.done
    key = pending.key
    completed: list[dict[str, Any]] = [
        {"PartNumber": number, "ETag": etag, "ChecksumSHA256": b64_sha256(digest)}
        for number, digest, etag in pending.parts
    ]
    expected = composite_checksum([digest for _n, digest, _e in pending.parts])
    try:
        done = store.client.complete_multipart_upload(
            Bucket=store.bucket,
            Key=key,
            UploadId=pending.upload_id,
            MultipartUpload={"Parts": completed},  # type: ignore[typeddict-item]
            IfNoneMatch="*",
        )
    except Exception as error:
        if _code(error) == "PreconditionFailed" or _status(error) == 412:
            return store.existing(key, pending.sha256, expected)
        raise store.translate(error, f"completing the upload of {key}") from None
    checksum = done.get("ChecksumSHA256")
    if checksum is None:
        head = store.head(key)
        checksum = head.checksum if head is not None else None
    if checksum != expected:
        raise HubError(
            f"{key}: the store's checksum {checksum} differs from ours {expected}: not indexed; "
            "try again, and report it if it repeats"
        )
    return Stored(
        key, pending.sha256, pending.size, checksum, done.get("VersionId"), sent=pending.sent
    )


def abort_upload(store: Store, pending: PendingUpload) -> None:
    """Drop an open upload (best effort: a store that refuses leaves it for the next push)."""
    if pending.done is not None or not pending.upload_id:
        return
    try:
        store.client.abort_multipart_upload(
            Bucket=store.bucket, Key=pending.key, UploadId=pending.upload_id
        )
    except Exception:  # best effort: a later push resumes or replaces it
        return


def _part(
    store: Store,
    key: str,
    upload_id: str,
    fd: int,
    part: Part,
    stored: dict[int, tuple[int, str]],
) -> tuple[bytes, str, int]:
    """(sha256 digest, ETag, bytes sent) of one part, sent only when not stored already."""
    data = _read(fd, part)
    digest = hashlib.sha256(data).digest()
    have = stored.get(part.number)
    if have is not None and have[0] == part.length:
        etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
        if have[1] == etag:
            return digest, f'"{etag}"', 0
    try:
        reply = store.client.upload_part(
            Bucket=store.bucket,
            Key=key,
            UploadId=upload_id,
            PartNumber=part.number,
            Body=data,
            ChecksumSHA256=b64_sha256(digest),
        )
    except Exception as error:
        raise store.translate(error, f"sending part {part.number} of {key}") from None
    return digest, str(reply["ETag"]), part.length
