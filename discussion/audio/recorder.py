"""The headless recorder: one segment file, a sample-count clock, and alarms for what goes wrong.

Threads:
- PortAudio's callback only copies each block (and its overflow flag) into a queue.
- The writer thread takes blocks off the queue, writes them, pads gaps with silence, measures
  levels and silence, fsyncs every `fsync_interval_s`, retries after write errors, and emits
  events. It is the only thread touching the file.
- The watchdog thread notices audio that stops arriving (daemon killed, device unplugged, CPU
  starved: PortAudio sets no flag for these) and reopens the device until blocks flow again.

The clock is the count of frames, never the wall clock (sound cards drift ~25 ppm from it):
    offset = timeline_start + (frames accounted + frames of the running gap) / rate
where the running gap is measured on the monotonic clock only while no audio arrives, and is
written as silence when audio returns, so file position == timeline offset.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from discussion.audio.events import (
    Alarm,
    AlarmCleared,
    GapDetected,
    GapEnded,
    GapInfo,
    Level,
    Paused,
    RecorderEvent,
    Resumed,
    Started,
    Stopped,
    StopSummary,
)
from discussion.audio.levels import LevelMeter, SilenceDetector, block_stats, stats_rms_dbfs
from discussion.audio.segment import SegmentWriteError, SegmentWriter
from discussion.audio.stream import (
    AudioCallback,
    InputStreamLike,
    StreamFactory,
    close_stream,
    open_input_stream,
    reinitialize_portaudio,
)

log = logging.getLogger(__name__)


class RecorderState(StrEnum):
    """What the recorder is doing, as shown to the assessor."""

    IDLE = "idle"
    WAITING = "waiting for audio"
    RECORDING = "recording"
    PAUSED = "paused"
    DEVICE_LOST = "device lost"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class RecorderConfig:
    """Tunables; the defaults are the product's, tests shorten the times."""

    samplerate: int = 16000
    channels: int = 1
    # 32 ms at 16 kHz: a note is stamped within one block of the sound it refers to. (1024-frame
    # blocks would cut the recorder's CPU by about a third but double that bound.)
    blocksize: int = 512
    fsync_interval_s: float = 2.0
    level_interval_s: float = 0.1
    silence_threshold_dbfs: float = -60.0
    silence_after_s: float = 10.0
    gap_after_s: float = 1.5  # no block for this long = audio lost
    reopen_interval_s: float = 2.0
    stream_close_timeout_s: float = 2.0
    write_retry_interval_s: float = 2.0
    overflow_alarm_interval_s: float = 10.0
    watchdog_interval_s: float = 0.1


_Item = tuple[int, npt.NDArray[np.int16], bool] | None  # (stream generation, block, overflow)


