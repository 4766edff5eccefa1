"""Where accepted blocks go, on the recorder's writer thread: the segment file (in batches), the
level meter, the silence detector, the overflow alarm, fsync, and write-error alarms/retries.

The recorder's clock has already counted every block handed here; this module only decides when
its samples reach the disk and what the assessor is told about it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from discussion.audio.config import RecorderConfig
from discussion.audio.events import (
    Alarm,
    AlarmCleared,
    GapEnded,
    GapInfo,
    Level,
    RecorderEvent,
)
from discussion.audio.levels import LevelMeter, SilenceDetector, block_stats, stats_rms_dbfs
from discussion.audio.segment import SegmentWriteError, SegmentWriter

log = logging.getLogger(__name__)

Block = npt.NDArray[np.int16]


class BlockSink:
    """Writes blocks in batches of up to `config.write_batch_s` and reports levels and alarms.

    Only the writer thread calls it. `emit` sends an event; `offset_now` is the recorder clock.
    """

    def __init__(
        self,
        writer: SegmentWriter,
        config: RecorderConfig,
        emit: Callable[[RecorderEvent], None],
        offset_now: Callable[[], float],
    ) -> None:
        self.writer = writer
        self.config = config
        self._emit = emit
        self._offset = offset_now
        self.write_errors = 0
        self._meter = LevelMeter()
        self._silence = SilenceDetector(
            config.silence_threshold_dbfs, config.silence_after_s, config.samplerate
        )
        now = time.monotonic()
        self._next_level = now + config.level_interval_s
        self._next_sync = now + config.fsync_interval_s
        self._next_retry = 0.0
        self._overflow_alarm = False
        self._last_overflow = 0.0
        self._next_overflow_alarm = 0.0
        self._write_alarm = False
        self._pending: list[Block] = []  # on the clock, not yet written
        self._pending_frames = 0
        self._flush_by = 0.0
        # Level and silence figures are computed once per level window, not per block: numpy
        # calls on small blocks cost more in overhead than in maths.
        self._window: list[Block] = []
        self._window_recorded = 0  # frames of the window that were recorded (not paused)
        self._batch_frames = max(1, round(config.write_batch_s * config.samplerate))

    def block(self, block: Block, overflow: bool, paused: bool, now: float) -> None:
        """One block from the stream (already on the clock unless `paused`)."""
        if overflow:
            self._last_overflow = now
            if now >= self._next_overflow_alarm:
                self._next_overflow_alarm = now + self.config.overflow_alarm_interval_s
                self._overflow_alarm = True
                message = "input overflow: audio was lost (the computer is too busy)"
                self._emit(Alarm("overflow", message, self._offset()))
        self._window.append(block)
        if paused:
            return
        self._window_recorded += len(block)
        if not self._pending:
            self._flush_by = now + self.config.write_batch_s
        self._pending.append(block)
        self._pending_frames += len(block)
        if self._pending_frames >= self._batch_frames:
            self.flush()

    def gap_ended(self, gap: GapInfo, offset: float) -> None:
        """Pad an ended gap with silence (its frames are already on the clock), then report it."""
        self.flush()
        frames = round(gap.duration_s * self.config.samplerate)
        self._guarded(lambda: self.writer.pad(frames))
        self._emit(GapEnded(offset, gap.duration_s, gap.cause))
        self._emit(AlarmCleared("device_lost", offset))

    def tick(self, now: float) -> None:
        """Time-driven work, after each block or idle wake-up."""
        cfg = self.config
        if self._pending and now >= self._flush_by:
            self.flush()
        if self._overflow_alarm and now - self._last_overflow >= cfg.overflow_alarm_interval_s:
            self._overflow_alarm = False
            self._emit(AlarmCleared("overflow", self._offset()))
        if now >= self._next_level and self._window:
            self._next_level = now + cfg.level_interval_s
            self._measure()
        if self.writer.failing and now >= self._next_retry:
            self._next_retry = now + cfg.write_retry_interval_s
            if self.writer.retry():
                self._clear_write_alarm()
        if now >= self._next_sync:
            self._next_sync = now + cfg.fsync_interval_s
            self._sync()

    def flush(self) -> None:
        """Write the pending blocks as one batch."""
        if not self._pending:
            return
        pending = self._pending
        batch = pending[0] if len(pending) == 1 else np.concatenate(pending)
        self._pending, self._pending_frames = [], 0
        self._guarded(lambda: self.writer.write(batch))

    def finish(self, ended_gap: tuple[GapInfo, float] | None) -> None:
        """At the end of the run: write what is pending, pad a running gap, close the file."""
        try:
            self.flush()
            if ended_gap is not None:
                self.gap_ended(*ended_gap)
        finally:
            self.writer.close()

    def _guarded(self, action: Callable[[], None]) -> None:
        try:
            action()
        except SegmentWriteError as error:
            self.write_errors += 1
            log.error("%s", error)
            if not self._write_alarm:
                self._write_alarm = True
                self._emit(Alarm("write_error", f"{error}: free disk space", self._offset()))

    def _clear_write_alarm(self) -> None:
        if self._write_alarm:
            self._write_alarm = False
            self._emit(AlarmCleared("write_error", self._offset()))

    def _sync(self) -> None:
        self.flush()  # the fsync covers every block received so far
        try:
            self.writer.sync()
        except SegmentWriteError as error:
            log.error("%s", error)
            if not self._write_alarm:
                self._write_alarm = True
                self._emit(Alarm("write_error", f"{error}: check the disk", self._offset()))
            return
        if not self.writer.failing:
            self._clear_write_alarm()

    def _measure(self) -> None:
        """Level and silence over the window (it ends at the clock's current position)."""
        window, self._window = self._window, []
        recorded, self._window_recorded = self._window_recorded, 0
        squares, peak, count = block_stats(
            window[0] if len(window) == 1 else np.concatenate(window)
        )
        self._meter.add_stats(squares, peak, count)
        offset = self._offset()
        rms, peak_dbfs = self._meter.take()
        self._emit(Level(rms, peak_dbfs, offset))
        if not recorded:
            return
        rate = self.config.samplerate
        change = self._silence.feed(stats_rms_dbfs(squares, count), recorded)
        if change == "silence":  # stamped where the quiet run reached the threshold
            late = self._silence.quiet_frames - self._silence.after_frames
            message = f"no sound for {self.config.silence_after_s:g} s: check the microphone"
            self._emit(Alarm("silence", message, offset - late / rate))
        elif change == "sound":  # somewhere in this window: its start, never later
            self._emit(AlarmCleared("silence", offset - recorded / rate))
