"""Word edges snapped to the sound (discussion.transcript.edges), on made-up levels."""

from __future__ import annotations

import numpy as np
import pytest
from transcript_record_helpers import RATE, place, tone

from discussion.transcript.edges import frame_levels, noise_floor, snap_segment, snap_word
from discussion.transcript.model import Segment, Word


def word(start: float, end: float) -> Word:
    return Word(start=start, end=end, word=" w", probability=0.9)


def test_a_word_starting_and_ending_in_silence_is_moved_onto_its_sound() -> None:
    """Engine says 0.6-2.4 s; the sound is 1.0-2.0 s."""
    levels = frame_levels(place(3.0, [(1.0, tone(1.0))]), RATE)
    snapped = snap_word(word(0.6, 2.4), levels)
    assert snapped.start == pytest.approx(1.0, abs=0.011)
    assert snapped.end == pytest.approx(2.0, abs=0.011)


def test_a_late_start_moves_back_to_where_the_sound_began_but_not_into_the_word_before() -> None:
    """Sound from 1.0 s; the engine starts the word at 1.3 s: moved back to 1.0 s, or only to
    the previous word's end when that is later."""
    levels = frame_levels(place(3.0, [(1.0, tone(1.0))]), RATE)
    segment = Segment(start=1.3, end=1.9, text="w", words=[word(1.3, 1.9)])
    assert snap_segment(segment, levels).words[0].start == pytest.approx(1.0, abs=0.011)
    assert snap_segment(segment, levels, after=1.2).words[0].start == pytest.approx(1.2)
    assert snap_segment(segment, levels).start == snap_segment(segment, levels).words[0].start


def test_a_noise_bed_is_not_taken_for_speech() -> None:
    """Noise at -40 dBFS everywhere, speech at -10 dBFS from 1.0 s: the start goes to 1.0 s."""
    rng = np.random.default_rng(7)
    noise = (rng.standard_normal(3 * RATE) * 0.01).astype(np.float32)
    levels = frame_levels(noise + place(3.0, [(1.0, tone(1.0, amplitude=0.4))]), RATE)
    snapped = snap_word(word(0.5, 2.5), levels)
    assert snapped.start == pytest.approx(1.0, abs=0.011)
    assert snapped.end == pytest.approx(2.0, abs=0.011)


def test_a_word_over_silence_only_is_left_alone() -> None:
    """Nothing loud inside the word: its times stay the engine's."""
    levels = frame_levels(place(3.0, [(2.5, tone(0.3))]), RATE)
    assert snap_word(word(0.5, 1.5), levels) == word(0.5, 1.5)


def test_a_word_never_shrinks_below_50_ms() -> None:
    """A 20 ms click inside a 1 s word: the word keeps 50 ms around it, inside its span."""
    levels = frame_levels(place(3.0, [(1.0, tone(0.02))]), RATE)
    snapped = snap_word(word(0.5, 1.5), levels)
    assert snapped.end - snapped.start == pytest.approx(0.05, abs=1e-6)
    assert 0.97 <= snapped.start <= 1.02


def test_levels_worked_a_minute_at_a_time_equal_the_whole_at_once() -> None:
    """130 s of noise: the blockwise RMS equals one computation over the whole array."""
    rng = np.random.default_rng(3)
    samples = (rng.standard_normal(130 * RATE + 77) * 0.1).astype(np.float32)
    whole = samples[: len(samples) // 160 * 160].astype(np.float64).reshape(-1, 160)
    expected = np.sqrt(np.mean(np.square(whole), axis=1))
    assert np.allclose(frame_levels(samples, RATE), expected)


def noisy(noise_dbfs: float, sounds: list[tuple[float, np.ndarray]], seed: int = 5) -> np.ndarray:
    """3 s of white noise at `noise_dbfs` RMS with `sounds` placed on it."""
    rng = np.random.default_rng(seed)
    bed = rng.standard_normal(3 * RATE) * 10 ** (noise_dbfs / 20)
    return (bed + place(3.0, sounds)).astype(np.float32)


def test_a_noise_bed_within_20_db_of_the_speech_does_not_keep_the_engine_edges() -> None:
    """Noise at -35 dBFS, a tone at -17 dBFS RMS from 1.0 to 2.0 s: the noise is above the
    tone's peak less 20 dB, so the peak-relative rule alone (noise=0.0, as before) keeps the
    engine's loose 0.5-2.5 s and moves a late start 0.5 s back into the noise. 10 dB over the
    noise floor (the 10th-percentile frame) puts both on the tone."""
    levels = frame_levels(noisy(-35.0, [(1.0, tone(1.0, amplitude=0.2))]), RATE)
    assert 10 ** (-36 / 20) < noise_floor(levels) < 10 ** (-34 / 20)
    old = snap_word(word(0.5, 2.5), levels, noise=0.0)
    assert (old.start, old.end) == (0.5, 2.5)
    snapped = snap_word(word(0.5, 2.5), levels)
    assert snapped.start == pytest.approx(1.0, abs=0.011)
    assert snapped.end == pytest.approx(2.0, abs=0.011)
    late = Segment(start=1.3, end=1.9, text="w", words=[word(1.3, 1.9)])
    assert snap_segment(late, levels, noise=0.0).words[0].start == pytest.approx(0.8)
    assert snap_segment(late, levels).words[0].start == pytest.approx(1.0, abs=0.011)


def test_in_a_quiet_room_the_noise_floor_changes_nothing() -> None:
    """Noise at -60 dBFS (or digital silence), a soft tone at -43 dBFS RMS: 10 dB over the
    floor is under -50 dBFS, so the edges are the peak-relative rule's, on the tone."""
    for bed in (-60.0, -200.0):
        levels = frame_levels(noisy(bed, [(1.0, tone(1.0, amplitude=0.01))]), RATE)
        assert noise_floor(levels) * 10 ** (10 / 20) < 10 ** (-50 / 20)
        snapped = snap_word(word(0.6, 2.4), levels)
        assert snapped == snap_word(word(0.6, 2.4), levels, noise=0.0)
        assert snapped.start == pytest.approx(1.0, abs=0.011)
        assert snapped.end == pytest.approx(2.0, abs=0.011)
        late = Segment(start=1.3, end=1.9, text="w", words=[word(1.3, 1.9)])
        assert snap_segment(late, levels) == snap_segment(late, levels, noise=0.0)
        assert snap_segment(late, levels).words[0].start == pytest.approx(1.0, abs=0.011)