class Recorder:
    """Records one segment file on the session timeline; Textual-free and thread-safe.

    `on_event` is called from the recorder's threads (writer, watchdog, and the caller of
    pause/resume/stop), never from the audio callback; calls are serialised. A UI must hop to its
    own thread (e.g. `App.call_from_thread`).
    """

    def __init__(
        self,
        path: Path,
        *,
        timeline_start: float = 0.0,
        device: str | int | None = None,
        on_event: Callable[[RecorderEvent], None] | None = None,
        config: RecorderConfig | None = None,
        stream_factory: StreamFactory | None = None,
    ) -> None:
        self.path = path
        self.timeline_start = timeline_start
        self.device = device
        self.config = config or RecorderConfig()
        self._on_event = on_event
        self._open_stream: StreamFactory = stream_factory or open_input_stream
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._lock = threading.Lock()  # guards the clock and state below
        self._emit_lock = threading.Lock()
        self._recording = threading.Event()
        self._finish = threading.Event()
        self._state = RecorderState.IDLE
        self._stream: InputStreamLike | None = None
        self._generation = 0
        self._frames = 0  # timeline frames of this segment: on disk + owed after write errors
        self._last_block_at = 0.0
        self._stream_opened_at = 0.0
        self._paused = False
        self._gap_cause: str | None = None
        self._gap_offset = 0.0
        self._gap_accum = 0.0  # seconds of gap before the current running stretch
        self._gap_since: float | None = None  # monotonic start of the running stretch
        self._gaps: list[GapInfo] = []
        self._stream_abandoned = False
        self._writer: SegmentWriter | None = None
        self._threads: list[threading.Thread] = []
        self._summary: StopSummary | None = None
        self._write_errors = 0

    # ----------------------------------------------------------------- public API
    @property
    def state(self) -> RecorderState:
        """The current state (IDLE → WAITING → RECORDING ⇄ PAUSED/DEVICE_LOST → STOPPED)."""
        with self._lock:
            if self._state in (RecorderState.RECORDING, RecorderState.PAUSED):
                if self._gap_cause is not None:
                    return RecorderState.DEVICE_LOST
                return RecorderState.PAUSED if self._paused else RecorderState.RECORDING
            return self._state

    def offset_seconds(self) -> float:
        """Now on the session timeline, by the sample clock (see the module docstring)."""
        with self._lock:
            return self._offset_locked(time.monotonic())

    def start(self) -> None:
        """Create the segment file and open the stream; returns at once (state WAITING).

        Recording is confirmed by the first block (`Started`, `wait_until_recording`).
        Raises `AudioUnavailable` (no device, no PortAudio) or `OSError` (file) - nothing is
        left behind then.
        """
        with self._lock:
            if self._state is not RecorderState.IDLE:
                raise RuntimeError(f"recorder already {self._state.value}")
            self._state = RecorderState.WAITING
        cfg = self.config
        try:
            self._writer = SegmentWriter(self.path, cfg.samplerate, cfg.channels)
            stream = self._open_stream(
                self.device, cfg.samplerate, cfg.blocksize, cfg.channels, self._callback(0)
            )
        except BaseException:
            if self._writer is not None:
                self._writer.close()
                self.path.unlink(missing_ok=True)
            with self._lock:
                self._state = RecorderState.IDLE
            raise
        self._stream = stream
        self._stream_opened_at = time.monotonic()
        self._threads = [
            threading.Thread(target=self._write_loop, name="recorder-writer", daemon=True),
            threading.Thread(target=self._watch_loop, name="recorder-watchdog", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        stream.start()

    def wait_until_recording(self, timeout: float) -> bool:
        """Block until the first audio block arrived; False on timeout."""
        return self._recording.wait(timeout)

    def pause(self) -> None:
        """Stop writing and stop the clock (the stream keeps running so loss is still noticed)."""
        with self._lock:
            if self._paused or self._state is not RecorderState.RECORDING:
                return
            now = time.monotonic()
            offset = self._offset_locked(now)
            if self._gap_since is not None:
                self._gap_accum += now - self._gap_since
                self._gap_since = None
            self._paused = True
        self._emit(Paused(offset))

    def resume(self) -> None:
        """Write again; the clock continues from where it paused."""
        with self._lock:
            if not self._paused:
                return
            self._paused = False
            now = time.monotonic()
            if self._gap_cause is not None:
                self._gap_since = now
            offset = self._offset_locked(now)
        self._emit(Resumed(offset))

    def stop(self, timeout: float = 5.0) -> StopSummary:
        """Stop the stream, flush and close the file; never blocks much longer than `timeout`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            if self._summary is not None:
                return self._summary
            started = self._state is not RecorderState.IDLE
            self._state = RecorderState.STOPPED
            stream = self._stream
        clean = True
        if stream is not None:
            clean = close_stream(stream, min(self.config.stream_close_timeout_s, timeout / 2))
        self._finish.set()
        self._queue.put(None)
        for thread in self._threads:
            thread.join(max(0.1, deadline - time.monotonic()))
            if thread.is_alive():
                log.error("%s did not finish before the stop timeout", thread.name)
                clean = False
        writer = self._writer
        with self._lock:
            frames = self._frames
            rate = self.config.samplerate
            summary = StopSummary(
                path=self.path,
                frames=frames,
                seconds=frames / rate,
                start_offset=self.timeline_start,
                end_offset=self.timeline_start + frames / rate,
                gaps=tuple(self._gaps),
                write_errors=self._write_errors,
                unwritten_frames=writer.owed_frames if writer is not None else 0,
                clean=clean,
            )
            self._summary = summary
        if started:
            self._emit(Stopped(summary.end_offset, frames, self.path))
        return summary

    # ----------------------------------------------------------------- clock
    def _gap_elapsed(self, now: float) -> float:
        running = now - self._gap_since if self._gap_since is not None else 0.0
        return self._gap_accum + running

    def _offset_locked(self, now: float) -> float:
        # Whole blocks: the clock is the frames received, so a note is stamped at the end of the
        # last block that arrived before it: never later than the sound, at most one block early.
        offset = self.timeline_start + self._frames / self.config.samplerate
        if self._gap_cause is not None:
            offset += self._gap_elapsed(now)
        return offset

    # ----------------------------------------------------------------- audio callback
    def _callback(self, generation: int) -> AudioCallback:
        put = self._queue.put

        def callback(indata: Any, frames: int, time_info: Any, status: Any) -> None:
            # Real-time thread: copy and enqueue, nothing else (no locks, no I/O, no events).
            put((generation, indata.copy(), bool(status.input_overflow)))

        return callback

    # ----------------------------------------------------------------- events
    def _emit(self, event: RecorderEvent) -> None:
        if self._on_event is None:
            return
        with self._emit_lock:
            try:
                self._on_event(event)
            except Exception:  # a listener's bug must not stop the recording
                log.exception("recorder event listener failed on %r", event)

    # ----------------------------------------------------------------- writer thread
    def _write_loop(self) -> None:
        writer = self._writer
        assert writer is not None
        cfg = self.config
        meter = LevelMeter()
        silence = SilenceDetector(cfg.silence_threshold_dbfs, cfg.silence_after_s, cfg.samplerate)
        now = time.monotonic()
        next_level = now + cfg.level_interval_s
        next_sync = now + cfg.fsync_interval_s
        next_retry = 0.0
        overflow_alarm = False
        last_overflow = 0.0
        next_overflow_alarm = 0.0
        write_alarm = False
        while True:
            try:
                item = self._queue.get(timeout=0.1)
            except queue.Empty:
                item = None
                if not self._finish.is_set():
                    item = (-1, np.zeros((0, cfg.channels), np.int16), False)
            if item is None:
                break
            generation, block, overflow = item
            now = time.monotonic()
            if generation >= 0:
                outcome = self._accept_block(generation, now)
                if outcome is None:
                    continue  # a block from a stream that was replaced
                paused, gap_end, first = outcome
                if first is not None:
                    self._emit(Started(first))
                if gap_end is not None:
                    write_alarm = self._write_gap(writer, *gap_end, write_alarm)
                if overflow:
                    last_overflow = now
                    if now >= next_overflow_alarm:
                        next_overflow_alarm = now + cfg.overflow_alarm_interval_s
                        overflow_alarm = True
                        message = "input overflow: audio was lost (the computer is too busy)"
                        self._emit(Alarm("overflow", message, self.offset_seconds()))
                squares, peak, count = block_stats(block)  # once, for the meter and silence
                meter.add_stats(squares, peak, count)
                if not paused:
                    write_alarm = self._write(writer, block, write_alarm)
                    self._account_silence(silence, stats_rms_dbfs(squares, count), len(block))
            if overflow_alarm and now - last_overflow >= cfg.overflow_alarm_interval_s:
                overflow_alarm = False
                self._emit(AlarmCleared("overflow", self.offset_seconds()))
            if now >= next_level and not meter.empty:
                next_level = now + cfg.level_interval_s
                rms, peak = meter.take()
                self._emit(Level(rms, peak, self.offset_seconds()))
            if writer.failing and now >= next_retry:
                next_retry = now + cfg.write_retry_interval_s
                if writer.retry():
                    write_alarm = self._clear_write_alarm(write_alarm)
            if now >= next_sync:
                next_sync = now + cfg.fsync_interval_s
                write_alarm = self._sync(writer, write_alarm)
        self._finish_file(writer)

    def _accept_block(
        self, generation: int, now: float
    ) -> tuple[bool, tuple[GapInfo, float] | None, float | None] | None:
        """Update the clock for an arriving block: (paused, ended gap, Started offset)."""
        with self._lock:
            # Blocks queued before stop() are still written; a replaced stream's are not.
            if generation != self._generation:
                return None
            self._last_block_at = now
            first: float | None = None
            if self._state is RecorderState.WAITING:
                self._state = RecorderState.RECORDING
                first = self._offset_locked(now)
                self._recording.set()
            pad = self._end_gap_locked(now)
            return self._paused, pad, first

    def _end_gap_locked(self, now: float) -> tuple[GapInfo, float] | None:
        """Close a running gap: account its frames; returns it and the offset after it."""
        if self._gap_cause is None:
            return None
        cfg = self.config
        duration = self._gap_elapsed(now)
        frames = round(duration * cfg.samplerate)
        gap = GapInfo(self._gap_offset, frames / cfg.samplerate, self._gap_cause)
        self._gaps.append(gap)
        self._frames += frames
        self._gap_cause, self._gap_since, self._gap_accum = None, None, 0.0
        return gap, self._offset_locked(now)

    def _write(self, writer: SegmentWriter, block: npt.NDArray[np.int16], alarmed: bool) -> bool:
        """Put a block on the clock and write it; returns whether the write alarm is raised."""
        with self._lock:
            self._frames += len(block)
        return self._guarded(lambda: writer.write(block), alarmed)

    def _write_gap(self, writer: SegmentWriter, gap: GapInfo, offset: float, alarmed: bool) -> bool:
        """Pad an ended gap with silence (its frames are already on the clock), then report it."""
        frames = round(gap.duration_s * self.config.samplerate)
        alarmed = self._guarded(lambda: writer.pad(frames), alarmed)
        self._emit(GapEnded(offset, gap.duration_s, gap.cause))
        self._emit(AlarmCleared("device_lost", offset))
        return alarmed

    def _guarded(self, action: Callable[[], None], alarmed: bool) -> bool:
        try:
            action()
        except SegmentWriteError as error:
            self._write_errors += 1
            log.error("%s", error)
            if not alarmed:
                self._emit(Alarm("write_error", f"{error}: free disk space", self.offset_seconds()))
            return True
        return alarmed

    def _clear_write_alarm(self, alarmed: bool) -> bool:
        if alarmed:
            self._emit(AlarmCleared("write_error", self.offset_seconds()))
        return False

    def _sync(self, writer: SegmentWriter, alarmed: bool) -> bool:
        try:
            writer.sync()
        except SegmentWriteError as error:
            log.error("%s", error)
            if not alarmed:
                self._emit(Alarm("write_error", f"{error}: check the disk", self.offset_seconds()))
            return True
        return alarmed if writer.failing else self._clear_write_alarm(alarmed)

    def _account_silence(self, detector: SilenceDetector, rms_dbfs: float, frames: int) -> None:
        change = detector.feed(rms_dbfs, frames)
        if change == "silence":
            seconds = self.config.silence_after_s
            message = f"no sound for {seconds:g} s: check the microphone"
            self._emit(Alarm("silence", message, self.offset_seconds()))
        elif change == "sound":
            self._emit(AlarmCleared("silence", self.offset_seconds()))

    def _finish_file(self, writer: SegmentWriter) -> None:
        """At stop: pad a running gap so the segment ends at the timeline's end, then close."""
        with self._lock:
            ended = self._end_gap_locked(time.monotonic())
        if ended is not None:
            self._write_gap(writer, *ended, alarmed=True)
        writer.close()

    # ----------------------------------------------------------------- watchdog thread
    def _watch_loop(self) -> None:
        cfg = self.config
        next_reopen = 0.0
        while not self._finish.wait(cfg.watchdog_interval_s):
            now = time.monotonic()
            detected: tuple[float, str] | None = None
            with self._lock:
                stream = self._stream
                running = self._state is RecorderState.RECORDING
                in_gap = self._gap_cause is not None
                silent_for = now - self._last_block_at
            if running and not in_gap and silent_for > cfg.gap_after_s:
                detected = self._begin_gap(f"no audio for {silent_for:.1f} s", now)
                next_reopen = now  # try at once: a quick reconnect keeps the gap short
            if detected is not None:
                offset, cause = detected
                self._emit(GapDetected(offset, cause))
                message = "audio input lost: reconnecting (the timeline keeps running)"
                self._emit(Alarm("device_lost", message, offset))
            if running and (in_gap or detected) and now >= next_reopen:
                next_reopen = now + cfg.reopen_interval_s
                if now - self._stream_opened_at > cfg.gap_after_s or stream is None:
                    self._reopen(stream)

    def _begin_gap(self, cause: str, now: float) -> tuple[float, str] | None:
        with self._lock:
            if self._gap_cause is not None or self._state is not RecorderState.RECORDING:
                return None
            self._gap_cause = cause
            # The audio stopped when the last block arrived: count the gap from there so the
            # clock does not jump back or forward.
            self._gap_since = None if self._paused else self._last_block_at
            self._gap_accum = 0.0
            self._gap_offset = self.timeline_start + self._frames / self.config.samplerate
            return self._gap_offset, cause

    def _reopen(self, old: InputStreamLike | None) -> None:
        """Replace the stream with a new one on the same device; blocks end the gap."""
        cfg = self.config
        with self._lock:
            self._generation += 1
            generation = self._generation
            self._stream = None
        if old is not None and not close_stream(old, cfg.stream_close_timeout_s):
            self._stream_abandoned = True
        try:
            stream = self._open_stream(
                self.device,
                cfg.samplerate,
                cfg.blocksize,
                cfg.channels,
                self._callback(generation),
            )
            stream.start()
        except Exception as error:  # keep trying; the alarm is already up
            log.warning("reopening the input device failed: %s", error)
            # PortAudio lists devices once at init: re-enumerate so a restarted sound server
            # is found. Unsafe while an abandoned stream may still be inside PortAudio.
            if not self._stream_abandoned:
                reinitialize_portaudio(cfg.stream_close_timeout_s)
            return
        with self._lock:
            if self._state is RecorderState.STOPPED or generation != self._generation:
                late = True
            else:
                late = False
                self._stream = stream
                self._stream_opened_at = time.monotonic()
        if late:
            close_stream(stream, cfg.stream_close_timeout_s)
        else:
            log.info("input stream reopened (generation %d)", generation)
