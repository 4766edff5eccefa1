"""The review's player: the session timeline through a sounddevice OutputStream.

Threads (both owned here, started by `start()` and ended by `stop()`):
- PortAudio's callback copies queued chunks into the output and counts the frames written;
  the position is the timeline frame of the next frame it hands to the device (the output's
  sample clock, never the wall clock).
- The `playback` thread opens the stream, reads the timeline ahead of the callback (at 1×
  directly; at other speeds through sox `tempo -s`, see stretch.py), wraps the A–B loop,
  watches that the output keeps taking frames, and reports to the UI through `on_status`.

Commands (`play_from`, `seek`, `toggle`, ...) come from the UI thread and never block: they
change a few fields under a lock and bump `generation`, so chunks read for the old position
are dropped by the callback and the thread reads from the new one. A failure of the thread or
the output is reported (`PlayerAlarm`), never silent. `stop(wait=False)` returns at once; at
the interpreter's exit the playback threads are given time to close their output first
(exit_wait.py), so a program that leaves right after stopping its player still ends. A move
(`play_from`, `seek`, ...) while playing restarts the output from the new place; its stages are
timed in `last_seek` (status.py), for the benchmark.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from discussion.playback import exit_wait
from discussion.playback.feed import Feed
from discussion.playback.output import NoSound, OutputFactory, OutputStreamLike, open_output_stream
from discussion.playback.status import PlaybackStatus, PlayerAlarm, Report, SeekStages
from discussion.playback.timeline import AudioTimeline, Int16Array

log = logging.getLogger(__name__)

SPEEDS = (0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
RESUME_REWIND_S = 2.0
DEFAULT_PREROLL_S = 5.0
STALL_S = 2.0  # the output took no frame for this long while playing: alarm
REPORT_EVERY_S = 0.1
BLOCKSIZE = 320  # 20 ms at 16 kHz
CLOSE_S = 2.0  # closing the output may hang on a dead sound server: abandoned after this


class _Chunk:
    """Samples for the output, mapped to the timeline: output frame k is timeline frame
    `start + k * step` (step = the speed)."""

    __slots__ = ("data", "generation", "start", "step", "used")

    def __init__(self, generation: int, data: Int16Array, start: float, step: float) -> None:
        self.generation = generation
        self.data = data
        self.start = start
        self.step = step
        self.used = 0


class Player:
    """Plays an `AudioTimeline`; `on_status` gets `PlaybackStatus` and `PlayerAlarm` reports
    (from the playback thread and from the caller's thread: it must only post a message)."""

    def __init__(
        self,
        timeline: AudioTimeline,
        on_status: Callable[[Report], None],
        *,
        preroll_s: float = DEFAULT_PREROLL_S,
        open_stream: OutputFactory | None = None,
    ) -> None:
        self.timeline = timeline
        self.rate = timeline.samplerate
        self.preroll_s = preroll_s
        self._on_status = on_status
        self._open_stream = open_stream or open_output_stream
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._stream: OutputStreamLike | None = None
        self._chunks: collections.deque[_Chunk] = collections.deque()
        # Shared with the callback (under the lock).
        self.generation = 0
        self._position = 0.0  # timeline frame
        self._playing = False
        self._speed = 1.0
        self._loop: tuple[int, int] | None = None
        self._loop_start: int | None = None
        self._frames_written = 0
        self._ended = False
        self._callback_error: BaseException | None = None
        self._underflows = 0
        self._stages = SeekStages(asked=time.perf_counter())
        self._feed = Feed(timeline, self._push, self._no_stretch)  # the playback thread's
        # Set by the playback thread.
        self.reason: str | None = None  # why there is no sound (None: sound, or not known yet)
        self._sound = False
        self.ready = threading.Event()  # the output was opened, or found missing

    # ------------------------------------------------------------------ life
    def start(self) -> None:
        """Start the playback thread (it opens the output; nothing plays yet)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="playback", daemon=True)
        exit_wait.track(self._thread)
        self._thread.start()

    def stop(self, timeout: float = 3.0, *, wait: bool = True) -> None:
        """Stop playing, end the thread, close the output and the files.

        `wait=False` (the UI thread): only ask; the thread closes the output itself.
        """
        self._stop.set()
        self._wake.set()
        if self._thread is not None and wait:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.error("the playback thread did not end within %.1f s", timeout)
        self._thread = None

    # ------------------------------------------------------------------ commands (UI thread)
    @property
    def position_s(self) -> float:
        """Where playback is on the timeline, in seconds."""
        with self._lock:
            return self._position / self.rate

    @property
    def playing(self) -> bool:
        """True while playing (not paused)."""
        with self._lock:
            return self._playing

    @property
    def speed(self) -> float:
        """The playback speed (1.0 = as recorded)."""
        with self._lock:
            return self._speed

    def _restart_at(self, frame: float) -> None:
        """Under the lock: continue from timeline `frame` (old queued audio is dropped)."""
        self._stages = SeekStages(asked=time.perf_counter())
        self.generation += 1
        self._position = float(min(max(0.0, frame), self.timeline.end_frame))
        self._ended = False
        self._chunks.clear()
        self._wake.set()

    def seek(self, seconds: float) -> None:
        """Go to `seconds` on the timeline (playing or not)."""
        with self._lock:
            self._restart_at(seconds * self.rate)
        self._report()

    def play_from(self, seconds: float, preroll_s: float | None = None) -> None:
        """Play from `seconds` minus the pre-roll (the moment before the note)."""
        back = self.preroll_s if preroll_s is None else preroll_s
        with self._lock:
            self._restart_at((seconds - back) * self.rate)
            self._playing = self._sound or self.reason is None
        self._report()

    def toggle(self) -> None:
        """Pause, or resume from 2 s before where it paused (at the end: from the start)."""
        with self._lock:
            if self._playing:
                self._playing = False
            else:
                at = 0.0 if self._ended else self._position - RESUME_REWIND_S * self.rate
                self._restart_at(at)
                self._playing = self._sound or self.reason is None
        self._report()

    def skip(self, seconds: float) -> None:
        """Move by `seconds` (negative: back), keeping on playing if it was."""
        with self._lock:
            self._restart_at(self._position + seconds * self.rate)
        self._report()

    def set_speed(self, speed: float) -> None:
        """Play at `speed` (0.75 to 2) from where it is now, same pitch."""
        speed = min(max(speed, SPEEDS[0]), SPEEDS[-1])
        with self._lock:
            self._speed = speed
            self._restart_at(self._position)
        self._report()

    def step_speed(self, steps: int) -> float:
        """One speed step up (+1) or down (-1) in SPEEDS; returns the new speed."""
        current = self.speed
        index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - current))
        speed = SPEEDS[min(max(index + steps, 0), len(SPEEDS) - 1)]
        self.set_speed(speed)
        return speed

    def mark_a(self) -> None:
        """Set the loop's start (A) here; any loop is cleared until B is set."""
        with self._lock:
            self._loop_start = int(self._position)
            self._loop = None
        self._report()

    def mark_b(self) -> bool:
        """Set B here and loop A–B (playing from A); if already looping, stop looping.

        Returns False when there is no A before here.
        """
        with self._lock:
            if self._loop is not None:
                self._loop = None
                self._loop_start = None
                result = True
            elif self._loop_start is None or int(self._position) <= self._loop_start:
                result = False
            else:
                self._loop = (self._loop_start, int(self._position))
                self._loop_start = None
                self._restart_at(self._loop[0])
                self._playing = self._sound or self.reason is None
                result = True
        self._report()
        return result

    def status(self) -> PlaybackStatus:
        """The player's state now."""
        with self._lock:
            loop = self._loop
            return PlaybackStatus(
                position_s=self._position / self.rate,
                duration_s=self.timeline.duration_s,
                playing=self._playing,
                speed=self._speed,
                loop=None if loop is None else (loop[0] / self.rate, loop[1] / self.rate),
                loop_start=None if self._loop_start is None else self._loop_start / self.rate,
                sound=self._sound,
                reason=self.reason,
                ended=self._ended,
                frames_written=self._frames_written,
                latency_s=self._latency(),
                underflows=self._underflows,
            )

    @property
    def last_seek(self) -> SeekStages:
        """The stages of the last move so far (for the benchmark: see SeekStages)."""
        with self._lock:
            return self._stages

    def _latency(self) -> float:
        stream = self._stream
        if stream is None:
            return 0.0
        try:
            return float(stream.latency)
        except Exception:  # a fake or a closed stream
            return 0.0

    def _report(self) -> None:
        self._emit(self.status())

    def _emit(self, report: Report) -> None:
        try:
            self._on_status(report)
        except Exception:  # the UI going away must not kill the playback thread
            log.exception("the playback listener failed")

    # ------------------------------------------------------------------ PortAudio's thread
    def _callback(self, outdata: Any, frames: int, _time: Any, status: Any) -> None:
        try:
            out = outdata[:, 0]
            filled = 0
            with self._lock:
                if status and status.output_underflow:  # PortAudio had to wait for this one
                    self._underflows += 1
                if self._playing:
                    chunks = self._chunks
                    while filled < frames and chunks:
                        chunk = chunks[0]
                        if chunk.generation != self.generation:
                            chunks.popleft()
                            continue
                        if not filled and self._stages.first_frame is None:
                            self._stages.first_frame = time.perf_counter()
                        take = min(frames - filled, len(chunk.data) - chunk.used)
                        out[filled : filled + take] = chunk.data[chunk.used : chunk.used + take]
                        chunk.used += take
                        filled += take
                        self._position = chunk.start + chunk.used * chunk.step
                        if chunk.used >= len(chunk.data):
                            chunks.popleft()
                self._frames_written += frames
            out[filled:] = 0
        except BaseException as error:  # noticed by the playback thread's watchdog
            self._callback_error = error
            raise

    # ------------------------------------------------------------------ the playback thread
    def _run(self) -> None:
        try:
            self._open()
            self._loop_forever()
        except Exception as error:
            log.exception("the playback thread failed")
            with self._lock:
                self._playing = False
            self.reason = f"playback stopped: {type(error).__name__}: {error}"
            self._emit(PlayerAlarm(f"Playback stopped ({type(error).__name__}: {error})."))
            self._report()
        finally:
            self._close()
            self.ready.set()
            exit_wait.untrack(threading.current_thread())

    def _open(self) -> None:
        if not self.timeline.has_audio:
            self.reason = "this record has no audio to play" + (
                f" ({'; '.join(self.timeline.problems)})" if self.timeline.problems else ""
            )
            self.ready.set()
            self._report()
            return
        try:
            stream = self._open_stream(self.rate, BLOCKSIZE, self._callback)
            exit_wait.hook_exit()
            stream.start()
        except NoSound as error:
            self.reason = str(error)
        except Exception as error:  # PortAudio errors that are not mapped: still a reason
            self.reason = f"cannot start the sound output ({type(error).__name__}: {error})"
        else:
            self._stream = stream
            self._sound = True
        if self.reason is not None:
            with self._lock:
                self._playing = False
        self.ready.set()
        self._report()

    def _close(self) -> None:
        self._feed.stop_stretch()
        stream, self._stream = self._stream, None
        if stream is not None:
            from discussion.audio.stream import call_with_timeout

            def abort_and_close() -> None:
                # abort, not stop: nothing left in the buffer needs to be heard, and stop's
                # drain held the close (and so the app's exit) for up to a second.
                stream.abort()
                stream.close()

            call_with_timeout(abort_and_close, CLOSE_S, "output-close")
        self.timeline.close()

    def _loop_forever(self) -> None:
        feed = self._feed
        last_report = 0.0
        last_frames, last_progress = -1, time.monotonic()
        stalled = False
        while not self._stop.is_set():
            with self._lock:
                generation, playing = self.generation, self._playing
                speed, loop = self._speed, self._loop
                start = int(self._position)
                frames_written = self._frames_written
                stages = self._stages
            if generation != feed.generation:
                stages.taken = time.perf_counter()
                feed.restart(generation, start)
                if playing:
                    self._restart_output(stages, speed, loop)
            now = time.monotonic()
            if not playing or not self._sound:
                last_progress = now
                self._wake.wait(0.1)
                self._wake.clear()
                continue
            # Watchdog: a dead sound server stops the callbacks without any error.
            if frames_written != last_frames:
                last_frames, last_progress, stalled = frames_written, now, False
            elif now - last_progress > STALL_S and not stalled:
                stalled = True
                why = f" ({self._callback_error})" if self._callback_error else ""
                self._emit(
                    PlayerAlarm(
                        f"No sound is reaching the output device{why}: the sound server may "
                        "have stopped. Close the review and open it again once it is back."
                    )
                )
            with self._lock:
                queued = self._queued(generation)
            feed.fill(queued, speed, loop)
            if now - last_report >= REPORT_EVERY_S:
                last_report = now
                self._check_end()
                self._report()
            self._wake.wait(0.01)
            self._wake.clear()

    def _restart_output(
        self, stages: SeekStages, speed: float, loop: tuple[int, int] | None
    ) -> None:
        """Move the output to the new place at once: drop what it still holds of the old one
        (abort), queue the start of the new one, then start again, so the first buffers the
        restarted output asks for are the new place, all of it (no frame of it is lost to the
        old output, and the restart is not left short into a gap)."""
        stream = self._stream
        if stream is None:
            return
        try:
            stream.abort()
            stages.stopped = time.perf_counter()
            self._feed.prime(speed, loop)
            stages.queued = time.perf_counter()
            stream.start()
            stages.started = time.perf_counter()
        except Exception as error:  # a stream that cannot restart: said, never silent
            log.warning("restarting the output after a seek failed: %s", error)
            self._emit(PlayerAlarm(f"The sound output did not restart after moving ({error})."))

    def _queued(self, generation: int) -> int:
        """Output frames queued for the callback (under the lock)."""
        return sum(len(c.data) - c.used for c in self._chunks if c.generation == generation)

    def _push(self, generation: int, data: Int16Array, start: float, step: float) -> None:
        if not len(data):
            return
        with self._lock:
            if generation == self.generation:
                self._chunks.append(_Chunk(generation, data, start, step))

    def _no_stretch(self, message: str) -> None:
        """sox cannot stretch: said once, and playing on at 1×."""
        self._emit(PlayerAlarm(message))
        with self._lock:
            self._speed = 1.0

    def _check_end(self) -> None:
        with self._lock:
            if self._feed.done and self._playing and not self._queued(self.generation):
                self._playing = False
                self._ended = True
