"""The review's player without a sound card: the timeline mapping of segments, and the
position, pause, rewind, skip, loop and speed against a fake output stream that keeps what it
was given (each test sample encodes its own timeline frame, so the output says where it read)."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from playback_helpers import RATE, FakeOutputFactory, ramp_timeline

from discussion.playback import AudioTimeline, PlaybackStatus, Player, PlayerAlarm, second_levels
from discussion.record import derive_state
from discussion.record.session import load_info, read_log

SAMPLE = Path(__file__).resolve().parent.parent / "transcripts" / "sample-discussion"


class Reports:
    """The player's listener: keeps every report."""

    def __init__(self) -> None:
        self.items: list[PlaybackStatus | PlayerAlarm] = []
        self.lock = threading.Lock()

    def __call__(self, report: PlaybackStatus | PlayerAlarm) -> None:
        with self.lock:
            self.items.append(report)

    def alarms(self) -> list[str]:
        with self.lock:
            return [r.message for r in self.items if isinstance(r, PlayerAlarm)]


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def started(tmp_path: Path, pace: float = 4.0, **kwargs: float) -> tuple[Player, FakeOutputFactory]:
    timeline = ramp_timeline(tmp_path, [(0.0, 30.0), (40.0, 20.0)], end_s=60.0)
    factory = FakeOutputFactory(pace=pace)
    player = Player(timeline, Reports(), open_stream=factory, **kwargs)
    player.start()
    assert player.ready.wait(5)
    return player, factory


def first_loud(samples: np.ndarray) -> int:
    return int(np.flatnonzero(samples != 0)[0])


# ------------------------------------------------------------------ the timeline
def test_timeline_reads_each_segment_at_its_offset_and_silence_between(tmp_path: Path) -> None:
    timeline = ramp_timeline(tmp_path, [(0.0, 30.0), (40.0, 20.0)], end_s=60.0)
    data = timeline.read(29 * RATE, 12 * RATE)  # 29 s to 41 s: end of one, the hole, the next
    assert data[0] == (29 * RATE) % 30000
    assert np.all(data[1 * RATE : 11 * RATE] == 0)  # 30 s to 40 s: no recording
    assert data[11 * RATE] == (40 * RATE) % 30000
    assert data[11 * RATE + 5] == (40 * RATE + 5) % 30000
    assert timeline.duration_s == pytest.approx(60.0)
    assert np.all(timeline.read(59 * RATE, 2 * RATE)[RATE:] == 0)  # past the end: silence


def test_timeline_of_the_sample_record_covers_its_notes(tmp_path: Path) -> None:
    info = load_info(SAMPLE)
    state = derive_state(info, read_log(SAMPLE).events, owned=False)
    timeline = AudioTimeline.from_state(SAMPLE, state)
    assert timeline.has_audio and not timeline.problems
    assert len(timeline.pieces) == len(state.segments) == 1
    assert all(note.offset < timeline.duration_s for note in state.notes)
    levels = second_levels(timeline)
    assert len(levels) == int(np.ceil(timeline.duration_s))
    assert levels.max() > -30 and levels.min() < -60  # speech and silence both there


