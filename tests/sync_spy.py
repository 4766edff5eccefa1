"""Watching the disk syncs of a test: which thread calls os.fsync / os.fdatasync, or a slow or
failing disk put in their place (the record writers must never sync on the UI thread)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest

Sync = Callable[[int], None]


def patch_syncs(monkeypatch: pytest.MonkeyPatch, wrap: Callable[[Sync], Sync]) -> None:
    """Route both os.fsync and os.fdatasync through `wrap(real)`."""
    for name in ("fsync", "fdatasync"):
        monkeypatch.setattr(os, name, wrap(getattr(os, name)))


def spy_sync_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads that sync from now on (the list grows as they do)."""
    syncing: list[str] = []

    def wrap(real: Sync) -> Sync:
        def spy(fd: int) -> None:
            syncing.append(threading.current_thread().name)
            real(fd)

        return spy

    patch_syncs(monkeypatch, wrap)
    return syncing
