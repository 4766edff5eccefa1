"""A move while playing, against a fake output that drops what it held when aborted (as a real
one does): the new place is heard from its very first frame, the move's stages are timed in
order, and callbacks PortAudio flags as late are counted."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
from playback_helpers import RATE, FakeOutputFactory, ramp_timeline

from discussion.playback import PlaybackStatus, Player, PlayerAlarm


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.005)


def started(tmp_path: Path, held: int = 0) -> tuple[Player, FakeOutputFactory]:
    timeline = ramp_timeline(tmp_path, [(0.0, 60.0)], end_s=60.0)
    factory = FakeOutputFactory(pace=4.0, held=held)
    reports: list[PlaybackStatus | PlayerAlarm] = []
    player = Player(timeline, reports.append, preroll_s=0.0, open_stream=factory)
    player.start()
    assert player.ready.wait(5)
    return player, factory


def runs(samples: npt.NDArray[np.int16]) -> list[tuple[int, int]]:
    """(first value, length) of each stretch of consecutive ramp samples (a frame each)."""
    values = samples.astype(np.int64)
    step = np.diff(values)
    breaks = np.flatnonzero((step != 1) & ~((values[:-1] == 29999) & (values[1:] == 0))) + 1
    edges = [0, *breaks.tolist(), len(values)]
    return [(int(values[a]), b - a) for a, b in itertools.pairwise(edges) if b > a]


def test_a_seek_while_playing_is_heard_from_its_first_frame(tmp_path: Path) -> None:
    player, factory = started(tmp_path, held=3)  # the output holds 3 blocks unplayed
    try:
        player.play_from(3.0)
        wait_until(lambda: player.position_s > 4.0)
        output = factory.outputs[0]
        player.seek(20.0)
        wait_until(lambda: player.position_s > 21.0)
        heard = runs(output.played())
        # The last run is the new place: it starts at 20 s exactly. Before the fix the old
        # output could take its first blocks before being aborted, and they were never heard.
        first, length = heard[-1]
        assert first == (20 * RATE) % 30000, f"the new place was heard from {first}: {heard[-3:]}"
        assert length > RATE
        assert output.dropped > 0  # the abort did drop what the output held (of the old place)
        assert output.starts == 3  # opened, restarted for the play, then for the seek
    finally:
        player.stop()


def test_a_seek_s_stages_are_timed_in_order(tmp_path: Path) -> None:
    player, _ = started(tmp_path)
    try:
        player.play_from(3.0)
        wait_until(lambda: player.position_s > 3.5)
        player.seek(30.0)
        wait_until(lambda: player.position_s > 30.2)
        stages = player.last_seek
        marks = [stages.asked, stages.taken, stages.stopped, stages.queued, stages.started]
        assert all(mark is not None for mark in marks), stages
        assert marks == sorted(marks), stages  # type: ignore[type-var]
        assert stages.first_frame is not None and stages.queued is not None
        assert stages.first_frame >= stages.queued  # nothing of it handed out before it queued
        player.toggle()  # pause; a seek while paused restarts nothing
        player.seek(10.0)
        wait_until(lambda: player.last_seek.taken is not None)
        assert player.last_seek.stopped is None and player.last_seek.first_frame is None
    finally:
        player.stop()


def test_callbacks_portaudio_flags_late_are_counted_as_underflows(tmp_path: Path) -> None:
    player, factory = started(tmp_path)
    try:
        player.play_from(3.0)
        wait_until(lambda: player.position_s > 3.5)
        assert player.status().underflows == 0
        factory.outputs[0].late = 3
        wait_until(lambda: player.status().underflows == 3)
        time.sleep(0.05)
        assert player.status().underflows == 3  # only the flagged ones
    finally:
        player.stop()
