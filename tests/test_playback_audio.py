"""Real playback into the test PulseAudio sink: what comes out is what the record holds there.

The player plays the sample record from a note (minus the 5 s pre-roll) through the real
sounddevice OutputStream to the default output (the private daemon's null sink), while a
second stream records the sink's monitor. The capture is then looked for in the whole
recording by normalised cross-correlation: it must match (≥ 0.9) where the note's pre-roll
starts. At 1.5× the capture is looked for in sox's own stretch of the same span (the player
uses sox too, so this checks the span and the plumbing), and, independently of sox, its loudness
envelope is compared with the original's envelope squeezed by 1.5 in time. The review screen is
checked the same way, at 1× and at 1.5× set with its own `+` key.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import audio_helpers as ah
import numpy as np
import numpy.typing as npt
import pytest

from discussion.playback import SPEEDS, AudioTimeline, PlaybackStatus, Player, PlayerAlarm
from discussion.record import derive_state
from discussion.record.session import load_info, read_log

SAMPLE = Path(__file__).resolve().parent.parent / "transcripts" / "sample-discussion"
RATE = 16000


class MonitorCapture:
    """Records the default source (the sink's monitor) at 16 kHz into memory."""

    def __init__(self) -> None:
        import sounddevice

        self.blocks: list[npt.NDArray[np.float32]] = []
        self.lock = threading.Lock()
        self.stream = sounddevice.InputStream(
            samplerate=RATE, channels=1, dtype="float32", callback=self._callback
        )
        self.stream.start()

    def _callback(self, indata: npt.NDArray[np.float32], _f: int, _t: object, _s: object) -> None:
        with self.lock:
            self.blocks.append(indata[:, 0].copy())

    def samples(self) -> ah.FloatArray:
        with self.lock:
            data = np.concatenate(self.blocks) if self.blocks else np.zeros(0, np.float32)
        return data.astype(np.float64)

    def close(self) -> None:
        self.stream.stop()
        self.stream.close()


def sample_timeline() -> tuple[AudioTimeline, list[float]]:
    state = derive_state(load_info(SAMPLE), read_log(SAMPLE).events, owned=False)
    return AudioTimeline.from_state(SAMPLE, state), [n.offset for n in state.evidence_notes]


def whole(timeline: AudioTimeline) -> ah.FloatArray:
    return timeline.read(0, timeline.end_frame).astype(np.float64) / 32768.0


def play_and_capture(start_note: float, speed: float, seconds: float) -> ah.FloatArray:
    """Play from the note (5 s pre-roll) at `speed`; the monitor's capture from play on."""
    timeline, _ = sample_timeline()
    reports: list[PlaybackStatus | PlayerAlarm] = []
    player = Player(timeline, reports.append, preroll_s=5.0)
    capture = MonitorCapture()
    try:
        player.start()
        assert player.ready.wait(10)
        assert player.reason is None, player.reason
        time.sleep(0.3)  # the capture is running
        if speed != 1.0:
            player.set_speed(speed)
        player.play_from(start_note)
        time.sleep(seconds)
        player.toggle()
    finally:
        player.stop()
        time.sleep(0.2)
        capture.close()
    alarms = [r.message for r in reports if isinstance(r, PlayerAlarm)]
    assert not alarms, alarms
    return capture.samples()


def loud_part(samples: ah.FloatArray, seconds: float) -> ah.FloatArray:
    """`seconds` of the capture starting 0.5 s after the first sound (past any fade-in)."""
    start = ah.onset(samples, RATE, threshold_dbfs=-40.0) + RATE // 2
    part = samples[start : start + round(seconds * RATE)]
    assert len(part) == round(seconds * RATE), "the capture ended too soon"
    return part


def envelope(samples: ah.FloatArray, frame: int = 160) -> ah.FloatArray:
    """RMS per 10 ms."""
    count = len(samples) // frame
    rms: ah.FloatArray = np.sqrt(
        np.mean(np.square(samples[: count * frame].reshape(count, frame)), axis=1)
    )
    return rms


@pytest.mark.slow
def test_playing_from_a_note_outputs_the_recording_at_that_time(pulse: Path) -> None:
    _, notes = sample_timeline()
    note = notes[2]  # the deaf customer: speech around it
    captured = play_and_capture(note, 1.0, seconds=5.0)
    part = loud_part(captured, 3.0)
    recording = whole(sample_timeline()[0])
    correlation, lag = ah.best_alignment(recording, part)
    found_at = lag / RATE
    assert correlation > 0.9, f"capture does not match the recording (peak {correlation:.3f})"
    start = note - 5.0
    # The part starts at the first sound after the pre-roll's start (plus 0.5 s).
    assert start <= found_at <= start + 4.0, f"found at {found_at:.2f} s, pre-roll from {start}"


def stretched_match(
    timeline: AudioTimeline, start: float, part: ah.FloatArray, tmp_path: Path, why: str = ""
) -> tuple[float, float, float]:
    """How well `part` (heard from `start` at 1.5×) matches: (peak against sox's own stretch of
    the span, envelope against the original's squeezed by 1.5, envelope against it at 1×),
    asserting each (`why` added to a failure). The player uses sox too, so the first checks the
    span and the plumbing; the envelopes check the speed independently of sox."""
    segment = timeline.pieces[0]
    offset = start - segment.start / RATE
    stretched_path = tmp_path / "stretched.wav"
    subprocess.run(
        ["sox", str(segment.path), str(stretched_path), "trim", f"{offset}", "12",
         "tempo", "-s", "1.5"],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    stretched, rate = ah.read_mono(stretched_path)
    assert rate == RATE
    correlation, lag = ah.best_alignment(stretched, part)
    assert correlation > 0.85, f"capture is not the stretched span (peak {correlation:.3f}){why}"
    assert lag / RATE <= 3.0  # near the stretch's start: played from the pre-roll
    # Independently of sox: the capture's envelope follows the original's, 1.5× as fast.
    original = whole(timeline)
    source_start = round((start + lag / RATE * 1.5) * RATE)
    source = original[source_start : source_start + round(3.0 * 1.5 * RATE)]
    squeezed = envelope(source)
    squeezed = np.interp(np.arange(len(squeezed) / 1.5) * 1.5, np.arange(len(squeezed)), squeezed)
    heard = envelope(part)
    count = min(len(heard), len(squeezed))
    match = float(np.corrcoef(heard[:count], squeezed[:count])[0, 1])
    assert match > 0.7, f"the envelope does not follow the original at 1.5× ({match:.2f}){why}"
    # And it is not the same as playing at 1×: at 1× the envelope matches worse.
    plain = envelope(original[source_start : source_start + round(3.0 * RATE)])
    count = min(len(heard), len(plain))
    at_1x = float(np.corrcoef(heard[:count], plain[:count])[0, 1])
    assert match > at_1x + 0.1, f"envelope at 1.5× {match:.2f}, at 1× {at_1x:.2f}{why}"
    print(f"1.5×: sox stretch peak {correlation:.3f}, envelope {match:.2f} (1×: {at_1x:.2f})")
    return correlation, match, at_1x


@pytest.mark.slow
def test_playing_at_1_5x_outputs_the_stretched_span(pulse: Path, tmp_path: Path) -> None:
    timeline, notes = sample_timeline()
    note = notes[2]
    captured = play_and_capture(note, 1.5, seconds=6.0)
    stretched_match(timeline, note - 5.0, loud_part(captured, 3.0), tmp_path)


async def review_and_capture(note: float, faster: int, seconds: float) -> tuple[ah.FloatArray, int]:
    """The whole path a verifier uses: the review app, `+` pressed `faster` times, Enter on the
    note, real sound out for `seconds`. The monitor's capture, and the late output callbacks."""
    from ui_helpers import catalog

    from discussion.ui.screens.review import ReviewScreen
    from discussion.ui.screens.review_app import ReviewApp
    from discussion.ui.widgets.review_list import ReviewList

    app = ReviewApp(catalog(), SAMPLE, cursor_blink=False)
    capture = MonitorCapture()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            for _ in range(200):
                if screen.player is not None and screen.player.ready.is_set():
                    break
                await pilot.pause(0.05)
            assert screen.player is not None and screen.player.reason is None
            for _ in range(faster):
                await pilot.press("plus")  # the review screen's own speed key
            assert screen.player.speed == SPEEDS[SPEEDS.index(1.0) + faster]
            box = screen.query_one(ReviewList)
            box.highlighted = next(i for i, item in enumerate(box.items) if item.offset == note)
            await pilot.press("enter")
            await pilot.pause(seconds)
            await pilot.press("space")
            assert not screen.alarms
            late = screen.player.status().underflows
    finally:
        capture.close()
    return capture.samples(), late


@pytest.mark.slow
async def test_review_screen_enter_on_a_note_plays_it_into_the_sink(pulse: Path) -> None:
    """The whole path a verifier uses: the review app, Enter on a note, real sound out."""
    timeline, notes = sample_timeline()
    note = notes[2]
    captured, late = await review_and_capture(note, faster=0, seconds=5.0)
    part = loud_part(captured, 3.0)
    correlation, lag = ah.best_alignment(whole(timeline), part)
    # A gap (the callback starved, e.g. by a long garbage collection: gc_quiet.py) shifts the
    # rest of the capture against the record, and the match falls (0.56-0.9 seen).
    assert correlation > 0.9, (
        f"capture does not match the recording (peak {correlation:.3f}; "
        f"{late} late output callbacks)"
    )
    assert note - 5.0 <= lag / RATE <= note - 1.0


@pytest.mark.slow
async def test_review_screen_at_1_5x_plays_the_stretched_span(pulse: Path, tmp_path: Path) -> None:
    """The same at 1.5× set with the review screen's `+` key (twice from 1×): what reached the
    sink is the note's span stretched, checked as the Player's own 1.5× test checks it."""
    timeline, notes = sample_timeline()
    note = notes[2]
    captured, late = await review_and_capture(note, faster=2, seconds=6.0)
    part = loud_part(captured, 3.0)
    stretched_match(timeline, note - 5.0, part, tmp_path, f"; {late} late output callbacks")
