"""The session list benchmark, added to `make bench` by scripts/bench.py.

- sessions.list_10000_s: `discussion sessions --json` over 10,000 small session folders
  (median of a few runs, warm page cache and listing cache, Python start-up included; goal
  <= 2). The listing cache (`discussion.record.listing_cache`) serves the sealed folders; the
  interrupted ones (one in ten) are read every time.
- sessions.list_10000_uncached_s, sessions.list_10000_uncached_cpu_s: the first listing after
  the folders are made (no listing cache yet: every folder read; one run, so noisier).
- sessions.reference_s: `find` reading the same files in the same run (every session.json,
  events.jsonl and verification.jsonl, whole, with `cat`).
- sessions.ratio_vs_find_cat: the first over the second (the machine's speed cancels out).
- sessions.list_10000_cpu_s: the listing's CPU seconds (user + system, worker processes
  included): what it costs whatever else the machine is doing.

The folders are a few real sessions made with the record API (as the app makes them: notes,
decisions, closed; some left interrupted, some practice, some verified with `discussion
judge`), each copied under
new folder names: the listing reads a copy exactly as it reads the original.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scripts.bench_support import timed_run

REPO = Path(__file__).resolve().parent.parent
QUICK = os.environ.get("BENCH_QUICK") == "1"
FOLDERS = 300 if QUICK else 10_000  # quick: a smoke run, the figure means little
RUNS = 1 if QUICK else 5
ASSESSORS = ("Sam Assessor", "Pat Checker", "Robin Marker", "Jo Evaluator", "Lee Grader")
TEMPLATES = 5 if QUICK else 20
# What the listing reads (an interrupted session keeps its recorder.lock until sealed).
COPIED = ("session.json", "events.jsonl", "verification.jsonl", "recorder.lock")
PASS = ("1A", "3A", "3B", "4A", "5A", "6A", "7A")
DISTINCTION = ("2A", "2B", "3C", "6B")


def make_templates(root: Path) -> list[Path]:
    """`TEMPLATES` real sessions (record API): a few notes and decisions, most closed."""
    sys.path.insert(0, str(REPO / "tests"))
    from session_factory import make_session_info

    from discussion.record import SessionRecord

    base = datetime(2026, 3, 2, 9, tzinfo=UTC)
    # The verifier's key goes in the data home, beside (never in) the sessions folder.
    env = {**os.environ, "DISCUSSION_HOME": str(root.parent.parent)}
    folders = []
    for number in range(TEMPLATES):
        created = base + timedelta(days=number)
        practice = number % 10 == 9
        info = make_session_info(
            session_id=f"{created:%Y-%m-%dT%H%M}-t{number:05d}",
            created_at=created,
            epa_window_start=created.date(),
            assessor=ASSESSORS[number % len(ASSESSORS)],
            attempt=1 + number % 2,
            **({"kind": "practice"} if practice else {}),
        )
        record = SessionRecord.create(info, root)
        for minute in range(5):
            record.add_note(f"3A: a note in minute {minute}", ["3A"], 60.0 * minute)
        met = PASS + DISTINCTION[: number % 5] if number % 3 else PASS[1:]
        for criterion in met:
            record.decide(criterion, True, "Explained how they met the customer's needs.", [])
        if number % 7 == 6:
            record.release()  # interrupted
        else:
            record.close("done")
        if number % 4 == 0 and number % 7 != 6:  # a verifier's round, signed at the outcome
            judge = [sys.executable, "-m", "discussion", "judge", str(record.folder)]
            judge += ["--verifier", "Val Verifier", "--outcome", "confirmed"]
            subprocess.run(judge, check=True, capture_output=True, env=env)
        folders.append(record.folder)
    return folders


def make_session_folders(root: Path, count: int = FOLDERS) -> None:
    """`count` session folders under `root` (its `sessions` layout), copies of the templates."""
    templates = make_templates(root / ".templates")
    contents = [
        {name: (folder / name).read_bytes() for name in COPIED if (folder / name).exists()}
        for folder in templates
    ]
    for number in range(count):
        folder = root / f"2026-04-01T{number // 60 % 24:02d}{number % 60:02d}-{number:06x}"
        folder.mkdir(mode=0o700)
        for name, data in contents[number % len(contents)].items():
            (folder / name).write_bytes(data)
    shutil.rmtree(root / ".templates")


def bench_sessions(
    results: dict[str, float], count: int = FOLDERS, where: Path | None = None
) -> None:
    """Time `discussion sessions --json` against find+cat over `count` folders."""
    work = Path(tempfile.mkdtemp(prefix="discussion-bench-sessions-", dir=where))
    try:
        sessions = work / "sessions"
        sessions.mkdir()
        make_session_folders(sessions, count)
        env = {**os.environ, "DISCUSSION_HOME": str(work)}
        listing = [str(Path(sys.executable).parent / "discussion"), "sessions", "--json"]
        names = [arg for name in COPIED for arg in ("-name", name, "-o")][:-1]
        reference = ["find", str(sessions), "-type", "f", "(", *names, ")"]
        reference += ["-exec", "cat", "{}", "+"]
        # The first listing warms the page cache and the byte-code, and fills the listing cache.
        uncached_s, uncached_cpu_s = timed_run(listing, env)
        list_s: list[float] = []
        find_s: list[float] = []
        cpu_s: list[float] = []
        for _ in range(RUNS):  # alternated so a load spike hits both
            wall, cpu = timed_run(listing, env)
            list_s.append(wall)
            cpu_s.append(cpu)
            find_s.append(timed_run(reference, env)[0])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["sessions.list_10000_s"] = round(statistics.median(list_s), 3)
    results["sessions.reference_s"] = round(statistics.median(find_s), 3)
    results["sessions.ratio_vs_find_cat"] = round(
        statistics.median(list_s) / max(statistics.median(find_s), 1e-3), 2
    )
    results["sessions.list_10000_cpu_s"] = round(statistics.median(cpu_s), 3)
    results["sessions.list_10000_uncached_s"] = round(uncached_s, 3)
    results["sessions.list_10000_uncached_cpu_s"] = round(uncached_cpu_s, 3)
    results["sessions.folders"] = float(count)
