"""A damaged file in the hand-in queue (DATA/hub/queue) is never skipped without a word: the
queue names it with what is wrong, `hub status` (and its JSON) names the file and the fix, a
retry pass goes on with the other items and reports it, and handing the record in again
removes it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cli_inprocess import run_in_process

from discussion.hub import queue
from discussion.hub.config import HubConfig
from discussion.hub.status import hub_status
from discussion.paths import data_home

NOWHERE = HubConfig("http://127.0.0.1:9", "bucket", None, "postgresql://127.0.0.1:9/x", 0, "")


def queue_dir() -> Path:
    folder = data_home() / "hub" / "queue"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def damage(tmp_path: Path) -> dict[str, str]:
    """A good item and four damaged files; the reason each must be given."""
    queue.QueueItem("record", "good", str(tmp_path / "gone"), 1.0).save()
    good = json.loads((queue_dir() / "record-good.json").read_text())
    files = {
        "record-torn.json": ('{"kind": "record", "session_id": "to', "not JSON"),
        "record-short.json": (json.dumps({"kind": "record"}), "missing folder, queued_at"),
        "thing-odd.json": (json.dumps({**good, "kind": "thing", "session_id": "odd"}), "kind"),
        "record-other.json": (json.dumps(good), "not what its name says"),
    }
    for name, (text, _why) in files.items():
        (queue_dir() / name).write_text(text)
    return {name: why for name, (_text, why) in files.items()}


def test_a_damaged_queue_file_is_named_with_its_fix(tmp_path: Path) -> None:
    expected = damage(tmp_path)
    assert [item.session_id for item in queue.items()] == ["good"]
    found = {bad.path.name: bad for bad in queue.damaged()}
    assert sorted(found) == sorted(expected)
    for name, why in expected.items():
        assert why in found[name].reason, (name, found[name].reason)
        assert str(queue_dir() / name) in found[name].message
        assert "discussion hub push FOLDER" in found[name].message
    status = hub_status(reach=False)
    lines = "\n".join(status.lines())
    for name in expected:
        assert f"Queue file {queue_dir() / name} is damaged" in lines
    assert "Queued record good" in lines
    listed = status.as_json()["damaged_queue_files"]
    assert sorted(Path(d["path"]).name for d in listed) == sorted(expected)
    assert all("hand that record in again" in d["fix"] for d in listed)
    env = {**os.environ, "DISCUSSION_HUB_BUCKET": "", "DISCUSSION_HUB_DSN": ""}
    shown = run_in_process(["hub", "status"], env=env)
    assert shown.returncode == 0
    assert f"{queue_dir() / 'record-torn.json'} is damaged (not JSON" in shown.stdout


def test_a_retry_pass_reports_damaged_files_and_goes_on(tmp_path: Path) -> None:
    expected = damage(tmp_path)
    outcome = queue.retry(NOWHERE, everything=True)
    assert sorted(bad.path.name for bad in outcome.damaged) == sorted(expected)
    # The good item's folder is gone: refused with the reason, kept for a person, not lost.
    assert [(item.session_id, "gone" in why) for item, why in outcome.refused] == [("good", True)]
    assert (queue_dir() / "record-good.json").is_file()
    assert all((queue_dir() / name).is_file() for name in expected)  # nothing dropped unsaid


def test_handing_the_record_in_removes_its_damaged_queue_file(tmp_path: Path) -> None:
    damage(tmp_path)
    queue.mark_handed_in("torn", tmp_path, "0" * 64)
    assert "record-torn.json" not in {bad.path.name for bad in queue.damaged()}
    assert not (queue_dir() / "record-torn.json").exists()
    assert (queue_dir() / "record-short.json").is_file()  # another record's: still named
    assert queue.status_of("torn")[0] == "handed in"
