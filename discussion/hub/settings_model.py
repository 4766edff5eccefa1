"""The hub's part of settings.json (`"hub": {...}`): where the organisation's store and index are.

Plain pydantic, importing nothing else of the project, so `discussion.settings` can carry it
without loading the hub. Every key has an environment variable that wins over it
(`discussion.hub.config`). No credential belongs here: S3 keys come from boto3's own sources
(AWS_* variables, ~/.aws/credentials, an instance role) and the database password from libpq's
(PGPASSWORD, ~/.pgpass); a DSN with a password in it is refused.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Six years: a common retention for apprenticeship evidence. An organisation sets its own.
RETENTION_DAYS_DEFAULT = 2190


class HubSettings(BaseModel):
    """`settings.json` `"hub"`: the organisation's S3 store and PostgreSQL index."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    s3_endpoint: str | None = Field(
        default=None,
        max_length=500,
        description="S3 endpoint URL (DISCUSSION_HUB_S3_ENDPOINT); none: AWS S3 itself",
    )
    bucket: str | None = Field(
        default=None,
        max_length=63,
        description="Bucket of handed-in records (DISCUSSION_HUB_BUCKET)",
    )
    region: str | None = Field(
        default=None, max_length=50, description="S3 region (AWS_DEFAULT_REGION wins)"
    )
    dsn: str | None = Field(
        default=None,
        max_length=1000,
        description="PostgreSQL URL of the index, without a password (DISCUSSION_HUB_DSN)",
    )
    retention_days: int = Field(
        default=RETENTION_DAYS_DEFAULT,
        ge=0,
        le=36500,
        description="Days each handed-in object is locked against deletion where the store "
        "offers object lock (0: no default retention)",
    )
    retention_mode: Literal["COMPLIANCE", "GOVERNANCE"] = Field(
        default="COMPLIANCE",
        description="Object lock mode: COMPLIANCE (nobody can delete early) or GOVERNANCE",
    )
