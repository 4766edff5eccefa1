"""The review benchmarks, added to `make bench` by scripts/bench.py (runs under test-audio.sh).

One sealed 60-minute record made with the record API: a real 16 kHz WAV segment (silent but
for a tone from 44:50 to 45:10), 1,000 notes over the hour (one at exactly 45:00), a decision
per criterion; opened in the real review app (headless Textual) playing to the test sink.

- review.open_1000_notes_s: from opening the review in the running app to its list of moments
  shown (the record read and verified, its 115 MB of audio hashed; median of a few opens, the
  app's own start-up not counted: see ui.first_frame_ratio; goal <= 1).
- review.seek_play_p99_ms: Enter on the note at 45:00 (played from its 5 s pre-roll, inside
  the tone) until the tone reaches the sink's monitor, seen by a second capture in 4 ms blocks:
  the output's latency and the capture's are both inside the figure (goal <= 150). Between
  tries the player is moved to a silent minute and allowed to settle.
- review.seek_first_frame_p99_ms: the same Enter until the output callback has handed the
  first frame of the new position to PortAudio (the part this code controls; stamped by the
  player itself, `Player.last_seek`).
- review.output_latency_ms: PortAudio's reported output latency of the stream.
- review.seek_play_p50_ms, review.seek_first_frame_p50_ms: the medians of the two.
- review.stage_<name>_p50_ms / _p99_ms: where the time of a seek goes, each stage from the end
  of the one before (printed as a table too): ui (Enter until the player is asked), wake (until
  the playback thread takes the new place), stop (the output drops the old place), read (the
  WAV read at the offset and queued), restart (the output started again until its callback
  hands the first frame of the new place), out (from there until the capture hears it: the
  sound server, the null sink, its monitor and the capture).
- review.seek_underflows: callbacks PortAudio flagged late during the tries (gaps heard).
- review.gc_pause_max_ms: the longest full garbage collection during the tries (it holds the
  interpreter, so the output callback waits: see discussion/playback/gc_quiet.py).
- review.seek_load_avg, review.seek_cores: the machine's 1-minute load average (the larger of
  the start's and the end's) and its cores: the load the seek figures were measured under.

The capture is given CAPTURE_WARM_S to settle before the first try: a capture just started
heard the first tone up to 1.1 s late (measured: the player's first frame was handed out at
15 ms each time), which is the instrument starting, not the seek.
"""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import soundfile

from scripts.bench_support import data_home

REPO = Path(__file__).resolve().parent.parent
QUICK = os.environ.get("BENCH_QUICK") == "1"
RATE = 16000
# Quick mode (the smoke test): a 2-minute record, so the run fits its time; the figures of a
# quick run mean little. The note sits three quarters in (45:00 of the full hour).
MINUTES = 1 if QUICK else 60
NOTES = 1000
NOTE_AT = MINUTES * 60 * 0.75
TONE = (NOTE_AT - 10, NOTE_AT + 10)
SILENT_AT = MINUTES * 10.0  # a silent minute to wait in between tries (10:00 of the hour)
TRIES = 3 if QUICK else 40
OPENS = 1 if QUICK else 5
CAPTURE_WARM_S = 1.5
STAGES = ("ui", "wake", "stop", "read", "restart", "out")


