"""Level maths and the silence detector (pure; timing counted in frames)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from discussion.audio.levels import (
    FLOOR_DBFS,
    LevelMeter,
    SilenceDetector,
    block_rms_dbfs,
    to_dbfs,
)


def test_dbfs_of_known_signals() -> None:
    assert to_dbfs(1.0) == 0.0
    assert to_dbfs(0.5) == pytest.approx(-6.0206, abs=1e-3)
    assert to_dbfs(0.0) == FLOOR_DBFS
    full_square = np.full(512, 32767, dtype=np.int16)
    assert block_rms_dbfs(full_square) == pytest.approx(0.0, abs=0.01)
    sine = (np.sin(np.arange(16000) * 2 * np.pi * 440 / 16000) * 16384).astype(np.int16)
    assert block_rms_dbfs(sine) == pytest.approx(-9.03, abs=0.05)  # -6 dB amplitude, -3 dB sine
    assert block_rms_dbfs(np.zeros(512, dtype=np.int16)) == FLOOR_DBFS


def test_meter_takes_the_window_since_last_take() -> None:
    meter = LevelMeter()
    assert meter.empty
    meter.add(np.full(100, 16384, dtype=np.int16))
    meter.add(np.zeros(100, dtype=np.int16))
    rms, peak = meter.take()
    assert peak == pytest.approx(-6.02, abs=0.01)
    assert rms == pytest.approx(-9.03, abs=0.01)
    assert meter.empty
    assert meter.take() == (FLOOR_DBFS, FLOOR_DBFS)


@given(st.lists(st.tuples(st.booleans(), st.integers(1, 4000)), max_size=60))
def test_silence_alarm_follows_the_quiet_run(blocks: list[tuple[bool, int]]) -> None:
    """Alarm exactly when a quiet run reaches 1 s; cleared by the first loud block after it."""
    detector = SilenceDetector(threshold_dbfs=-60.0, after_s=1.0, rate=16000)
    quiet_run = 0
    alarmed = False
    for loud, frames in blocks:
        change = detector.feed(-20.0 if loud else -90.0, frames)
        if loud:
            expected = "sound" if alarmed else None
            quiet_run, alarmed = 0, False
        else:
            quiet_run += frames
            expected = "silence" if not alarmed and quiet_run >= 16000 else None
            alarmed = alarmed or quiet_run >= 16000
        assert change == expected
        assert detector.alarmed == alarmed
