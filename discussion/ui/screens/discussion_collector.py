"""The garbage collector while the discussion screen is up: never a full collection mid-note.

A full collection scans every object the session made since the screen came up (60 ms was
seen late in a long session, on the writer's thread, holding up a note's "saved"). While the
screen is up, what was loaded before is frozen out of the collector's sight, and full
collections run only when the assessor has not typed for `QUIET_S` and no note is on its way,
once `FULL_AFTER` younger collections have run (Python's own default rhythm). An assessor who
never pauses for `QUIET_S` still gets one after `MAX_HOLD_S`, so memory cannot grow unchecked
through an hour of typing. Young collections stay automatic. Textual-free.
"""

from __future__ import annotations

import gc
import time

QUIET_S = 2.0
FULL_AFTER = 10
MAX_HOLD_S = 120.0  # a full collection is never held back longer than this
NO_AUTOMATIC_FULL = 1_000_000_000  # a third threshold no count reaches


class QuietCollector:
    """Holds full collections back between `hold` and `release`; runs them when quiet."""

    def __init__(self) -> None:
        self._threshold = gc.get_threshold()
        self.typed_at = time.monotonic()  # the last keystroke or note
        self.collected_at = time.monotonic()  # the last full collection (or the hold)

    def hold(self) -> None:
        """Freeze what is loaded so far and stop automatic full collections."""
        gc.freeze()
        self.collected_at = time.monotonic()
        self._threshold = gc.get_threshold()
        gc.set_threshold(*self._threshold[:2], NO_AUTOMATIC_FULL)

    def release(self) -> None:
        """Automatic full collections again; the frozen objects go back to the collector."""
        gc.set_threshold(*self._threshold)
        gc.unfreeze()

    def typed(self) -> None:
        """The assessor is typing (or just entered a note)."""
        self.typed_at = time.monotonic()

    def collect_if_quiet(self, notes_on_their_way: bool) -> bool:
        """The full collection held back, now if nobody is typing and no note is on its way
        and enough younger collections ran, or at once when held back for `MAX_HOLD_S`; True if
        it ran."""
        now = time.monotonic()
        overdue = now - self.collected_at >= MAX_HOLD_S
        busy = notes_on_their_way or now - self.typed_at < QUIET_S
        if (busy and not overdue) or gc.get_count()[2] < FULL_AFTER:
            return False
        gc.collect()
        self.collected_at = time.monotonic()
        return True
