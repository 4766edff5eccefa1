"""UI benchmarks, added to `make bench` by scripts/bench.py.

- ui.first_frame_s: `discussion` started in a real terminal (tmux, 80×24) until its home
  screen is on the pane (median of several launches).
- ui.first_frame_minimal_s: the same for a minimal Textual app (Header, DataTable, Footer:
  scripts/bench_ui_minimal.py), launched alternately with `discussion` in the same run.
- ui.first_frame_ratio: the first over the second (goal <= 1.5): the machine's speed and load
  cancel out.
- ui.keypress_to_saved_note_ms_p50/_p99/_max: Enter in the note box until the screen shows
  the note as saved, which it does only once the record writer's sync completed (durable),
  while recording (Pilot, real recorder on the test PulseAudio); max is the worst note of the
  run. Every note over 50 ms is explained on stderr (scripts/bench_stalls.py: the UI thread's
  stack sampled every 5 ms, collections, the sync); the worst one's sync (on the writer
  thread) is ui.keypress_to_saved_note_worst_fsync_ms.
- ui.keypress_to_shown_note_ms_p50/_p99/_max: Enter until the note is on screen ("saving…"):
  what the assessor sees at once, whatever the disk does.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.bench_stalls import StallWatch

REPO = Path(__file__).resolve().parent.parent
QUICK = os.environ.get("BENCH_QUICK") == "1"
LAUNCHES = 1 if QUICK else 5
NOTES = 10 if QUICK else 200
HOME_MARKER = "New discussion"


def _tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False)


def first_frame_seconds(home: Path, command: str | None = None) -> float:
    """Seconds from starting `command` (default `discussion`) in a fresh 80×24 tmux pane to
    the home screen (the marker) shown."""
    session = f"bench-{os.getpid()}"
    exe = command or str(Path(sys.executable).parent / "discussion")
    env = f"DISCUSSION_HOME={home}"
    _tmux("kill-session", "-t", session)
    _tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24")
    try:
        started = time.perf_counter()
        _tmux("send-keys", "-t", session, f"{env} {exe}", "Enter")
        deadline = started + 30
        while time.perf_counter() < deadline:
            pane = _tmux("capture-pane", "-p", "-t", session).stdout
            if HOME_MARKER in pane:
                return time.perf_counter() - started
            time.sleep(0.005)
        raise RuntimeError(f"the home screen did not appear in 30 s:\n{pane}")
    finally:
        _tmux("send-keys", "-t", session, "C-q", "")
        time.sleep(0.3)
        _tmux("kill-session", "-t", session)


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def _note_latencies(
    home: Path, count: int, watch: StallWatch | None = None
) -> tuple[list[float], list[float]]:
    """Per note, while recording: Enter pressed until the note is shown as saved (its sync
    done), and until it is on screen at all; `watch` samples the UI thread meanwhile."""
    sys.path.insert(0, str(REPO / "tests"))
    from ui_helpers import catalog
    from ui_live_helpers import HostApp, session_info

    from discussion.live import LiveSession
    from discussion.settings import Settings
    from discussion.ui.screens.discussion import DiscussionScreen

    live = LiveSession.create(session_info(), home)
    live.start_recording()
    if not live.wait_until_recording(10):
        raise RuntimeError("the recorder did not start: is the test PulseAudio running?")
    shown_at: dict[int, float] = {}
    saved_at: dict[int, float] = {}

    class TimedScreen(DiscussionScreen):
        """The discussion screen, noting when each note is shown and shown as saved."""

        def _note_shown(self, key: int) -> None:
            shown_at[key] = time.perf_counter()
            if watch is not None:
                watch.mark("shown", shown_at[key])

        def _note_saved(self, key: int) -> None:
            saved_at[key] = time.perf_counter()
            if watch is not None:  # the note is durable and shown so: sampling stops here
                watch.figure("fsync", live.record.log.fsync_stats.last)
                watch.finish(saved_at[key])

    screen = TimedScreen(live, catalog(), Settings())
    app = HostApp(screen)
    live.listener = app.listener
    saved: list[float] = []
    shown: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for index in range(count):
            await pilot.press(*f"3a: n{index}")
            before = set(shown_at)
            pressed = time.perf_counter()
            if watch is not None:
                watch.begin(f"note {index}", pressed)
            await pilot.press("enter")
            deadline = pressed + 30
            while not (keys := set(shown_at) - before) or not keys <= set(saved_at):
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"note {index} not shown as saved within 30 s")
                await asyncio.sleep(0.0005)
            (key,) = keys
            shown.append(shown_at[key] - pressed)
            saved.append(saved_at[key] - pressed)
    live.close("benchmark")
    return saved, shown


def bench_ui(results: dict[str, float]) -> None:
    """Measure both UI figures into `results`."""
    if shutil.which("tmux") is None:
        raise RuntimeError("tmux is needed for ui.first_frame_s: apt-get install tmux")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        minimal_app = f"{sys.executable} {REPO / 'scripts' / 'bench_ui_minimal.py'}"
        first_frame_seconds(home)  # warm the file cache for both, so order does not matter
        first_frame_seconds(home, minimal_app)
        times: list[float] = []
        minimal: list[float] = []
        for _ in range(LAUNCHES):  # alternately, so both see the same load
            times.append(first_frame_seconds(home))
            minimal.append(first_frame_seconds(home, minimal_app))
        results["ui.first_frame_s"] = round(statistics.median(times), 3)
        results["ui.first_frame_s_max"] = round(max(times), 3)
        results["ui.first_frame_minimal_s"] = round(statistics.median(minimal), 3)
        results["ui.first_frame_ratio"] = round(
            statistics.median(times) / statistics.median(minimal), 2
        )
        # Samples the UI thread (and the record writer, which syncs) per slow note.
        with StallWatch(threshold_s=0.05, others=("record-writer",)) as watch:
            latencies, shown = asyncio.run(_note_latencies(home, NOTES, watch))
        print("\n".join(watch.report()), file=sys.stderr)  # the worst notes and where they were
        worst = max(watch.kept, key=lambda o: o.seconds, default=None)
        if worst is not None:
            results["ui.keypress_to_saved_note_worst_fsync_ms"] = round(
                worst.figures.get("fsync", 0.0) * 1000, 2
            )
        for name, values in (("saved", latencies), ("shown", shown)):
            prefix = f"ui.keypress_to_{name}_note_ms"
            results[f"{prefix}_p50"] = round(statistics.median(values) * 1000, 2)
            results[f"{prefix}_p99"] = round(_p99(values) * 1000, 2)
            results[f"{prefix}_max"] = round(max(values) * 1000, 2)


if __name__ == "__main__":
    figures: dict[str, float] = {}
    bench_ui(figures)
    for key, value in figures.items():
        print(f"{key:40} {value}")
