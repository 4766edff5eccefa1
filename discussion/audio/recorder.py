"""The headless recorder: one segment file, a sample-count clock, and alarms for what goes wrong.

Threads:
- PortAudio's callback only copies each block (with its overflow flag and arrival time) onto a
  deque: no lock, and no thread is woken per block.
- Whoever reads the clock (a note, the watchdog, the writer) first puts every block received so
  far on it (`_accept_locked`), so the clock is current to the block without waking the writer.
- The writer thread wakes every `writer_interval_s` and hands the accepted blocks to its
  `BlockSink` (sink.py: batched writes, gap padding, levels, silence, fsync, write-error
  retries). It is the only thread touching the file.
- The watchdog thread notices audio that stops arriving (daemon killed, device unplugged, CPU
  starved: PortAudio sets no flag for these) and reopens the device until blocks flow again.

The clock is the count of frames, never the wall clock (sound cards drift ~25 ppm from it):
    offset = timeline_start + (frames accounted + frames of the running gap) / rate
where the running gap is measured on the monotonic clock only while no audio arrives, and is
written as silence when audio returns, so file position == timeline offset. Read between two
blocks, `offset_seconds` adds the time since the newest block arrived, at most one block: the
frames of the block being captured (without it a note is stamped up to 32 ms early); each block
resets that part, so the frame count stays the clock.

No thread dies silently: an exception escaping either loop ends the run with an `Alarm`
("recorder_failed") and a `Failed` event; the file is still closed properly and `stop()` reports
the run unclean. The caller (LiveSession) then continues in a new segment.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from discussion.audio.config import RecorderConfig, RecorderState
from discussion.audio.errors import AudioUnavailable, describe_portaudio_error
from discussion.audio.events import (
    Alarm,
    Failed,
    GapDetected,
    GapInfo,
    Paused,
    RecorderEvent,
    Resumed,
    Started,
    Stopped,
    StopSummary,
)
from discussion.audio.segment import SegmentWriter
from discussion.audio.sink import BlockSink
from discussion.audio.stream import (
    AudioCallback,
    InputStreamLike,
    StreamFactory,
    close_stream,
    open_input_stream,
    reinitialize_portaudio,
)

__all__ = ["Recorder", "RecorderConfig", "RecorderState"]

log = logging.getLogger(__name__)


FIRST_BLOCK_POLL_S = 0.005  # how often the writer looks for the first block (then it sleeps)
FIRST_BLOCK_POLL_FOR_S = 15.0  # for at most this long (callers give up on a silent device sooner)

_Item = tuple[int, bytes, bool, float]  # (stream generation, int16 block, overflow, arrival)
# (block, overflow, paused, the gap it ended and the offset after it, Started offset, arrival)
_Accepted = tuple[bytes, bool, bool, tuple[GapInfo, float] | None, float | None, float]


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
        self._frame_bytes = 2 * self.config.channels
        self._received: deque[_Item] = deque()  # appended by the callback only
        self._accepted: list[_Accepted] = []  # on the clock, for the writer (under _lock)
        self._lock = threading.Lock()  # guards the clock and state below
        self._emit_lock = threading.Lock()
        self._recording = threading.Event()
        self._finish = threading.Event()
        self._state = RecorderState.IDLE
        self._stream: InputStreamLike | None = None
        self._generation = 0
        self._frames = 0  # timeline frames of this segment: on disk + owed after write errors
        self._last_block_at = 0.0
        self._last_block_s = 0.0  # the newest block's duration: the most `_within_block` adds
        self._stream_opened_at = 0.0
        self._paused = False
        self._gap_cause: str | None = None
        self._gap_offset = 0.0
        self._gap_accum = 0.0  # seconds of gap before the current running stretch
        self._gap_since: float | None = None  # monotonic start of the running stretch
        self._gaps: list[GapInfo] = []
        self._stream_abandoned = False
        self._writer: SegmentWriter | None = None
        self._sink: BlockSink | None = None
        self._threads: list[threading.Thread] = []
        self._summary: StopSummary | None = None
        self._failure: str | None = None  # why a recorder thread died

    # ----------------------------------------------------------------- public API
    @property
    def state(self) -> RecorderState:
        """The current state (IDLE → WAITING → RECORDING ⇄ PAUSED/DEVICE_LOST → STOPPED)."""
        with self._lock:
            if self._failure is not None and self._state is not RecorderState.STOPPED:
                return RecorderState.FAILED
            if self._state in (RecorderState.RECORDING, RecorderState.PAUSED):
                if self._gap_cause is not None:
                    return RecorderState.DEVICE_LOST
                return RecorderState.PAUSED if self._paused else RecorderState.RECORDING
            return self._state

    def offset_seconds(self) -> float:
        """Now on the session timeline, by the sample clock (see the module docstring), to
        within the block being captured: the frames received, plus how far the next block has
        come since the newest one arrived (at most one block, so never past the next block)."""
        with self._lock:
            self._accept_locked()
            now = time.monotonic()
            return self._offset_locked(now) + self._within_block_locked(now)

    def _block_offset(self) -> float:
        """The clock in whole blocks: where the sink's findings (silence, levels) are placed."""
        with self._lock:
            self._accept_locked()
            return self._offset_locked(time.monotonic())

    def _within_block_locked(self, now: float) -> float:
        # Counting whole blocks alone stamps a note up to a block (32 ms) early, 16 ms on
        # average, on top of the capture latency. Between blocks the frames still being
        # captured are the time since the newest block arrived, capped at one block: the
        # sample count stays the clock (each block resets this part), so no drift builds up.
        if self._state is not RecorderState.RECORDING or self._paused or self._gap_cause:
            return 0.0
        return min(max(0.0, now - self._last_block_at), self._last_block_s)

    def start(self) -> None:
        """Create the segment file, open and start the stream; returns at once (state WAITING).

        Recording is confirmed by the first block (`Started`, `wait_until_recording`).
        Raises `AudioUnavailable` with the fix for any device error, `OSError` for the file;
        nothing is left behind then (no file, no thread, no stream; state IDLE again).
        """
        with self._lock:
            if self._state is not RecorderState.IDLE:
                raise RuntimeError(f"recorder already {self._state.value}")
            self._state = RecorderState.WAITING
        cfg = self.config
        stream: InputStreamLike | None = None
        try:
            self._writer = SegmentWriter(self.path, cfg.samplerate, cfg.channels)
            try:
                stream = self._open_stream(
                    self.device, cfg.samplerate, cfg.blocksize, cfg.channels, self._callback(0)
                )
                stream.start()
            except AudioUnavailable:
                raise
            except Exception as error:  # PortAudioError is neither OSError nor a UserError
                raise describe_portaudio_error(error, self.device) from error
        except BaseException:
            if stream is not None:
                close_stream(stream, cfg.stream_close_timeout_s)
            if self._writer is not None:
                self._writer.close()
                self._writer = None
                self.path.unlink(missing_ok=True)
            self._received.clear()  # drop blocks the failed stream delivered
            with self._lock:
                self._state = RecorderState.IDLE
            raise
        # Threads start only once the stream runs: a failed start leaves none behind. Blocks
        # that arrived meanwhile wait in the queue and keep their place on the clock.
        with self._lock:
            self._stream = stream
            self._stream_opened_at = self._last_block_at = time.monotonic()
        self._threads = [
            threading.Thread(target=self._guard, args=(loop, what), name=name, daemon=True)
            for loop, what, name in (
                (self._write_loop, "audio writer", "recorder-writer"),
                (self._watch_loop, "audio watchdog", "recorder-watchdog"),
            )
        ]
        for thread in self._threads:
            thread.start()

    def wait_until_recording(self, timeout: float) -> bool:
        """Block until the first audio block arrived and `Started` was delivered; False on
        timeout. (The writer looks for that block every few ms, so this is not a writer
        interval late, and evidence logged after it follows `Started` on the log.)"""
        return self._recording.wait(timeout)

    def pause(self) -> None:
        """Stop writing and stop the clock (the stream keeps running so loss is still noticed)."""
        with self._lock:
            self._accept_locked()  # blocks received before the pause are recorded
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
            self._accept_locked()  # blocks received during the pause are dropped
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
        for thread in self._threads:
            thread.join(max(0.1, deadline - time.monotonic()))
            if thread.is_alive():
                log.error("%s did not finish before the stop timeout", thread.name)
                clean = False
        writer, sink = self._writer, self._sink
        with self._lock:
            frames = self._frames
            if self._failure is not None and writer is not None:
                frames = writer.timeline_frames  # a dead writer may not have written its batch
            rate = self.config.samplerate
            summary = StopSummary(
                path=self.path,
                frames=frames,
                seconds=frames / rate,
                start_offset=self.timeline_start,
                end_offset=self.timeline_start + frames / rate,
                gaps=tuple(self._gaps),
                write_errors=sink.write_errors if sink is not None else 0,
                unwritten_frames=writer.owed_frames if writer is not None else 0,
                clean=clean and self._failure is None,
                failure=self._failure,
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
        # Whole blocks: the frames received (events, pause and gap offsets); a note's clock,
        # `offset_seconds`, adds the part of the next block captured so far.
        offset = self.timeline_start + self._frames / self.config.samplerate
        if self._gap_cause is not None:
            offset += self._gap_elapsed(now)
        return offset

    # ----------------------------------------------------------------- audio callback
    def _callback(self, generation: int) -> AudioCallback:
        append, monotonic = self._received.append, time.monotonic

        def callback(indata: Any, frames: int, time_info: Any, status: Any) -> None:
            # Real-time thread: copy and append, nothing else (no locks, no I/O, no events).
            # bytes() copies a raw buffer or a numpy block alike.
            append((generation, bytes(indata), bool(status.input_overflow), monotonic()))

        return callback

    def _accept_locked(self) -> None:
        """Put every block received so far on the clock (any thread, holding `_lock`).

        Blocks received before stop() are still written; a replaced stream's are not. Gaps end
        at the block's arrival, whenever it is accepted.
        """
        received = self._received
        while received:
            generation, block, overflow, arrived = received.popleft()
            if generation != self._generation:
                continue
            self._last_block_at = arrived
            first: float | None = None
            if self._state is RecorderState.WAITING:
                self._state = RecorderState.RECORDING
                first = self._offset_locked(arrived)
            pad = None
            if self._gap_cause is not None:
                pad = self._end_gap_locked(self._audio_began_locked(generation, block, arrived))
            if not self._paused:
                self._frames += len(block) // self._frame_bytes
            self._last_block_s = len(block) / self._frame_bytes / self.config.samplerate
            self._accepted.append((block, overflow, self._paused, pad, first, arrived))

    def _audio_began_locked(self, generation: int, block: bytes, arrived: float) -> float:
        """When the sound in `block`, the first after a gap, began: its arrival less its length,
        or earlier when the blocks queued behind it came at once (a reopened stream delivers
        what it buffered in a burst). Ending the gap at the arrival counted that audio twice,
        as gap and as frames: the timeline ran ahead by about 0.15 s after each reconnect."""
        rate = self.config.samplerate
        frames = len(block) // self._frame_bytes
        began = arrived - frames / rate
        for later_generation, later, _overflow, later_arrived in self._received:
            if later_generation != generation:
                continue
            frames += len(later) // self._frame_bytes
            began = min(began, later_arrived - frames / rate)
        return began

    # ----------------------------------------------------------------- events
    def _emit(self, event: RecorderEvent) -> None:
        if self._on_event is None:
            return
        with self._emit_lock:
            try:
                self._on_event(event)
            except Exception:  # a listener's bug must not stop the recording
                log.exception("recorder event listener failed on %r", event)

    # ----------------------------------------------------------------- thread deaths
    def _guard(self, loop: Callable[[], None], name: str) -> None:
        """A recorder thread's body; an exception escaping it ends the run with an alarm."""
        try:
            loop()
        except BaseException as error:  # last resort: no recorder thread dies silently
            log.exception("the %s stopped", name)
            self._fail(f"the {name} stopped ({type(error).__name__}: {error})")

    def _fail(self, message: str) -> None:
        """Report the death once (`Alarm` + `Failed`) and wind the other thread down."""
        with self._lock:
            if self._failure is not None:
                return
            self._failure = message
            offset = self._offset_locked(time.monotonic())
            stopping = self._state is RecorderState.STOPPED
        if not stopping:
            text = f"recording interrupted: {message}; continuing in a new segment"
            self._emit(Alarm("recorder_failed", text, offset))
            self._emit(Failed(offset, message))
        self._finish.set()

    # ----------------------------------------------------------------- writer thread
    def _write_loop(self) -> None:
        writer = self._writer
        assert writer is not None
        cfg = self.config
        sink = self._sink = BlockSink(writer, cfg, self._emit, self._block_offset)
        try:
            finishing = False
            poll_until = time.monotonic() + FIRST_BLOCK_POLL_FOR_S
            while not finishing:
                # A plain sleep costs less than Event.wait; stop() waits at most one interval.
                # Until the first block it wakes often: the start is confirmed within 5 ms
                # (for the first seconds only: a device that sends nothing is given up anyway).
                waiting = not self._recording.is_set() and time.monotonic() < poll_until
                time.sleep(FIRST_BLOCK_POLL_S if waiting else cfg.writer_interval_s)
                finishing = self._finish.is_set()
                with self._lock:
                    self._accept_locked()
                    accepted, self._accepted = self._accepted, []
                for data, overflow, paused, gap_end, first, arrived in accepted:
                    if first is not None:
                        self._emit(Started(first))
                        self._recording.set()  # after Started: the caller logs behind it
                    if gap_end is not None:
                        sink.gap_ended(*gap_end)
                    block = np.frombuffer(data, np.int16).reshape(-1, cfg.channels)
                    sink.block(block, overflow, paused, arrived)
                sink.tick(time.monotonic())
        finally:  # the file is closed properly however the loop ended
            with self._lock:
                ended = self._end_gap_locked(time.monotonic())
            sink.finish(ended)

    def _end_gap_locked(self, now: float) -> tuple[GapInfo, float] | None:
        """Close a running gap: account its frames; returns it and the offset after it."""
        if self._gap_cause is None:
            return None
        cfg = self.config
        duration = max(0.0, self._gap_elapsed(now))
        frames = round(duration * cfg.samplerate)
        gap = GapInfo(self._gap_offset, frames / cfg.samplerate, self._gap_cause)
        self._gaps.append(gap)
        self._frames += frames
        self._gap_cause, self._gap_since, self._gap_accum = None, None, 0.0
        return gap, self._offset_locked(now)

    # ----------------------------------------------------------------- watchdog thread
    def _watch_loop(self) -> None:
        cfg = self.config
        next_reopen = 0.0
        while not self._finish.wait(cfg.watchdog_interval_s):
            now = time.monotonic()
            detected: tuple[float, str] | None = None
            with self._lock:
                self._accept_locked()
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
            self._accept_locked()
            arrived = now - self._last_block_at <= self.config.gap_after_s  # a block after all
            if arrived or self._gap_cause is not None or self._state is not RecorderState.RECORDING:
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
            callback = self._callback(generation)
            stream = self._open_stream(
                self.device, cfg.samplerate, cfg.blocksize, cfg.channels, callback
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
            late = self._state is RecorderState.STOPPED or generation != self._generation
            if not late:
                self._stream, self._stream_opened_at = stream, time.monotonic()
        if late:
            close_stream(stream, cfg.stream_close_timeout_s)
        else:
            log.info("input stream reopened (generation %d)", generation)
