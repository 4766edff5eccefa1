"""Keep native libraries' stderr (ALSA, PortAudio, JACK probes) off the terminal UI."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def redirect_native_stderr(log_path: Path) -> Iterator[None]:
    """Point file descriptor 2 at `log_path` (appending) for the duration of the block.

    C libraries write straight to fd 2, bypassing `sys.stderr`; over a Textual screen that text
    corrupts the display. dup2 swaps the descriptor process-wide and restores it on exit.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(ValueError, OSError):
        sys.stderr.flush()
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    saved = os.dup(2)
    try:
        os.dup2(log_fd, 2)
        yield
    finally:
        with contextlib.suppress(ValueError, OSError):
            sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(log_fd)
