"""`discussion record` when things break: the sound server dies, the disk fills up.

Notes must keep being saved in both cases, the log must show the incident (gap, alarm events),
and the sealed session must verify.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import audio_helpers as ah
from record_cli_helpers import RecordProcess, discussion, wait_for

from discussion.record.session import read_log


def _stderr_has(rec: RecordProcess, text: str, timeout: float) -> bool:
    return wait_for(lambda: any(text in line for line in rec.stderr_lines), timeout)


def _restart_pulse(timeout: float = 15.0) -> None:
    """`start_pulse`, retried: a just-killed daemon can linger as a zombie for a moment and a
    new one refuses to start while its pid file names a pid that still exists."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            ah.start_pulse()
            return
        except subprocess.CalledProcessError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def test_sound_server_killed_and_restarted(pulse: Path, tmp_path: Path) -> None:
    with RecordProcess(tmp_path / "home", "--reaction-lag", "0") as rec:
        folder = rec.start()
        rec.note("1A: before the loss")
        ah.kill_pulse()
        assert _stderr_has(rec, "alarm device_lost:", 10), rec.describe()
        during = [rec.note(f"3B: while the audio is lost {n}") for n in range(3)]
        assert [tags for _, _, tags in during] == ["3B"] * 3
        _restart_pulse()
        assert _stderr_has(rec, "audio back:", 20), rec.describe()
        assert _stderr_has(rec, "alarm cleared: device_lost", 5), rec.describe()
        after = rec.note("7A: after the restart")
        rest = rec.finish()
    assert rec.process.returncode == 0, rec.describe()
    assert rest[0] == f"closed {folder}" and rest[1].startswith("verify: intact")
    # Offsets keep rising through the gap: the timeline kept running.
    offsets = [offset for _, offset, _ in during] + [after[1]]
    assert offsets == sorted(offsets)

    events = read_log(folder).events
    types = [e.type for e in events]
    assert "audio_gap" in types
    alarms = [e.data["kind"] for e in events if e.type == "alarm"]
    cleared = [e.data["kind"] for e in events if e.type == "alarm_cleared"]
    assert "device_lost" in alarms and "device_lost" in cleared
    gap = next(e for e in events if e.type == "audio_gap")
    assert gap.data["duration_s"] > 0.5
    assert discussion("verify", str(folder)).returncode == 0


def test_disk_full_keeps_saving_notes(pulse: Path, tiny_disk: Path) -> None:
    with RecordProcess(tiny_disk, "--reaction-lag", "0") as rec:
        folder = rec.start()
        rec.note("5A: before the disk fills")
        # 200 KiB hold about 6 s of audio.
        assert _stderr_has(rec, "alarm write_error:", 30), rec.describe()
        saved = [rec.note(f"6A: with the disk full {n}") for n in range(5)]
        assert [tags for _, _, tags in saved] == ["6A"] * 5
        rest = rec.finish()
    assert rec.process.returncode == 0, rec.describe()
    assert rest[0] == f"closed {folder}" and rest[1].startswith("verify: intact")
    assert not any("NOT saved" in line for line in rec.stderr_lines)
    events = read_log(folder).events
    assert any(e.type == "alarm" and e.data["kind"] == "write_error" for e in events)
    texts = [e.data["text"] for e in events if e.type == "note"]
    assert texts == ["before the disk fills"] + [f"with the disk full {n}" for n in range(5)]
    assert discussion("verify", str(folder)).returncode == 0
