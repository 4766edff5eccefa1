"""The object store (S3 through boto3): a bucket that never overwrites and keeps every version.

- `init_bucket`: creates the bucket with object lock where the store offers it (then versioning
  is on and cannot be suspended) and a default retention from settings; else versioning only.
- `put_bytes` / `put_file`: every object goes up with its sha256 (`x-amz-checksum-sha256`: the
  store refuses a body that does not match) and `If-None-Match: *` (the store refuses to
  replace an existing key). Large files go up as a resumable multipart upload
  (`discussion.hub.multipart`). Each returns the store's own checksum and version id, which
  the caller compares with its own before anything is indexed.
- `versions`: every version and delete marker under a prefix, so a pull sees an object written
  again behind the app's back.

Credentials are boto3's (see `discussion.hub.config`); nothing here prints or stores them.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from discussion.hub.config import ENV_ENDPOINT, HubConfig
from discussion.hub.errors import HubConflict, HubError, HubUnreachable

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Files up to this size go up in one PUT; larger ones as a multipart upload.
MULTIPART_FROM = 16 * 1024 * 1024
READ_CHUNK = 1 << 20


@dataclass(frozen=True)
class Stored:
    """An object as the store holds it: its key, the store's checksum and version."""

    key: str
    sha256: str  # hex: ours, which the store checked on the way in
    size: int
    checksum: str | None  # the store's x-amz-checksum-sha256 (base64; "-N" composite for parts)
    version_id: str | None
    sent: int = 0  # bytes sent by this call (0 when it was already there)


@dataclass(frozen=True)
class Version:
    """One version (or delete marker) of a key."""

    key: str
    version_id: str
    latest: bool
    delete_marker: bool
    size: int


def b64_sha256(digest: bytes) -> str:
    """The base64 form S3 uses for a sha256."""
    return base64.b64encode(digest).decode("ascii")


def hex_to_b64(hex_digest: str) -> str:
    """A hex sha256 in S3's base64 form."""
    return b64_sha256(bytes.fromhex(hex_digest))


def _code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _status(error: Exception) -> int:
    response = getattr(error, "response", None) or {}
    return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


