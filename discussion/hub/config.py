"""Where the hub is: environment variables over settings.json's `"hub"`, never a credential.

| environment | settings.json `hub.` | what |
|---|---|---|
| DISCUSSION_HUB_S3_ENDPOINT | s3_endpoint | S3 endpoint URL (unset: AWS S3) |
| DISCUSSION_HUB_BUCKET | bucket | the bucket records are handed in to |
| AWS_DEFAULT_REGION / AWS_REGION | region | the region |
| DISCUSSION_HUB_DSN | dsn | PostgreSQL URL of the index |
| DISCUSSION_HUB_RETENTION_DAYS | retention_days | object-lock days for `hub init` |

S3 credentials are boto3's business (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE,
~/.aws/credentials, an instance role): this module never reads, stores or prints them. The
index's password comes from libpq (PGPASSWORD, ~/.pgpass, a client certificate); `redact_dsn`
is what any message shows of a DSN.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from discussion.errors import UserError
from discussion.hub.settings_model import HubSettings

ENV_ENDPOINT = "DISCUSSION_HUB_S3_ENDPOINT"
ENV_BUCKET = "DISCUSSION_HUB_BUCKET"
ENV_DSN = "DISCUSSION_HUB_DSN"
ENV_RETENTION = "DISCUSSION_HUB_RETENTION_DAYS"
# S3's rule for bucket names (lower-case letters, digits, dots, hyphens; 3 to 63).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


@dataclass(frozen=True)
class HubConfig:
    """The hub's location and retention (no credential: see the module docstring)."""

    endpoint: str | None
    bucket: str | None
    region: str | None
    dsn: str | None
    retention_days: int
    retention_mode: str

    @property
    def configured(self) -> bool:
        """Whether a bucket and an index are named (the endpoint may be AWS's default)."""
        return bool(self.bucket and self.dsn)

    def missing(self) -> list[str]:
        """The settings still to give, as the environment variables to set."""
        return [
            name for name, value in ((ENV_BUCKET, self.bucket), (ENV_DSN, self.dsn)) if not value
        ]

    def require(self) -> HubConfig:
        """This configuration, or a UserError naming what to set."""
        missing = self.missing()
        if missing:
            raise UserError(
                f'the hub is not configured: set {" and ".join(missing)} (or "hub" in '
                "settings.json; see docs/hub.md)"
            )
        return self


def load_config(settings: HubSettings | None = None) -> HubConfig:
    """The configuration from the environment over `settings` (default: settings.json's)."""
    if settings is None:
        from discussion.settings import load_settings

        settings = load_settings().hub
    endpoint = os.environ.get(ENV_ENDPOINT) or settings.s3_endpoint
    bucket = os.environ.get(ENV_BUCKET) or settings.bucket
    region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or settings.region
    dsn = os.environ.get(ENV_DSN) or settings.dsn
    retention = settings.retention_days
    text = os.environ.get(ENV_RETENTION)
    if text:
        try:
            retention = int(text)
        except ValueError:
            raise UserError(f"{ENV_RETENTION}={text!r} is not a whole number of days") from None
        if not 0 <= retention <= 36500:
            raise UserError(f"{ENV_RETENTION}={text} is outside 0 to 36500 days")
    if bucket is not None and not _BUCKET.match(bucket):
        raise UserError(
            f"bucket {bucket!r} is not an S3 bucket name: 3 to 63 lower-case letters, digits, "
            f"dots or hyphens ({ENV_BUCKET})"
        )
    if endpoint is not None and urlsplit(endpoint).scheme not in ("http", "https"):
        raise UserError(
            f"{ENV_ENDPOINT}={endpoint!r} is not a URL: write e.g. https://s3.example.org"
        )
    if dsn is not None and _dsn_password(dsn):
        raise UserError(
            f"{ENV_DSN} holds a password: take it out and put it in ~/.pgpass or PGPASSWORD, "
            "so it is never written to settings or shown"
        )
    return HubConfig(endpoint, bucket, region, dsn, retention, settings.retention_mode)


def _dsn_password(dsn: str) -> bool:
    if "://" in dsn:
        return urlsplit(dsn).password is not None or "password=" in dsn
    return bool(re.search(r"(^|\s)password\s*=", dsn))


def redact_dsn(dsn: str | None) -> str:
    """The DSN safe to show: no password, no query (which may hold one)."""
    if not dsn:
        return "(not set)"
    if "://" not in dsn:
        return re.sub(r"password\s*=\s*\S+", "password=***", dsn)
    parts = urlsplit(dsn)
    netloc = parts.hostname or ""
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
