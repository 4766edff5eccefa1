"""Playback threads still closing their output are waited for at the interpreter's exit.

At exit they must finish closing their output before PortAudio's own exit handler
(sounddevice's Pa_Terminate) runs: Pa_Terminate closing a stream that another thread is stopping
joins its callback thread twice and never returns (`discussion review` hung after `q`).
"""

from __future__ import annotations

import atexit
import logging
import sys
import threading
import time

log = logging.getLogger(__name__)

EXIT_WAIT_S = 3.0  # at the interpreter's exit, how long the playback threads get to close

_running: set[threading.Thread] = set()
_running_lock = threading.Lock()
_exit_hook = False


def track(thread: threading.Thread) -> None:
    """Count `thread` as a playback thread until `untrack` (call before starting it)."""
    with _running_lock:
        _running.add(thread)


def untrack(thread: threading.Thread) -> None:
    """The playback thread has closed its output."""
    with _running_lock:
        _running.discard(thread)


def _wait_for_players() -> None:
    """At exit: give every playback thread up to EXIT_WAIT_S (in all) to close its output."""
    deadline = time.monotonic() + EXIT_WAIT_S
    with _running_lock:
        threads = list(_running)
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            log.error("at exit, a playback thread was still closing its output")


def hook_exit() -> None:
    """Register the wait at exit once sounddevice is imported: handlers run last registered
    first, so it then runs before sounddevice's own."""
    global _exit_hook
    with _running_lock:
        if _exit_hook or "sounddevice" not in sys.modules:
            return
        _exit_hook = True
    atexit.register(_wait_for_players)
