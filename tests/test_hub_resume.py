"""A large hand-in killed with SIGKILL half-way resumes sending only the missing parts; the
index survives a PostgreSQL restart during a push (the push finishes, one whole row); a large
record altered after sealing, whose parts go up while it is verified, leaves nothing on the
hub (its upload dropped, no object, no row)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import psycopg
import pytest
import soundfile
from cli_inprocess import run_in_process
from session_factory import make_session_info

from discussion.hub.config import load_config
from discussion.hub.errors import HubError
from discussion.hub.multipart import PART_SIZE
from discussion.hub.push import push_record
from scripts.hub_servers import HubServers

pytestmark = pytest.mark.slow  # each pushes tens of megabytes to a real store
RATE = 16000
SECONDS = 1800  # 57.6 MB of audio: seven 8 MiB parts


def long_record(root: Path, seconds: int = SECONDS) -> Path:
    """A sealed, signed record with `seconds` of (quiet noise) audio."""
    from discussion.record import RecordingStartedData, RecordingStoppedData, SessionRecord

    record = SessionRecord.create(make_session_info(), root)
    segment = "audio/segment-001.wav"
    (record.folder / "audio").mkdir(exist_ok=True)
    frames = seconds * RATE
    with soundfile.SoundFile(
        str(record.folder / segment), "w", RATE, 1, subtype="PCM_16", format="WAV"
    ) as wav:
        noise = np.random.default_rng(1).integers(-300, 300, 60 * RATE, dtype=np.int16)
        for _ in range(seconds // 60):
            wav.write(noise)
    record.append(RecordingStartedData(segment=segment, start_offset=0.0, device="test"), 0.0)
    record.append(RecordingStoppedData(segment=segment, frames=frames, reason="done"), seconds)
    record.close("done")
    return record.folder


def stored_parts(servers: HubServers, bucket: str) -> int:
    client = servers.s3.client()
    uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])  # type: ignore[attr-defined]
    if not uploads:
        return 0
    parts = client.list_parts(Bucket=bucket, Key=uploads[0]["Key"], UploadId=uploads[0]["UploadId"])  # type: ignore[attr-defined]
    return len(parts.get("Parts", []))


def test_kill_9_mid_push_then_resume_sends_only_what_is_missing(
    hub_env: dict[str, str], hub_servers: HubServers, tmp_path: Path
) -> None:
    folder = long_record(tmp_path / "sessions")
    assert run_in_process(["hub", "init"], env=dict(os.environ)).returncode == 0
    push = subprocess.Popen(
        [sys.executable, "-m", "discussion", "hub", "push", str(folder)],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bucket = hub_env["DISCUSSION_HUB_BUCKET"]
    deadline = time.monotonic() + 60
    while stored_parts(hub_servers, bucket) < 3 and time.monotonic() < deadline:
        assert push.poll() is None, "the push finished before it could be killed"
        time.sleep(0.01)
    push.send_signal(signal.SIGKILL)
    push.wait(10)
    before = stored_parts(hub_servers, bucket)
    assert 3 <= before < 7
    result = push_record(folder, load_config())
    audio = (folder / "audio" / "segment-001.wav").stat().st_size
    small = result.bytes_total - audio
    # Only the parts not stored were sent again (and the small files, never stored before).
    assert result.bytes_sent <= audio - before * PART_SIZE + small
    assert result.bytes_sent < result.bytes_total * 0.7
    assert result.new
    pulled = run_in_process(["hub", "pull", result.session_id, str(tmp_path / "pulled")])
    assert pulled.returncode == 0, pulled.stdout


def test_postgresql_restarted_mid_push_the_push_finishes_with_one_whole_row(
    hub_env: dict[str, str], hub_servers: HubServers, tmp_path: Path
) -> None:
    folder = long_record(tmp_path / "sessions")
    assert run_in_process(["hub", "init"], env=dict(os.environ)).returncode == 0
    config = load_config()
    outcome: list[object] = []

    def work() -> None:
        try:
            outcome.append(push_record(folder, config))
        except Exception as error:  # the assertion below names it
            outcome.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    bucket = hub_env["DISCUSSION_HUB_BUCKET"]
    deadline = time.monotonic() + 60
    while stored_parts(hub_servers, bucket) < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    hub_servers.pg.stop()  # the connection the push opened dies here
    time.sleep(0.5)
    hub_servers.pg.start()
    thread.join(90)
    assert not thread.is_alive()
    result = outcome[0]
    assert not isinstance(result, Exception), result
    dsn = hub_env["DISCUSSION_HUB_DSN"]
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT session_id, manifest_sha256, bytes FROM hub_sessions"
        ).fetchall()
    assert len(rows) == 1
    assert rows[0][2] == sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_a_large_record_altered_after_sealing_leaves_nothing_on_the_hub(
    hub_env: dict[str, str], hub_servers: HubServers, tmp_path: Path
) -> None:
    folder = long_record(tmp_path / "sessions", seconds=600)  # 19.2 MB: a multipart upload
    assert run_in_process(["hub", "init"], env=dict(os.environ)).returncode == 0
    audio = folder / "audio" / "segment-001.wav"
    with audio.open("r+b") as wav:  # one sample changed, the size kept
        wav.seek(audio.stat().st_size // 2)
        wav.write(b"\x7f\x7f")
    with pytest.raises(HubError) as refused:
        push_record(folder, load_config())
    assert "is not intact" in refused.value.message and "discussion verify" in refused.value.message
    client = hub_servers.s3.client()
    bucket = hub_env["DISCUSSION_HUB_BUCKET"]
    assert client.list_objects_v2(Bucket=bucket).get("KeyCount") == 0  # type: ignore[attr-defined]
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []  # type: ignore[attr-defined]
    with psycopg.connect(hub_env["DISCUSSION_HUB_DSN"]) as conn:
        assert conn.execute("SELECT count(*) FROM hub_sessions").fetchone() == (0,)
