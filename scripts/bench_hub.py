"""The hub benchmark (`--only hub` in scripts/bench.py), against real SeaweedFS and PostgreSQL
started by scripts/hub_servers.py.

- hub.push_ratio_vs_boto3: `push_record` of the 60-minute record (scripts/bench_review.py
  `make_record`, 115 MB of audio) ÷ boto3's own `upload_file` of the same files to the same
  store, same run, alternating which goes first, each run in a fresh bucket warmed first by
  a 32 MiB multipart upload (SeaweedFS grows a bucket's volumes on its first large writes:
  after one small object, the first 115 MB upload still took 1.0-1.2 s against 0.75-0.95
  for the next, which cost whichever went first, the push in two runs of three), medians
  of PUSH_RUNS; goal <= 1.3. The push's time includes its verify of the record (every
  sealed file hashed, while the audio's parts go up), its S3 client made and the store's
  checksums checked. Both run in this process: botocore's S3 model is loaded once per
  process (here by `hub init`'s client, before either clock starts), and the reference's
  client is made before its clock starts; hub.push_cli_60min_s is the figure with every
  start-up cost in.
- hub.push_cli_60min_s (no goal): `discussion hub push` of the same record as a process of
  its own, from start to exit (interpreter, imports, S3 model and all), in a fresh bucket.
- hub.resume_resent_fraction: a push process killed (SIGKILL) once half the audio's parts are
  stored; the bytes it sent (the kernel's bytes_sent of its TCP sockets, read with `ss` just
  before the kill) plus the bytes the resumed push sent, less the record's size, ÷ the
  record's size (goal <= 0.1; HTTP headers count too).
- hub.list_10000_ms, hub.sample_10000_ms: the index's sessions as entries (filtered by an
  assessor), and a 10% sample per assessor (`Index.sample`, checked once against
  `draw_sample` of the listed sessions), over 10,000 indexed sessions (medians; goals
  <= 300 and <= 200).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

from scripts.bench_support import data_home
from scripts.hub_servers import HubServers

QUICK = os.environ.get("BENCH_QUICK") == "1"
RUNS = 1 if QUICK else 3
PUSH_RUNS = 1 if QUICK else 5  # the machine is shared: more pairs, a steadier median
WARM_UP_BYTES = 32 * 1024 * 1024
SESSIONS = 10_000


def _configure(servers: HubServers, bucket: str) -> str:
    """Point the hub at `bucket` and a fresh schema of its own; returns the schema's name."""
    import psycopg

    schema = f"bench{uuid.uuid4().hex[:8]}"
    with psycopg.connect(servers.pg.dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    os.environ.update(servers.environment(bucket, writer=False))
    os.environ["DISCUSSION_HUB_RETENTION_DAYS"] = "1"
    os.environ["DISCUSSION_HUB_DSN"] = f"{servers.pg.dsn}?options=-csearch_path%3D{schema}"
    return schema


def _init() -> None:
    from discussion.hub.config import load_config
    from discussion.hub.index import open_index
    from discussion.hub.store import Store

    config = load_config()
    Store(config).init_bucket(1, "COMPLIANCE")
    with open_index(config) as index:
        index.init()


def _warm_up(client: object, bucket: str) -> None:
    """A new bucket's volumes grown before anything is timed: SeaweedFS grows them on its
    first large writes (parts written at once), which a small object alone does not do."""
    blank = io.BytesIO(bytes(WARM_UP_BYTES))
    client.upload_fileobj(blank, bucket, "warm-up")  # type: ignore[attr-defined]


def _push_vs_boto3(servers: HubServers, folder: Path, results: dict[str, float]) -> None:
    from discussion.hub.config import load_config
    from discussion.hub.push import push_record

    files = sorted(p for p in folder.rglob("*") if p.is_file())
    client = servers.s3.client()
    push_s: list[float] = []
    boto_s: list[float] = []
    for run in range(PUSH_RUNS):
        bucket = f"bench-{uuid.uuid4().hex[:10]}"
        _configure(servers, bucket)
        _init()
        _warm_up(client, bucket)
        for which in ("push", "boto3") if run % 2 == 0 else ("boto3", "push"):
            began = time.perf_counter()
            if which == "push":
                push_record(folder, load_config())
                push_s.append(time.perf_counter() - began)
                continue
            for path in files:
                key = f"boto3/{run}/{path.relative_to(folder).as_posix()}"
                client.upload_file(str(path), bucket, key)  # type: ignore[attr-defined]
            boto_s.append(time.perf_counter() - began)
    bucket = f"bench-{uuid.uuid4().hex[:10]}"
    _configure(servers, bucket)
    _init()
    _warm_up(client, bucket)
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "discussion", "hub", "push", str(folder)],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        check=True,
    )
    results["hub.push_cli_60min_s"] = round(time.perf_counter() - began, 3)
    results["hub.push_60min_s"] = round(statistics.median(push_s), 3)
    results["hub.boto3_upload_60min_s"] = round(statistics.median(boto_s), 3)
    results["hub.push_ratio_vs_boto3"] = round(
        statistics.median(push_s) / max(statistics.median(boto_s), 1e-3), 2
    )


