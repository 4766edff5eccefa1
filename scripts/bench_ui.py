"""UI benchmarks, added to `make bench` by scripts/bench.py.

- ui.first_frame_s: `discussion` started in a real terminal (tmux, 80×24) until its home
  screen is on the pane (median of several launches).
- ui.first_frame_minimal_s: the same for a minimal Textual app (Header, DataTable, Footer:
  scripts/bench_ui_minimal.py), launched alternately with `discussion` in the same run.
- ui.first_frame_ratio: the first over the second (goal <= 1.5): the machine's speed and load
  cancel out.
- ui.keypress_to_saved_note_ms_p50/_p99/_max: Enter in the note box until the screen shows
  the note as saved, which it does only once the record writer's sync completed (durable),
  while recording (Pilot, real recorder on the test PulseAudio, the data folder on the
  machine's own disk); max is the worst note of the run. This is the real-disk figure.
- ui.note_sync_ms_p50/_p99/_max: the same run's syncs themselves (fdatasync, and the
  fallocate that keeps the log's next blocks reserved), each timed on the writer thread.
- ui.keypress_to_saved_less_disk_note_ms_p50/_p99/_max (goal p99 <= 50): each note's latency
  less the time during it that the writer spent inside a sync (its own batch's, or the one it
  queued behind). What is left is our code: key handling, the queue, the write, the callback,
  the UI thread's message queue and handler, and the CPU the machine gave them.
- ui.keypress_to_shown_note_ms_p50/_p99/_max (goal p99 <= 50): Enter until the note is on
  screen ("saving…"): what the assessor sees at once, whatever the disk does.
- ui.keypress_to_painted_saved_note_ms_p50/_p99/_max: Enter until the first compositor update
  after the note was shown as saved (Textual paints at most 60 times a second, so this adds
  up to a frame and the render to the saved figure); headless, so without the terminal write.
- ui.worst_note.<stage>_ms: the worst note's latency split into consecutive stages that add up
  to it (scripts/bench_note_stages.py: key, queue, write, sync, post, deliver, handler), with
  its disk and collector time. Every note over 50 ms is also explained on stderr
  (scripts/bench_stalls.py: the UI thread's stack sampled every 5 ms, the writer's, the
  collections), and the five slowest notes' stages are printed.

Why the goal judges the figure less the disk (decided for issue 14): a note is "saved" only
once its fdatasync returned, and on a disk shared with other processes one sync sometimes
takes 130 to 740 ms whatever we do (scripts/bench_sync.py measures the same with no UI at all).
Counting that against the UI would make the goal a verdict on the neighbours. The reference is
taken from the same run and the same notes, so load and disk are the ones the note met; the
real-disk figure is always printed beside it, with the syncs' own p99, so a slow disk stays
visible. Machine load (other processes on the same cores) is not subtracted: run the bench
three times and read the figures with `uptime`.
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
from typing import Any

from scripts.bench_note_stages import STAGES, NoteStages
from scripts.bench_stalls import StallWatch

REPO = Path(__file__).resolve().parent.parent
QUICK = os.environ.get("BENCH_QUICK") == "1"
LAUNCHES = 1 if QUICK else 5
NOTES = int(os.environ.get("BENCH_UI_NOTES", "10" if QUICK else "200"))
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
    home: Path, count: int, stages: NoteStages, watch: StallWatch | None = None
) -> None:
    """Per note, while recording: Enter pressed until the note is shown as saved (its sync
    done), each stage stamped into `stages`; `watch` samples the UI thread meanwhile."""
    sys.path.insert(0, str(REPO / "tests"))
    from ui_helpers import catalog
    from ui_live_helpers import HostApp, session_info

    from discussion.live import LiveSession
    from discussion.record import log as log_module
    from discussion.record.writer import Done, WriteOutcome
    from discussion.settings import Settings
    from discussion.ui.screens.discussion import DiscussionScreen
    from discussion.ui.screens.discussion_writes import NoteSaved

    live = LiveSession.create(session_info(), home)
    live.start_recording()
    if not live.wait_until_recording(10):
        raise RuntimeError("the recorder did not start: is the test PulseAudio running?")
    shown_at: dict[int, float] = {}
    saved_now = asyncio.Event()  # a note was shown as saved

    # The writer's side: each commit and each sync (the event log's, on any thread).
    real_commit, real_sync = live._commit, log_module.sync_data

    def timed_commit(items: list[tuple[Any, float | None]]) -> Any:
        stages.commit_began([data for data, _offset in items])
        try:
            return real_commit(items)
        finally:
            stages.commit_ended()

    def timed_sync(fd: int) -> None:
        began = time.perf_counter()
        try:
            real_sync(fd)
        finally:
            stages.synced(began, time.perf_counter())

    real_submit = live.submit_note

    def timed_submit(text: str, criteria: list[str], first: float, done: Done) -> int:
        at = time.perf_counter()  # before: the writer may begin before submit returns
        key = real_submit(text, criteria, first, done)
        stages.submitted(key, at)
        return key

    real_reserve = log_module.reserve_space

    def timed_reserve(fd: int, offset: int, length: int) -> bool:
        began = time.perf_counter()  # fallocate waits for the journal as a sync does
        try:
            return real_reserve(fd, offset, length)
        finally:
            stages.synced(began, time.perf_counter())

    setattr(live, "_commit", timed_commit)  # noqa: B010 (the writer takes it on mount)
    setattr(live, "submit_note", timed_submit)  # noqa: B010
    setattr(log_module, "sync_data", timed_sync)  # noqa: B010
    setattr(log_module, "reserve_space", timed_reserve)  # noqa: B010

    class TimedScreen(DiscussionScreen):
        """The discussion screen, stamping each stage of each note."""

        def _note_shown(self, key: int) -> None:
            shown_at[key] = time.perf_counter()
            if watch is not None:
                watch.mark("shown", shown_at[key])

        def _written(self, outcome: WriteOutcome) -> None:
            stages.told(outcome.key, outcome.data)
            super()._written(outcome)

        def on_note_saved(self, message: NoteSaved) -> None:
            # Textual calls this before DiscussionScreen's own handler (every class's, in MRO).
            stages.handler_began(message.outcome.key)

        def _note_saved(self, key: int) -> None:
            note = stages.saved(key)
            saved_now.set()
            if watch is not None and note is not None:  # durable and shown so: sampling stops
                watch.figure("sync", note.commit_sync_s)
                watch.finish(note.saved)

        def _compositor_refresh(self) -> None:
            super()._compositor_refresh()
            stages.painted()

    screen = TimedScreen(live, catalog(), Settings())
    app = HostApp(screen)
    live.listener = app.listener
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for index in range(count):
                await pilot.press(*f"3a: n{index}")
                before = set(shown_at)
                pressed = time.perf_counter()
                note = stages.pressed(f"note {index}", pressed)
                if watch is not None:
                    watch.begin(f"note {index}", pressed)
                await pilot.press("enter")
                try:  # woken by the screen's hook: no polling on the UI thread meanwhile
                    await asyncio.wait_for(saved_now.wait(), 30)
                except TimeoutError:
                    raise RuntimeError(f"note {index} not shown as saved within 30 s") from None
                saved_now.clear()
                (key,) = set(shown_at) - before
                note.shown = shown_at[key]
                if watch is not None:
                    last = watch.last
                    note.gc_s = sum(t for _, t in last.collections) if last is not None else 0.0
    finally:
        setattr(log_module, "sync_data", real_sync)  # noqa: B010
        setattr(log_module, "reserve_space", real_reserve)  # noqa: B010
    live.close("benchmark")


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
        stages = NoteStages()
        with StallWatch(threshold_s=0.05, others=("record-writer",)) as watch:
            asyncio.run(_note_latencies(home, NOTES, stages, watch))
        print("\n".join(watch.report()), file=sys.stderr)  # the worst notes and where they were
        note_figures(stages, results)


def note_figures(stages: NoteStages, results: dict[str, float]) -> None:
    """The note figures into `results`, the slowest notes' stages on stderr."""
    notes = stages.complete()
    if not notes:
        raise RuntimeError("no note was shown as saved")
    by_latency = sorted(notes, key=lambda n: -n.latency)
    print("slowest notes (ms):", file=sys.stderr)
    for note in by_latency[:5]:
        print("  " + note.describe(), file=sys.stderr)
    series = {
        "saved": [n.latency for n in notes],
        "saved_less_disk": [n.latency - n.disk_s for n in notes],
        "shown": [n.shown - n.pressed for n in notes],
        "painted_saved": [n.painted - n.pressed for n in notes if n.painted],
    }
    for name, values in series.items():
        prefix = f"ui.keypress_to_{name}_note_ms"
        results[f"{prefix}_p50"] = _ms(statistics.median(values))
        results[f"{prefix}_p99"] = _ms(_p99(values))
        results[f"{prefix}_max"] = _ms(max(values))
    syncs = [end - start for start, end in stages.syncs]
    results["ui.note_sync_ms_p50"] = _ms(statistics.median(syncs))
    results["ui.note_sync_ms_p99"] = _ms(_p99(syncs))
    results["ui.note_sync_ms_max"] = _ms(max(syncs))
    worst = by_latency[0]
    for stage, seconds in worst.stages().items():
        results[f"ui.worst_note.{stage}_ms"] = _ms(seconds)
    results["ui.worst_note.disk_ms"] = _ms(worst.disk_s)
    results["ui.worst_note.gc_ms"] = _ms(worst.gc_s)
    results["ui.worst_note.ui_cpu_ms"] = _ms(worst.ui_cpu_s)
    results["ui.worst_note.waited_for_core_ms"] = _ms(worst.ui_wait_s + worst.writer_wait_s)
    results["ui.note_ui_cpu_ms_p99"] = _ms(_p99([n.ui_cpu_s for n in notes]))
    ours = max(notes, key=lambda n: n.latency - n.disk_s)
    print("slowest less the disk: " + ours.describe(), file=sys.stderr)
    assert set(worst.stages()) == set(STAGES)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


if __name__ == "__main__":
    figures: dict[str, float] = {}
    bench_ui(figures)
    for key, value in figures.items():
        print(f"{key:40} {value}")
