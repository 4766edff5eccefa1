"""Pulling a record from the hub and checking it against the manifest, the index and its seal.

`pull(session_id, dest, config)` downloads every object the manifest names (the latest version
the store serves) into `dest`, and the latest handed-in verification.jsonl, and lists each
difference: the manifest's sha256 against the index's (a replaced manifest), any key written
again after hand-in (more than one version, a delete marker), each file's sha256 against the
manifest, the seal's signer key against the one the index registered, then `discussion
verify`'s own checks of the folder. `ok` only when there is none.

Keys the hub vouches for (registered on first push) are added to this data home's trusted set
after an intact pull, named "<signer> (vouched for by the hub)", so `discussion verify DEST`
then shows the signature as trusted.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from discussion.errors import UserError
from discussion.hub.config import HubConfig
from discussion.hub.errors import HubError
from discussion.hub.index import Index
from discussion.hub.manifest import Manifest, record_prefix, sha256_hex
from discussion.hub.store import Store

VOUCHED = "(vouched for by the hub)"


@dataclass
class PullReport:
    """What a pull found."""

    session_id: str
    folder: Path
    differences: list[str] = field(default_factory=list)
    files: int = 0
    trusted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Intact: nothing differs."""
        return not self.differences


def pull(session_id: str, dest: Path, config: HubConfig) -> PullReport:
    """Download and check a record (see the module docstring)."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UserError(f"{dest} exists and is not an empty folder: give a new folder to pull into")
    store = Store(config)
    index = Index(config)
    try:
        store.check()
        index.check_schema()
        row = index.session(session_id)
        if row is None:
            raise HubError(
                f"the hub holds no session {session_id}: see `discussion hub list`", exit_code=2
            )
        report = PullReport(session_id, dest)
        content = store.get_bytes(row.manifest_key)
        if sha256_hex(content) != row.manifest_sha256:
            report.differences.append(
                "manifest.json on the store is not the one handed in (its sha256 differs from "
                "the index's): it was replaced"
            )
        manifest = _trusted_manifest(store, row.manifest_key, row.manifest_sha256, content)
        for key, versions in sorted(store.versions(record_prefix(session_id)).items()):
            if len(versions) > 1:
                markers = sum(v.delete_marker for v in versions)
                what = f", {markers} of them deletions" if markers else ""
                report.differences.append(
                    f"{key} has {len(versions)} versions on the store{what}: it was written "
                    "again after hand-in"
                )
        dest.mkdir(parents=True, exist_ok=True)
        for item in manifest.objects:
            relative = PurePosixPath(item.path)
            if relative.is_absolute() or ".." in relative.parts:
                report.differences.append(
                    f"the manifest names a file outside the record: {item.path}"
                )
                continue
            target = dest / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                digest, _version = store.download(item.key, target)
            except HubError as error:
                report.differences.append(error.message)
                continue
            report.files += 1
            if digest != item.sha256:
                report.differences.append(
                    f"{item.path} differs from the manifest (sha256 {digest[:12]}…, handed in "
                    f"{item.sha256[:12]}…)"
                )
        judgement = index.latest_judgement(session_id)
        if judgement is not None:
            key, digest = judgement
            got, _version = store.download(key, dest / "verification.jsonl")
            if got != digest:
                report.differences.append(
                    "verification.jsonl differs from the judgement handed in (sha256)"
                )
        signer_key = _seal_key(dest)
        if signer_key != row.signer_key:
            report.differences.append(
                "the seal is signed by another key than the one the hub registered for this record"
            )
        vouched = index.key(row.signer_key)
        from discussion.record.verify import verify

        local = verify(dest)
        report.differences += [f"verify: {problem}" for problem in local.problems]
        if report.ok and vouched is not None:
            report.trusted.append(_trust(row.signer_key, vouched[0]))
    finally:
        index.close()
    return report


def _trusted_manifest(store: Store, key: str, expected: str, latest: bytes) -> Manifest:
    """The manifest the index names (an older version when the latest was replaced)."""
    if sha256_hex(latest) == expected:
        return Manifest.model_validate_json(latest)
    for version in store.versions(key).get(key, []):
        if version.delete_marker:
            continue
        content = store.get_bytes(key, version.version_id)
        if sha256_hex(content) == expected:
            return Manifest.model_validate_json(content)
    raise HubError(f"the store no longer holds the manifest the index names for {key}")


def _seal_key(folder: Path) -> str | None:
    from discussion.record.events import ClosedData
    from discussion.record.log import scan_log

    try:
        events = scan_log((folder / "events.jsonl").read_bytes()).events
    except OSError:
        return None
    closed = events[-1].payload if events else None
    if isinstance(closed, ClosedData) and closed.signature is not None:
        return closed.signature.public_key
    return None


def _trust(public_key: str, signer: str) -> str:
    """Add a key the hub vouches for to this data home's trusted set; its name there."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from discussion.signing.keys import public_pem
    from discussion.signing.trust import trust_key_file, trusted_name

    known = trusted_name(public_key)
    if known is not None:
        return known
    name = f"{signer} {VOUCHED}"[:100]
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hub.pub"
        path.write_bytes(public_pem(key))
        trust_key_file(path, name)
    return name
