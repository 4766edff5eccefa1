"""Keeping Python's full garbage collections short while a review plays.

The output callback runs Python, so it needs the interpreter: a full (oldest generation)
collection holds it for as long as it takes to walk every tracked object. In the review app
that was 105-165 ms every few seconds (measured with gc.callbacks beside the callback's own
timing), longer than the output's buffer (0.12 s): the output ran dry, a gap was heard and
the capture of a test no longer matched the record (correlation 0.56-0.9); a seek that met one
was heard 130 ms late. Freezing the objects that exist once the review is shown (`gc.freeze`:
they stay, but later collections skip them) brings those collections to about 20 ms; `thaw`
(the review closing) hands them back, so what the closed review leaves is collected as usual.
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_holders = 0


class QuietCollections:
    """One holder of the freeze (several reviews may be open): once thawed, it never freezes
    again (a freeze asked for just before the review closed comes too late and is ignored)."""

    def __init__(self) -> None:
        self._held = False
        self._done = False

    @property
    def held(self) -> bool:
        """True between `freeze` and `thaw`."""
        return self._held

    def freeze(self) -> None:
        """Leave the objects that exist now out of later collections (cheap: no walk)."""
        global _holders
        with _lock:
            if self._held or self._done:
                return
            self._held = True
            _holders += 1
            gc.freeze()  # a second holder freezes what was made since the first

    def thaw(self) -> None:
        """This holder is done; the last one gives the frozen objects back to the collector."""
        global _holders
        with _lock:
            self._done = True
            if not self._held:
                return
            self._held = False
            _holders -= 1
            if _holders == 0:
                gc.unfreeze()