def make_record(root: Path) -> Path:
    """The sealed 60-minute record with 1,000 notes (see the module docstring)."""
    sys.path.insert(0, str(REPO / "tests"))
    from session_factory import make_session_info

    from discussion.record import RecordingStartedData, RecordingStoppedData, SessionRecord
    from discussion.standard import load_standard

    info = make_session_info()
    record = SessionRecord.create(info, root)
    segment = "audio/segment-001.wav"
    (record.folder / "audio").mkdir(exist_ok=True)
    frames = MINUTES * 60 * RATE
    with soundfile.SoundFile(
        str(record.folder / segment), "w", RATE, 1, subtype="PCM_16", format="WAV"
    ) as wav:
        chunk = 60 * RATE
        for start in range(0, frames, chunk):
            block = np.zeros(chunk, dtype=np.int16)
            t = np.arange(start, start + chunk) / RATE
            inside = (t >= TONE[0]) & (t < TONE[1])
            block[inside] = (12000 * np.sin(2 * np.pi * 440 * t[inside])).astype(np.int16)
            wav.write(block)
    record.append(RecordingStartedData(segment=segment, start_offset=0.0, device="bench"), 0.0)
    criteria = [c.id for c in load_standard().component("discussion").criteria]
    step = MINUTES * 60 / NOTES
    for number in range(NOTES):
        # The note's offset is its first keystroke less the reaction lag: this one is at 45:00.
        offset = NOTE_AT + info.reaction_lag_s if number == NOTES * 3 // 4 else number * step
        criterion = criteria[number % len(criteria)]
        record.add_note(f"{criterion}: note {number} on the evidence", [criterion], offset)
    record.append(RecordingStoppedData(segment=segment, frames=frames, reason="done"), 3600.0)
    for criterion in criteria:
        record.decide(criterion, True, "Enough evidence in the notes.", [])
    record.close("done")
    return record.folder


class OnsetClock:
    """A capture of the default source (the sink's monitor) in 4 ms blocks: the moment the
    first loud block arrives after `arm()`."""

    def __init__(self) -> None:
        import sounddevice

        self.loud_at: float | None = None
        self.armed = False
        self.seen = threading.Event()
        self._stream = sounddevice.InputStream(
            samplerate=RATE, blocksize=64, channels=1, dtype="int16", callback=self._callback
        )
        self._stream.start()

    def _callback(self, indata: npt.NDArray[np.int16], _f: int, _t: object, _s: object) -> None:
        if self.armed and int(np.max(np.abs(indata.astype(np.int32)))) > 3000:
            self.loud_at = time.perf_counter()
            self.armed = False
            self.seen.set()

    def arm(self) -> None:
        """Wait for the next loud block."""
        self.loud_at = None
        self.seen.clear()
        self.armed = True

    def close(self) -> None:
        """Stop capturing."""
        self._stream.stop()
        self._stream.close()


def stage_times(began: float, stages: Any, heard: float) -> dict[str, float] | None:
    """The stages of one seek in ms, each from the end of the one before (None: one missing)."""
    marks = [began, stages.asked, stages.taken, stages.stopped, stages.queued]
    marks += [stages.first_frame, heard]
    if any(mark is None for mark in marks):
        return None
    return {name: (marks[i + 1] - marks[i]) * 1000 for i, name in enumerate(STAGES)}


class GcPauses:
    """The longest full (oldest generation) collection while installed."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._began = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.longest = max(self.longest, time.perf_counter() - self._began)

    def close(self) -> None:
        """Stop watching."""
        gc.callbacks.remove(self._callback)


def p99(values: list[float]) -> float:
    """The 99th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


async def _run(folder: Path, results: dict[str, float]) -> None:
    from discussion.ui.catalog import Catalog
    from discussion.ui.screens.review import ReviewScreen
    from discussion.ui.screens.review_app import ReviewApp
    from discussion.ui.widgets.review_list import ReviewList

    catalog = Catalog.load()
    app = ReviewApp(catalog, folder, cursor_blink=False)
    opens: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        for attempt in range(OPENS + 1):
            began = time.perf_counter()
            if attempt:  # the first was opened by the app itself (its start-up not counted)
                app.push_screen(ReviewScreen(folder, catalog))
            while True:
                await pilot.pause(0.005)
                screen: Any = app.screen
                if isinstance(screen, ReviewScreen) and screen.failed:
                    raise RuntimeError(screen.failed)
                if isinstance(screen, ReviewScreen) and screen.query_one(ReviewList).items:
                    break
            if attempt:
                opens.append(time.perf_counter() - began)
            if attempt == OPENS:
                await _seeks(pilot, screen, results)
            elif attempt:
                app.pop_screen()  # its player stops; the next open starts from the same state
                await pilot.pause(0.5)
    results["review.open_1000_notes_s"] = statistics.median(opens)


