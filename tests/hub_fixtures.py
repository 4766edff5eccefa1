"""The hub's real servers for tests: one SeaweedFS and one PostgreSQL per pytest worker
(scripts/hub_servers.py), started on first use on free ports and stopped at the end (SIGTERM,
wait, kill: SeaweedFS's slow part off the worker's clock). Each test gets its own bucket and
its own PostgreSQL schema (`hub_env`), so tests on one worker never see each other's records."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.hub_servers import HubServers

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def hub_servers() -> Iterator[HubServers]:
    """SeaweedFS and PostgreSQL for this worker."""
    servers = HubServers.start()
    try:
        yield servers
    finally:
        servers.pg.stop()
        _stop_in_background(servers)


def _stop_in_background(servers: HubServers) -> None:
    """SeaweedFS takes about 2 s to shut down after SIGTERM: a detached `scripts.hub_servers
    stop` waits for it (and kills it after its timeout) and removes both servers' folders, so
    the worker's last test is not followed by that wait."""
    state = Path(tempfile.mkdtemp(prefix="discussion-hub-stop-"))
    pid = servers.s3.process.pid if servers.s3.process else None
    folders = [str(servers.s3.folder), str(servers.pg.folder), str(state)]
    (state / "servers.json").write_text(json.dumps({"s3": pid, "folders": folders}))
    subprocess.Popen(
        [sys.executable, "-m", "scripts.hub_servers", "stop", str(state)],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # outlives the worker; a Ctrl+C of the tests does not stop it
    )


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
