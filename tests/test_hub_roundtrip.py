"""The hub against a real SeaweedFS and PostgreSQL (tests/hub_fixtures.py): hand-in, list,
sample, pull and verify; tampering on the store caught; an unsealed record refused; an
unreachable hub queues the hand-in and a later push delivers it; the writer cannot delete."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from cli_inprocess import run_in_process

from scripts.hub_servers import HubServers

SAMPLE = Path(__file__).resolve().parent.parent / "transcripts" / "sample-discussion"
SID = "sample-discussion"


def hub(*args: str | Path) -> tuple[int, str, str]:
    result = run_in_process(["hub", *map(str, args)], env=dict(os.environ))
    return result.returncode, result.stdout, result.stderr


@pytest.fixture
def handed_in(hub_env: dict[str, str], tmp_path: Path) -> Path:
    """The sample record copied, the hub initialised and the record handed in."""
    folder = Path(shutil.copytree(SAMPLE, tmp_path / "sessions" / SID))
    assert hub("init")[0] == 0
    code, out, err = hub("push", folder)
    assert code == 0, err
    assert f"Handed in {SID}" in out
    return folder


def test_push_list_sample_pull_verify(handed_in: Path, tmp_path: Path) -> None:
    code, out, _ = hub("push", handed_in)
    assert (code, out.strip()) == (0, f"{SID} is already on the hub, unchanged: nothing to do.")
    code, out, _ = hub("list", "--json")
    rows = json.loads(out)
    assert code == 0 and [row["session_id"] for row in rows] == [SID]
    env = {**os.environ, "DISCUSSION_HOME": str(tmp_path)}
    local = json.loads(run_in_process(["sessions", "--json"], env=env).stdout)
    same = ("apprentice", "assessor", "date", "attempt", "kind", "state", "grade", "verified")
    assert {k: rows[0][k] for k in same} == {k: local[0][k] for k in same}
    code, out, _ = hub("list", "--assessor", "nobody")
    assert (code, out.strip()) == (0, "No sessions on the hub match.")
    code, out, _ = hub("sample", "--percent", "100", "--seed", "7", "--json")
    assert code == 0 and json.loads(out)["eligible"] == 0  # a practice record is never sampled
    code, out, err = hub("pull", SID, tmp_path / "pulled")
    assert code == 0, out + err
    assert "intact; 5 files" in out and "vouched for by the hub" in out
    verified = run_in_process(["verify", str(tmp_path / "pulled")])
    assert verified.returncode == 0 and "vouched for by the hub" in verified.stdout
    # The handed-in mark is outside the record, so the seal still holds locally.
    assert run_in_process(["verify", str(handed_in)]).returncode == 0
    code, out, _ = hub("status")
    assert code == 0 and "Store reachable." in out and "Handed in from this laptop: 1." in out


def test_a_new_version_on_the_store_is_caught(
    handed_in: Path, hub_servers: HubServers, hub_env: dict[str, str], tmp_path: Path
) -> None:
    client = hub_servers.s3.client()
    bucket = hub_env["DISCUSSION_HUB_BUCKET"]
    key = f"records/{SID}/audio/segment-001.wav"
    client.put_object(Bucket=bucket, Key=key, Body=b"RIFF not the recording")  # type: ignore[attr-defined]
    code, out, _ = hub("pull", SID, tmp_path / "pulled")
    assert code == 1
    assert f"{key} has 2 versions on the store" in out
    assert "audio/segment-001.wav differs from the manifest" in out


def test_a_replaced_manifest_is_caught(
    handed_in: Path, hub_servers: HubServers, hub_env: dict[str, str], tmp_path: Path
) -> None:
    client = hub_servers.s3.client()
    bucket = hub_env["DISCUSSION_HUB_BUCKET"]
    key = f"records/{SID}/manifest.json"
    manifest = json.loads(client.get_object(Bucket=bucket, Key=key)["Body"].read())  # type: ignore[attr-defined]
    manifest["signer"] = "Someone Else"
    client.put_object(Bucket=bucket, Key=key, Body=json.dumps(manifest).encode())  # type: ignore[attr-defined]
    code, out, _ = hub("pull", SID, tmp_path / "pulled")
    assert code == 1
    assert "manifest.json on the store is not the one handed in" in out


def test_an_unsealed_record_is_refused_with_the_fix(
    hub_env: dict[str, str], tmp_path: Path
) -> None:
    folder = Path(shutil.copytree(SAMPLE, tmp_path / SID))
    events = folder / "events.jsonl"
    lines = events.read_bytes().splitlines(keepends=True)
    events.write_bytes(b"".join(lines[:-1]))  # the closed line gone
    (folder / "transcript.json").unlink()
    assert hub("init")[0] == 0
    code, _, err = hub("push", folder)
    assert code == 2
    assert "is not sealed" in err and "close the session" in err
    assert len(err.strip().splitlines()) == 1


def test_unreachable_hub_queues_then_delivers(
    hub_env: dict[str, str],
    hub_servers: HubServers,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = Path(shutil.copytree(SAMPLE, tmp_path / SID))
    assert hub("init")[0] == 0
    real = hub_env["DISCUSSION_HUB_S3_ENDPOINT"]
    monkeypatch.setenv("DISCUSSION_HUB_S3_ENDPOINT", "http://127.0.0.1:9")  # nothing listens
    code, out, _ = hub("push", folder)
    assert code == 1 and f"Queued {SID}" in out and "DISCUSSION_HUB_S3_ENDPOINT" in out
    code, out, _ = hub("status", "--json")
    status = json.loads(out)
    assert status["store_reachable"] is False
    assert [item["session_id"] for item in status["queued"]] == [SID]
    assert status["queued"][0]["attempts"] == 1
    # Not due yet (back-off): a plain retry leaves it queued; --all tries again, still away.
    code, out, _ = hub("push", "--all")
    assert code == 1 and f"Still queued {SID}" in out
    assert json.loads(hub("status", "--json")[1])["queued"][0]["attempts"] == 2
    monkeypatch.setenv("DISCUSSION_HUB_S3_ENDPOINT", real)
    code, out, _ = hub("push", "--all")
    assert (code, out.strip()) == (0, f"Handed in {SID}.")
    status = json.loads(hub("status", "--json")[1])
    assert status["queued"] == [] and status["handed_in"] == 1
    assert json.loads(hub("list", "--json")[1])[0]["session_id"] == SID


def test_the_writer_may_write_but_the_store_refuses_the_delete(
    hub_env: dict[str, str],
    hub_servers: HubServers,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert hub("init")[0] == 0  # as the organisation (Admin identity)
    writer = hub_servers.environment(hub_env["DISCUSSION_HUB_BUCKET"], writer=True)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", writer["AWS_ACCESS_KEY_ID"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", writer["AWS_SECRET_ACCESS_KEY"])
    folder = Path(shutil.copytree(SAMPLE, tmp_path / SID))
    assert hub("push", folder)[0] == 0
    client = hub_servers.s3.client(writer=True)
    bucket = hub_env["DISCUSSION_HUB_BUCKET"]
    key = f"records/{SID}/events.jsonl"
    version = client.head_object(Bucket=bucket, Key=key)["VersionId"]  # type: ignore[attr-defined]
    with pytest.raises(ClientError) as refused:
        client.delete_object(Bucket=bucket, Key=key, VersionId=version)  # type: ignore[attr-defined]
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError):
        client.create_bucket(Bucket="hub-not-allowed")  # type: ignore[attr-defined]
    assert client.head_object(Bucket=bucket, Key=key)["VersionId"] == version  # type: ignore[attr-defined]


def test_verifier_judges_a_pulled_record_and_hands_the_judgement_in(
    handed_in: Path, tmp_path: Path
) -> None:
    pulled = tmp_path / "pulled"
    assert hub("pull", SID, pulled)[0] == 0
    judged = run_in_process(
        ["judge", str(pulled), "--verifier", "Kim Verifier", "--outcome", "confirmed"]
    )
    assert judged.returncode == 0, judged.stdout + judged.stderr
    code, out, err = hub("push-judgement", pulled)
    assert code == 0, err
    assert f"Judgement of {SID} by Kim Verifier" in out and "handed in" in out
    code, out, _ = hub("push-judgement", pulled)
    assert code == 0 and "already on the hub, unchanged" in out
    assert json.loads(hub("list", "--json")[1])[0]["verified"] is True
    code, out, _ = hub("pull", SID, tmp_path / "again")
    assert code == 0, out
    assert (tmp_path / "again" / "verification.jsonl").read_bytes() == (
        pulled / "verification.jsonl"
    ).read_bytes()


def test_an_unconfigured_hub_names_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCUSSION_HUB_BUCKET", raising=False)
    monkeypatch.delenv("DISCUSSION_HUB_DSN", raising=False)
    code, _, err = hub("list")
    assert code == 2
    assert "set DISCUSSION_HUB_BUCKET and DISCUSSION_HUB_DSN" in err
