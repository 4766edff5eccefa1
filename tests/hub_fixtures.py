"""The hub's real servers for tests: one SeaweedFS and one PostgreSQL per pytest worker
(scripts/hub_servers.py), started on first use on free ports and stopped at the end (SIGTERM,
wait, kill). Each test gets its own bucket and its own PostgreSQL schema (`hub_env`), so tests
on one worker never see each other's records."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.hub_servers import HubServers


@pytest.fixture(scope="session")
def hub_servers() -> Iterator[HubServers]:
    """SeaweedFS and PostgreSQL for this worker."""
    servers = HubServers.start()
    try:
        yield servers
    finally:
        servers.stop()


@pytest.fixture
def hub_env(hub_servers: HubServers, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The hub's environment for one test: a fresh bucket (created by the admin identity, as
    `hub init` would be run by the organisation) and schema; the writer identity's keys."""
    import psycopg

    name = f"t{uuid.uuid4().hex[:12]}"
    with psycopg.connect(hub_servers.pg.dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    env = hub_servers.environment(f"hub-{name}", writer=False)
    env["DISCUSSION_HUB_DSN"] = f"{hub_servers.pg.dsn}?options=-csearch_path%3D{name}"
    env["DISCUSSION_HUB_RETENTION_DAYS"] = "1"
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env