def test_a_missing_segment_is_named_and_not_played(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(SAMPLE, copy)
    (copy / "audio" / "segment-001.wav").unlink()
    state = derive_state(load_info(copy), read_log(copy).events, owned=False)
    timeline = AudioTimeline.from_state(copy, state)
    assert not timeline.has_audio
    assert "audio/segment-001.wav cannot be played" in timeline.problems[0]
    player = Player(timeline, Reports(), open_stream=FakeOutputFactory())
    player.start()
    assert player.ready.wait(5)
    assert player.reason is not None and "no audio to play" in player.reason
    player.stop()


# ------------------------------------------------------------------ the player
def test_play_from_a_note_starts_the_pre_roll_before_it(tmp_path: Path) -> None:
    player, factory = started(tmp_path, preroll_s=5.0)
    try:
        player.play_from(12.0)
        wait_until(lambda: player.position_s > 8.0)
        played = factory.outputs[0].played()
        start = first_loud(played)
        assert played[start] == (7 * RATE) % 30000  # 12 s minus 5 s of pre-roll
        # The position is the frame the output was handed last: it agrees with the samples.
        position = player.position_s
        assert 8.0 < position < 9.0
    finally:
        player.stop()


def test_position_comes_from_frames_written_and_holds_while_paused(tmp_path: Path) -> None:
    player, factory = started(tmp_path)
    try:
        player.play_from(3.0, preroll_s=0.0)
        wait_until(lambda: player.position_s > 5.0)
        player.toggle()  # pause
        paused_at = player.position_s
        output = factory.outputs[0]
        frames_then = output.frames
        wait_until(lambda: output.frames > frames_then + RATE)  # a second of output passes
        assert player.position_s == paused_at  # no frame of audio: no movement
        assert not player.playing
        tail = output.played()[-RATE // 2 :]
        assert np.all(tail == 0)  # silence while paused
        player.toggle()  # resume: 2 s back
        assert player.position_s == pytest.approx(paused_at - 2.0, abs=1 / RATE)
        count = len(output.played())
        wait_until(lambda: len(output.played()) > count + RATE)
        after = output.played()[count:]
        resumed = after[first_loud(after)]
        assert abs(int(resumed) - round((paused_at - 2.0) * RATE) % 30000) <= 1
    finally:
        player.stop()


def test_skips_move_by_their_seconds_and_clamp_at_the_ends(tmp_path: Path) -> None:
    player, _ = started(tmp_path)
    try:
        player.seek(20.0)
        player.skip(5.0)
        assert player.position_s == pytest.approx(25.0)
        player.skip(-30.0)
        assert player.position_s == 0.0
        player.skip(1000.0)
        assert player.position_s == pytest.approx(60.0)
        assert not player.playing  # seeking does not start playback
    finally:
        player.stop()


def test_a_b_loop_wraps_back_to_a(tmp_path: Path) -> None:
    player, factory = started(tmp_path)
    try:
        player.seek(10.0)
        player.mark_a()
        player.seek(11.0)
        assert player.mark_b()
        assert player.status().loop == (10.0, 11.0)
        output = factory.outputs[0]
        wait_until(lambda: len(output.played()) > 3 * RATE)
        loud = output.played()[first_loud(output.played()) :][: 2 * RATE]
        frames = loud.astype(np.int64)
        assert frames.min() >= (10 * RATE) % 30000 - 1
        assert frames.max() <= (11 * RATE) % 30000
        assert np.count_nonzero(np.diff(frames) < 0) >= 1  # it went back to A
        assert player.mark_b()  # b again: the loop ends
        assert player.status().loop is None
    finally:
        player.stop()


def test_b_before_a_is_refused(tmp_path: Path) -> None:
    player, _ = started(tmp_path)
    try:
        player.seek(10.0)
        player.mark_a()
        player.seek(9.0)
        assert not player.mark_b()
        assert player.status().loop is None
    finally:
        player.stop()


def test_playing_to_the_end_stops_and_space_then_starts_again(tmp_path: Path) -> None:
    player, _ = started(tmp_path, pace=8.0)
    try:
        player.play_from(59.0, preroll_s=0.0)
        wait_until(lambda: player.status().ended, timeout=5)
        assert not player.playing
        assert player.position_s == pytest.approx(60.0, abs=0.05)
        player.toggle()
        assert player.playing and player.position_s < 1.0
    finally:
        player.stop()


def test_speed_1_5_reads_the_timeline_one_and_a_half_times_as_fast(tmp_path: Path) -> None:
    player, factory = started(tmp_path, pace=2.0)
    try:
        player.set_speed(1.5)
        player.play_from(2.0, preroll_s=0.0)
        output = factory.outputs[0]
        wait_until(lambda: player.position_s > 2.5)
        count = len(output.played())
        before = player.position_s
        # 4 s of output: the two reads above are not one atomic moment, and on a loaded machine
        # a thread switch between them was over a tenth of a 2 s span.
        wait_until(lambda: len(output.played()) > count + 4 * RATE)
        written = (len(output.played()) - count) / RATE
        moved = player.position_s - before
        assert moved == pytest.approx(1.5 * written, rel=0.1)
        assert player.speed == 1.5
        assert player.step_speed(+1) == 1.75
        assert player.step_speed(-5) == 0.75
        assert player.step_speed(+10) == 2.0
    finally:
        player.stop()


def test_no_output_device_gives_the_reason_and_seek_still_works(tmp_path: Path) -> None:
    timeline = ramp_timeline(tmp_path, [(0.0, 10.0)], end_s=10.0)
    reports = Reports()
    why = "no output device found: start the sound server"
    player = Player(timeline, reports, open_stream=FakeOutputFactory(fail=why))
    player.start()
    assert player.ready.wait(5)
    try:
        assert player.reason == why
        player.play_from(6.0)
        assert not player.playing
        assert player.position_s == pytest.approx(1.0)  # 6 s less the pre-roll
        status = player.status()
        assert not status.sound and status.reason == why
    finally:
        player.stop()


def test_a_failing_callback_listener_does_not_stop_playback(tmp_path: Path) -> None:
    timeline = ramp_timeline(tmp_path, [(0.0, 10.0)], end_s=10.0)

    def broken(_report: object) -> None:
        raise RuntimeError("the screen went away")

    factory = FakeOutputFactory(pace=4.0)
    player = Player(timeline, broken, open_stream=factory)
    player.start()
    assert player.ready.wait(5)
    try:
        player.play_from(1.0, preroll_s=0.0)
        wait_until(lambda: player.position_s > 2.0)
    finally:
        player.stop()


def test_a_stalled_output_raises_an_alarm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("discussion.playback.player.STALL_S", 0.3)
    player, factory = started(tmp_path)
    reports = player._on_status
    assert isinstance(reports, Reports)
    try:
        player.play_from(1.0, preroll_s=0.0)
        wait_until(lambda: player.position_s > 1.5)
        factory.outputs[0].stop()  # the sound server died: callbacks simply stop
        wait_until(lambda: bool(reports.alarms()), timeout=5)
        assert "No sound is reaching the output device" in reports.alarms()[0]
    finally:
        player.stop()