class Store:
    """The organisation's bucket."""

    def __init__(self, config: HubConfig, client: S3Client | None = None) -> None:
        self.config = config
        if config.bucket is None:
            raise HubError("no bucket is configured: set DISCUSSION_HUB_BUCKET", exit_code=2)
        self.bucket: str = config.bucket
        self.client: S3Client = client if client is not None else make_client(config)

    def where(self) -> str:
        """The bucket and endpoint, for messages."""
        return f"s3 bucket {self.bucket} at {self.config.endpoint or 'AWS S3'}"

    def translate(self, error: Exception, doing: str) -> HubError:
        """A botocore error as one line with the fix."""
        from botocore.exceptions import (
            ClientError,
            ConnectionError,
            HTTPClientError,
            NoCredentialsError,
            PartialCredentialsError,
        )

        if isinstance(error, NoCredentialsError | PartialCredentialsError):
            return HubError(
                f"{doing}: no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                "(or AWS_PROFILE)",
                exit_code=2,
            )
        if isinstance(error, ConnectionError | HTTPClientError):
            return HubUnreachable(
                f"{doing}: the object store is unreachable ({self.where()}): start it or set "
                f"{ENV_ENDPOINT} to where it runs"
            )
        if isinstance(error, ClientError):
            code = _code(error)
            if code in ("NoSuchBucket", "404") and "bucket" in doing:
                return HubError(
                    f"{doing}: the bucket {self.bucket} does not exist: run `discussion hub init`"
                )
            if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"):
                return HubError(
                    f"{doing}: the store refused these credentials ({code}): check "
                    "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY and what they may do"
                )
            if _status(error) >= 500:
                return HubUnreachable(f"{doing}: the object store failed ({code}): try later")
            return HubError(f"{doing}: the object store said {code or _status(error)}")
        return HubError(f"{doing}: {type(error).__name__}: {str(error)[:200]}")

    def check(self) -> None:
        """Raise HubUnreachable/HubError unless the bucket can be reached."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except Exception as error:
            raise self.translate(error, f"reaching bucket {self.bucket}") from None

    def init_bucket(self, retention_days: int, mode: str) -> dict[str, Any]:
        """Create the bucket if missing; versioning on; object lock + retention where offered."""
        created = False
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except Exception as error:
            if _code(error) not in ("404", "NoSuchBucket", "NotFound"):
                raise self.translate(error, f"checking bucket {self.bucket}") from None
            try:
                self.client.create_bucket(Bucket=self.bucket, ObjectLockEnabledForBucket=True)
            except Exception as create_error:
                if _code(create_error) not in ("BucketAlreadyOwnedByYou",):
                    raise self.translate(create_error, f"creating bucket {self.bucket}") from None
            created = True
        try:
            self.client.put_bucket_versioning(
                Bucket=self.bucket, VersioningConfiguration={"Status": "Enabled"}
            )
        except Exception as error:
            raise self.translate(error, f"turning versioning on in {self.bucket}") from None
        lock = self._object_lock(retention_days, mode)
        return {"bucket": self.bucket, "created": created, "versioning": True, "object_lock": lock}

    def _object_lock(self, retention_days: int, mode: str) -> str:
        try:
            current = self.client.get_object_lock_configuration(Bucket=self.bucket)
        except Exception:
            return "not offered by this bucket (versioning only)"
        if current.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") != "Enabled":
            return "not offered by this bucket (versioning only)"
        if retention_days <= 0:
            return "on, no default retention (retention_days is 0)"
        try:
            self.client.put_object_lock_configuration(
                Bucket=self.bucket,
                ObjectLockConfiguration={
                    "ObjectLockEnabled": "Enabled",
                    "Rule": {"DefaultRetention": {"Mode": mode, "Days": retention_days}},  # type: ignore[typeddict-item]
                },
            )
        except Exception as error:
            raise self.translate(error, f"setting the retention of {self.bucket}") from None
        return f"on, {mode} for {retention_days} days"

    def head(self, key: str) -> Stored | None:
        """The object at `key` with the store's checksum, or None when there is none."""
        try:
            reply = self.client.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        except Exception as error:
            if _code(error) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise self.translate(error, f"reading {key}") from None
        meta = reply.get("Metadata", {})
        return Stored(
            key,
            meta.get("sha256", ""),
            int(reply.get("ContentLength", 0)),
            reply.get("ChecksumSHA256"),
            reply.get("VersionId"),
        )

    def put_bytes(self, key: str, data: bytes, sha256_hex: str | None = None) -> Stored:
        """Put `data` at `key` unless something is there: an equal object is kept (and
        returned with sent=0), a different one is a HubConflict."""
        digest = sha256_hex or hashlib.sha256(data).hexdigest()
        stored = self.put_new(key, data, digest)
        return stored if stored is not None else self.existing(key, digest, hex_to_b64(digest))

    def put_new(self, key: str, data: bytes, sha256_hex: str) -> Stored | None:
        """Put `data` at `key` only if nothing is there (`If-None-Match: *`, one request, no
        HEAD first); None when the store already holds the key, whatever it holds."""
        digest = sha256_hex
        checksum = hex_to_b64(digest)
        try:
            reply = self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ChecksumSHA256=checksum,
                IfNoneMatch="*",
                Metadata={"sha256": digest},
            )
        except Exception as error:
            if _code(error) == "PreconditionFailed" or _status(error) == 412:
                return None
            raise self.translate(error, f"handing in {key}") from None
        stored = reply.get("ChecksumSHA256")
        if stored != checksum:
            raise HubError(
                f"{key}: the store's checksum {stored} differs from ours {checksum}: not indexed; "
                "try again, and report it if it repeats"
            )
        return Stored(key, digest, len(data), stored, reply.get("VersionId"), sent=len(data))

    def existing(self, key: str, digest: str, checksum: str) -> Stored:
        """The object already at `key`, which must be ours (same checksum), else HubConflict."""
        there = self.head(key)
        if there is None:
            raise HubError(f"{key}: the store refused to write it but holds nothing there")
        if there.checksum != checksum:
            raise HubConflict(
                f"{key}: the hub already holds a different object there (its checksum "
                f"{there.checksum}, ours {checksum}); nothing on the hub is overwritten: ask the "
                "hub's administrator"
            )
        return Stored(key, digest, there.size, there.checksum, there.version_id)

    def put_file(self, key: str, path: Path, sha256_hex: str) -> Stored:
        """Put the file (multipart and resumable when large); see `put_bytes`."""
        size = path.stat().st_size
        if size < MULTIPART_FROM:
            return self.put_bytes(key, path.read_bytes(), sha256_hex)
        from discussion.hub.multipart import upload_resumable

        return upload_resumable(self, key, path, sha256_hex, size)

    def get_bytes(self, key: str, version_id: str | None = None) -> bytes:
        """The object's bytes (the latest version unless one is named)."""
        try:
            extra: dict[str, Any] = {"VersionId": version_id} if version_id else {}
            reply = self.client.get_object(Bucket=self.bucket, Key=key, **extra)
            return reply["Body"].read()
        except Exception as error:
            raise self.translate(error, f"fetching {key}") from None

    def download(self, key: str, dest: Path) -> tuple[str, str | None]:
        """Write the latest version to `dest`; (its sha256 hex, its version id)."""
        digest = hashlib.sha256()
        try:
            reply = self.client.get_object(Bucket=self.bucket, Key=key)
            with dest.open("wb") as out:
                for chunk in reply["Body"].iter_chunks(READ_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
        except OSError:
            raise
        except Exception as error:
            if _code(error) in ("NoSuchKey", "404"):
                raise HubError(f"{key} is missing from the store") from None
            raise self.translate(error, f"fetching {key}") from None
        return digest.hexdigest(), reply.get("VersionId")

    def versions(self, prefix: str) -> dict[str, list[Version]]:
        """Every version and delete marker of the keys under `prefix`, by key."""
        found: dict[str, list[Version]] = {}
        try:
            pages = self.client.get_paginator("list_object_versions").paginate(
                Bucket=self.bucket, Prefix=prefix
            )
            for page in pages:
                for item in page.get("Versions", []):
                    found.setdefault(item["Key"], []).append(
                        Version(
                            item["Key"],
                            item.get("VersionId", ""),
                            bool(item.get("IsLatest")),
                            False,
                            int(item.get("Size", 0)),
                        )
                    )
                for marker in page.get("DeleteMarkers", []):
                    found.setdefault(marker["Key"], []).append(
                        Version(
                            marker["Key"],
                            marker.get("VersionId", ""),
                            bool(marker.get("IsLatest")),
                            True,
                            0,
                        )
                    )
        except Exception as error:
            raise self.translate(error, f"listing {prefix}") from None
        return found


_LOADER_LOCK = threading.Lock()
_loader: Any = None


def _shared_loader(session: Any) -> Any:
    """botocore's loader of its service models, one per process (the first session's):
    reading and parsing S3's model is most of the cost of a client (about 0.1 s), and the
    models do not change while the process runs. Only the loader is shared: each client still
    gets a session of its own, so credentials are looked up afresh each time."""
    global _loader
    with _LOADER_LOCK:
        if _loader is None:
            _loader = session.get_component("data_loader")
        return _loader


def make_client(config: HubConfig) -> S3Client:
    """An S3 client (botocore's, as boto3 makes it) for the configuration (path-style
    addressing for a custom endpoint), its credentials from boto3's usual sources."""
    import botocore.session
    from botocore.config import Config

    options = Config(
        connect_timeout=5,
        read_timeout=60,
        retries={"max_attempts": 3, "mode": "standard"},
        s3={"addressing_style": "path"} if config.endpoint else {},
        max_pool_connections=16,
    )
    core = botocore.session.Session()
    core.register_component("data_loader", _shared_loader(core))
    with _LOADER_LOCK:  # a loader filling its cache is not meant to be shared by two threads
        # botocore's own session: boto3's would add its data folder to the shared loader's
        # search path each time (and the hub uses none of boto3's additions)
        client = cast(
            "S3Client",
            core.create_client(
                "s3",
                endpoint_url=config.endpoint,
                region_name=config.region or "us-east-1",
                config=options,
            ),
        )
    for operation in ("PutObject", "UploadPart"):
        client.meta.events.register(f"before-sign.s3.{operation}", _checksum_signs_body)
    return client


def _checksum_signs_body(request: Any, **_: Any) -> None:
    """A body sent with its sha256 (`x-amz-checksum-sha256`, a signed header the store checks
    the body against) is not hashed a second time for the signature: over plain HTTP botocore
    would (UNSIGNED-PAYLOAD, as it does itself over HTTPS when a checksum is sent)."""
    from botocore.config import Config

    if "x-amz-checksum-sha256" not in request.headers:
        return
    current = request.context.get("client_config")
    if current is None:
        return
    s3: Any = {**(current.s3 or {}), "payload_signing_enabled": False}
    request.context["client_config"] = current.merge(Config(s3=s3))
