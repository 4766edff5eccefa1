"""`python -m scripts.bench` in quick mode: it runs and writes every key as a number.

No timing is asserted here: the goals are checked by `make bench` itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KEYS = [
    "recorder.cpu_ratio_vs_sox",
    "recorder.lost_frames_under_load",
    "recorder.rss_growth_mb",
    "notes.fsync_p99_ms",
    "notes.timestamp_error_ms_max",
    "recovery.kill9_recovered",
    "recovery.notes_lost",
    "sessions.list_10000_s",
    "review.seek_play_p99_ms",
    "review.open_1000_notes_s",
    "review.seek_play_p50_ms",
    "review.seek_load_avg",
    "verify.60min_s",
    "verify.ratio_vs_sha256sum",
]


def test_quick_bench_writes_every_key(pulse: Path, tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "-m", "scripts.bench", "--output", str(output)],
        cwd=REPO,
        env={**os.environ, "BENCH_QUICK": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    results = json.loads(output.read_text())
    for key in KEYS:
        assert isinstance(results[key], int | float), key
        assert key in result.stdout  # the table lists it
    assert results["bench.quick"] == 1
