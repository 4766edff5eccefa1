"""SIGKILL `discussion record` at seeded random moments: recover, verify, nothing acked lost.

Each run types notes at random intervals and kills the process at a random moment (sometimes
right after sending a note, before its `saved` line). Then `discussion recover` and `discussion
verify` must pass, every note acknowledged with `saved` must be in the log with its text, and
the audio must reach to within 2 s of the kill.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
import soundfile
from record_cli_helpers import RecordProcess, discussion, parse_saved

from discussion.record.session import read_log

RUNS = 6
SEED = 20261123


def _run_and_kill(home: Path, rng: random.Random) -> tuple[Path, dict[int, str], float]:
    """Record, type notes, SIGKILL; returns (folder, acked seq -> text, seconds recorded)."""
    with RecordProcess(home, "--reaction-lag", "0") as rec:
        folder = rec.start()
        started = time.monotonic()
        acked: dict[int, str] = {}
        kill_at = started + rng.uniform(0.3, 4.0)
        number = 0
        while time.monotonic() < kill_at:
            text = f"{rng.choice(['3A', '6B', '7A'])}: note {number} evidence {rng.random():.6f}"
            rec.send(text)
            number += 1
            if rng.random() < 0.2 and time.monotonic() + 0.05 > kill_at:
                break  # kill before this note's `saved` line
            seq, _, _ = parse_saved(rec.expect("saved "))
            acked[seq] = text
            time.sleep(rng.uniform(0.0, 0.3))
        killed_after = time.monotonic() - started
        rec.kill()
    return folder, acked, killed_after


@pytest.mark.parametrize("run", range(RUNS))
def test_sigkill_then_recover_and_verify(pulse: Path, tmp_path: Path, run: int) -> None:
    rng = random.Random(SEED + run)
    folder, acked, killed_after = _run_and_kill(tmp_path / "home", rng)

    recovered = discussion("recover", str(folder))
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    verified = discussion("verify", str(folder))
    assert verified.returncode == 0, verified.stdout

    events = read_log(folder).events
    assert events[-1].type == "recovered"
    by_seq = {e.seq: e for e in events}
    for seq, line in acked.items():
        event = by_seq[seq]
        assert event.type == "note"
        assert f"{','.join(event.data['criteria'])}: {event.data['text']}" == line

    info = soundfile.info(str(folder / "audio" / "segment-001.wav"))
    print(f"\nrun {run}: killed after {killed_after:.2f} s, audio {info.duration:.2f} s")
    assert info.duration >= killed_after - 2.0
    data, _ = soundfile.read(str(folder / "audio" / "segment-001.wav"), dtype="int16")
    assert len(data) == info.frames


def test_resume_after_kill_continues_the_timeline_and_closes(pulse: Path, tmp_path: Path) -> None:
    folder, acked, _ = _run_and_kill(tmp_path / "home", random.Random(SEED))
    assert discussion("recover", str(folder)).returncode == 0
    first_seconds = soundfile.info(str(folder / "audio" / "segment-001.wav")).duration
    with RecordProcess(tmp_path / "home", "--resume", str(folder), "--reaction-lag", "0") as rec:
        assert rec.start() == folder
        seq, offset, tags = rec.note("7A: after the resume")
        rest = rec.finish()
    assert rec.process.returncode == 0, rec.describe()
    assert rest[0] == f"closed {folder}"
    assert seq > max(acked, default=0) and tags == "7A"
    assert offset >= first_seconds - 0.05  # the new segment continues the timeline
    assert (folder / "audio" / "segment-002.wav").exists()
    assert discussion("verify", str(folder)).returncode == 0
