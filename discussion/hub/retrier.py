"""Hand-ins for the app: one record now (`hand_in`), and the queue retried in the background
(`Retrier`). Textual-free: the app turns the callbacks into messages.

`hand_in(folder, session_id, config)` pushes a sealed record (one already marked handed in is
not sent again); when the hub is away it queues the record (`queue.enqueue`) and says so
instead of failing. A record that cannot be handed in
(unsealed, altered, a conflict) raises the push's UserError, which names the fix.

`Retrier` is one thread that calls `queue.retry(config)` every `interval_s` (the queue keeps
each item's own back-off: 30 s doubling to an hour) and, while the hub stays away, waits longer
between passes too (doubling to `max_interval_s`). Each pass is reported through `on_pass`; if
the thread dies, `on_death` is called with what killed it (the app shows it as an alarm), so it
never stops silently. `stop()` ends it and joins it (bounded: a push in flight is resumable).

A hand-in from a key and a retry pass never push at the same time (`HAND_IN_LOCK`); no
callback is made while the lock is held.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from discussion.hub import queue
from discussion.hub.config import HubConfig
from discussion.hub.errors import HubUnreachable

log = logging.getLogger(__name__)

HAND_IN_LOCK = threading.Lock()
INTERVAL_S = 15.0
MAX_INTERVAL_S = 300.0


@dataclass(frozen=True)
class HandIn:
    """What one hand-in did: "handed in" (`new` False: the hub held it already) or "queued"."""

    session_id: str
    state: Literal["handed in", "queued"]
    text: str
    new: bool = False


def hand_in(folder: Path, session_id: str, config: HubConfig) -> HandIn:
    """Push the sealed record in `folder`; queue it when the hub is away (see the module)."""
    from discussion.hub.push import push_record

    if queue.status_of(session_id)[0] == "handed in":  # marked only once the hub held it all
        return HandIn(session_id, "handed in", f"{session_id} is already handed in.")
    with HAND_IN_LOCK:
        try:
            result = push_record(folder, config)
        except HubUnreachable as error:
            item = queue.enqueue("record", session_id, folder, error.message)
            return HandIn(
                session_id,
                "queued",
                f"{session_id} queued, will retry (attempt {item.attempts}): {error.message}",
            )
    if result.new:
        text = (
            f"{result.session_id} handed in: {result.objects} files, the store's checksums "
            "match ours."
        )
    else:
        text = f"{result.session_id} was already on the hub, unchanged."
    return HandIn(result.session_id, "handed in", text, result.new)


PassReport = Callable[[queue.RetryOutcome], object]
DeathReport = Callable[[BaseException], object]


class Retrier:
    """The background retry of queued hand-ins (see the module docstring)."""

    def __init__(
        self,
        config: HubConfig,
        on_pass: PassReport,
        on_death: DeathReport,
        *,
        interval_s: float = INTERVAL_S,
        max_interval_s: float = MAX_INTERVAL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`clock` is the wall clock the queue's back-off is read against (tests move it on)."""
        self.config = config
        self.on_pass = on_pass
        self.on_death = on_death
        self.interval_s = interval_s
        self.max_interval_s = max(max_interval_s, interval_s)
        self.clock = clock
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0

    @property
    def alive(self) -> bool:
        """Whether the thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="hub-retrier", daemon=True)
        self._thread.start()

    def retry_now(self) -> None:
        """Make the next pass now, and try every queued item, due or not."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop and join the thread; False when a push in flight outlasted `timeout`."""
        self._stop.set()
        self._wake.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            wait = 0.0
            everything = False
            while not self._stop.is_set():
                if wait:
                    everything = self._wake.wait(wait)
                    self._wake.clear()
                    if self._stop.is_set():
                        return
                with HAND_IN_LOCK:
                    outcome = queue.retry(self.config, everything=everything, now=self.clock())
                self.passes += 1
                self.on_pass(outcome)
                if outcome.still_queued and not outcome.handed_in:
                    wait = min(max(wait * 2, self.interval_s), self.max_interval_s)
                else:
                    wait = self.interval_s
        except BaseException as error:  # reported, never silent: the app shows an alarm
            log.exception("the hub retrier stopped")
            self.on_death(error)
