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
(`_wait_for_players`), so a program that leaves right after stopping its player still ends.
"""

from __future__ import annotations

import atexit
import collections
import logging
import select
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from discussion.playback.output import NoSound, OutputFactory, OutputStreamLike, open_output_stream
from discussion.playback.stretch import SoxStretch, StretchUnavailable
from discussion.playback.timeline import AudioTimeline, Int16Array

log = logging.getLogger(__name__)

SPEEDS = (0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
RESUME_REWIND_S = 2.0
DEFAULT_PREROLL_S = 5.0
AHEAD_S = 0.25  # audio read ahead of the callback
READ_S = 0.05  # one read from the timeline
STALL_S = 2.0  # the output took no frame for this long while playing: alarm
REPORT_EVERY_S = 0.1
BLOCKSIZE = 320  # 20 ms at 16 kHz
CLOSE_S = 2.0  # closing the output may hang on a dead sound server: abandoned after this
EXIT_WAIT_S = 3.0  # at the interpreter's exit, how long the playback threads get to close

# Playback threads not yet ended. At exit they must finish closing their output before
# PortAudio's own exit handler (sounddevice's Pa_Terminate) runs: Pa_Terminate closing a stream
# that another thread is stopping joins its callback thread twice and never returns.
_running: set[threading.Thread] = set()
_running_lock = threading.Lock()
_exit_hook = False


def _wait_for_players() -> None:
    """At exit: give every playback thread up to EXIT_WAIT_S (in all) to close its output."""
    deadline = time.monotonic() + EXIT_WAIT_S
    with _running_lock:
        threads = list(_running)
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            log.error("at exit, a playback thread was still closing its output")


def _hook_exit() -> None:
    """Register `_wait_for_players` at exit once sounddevice is imported: handlers run last
    registered first, so it then runs before sounddevice's own."""
    global _exit_hook
    with _running_lock:
        if _exit_hook or "sounddevice" not in sys.modules:
            return
        _exit_hook = True
    atexit.register(_wait_for_players)


@dataclass(frozen=True, slots=True)
class PlaybackStatus:
    """What the player is doing, as the UI shows it."""

    position_s: float
    duration_s: float
    playing: bool
    speed: float
    loop: tuple[float, float] | None
    loop_start: float | None  # A set, B not yet
    sound: bool  # an output device is playing the audio
    reason: str | None  # why there is no sound
    ended: bool  # played to the end of the recording
    frames_written: int
    latency_s: float


@dataclass(frozen=True, slots=True)
class PlayerAlarm:
    """Something went wrong with playback; `message` says what and what to do."""

    message: str


