"""`hub_status()`: what is configured, whether the store and the index answer, what is queued.

For `discussion hub status` and the app's home screen (hand-in status). Never shows a
credential: the DSN without its password, the endpoint, the bucket, and whether boto3 found
credentials (not what they are).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from discussion.errors import UserError
from discussion.hub import queue
from discussion.hub.config import load_config, redact_dsn


@dataclass
class HubStatus:
    """The hub as this laptop sees it."""

    configured: bool
    missing: list[str]
    endpoint: str
    bucket: str
    index: str
    store_ok: bool | None = None
    store_error: str = ""
    index_ok: bool | None = None
    index_error: str = ""
    queued: list[queue.QueueItem] = field(default_factory=list)
    handed_in: int = 0
    damaged: list[queue.DamagedFile] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """For `hub status --json`."""
        return {
            "configured": self.configured,
            "missing": self.missing,
            "endpoint": self.endpoint,
            "bucket": self.bucket,
            "index": self.index,
            "store_reachable": self.store_ok,
            "store_error": self.store_error or None,
            "index_reachable": self.index_ok,
            "index_error": self.index_error or None,
            "handed_in": self.handed_in,
            "queued": [
                {
                    "kind": i.kind,
                    "session_id": i.session_id,
                    "attempts": i.attempts,
                    "next_try_at": i.next_try_at,
                    "last_error": i.last_error,
                }
                for i in self.queued
            ],
            "damaged_queue_files": [
                {"path": str(d.path), "reason": d.reason, "fix": d.message} for d in self.damaged
            ],
        }

    def lines(self) -> list[str]:
        """For people."""
        out = [f"Store: {self.endpoint}, bucket {self.bucket}", f"Index: {self.index}"]
        if not self.configured:
            out.append(f"Not configured: set {' and '.join(self.missing)} (docs/hub.md).")
        else:
            out.append("Store reachable." if self.store_ok else f"Store: {self.store_error}")
            out.append("Index reachable." if self.index_ok else f"Index: {self.index_error}")
        out.append(f"Handed in from this laptop: {self.handed_in}.")
        if not self.queued:
            out.append("Nothing queued." if not self.damaged else "Nothing else queued.")
        out.extend(f"Queue file {d.message}." for d in self.damaged)
        for item in self.queued:
            out.append(
                f"Queued {item.kind} {item.session_id}: {item.attempts} tries, "
                f"last: {item.last_error}"
            )
        return out


def hub_status(*, reach: bool = True) -> HubStatus:
    """The status (`reach` False: configuration and queue only, no network)."""
    config = load_config()
    status = HubStatus(
        configured=config.configured,
        missing=config.missing(),
        endpoint=config.endpoint or "AWS S3",
        bucket=config.bucket or "(not set)",
        index=redact_dsn(config.dsn),
        queued=queue.items(),
        handed_in=queue.handed_in_count(),
        damaged=queue.damaged(),
    )
    if not (reach and config.configured):
        return status
    from discussion.hub.index import Index
    from discussion.hub.store import Store

    try:
        Store(config).check()
        status.store_ok = True
    except UserError as error:
        status.store_ok, status.store_error = False, error.message
    index = Index(config)
    try:
        index.check_schema()
        status.index_ok = True
    except UserError as error:
        status.index_ok, status.index_error = False, error.message
    finally:
        index.close()
    return status
