"""The verify benchmark, added to `make bench` by scripts/bench.py.

The record is the review benchmark's (scripts/bench_review.py `make_record`): sealed and
signed, 60 minutes of 16 kHz audio (115 MB) and 1,000 notes.

- verify.60min_s: `discussion verify FOLDER` on it, Python start-up included (median of a
  few runs, warm page cache; it must say intact, exit 0).
- verify.sha256sum_s: `sha256sum` of every file in the same folder in the same run, the least
  any check of the seal must do (the runs alternate, so a load spike hits both).
- verify.ratio_vs_sha256sum: the first over the second (goal <= 1.5; the machine's speed
  cancels out).
- verify.60min_cpu_s: verify's CPU seconds (user + system), which the machine's other load
  changes far less than the wall time.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from scripts.bench_support import data_home, timed_run

QUICK = os.environ.get("BENCH_QUICK") == "1"
RUNS = 2 if QUICK else 5


def bench_verify(results: dict[str, float], where: Path | None = None) -> None:
    """Make the 60-minute record, then time `discussion verify` against `sha256sum`."""
    from scripts.bench_review import MINUTES, make_record

    work = Path(tempfile.mkdtemp(prefix="discussion-bench-verify-", dir=where))
    try:
        with data_home(work / "home"):  # the signing key goes here
            folder = make_record(work / "sessions")
            env = dict(os.environ)
            files = sorted(str(path) for path in folder.rglob("*") if path.is_file())
            verify = [str(Path(sys.executable).parent / "discussion"), "verify", str(folder)]
            reference = ["sha256sum", *files]
            timed_run(verify, env)  # warm the page cache and the byte-code
            timed_run(reference, env)
            verify_s: list[float] = []
            verify_cpu: list[float] = []
            sha_s: list[float] = []
            for _ in range(RUNS):
                wall, cpu = timed_run(verify, env)
                verify_s.append(wall)
                verify_cpu.append(cpu)
                sha_s.append(timed_run(reference, env)[0])
            size = sum(Path(name).stat().st_size for name in files)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    wall = statistics.median(verify_s)
    results["verify.60min_s"] = round(wall, 3)
    results["verify.sha256sum_s"] = round(statistics.median(sha_s), 3)
    results["verify.ratio_vs_sha256sum"] = round(wall / max(statistics.median(sha_s), 1e-3), 2)
    results["verify.60min_cpu_s"] = round(statistics.median(verify_cpu), 3)
    results["verify.record_minutes"] = float(MINUTES)
    results["verify.record_mb"] = round(size / 1e6, 1)


if __name__ == "__main__":
    figures: dict[str, float] = {}
    bench_verify(figures)
    for key, value in sorted(figures.items()):
        print(f"{key:38} {value:10.3f}")