Report = PlaybackStatus | PlayerAlarm


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
        with _running_lock:
            _running.add(self._thread)
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
            )

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
    def _callback(self, outdata: Any, frames: int, _time: Any, _status: Any) -> None:
        try:
            out = outdata[:, 0]
            filled = 0
            with self._lock:
                if self._playing:
                    chunks = self._chunks
                    while filled < frames and chunks:
                        chunk = chunks[0]
                        if chunk.generation != self.generation:
                            chunks.popleft()
                            continue
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
            with _running_lock:
                _running.discard(threading.current_thread())

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
            _hook_exit()
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
        self._stop_stretch()
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
        self._feed_generation = -1
        self._feed_frame = 0  # next timeline frame to read
        self._feed_done = False
        self._stretch: SoxStretch | None = None
        self._stretch_start = 0  # timeline frame the stretch started at
        self._stretch_in = 0  # timeline frame of the next input to sox
        self._stretch_out = 0  # output frames sox produced
        self._stretch_speed = 1.0
        last_report = 0.0
        last_frames, last_progress = -1, time.monotonic()
        stalled = False
        while not self._stop.is_set():
            with self._lock:
                generation, playing = self.generation, self._playing
                speed, loop = self._speed, self._loop
                start = int(self._position)
                frames_written = self._frames_written
            if generation != self._feed_generation:
                self._stop_stretch()
                self._feed_generation, self._feed_frame, self._feed_done = generation, start, False
                if playing:
                    self._flush_output()
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
            self._fill(generation, speed, loop)
            if now - last_report >= REPORT_EVERY_S:
                last_report = now
                self._check_end()
                self._report()
            self._wake.wait(0.01)
            self._wake.clear()

    def _flush_output(self) -> None:
        """Drop what the output still holds of the old position (abort discards, start goes
        on), so a seek is heard at once although the output keeps a safe buffer."""
        stream = self._stream
        if stream is None:
            return
        # Queue what the restart's first buffers take (the output is primed from the queue),
        # so nothing but the new place is heard and the callback is not left short.
        speed = self.speed
        for _ in range(round(AHEAD_S / READ_S) if speed == 1.0 else 1):  # sox: as it comes
            self._fill(self._feed_generation, speed, self._loop)
        try:
            stream.abort()
            stream.start()
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

    def _check_end(self) -> None:
        with self._lock:
            if self._feed_done and self._playing and not self._queued(self.generation):
                self._playing = False
                self._ended = True

    def _limit(self, loop: tuple[int, int] | None) -> int:
        """Where reading stops: B of the loop, or the end of the timeline."""
        return loop[1] if loop is not None else self.timeline.end_frame

    def _fill(self, generation: int, speed: float, loop: tuple[int, int] | None) -> None:
        with self._lock:
            queued = self._queued(generation)
        if queued >= AHEAD_S * self.rate or self._feed_done:
            return
        if speed == 1.0:
            self._fill_direct(generation, loop)
        else:
            self._fill_stretched(generation, speed, loop)

    def _fill_direct(self, generation: int, loop: tuple[int, int] | None) -> None:
        limit = self._limit(loop)
        frame = self._feed_frame
        if frame >= limit:
            if loop is not None:
                self._feed_frame = loop[0]
                return
            self._feed_done = True
            return
        count = min(int(READ_S * self.rate), limit - frame)
        self._push(generation, self.timeline.read(frame, count), float(frame), 1.0)
        self._feed_frame = frame + count

    def _fill_stretched(self, generation: int, speed: float, loop: tuple[int, int] | None) -> None:
        limit = self._limit(loop)
        if self._stretch is None:
            try:
                self._stretch = SoxStretch(speed, self.rate)
            except StretchUnavailable as error:
                self._emit(PlayerAlarm(f"{error}; playing at 1×."))
                with self._lock:
                    self._speed = 1.0
                return
            self._stretch_start = self._stretch_in = self._feed_frame
            self._stretch_out, self._stretch_speed = 0, speed
        stretch = self._stretch
        # Keep sox's input about half a second ahead of what it gave back.
        consumed = self._stretch_start + self._stretch_out * self._stretch_speed
        if (
            not stretch.finishing
            and stretch.pending_bytes == 0
            and self._stretch_in - consumed < 0.5 * self.rate
        ):
            count = min(int(READ_S * self.rate), limit - self._stretch_in)
            if count > 0:
                stretch.feed(self.timeline.read(self._stretch_in, count))
                self._stretch_in += count
            if self._stretch_in >= limit:
                stretch.finish()
        elif stretch.finishing:
            pass
        else:
            stretch.feed()
            if self._stretch_in >= limit:
                stretch.finish()
        select.select([stretch.fileno()], [], [], 0.005)
        data = stretch.read()
        start = self._stretch_start + self._stretch_out * self._stretch_speed
        self._push(generation, data, start, self._stretch_speed)
        self._stretch_out += len(data)
        if stretch.eof:
            self._stop_stretch()
            if loop is not None:
                self._feed_frame = loop[0]
            else:
                self._feed_done = True

    def _stop_stretch(self) -> None:
        stretch = getattr(self, "_stretch", None)
        if stretch is not None:
            stretch.close()
        self._stretch = None
