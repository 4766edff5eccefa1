"""Reading the timeline ahead of the output callback, at 1× or through sox (other speeds).

Owned by the playback thread alone. Each read is queued through `push(generation, samples,
start, step)`: output frame k of it is timeline frame `start + k * step` (step = the speed).
"""

from __future__ import annotations

import select
from collections.abc import Callable

from discussion.playback.stretch import SoxStretch, StretchUnavailable
from discussion.playback.timeline import AudioTimeline, Int16Array

AHEAD_S = 0.25  # audio read ahead of the callback (and queued before a restart)
READ_S = 0.05  # one read from the timeline while playing
STRETCH_AHEAD_S = 0.5  # sox's input kept this far ahead of what it gave back

Push = Callable[[int, Int16Array, float, float], None]


class Feed:
    """Where the next read starts, and the sox process of a stretched speed."""

    def __init__(
        self, timeline: AudioTimeline, push: Push, on_no_stretch: Callable[[str], None]
    ) -> None:
        self.timeline = timeline
        self.rate = timeline.samplerate
        self._push = push
        self._on_no_stretch = on_no_stretch  # sox is missing: the player goes back to 1×
        self.generation = -1
        self.frame = 0  # next timeline frame to read
        self.done = False  # read to the end (not looping)
        self._stretch: SoxStretch | None = None
        self._stretch_start = 0  # timeline frame the stretch started at
        self._stretch_in = 0  # timeline frame of the next input to sox
        self._stretch_out = 0  # output frames sox produced
        self._stretch_speed = 1.0

    def restart(self, generation: int, frame: int) -> None:
        """Read from timeline `frame` for `generation` (what was read before is dropped)."""
        self.stop_stretch()
        self.generation, self.frame, self.done = generation, frame, False

    def fill(self, queued: int, speed: float, loop: tuple[int, int] | None) -> None:
        """One read, unless `queued` output frames already reach AHEAD_S."""
        if queued >= AHEAD_S * self.rate or self.done:
            return
        if speed == 1.0:
            self._fill_direct(loop, READ_S)
        else:
            self._fill_stretched(speed, loop)

    def prime(self, speed: float, loop: tuple[int, int] | None) -> None:
        """Queue the start of a new place before the output restarts: at 1× AHEAD_S in one
        read (one file seek and read, however busy the interpreter is); sox: what it gives."""
        if speed == 1.0:
            self._fill_direct(loop, AHEAD_S)
            if loop is not None and self.frame == loop[0]:  # B reached at once: wrap to A
                self._fill_direct(loop, AHEAD_S)
        else:
            self._fill_stretched(speed, loop)

    def _limit(self, loop: tuple[int, int] | None) -> int:
        """Where reading stops: B of the loop, or the end of the timeline."""
        return loop[1] if loop is not None else self.timeline.end_frame

    def _fill_direct(self, loop: tuple[int, int] | None, seconds: float) -> None:
        limit = self._limit(loop)
        frame = self.frame
        if frame >= limit:
            if loop is not None:
                self.frame = loop[0]
                return
            self.done = True
            return
        count = min(int(seconds * self.rate), limit - frame)
        self._push(self.generation, self.timeline.read(frame, count), float(frame), 1.0)
        self.frame = frame + count

    def _fill_stretched(self, speed: float, loop: tuple[int, int] | None) -> None:
        limit = self._limit(loop)
        if self._stretch is None:
            try:
                self._stretch = SoxStretch(speed, self.rate)
            except StretchUnavailable as error:
                self._on_no_stretch(f"{error}; playing at 1×.")
                return
            self._stretch_start = self._stretch_in = self.frame
            self._stretch_out, self._stretch_speed = 0, speed
        stretch = self._stretch
        consumed = self._stretch_start + self._stretch_out * self._stretch_speed
        if (
            not stretch.finishing
            and stretch.pending_bytes == 0
            and self._stretch_in - consumed < STRETCH_AHEAD_S * self.rate
        ):
            count = min(int(READ_S * self.rate), limit - self._stretch_in)
            if count > 0:
                stretch.feed(self.timeline.read(self._stretch_in, count))
                self._stretch_in += count
            if self._stretch_in >= limit:
                stretch.finish()
        elif not stretch.finishing:
            stretch.feed()
            if self._stretch_in >= limit:
                stretch.finish()
        select.select([stretch.fileno()], [], [], 0.005)
        data = stretch.read()
        start = self._stretch_start + self._stretch_out * self._stretch_speed
        self._push(self.generation, data, start, self._stretch_speed)
        self._stretch_out += len(data)
        if stretch.eof:
            self.stop_stretch()
            if loop is not None:
                self.frame = loop[0]
            else:
                self.done = True

    def stop_stretch(self) -> None:
        """End the sox process, if one runs."""
        if self._stretch is not None:
            self._stretch.close()
        self._stretch = None