def _socket_bytes_sent(pid: int) -> int:
    """Bytes the process's TCP sockets sent so far (the kernel's tcp_info, through `ss`);
    /proc/PID/io misses send(2), which is how urllib3 writes."""
    out = subprocess.run(["ss", "-tinpH"], capture_output=True, text=True, check=False).stdout
    total = 0
    lines = out.splitlines()
    for index, line in enumerate(lines):
        if f"pid={pid}," not in line:
            continue
        detail = " ".join(lines[index : index + 2])
        match = re.search(r"bytes_sent:(\d+)", detail)
        if match:
            total += int(match.group(1))
    return total


def _resume(servers: HubServers, folder: Path, results: dict[str, float]) -> None:
    from discussion.hub.config import load_config
    from discussion.hub.multipart import plan_parts
    from discussion.hub.push import push_record

    bucket = f"bench-{uuid.uuid4().hex[:10]}"
    _configure(servers, bucket)
    _init()
    audio = folder / "audio" / "segment-001.wav"
    half = len(plan_parts(audio.stat().st_size)) // 2
    client = servers.s3.client()
    push = subprocess.Popen(
        [sys.executable, "-m", "discussion", "hub", "push", str(folder)],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    written = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and push.poll() is None:
        uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])  # type: ignore[attr-defined]
        if uploads:
            parts = client.list_parts(  # type: ignore[attr-defined]
                Bucket=bucket, Key=uploads[0]["Key"], UploadId=uploads[0]["UploadId"]
            ).get("Parts", [])
            if len(parts) >= half:
                written = _socket_bytes_sent(push.pid)
                push.send_signal(signal.SIGKILL)
                break
        time.sleep(0.005)
    push.wait(10)
    result = push_record(folder, load_config())
    total = result.bytes_total
    results["hub.resume_resent_fraction"] = round(
        max(written + result.bytes_sent - total, 0) / total, 3
    )


def _index_10000(servers: HubServers, results: dict[str, float]) -> None:
    from discussion.hub.config import load_config
    from discussion.hub.index import open_index
    from discussion.sampling import SessionFilter, draw_sample

    _configure(servers, "bench-index")
    config = load_config()
    with open_index(config) as index:
        index.init()
        conn = index.connect()
        key = "A" * 43 + "="
        conn.execute(
            "INSERT INTO hub_keys (public_key, signer, role) VALUES (%s, 'x', 'assessor')", (key,)
        )
        start = datetime(2026, 1, 1, tzinfo=UTC)
        with conn.cursor().copy(
            "COPY hub_sessions (session_id, folder_name, apprentice, assessor, created_at, "
            "attempt, kind, state, grade, seal_hash, signer_key, manifest_key, manifest_sha256, "
            "bytes) "
            "FROM STDIN"
        ) as copy:
            for n in range(SESSIONS):
                sid = f"s{n:05d}"
                copy.write_row(
                    (
                        sid,
                        sid,
                        f"Apprentice {n}",
                        f"Assessor {n % 40}",
                        start + timedelta(hours=n),
                        1,
                        "assessment",
                        "closed",
                        "pass",
                        "0" * 64,
                        key,
                        f"records/{sid}/manifest.json",
                        "0" * 64,
                        1000,
                    )
                )
        wanted = SessionFilter(assessor="assessor 7")
        list_ms: list[float] = []
        sample_ms: list[float] = []
        for _ in range(RUNS + 2):
            began = time.perf_counter()
            entries = wanted.apply(index.sessions())
            list_ms.append((time.perf_counter() - began) * 1000)
            assert len(entries) == SESSIONS // 40
            began = time.perf_counter()
            sample = index.sample(Fraction(10), 2026, per_assessor=True)
            sample_ms.append((time.perf_counter() - began) * 1000)
            assert sample.eligible == SESSIONS
        local = draw_sample(index.sessions(), Fraction(10), 2026, per_assessor=True)
        assert sample == local, "the hub's sample differs from draw_sample's"
    results["hub.list_10000_ms"] = round(statistics.median(list_ms), 1)
    results["hub.sample_10000_ms"] = round(statistics.median(sample_ms), 1)


def bench_hub(results: dict[str, float], where: Path | None = None) -> None:
    """Start the servers, make the 60-minute record, measure (see the module docstring)."""
    from scripts.bench_review import make_record

    saved = dict(os.environ)
    work = Path(tempfile.mkdtemp(prefix="discussion-bench-hub-", dir=where))
    servers = HubServers.start()
    try:
        with data_home(work / "home"):
            folder = make_record(work / "sessions")
            _push_vs_boto3(servers, folder, results)
            _resume(servers, folder, results)
            _index_10000(servers, results)
    finally:
        servers.stop()
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    out: dict[str, float] = {}
    bench_hub(out)
    print(out)