async def _seeks(pilot: Any, screen: Any, results: dict[str, float]) -> None:
    from discussion.ui.widgets.review_list import ReviewList

    player = screen.player
    while not player.ready.is_set():
        await pilot.pause(0.01)
    if player.reason is not None:
        raise RuntimeError(f"no sound in the benchmark: {player.reason}")
    box = screen.query_one(ReviewList)
    index = next(i for i, item in enumerate(box.items) if item.offset == NOTE_AT)  # 45:00
    clock = OnsetClock()
    await pilot.pause(CAPTURE_WARM_S)
    heard: list[float] = []
    handed: list[float] = []
    stages: dict[str, list[float]] = {name: [] for name in STAGES}
    load_before = os.getloadavg()[0]
    underflows_before = player.status().underflows
    pauses = GcPauses()
    try:
        for _ in range(TRIES):
            player.play_from(SILENT_AT, preroll_s=0.0)  # a silent minute
            await pilot.pause(0.4)
            box.highlighted = index
            await pilot.pause(0.05)
            clock.arm()
            began = time.perf_counter()
            await pilot.press("enter")
            while time.perf_counter() - began < 3.0 and not clock.seen.is_set():
                await asyncio.sleep(0.002)
            seek = player.last_seek
            if clock.loud_at is None or seek.first_frame is None:
                raise RuntimeError("the tone at 45:00 never reached the sink's monitor")
            heard.append((clock.loud_at - began) * 1000)
            handed.append((seek.first_frame - began) * 1000)
            times = stage_times(began, seek, clock.loud_at)
            if times is None:
                raise RuntimeError(f"a seek missed a stage: {seek}")
            for name, value in times.items():
                stages[name].append(value)
        results["review.output_latency_ms"] = player.status().latency_s * 1000
        results["review.seek_underflows"] = float(player.status().underflows - underflows_before)
    finally:
        pauses.close()
        clock.close()
    results["review.seek_play_p99_ms"] = round(p99(heard), 1)
    results["review.seek_play_p50_ms"] = round(statistics.median(heard), 1)
    results["review.seek_first_frame_p99_ms"] = round(p99(handed), 1)
    results["review.seek_first_frame_p50_ms"] = round(statistics.median(handed), 1)
    results["review.seek_tries"] = float(TRIES)
    results["review.gc_pause_max_ms"] = round(pauses.longest * 1000, 1)
    for name, values in stages.items():
        results[f"review.stage_{name}_p50_ms"] = round(statistics.median(values), 1)
        results[f"review.stage_{name}_p99_ms"] = round(p99(values), 1)
    print_stages(stages, heard)
    # The load it ran under: runnable processes (1-minute average) at the start and the end,
    # against the number of cores; the figure rises with it on a shared machine.
    results["review.seek_load_avg"] = round(max(load_before, os.getloadavg()[0]), 2)
    results["review.seek_cores"] = float(os.cpu_count() or 1)


def print_stages(stages: dict[str, list[float]], heard: list[float]) -> None:
    """Where a seek's time goes: each stage's median and p99, and the stages of the slowest."""
    slowest = max(range(len(heard)), key=heard.__getitem__)
    print(f"review seek stages over {len(heard)} tries (ms):", file=sys.stderr)
    print(f"  {'stage':8} {'p50':>7} {'p99':>7} {'slowest':>8}", file=sys.stderr)
    for name, values in stages.items():
        median, top = statistics.median(values), p99(values)
        print(f"  {name:8} {median:7.1f} {top:7.1f} {values[slowest]:8.1f}", file=sys.stderr)
    print(f"  {'heard':8} {statistics.median(heard):7.1f} {p99(heard):7.1f} "
          f"{heard[slowest]:8.1f}", file=sys.stderr)  # fmt: skip


def bench_review(results: dict[str, float], where: Path | None = None) -> None:
    """Make the record, then time opening it and playing from the note at 45:00."""
    work = Path(tempfile.mkdtemp(prefix="discussion-bench-review-", dir=where))
    try:
        with data_home(work / "home"):  # the signing key and logs go here
            folder = make_record(work / "sessions")
            asyncio.run(_run(folder, results))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    figures: dict[str, float] = {}
    bench_review(figures)
    for key, value in sorted(figures.items()):
        print(f"{key:38} {value:10.3f}")
