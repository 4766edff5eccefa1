"""The session's `recorder.log`: the recorder's log lines, kept in the session folder.

A live session sends the `discussion` loggers' lines there while it owns the folder, so a
verifier (or a bug report) can read what the recorder did; the file holds no personal data.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from discussion.record.info import RECORDER_LOG


def attach_recorder_log(folder: Path) -> logging.Handler | None:
    """Send the recorder's log lines to `recorder.log` in `folder` (None: it cannot be opened)."""
    try:
        handler = logging.FileHandler(folder / RECORDER_LOG, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("discussion")
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    with contextlib.suppress(OSError):
        (folder / RECORDER_LOG).chmod(0o600)
    return handler


def detach_recorder_log(handler: logging.Handler) -> None:
    """Stop sending log lines to the file of `attach_recorder_log` and close it."""
    logging.getLogger("discussion").removeHandler(handler)
    with contextlib.suppress(OSError):  # a full disk refuses the last flush
        handler.close()
