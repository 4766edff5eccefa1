"""Where a note's time goes, Enter to "saved" on screen: stage stamps for the UI benchmark.

`NoteStages` is fed moments (perf_counter) by hooks the benchmark puts on the discussion
screen, the live session's commit and the event log's sync (scripts/bench_ui.py), and splits
each note's latency into consecutive stages that add up to it:

- key: Enter pressed until the screen handed the note to the record writer (key delivery,
  the Input's handling, parsing, submit);
- queue: until the writer began the commit holding the note (waiting behind the batch
  before it, and the thread's wake-up);
- write: the commit less its syncs (the recorder's waiting evidence, building the lines, the
  write);
- sync: the commit's fdatasync calls and block reservation (fallocate): the disk;
- post: the commit's end until the writer's callback for this note (telling those before);
- deliver: the callback until the screen's handler began (the UI thread's message queue);
- handler: the handler (the state folded in, the notes pane and the status label updated).

Beside the stages, from the kernel's per-thread accounting (/proc/thread-self/schedstat, where
there is one): the CPU time the UI thread used during the note, and how long the UI thread
and the writer (from the end of the commit before to the end of its own) were ready to run
but waiting for a core, which is the machine's other processes, not our code.

`paint` (the handler's end until the next compositor update of the screen) is reported beside
them, not inside the latency. `disk_s` is the part of the note's latency during which the
writer thread was inside a sync (its own batch's, or one it queued behind): the time the shared
disk took, which no code of ours can shorten without giving up durability.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

STAGES = ("key", "queue", "write", "sync", "post", "deliver", "handler")
SCHEDSTAT = Path("/proc/thread-self/schedstat")


def cpu_and_wait() -> tuple[float, float]:
    """The calling thread's CPU time so far and its time spent ready but not running (seconds;
    zeros where the kernel does not say)."""
    try:
        ran, waited, _slices = SCHEDSTAT.read_text().split()
    except (OSError, ValueError):
        return 0.0, 0.0
    return int(ran) / 1e9, int(waited) / 1e9


@dataclass
class NoteTimes:
    """The moments of one note (perf_counter seconds; 0.0 while not reached)."""

    label: str
    pressed: float
    submitted: float = 0.0
    shown: float = 0.0  # on screen as "saving…"
    commit_began: float = 0.0
    commit_ended: float = 0.0
    commit_sync_s: float = 0.0  # fdatasync (and fallocate) time inside its commit
    told: float = 0.0  # the writer's callback for this note
    handler_began: float = 0.0
    saved: float = 0.0  # the handler's end: the label says saved
    painted: float = 0.0  # the first compositor update after `saved`
    disk_s: float = 0.0  # overlap of [pressed, saved] with the writer's syncs
    gc_s: float = 0.0
    batch: int = 0  # how many writes its commit held
    ui_cpu_s: float = 0.0  # CPU the UI thread used from Enter to saved
    ui_wait_s: float = 0.0  # the UI thread ready to run but without a core meanwhile
    writer_wait_s: float = 0.0  # the writer likewise, from its wake-up to its commit's end
    _ui_sched: tuple[float, float] = (0.0, 0.0)  # (cpu, wait) at Enter

    @property
    def latency(self) -> float:
        """Enter until shown as saved (seconds)."""
        return self.saved - self.pressed

    def stages(self) -> dict[str, float]:
        """Seconds per stage (they add up to `latency`)."""
        return {
            "key": self.submitted - self.pressed,
            "queue": self.commit_began - self.submitted,
            "write": self.commit_ended - self.commit_began - self.commit_sync_s,
            "sync": self.commit_sync_s,
            "post": self.told - self.commit_ended,
            "deliver": self.handler_began - self.told,
            "handler": self.saved - self.handler_began,
        }

    def describe(self) -> str:
        """One line: the total, each stage, paint, the disk's share and the collector's."""
        parts = " ".join(f"{k} {v * 1000:.1f}" for k, v in self.stages().items())
        paint = (self.painted - self.saved) * 1000 if self.painted else float("nan")
        return (
            f"{self.label}: {self.latency * 1000:.1f} ms = {parts}; paint {paint:.1f}; "
            f"disk {self.disk_s * 1000:.1f}, gc {self.gc_s * 1000:.1f}, batch of {self.batch}; "
            f"UI thread cpu {self.ui_cpu_s * 1000:.1f}, waited for a core "
            f"{self.ui_wait_s * 1000:.1f}, writer {self.writer_wait_s * 1000:.1f}"
        )


@dataclass
class _Commit:
    began: float
    ended: float = 0.0
    syncs: list[tuple[float, float]] = field(default_factory=list)
    size: int = 0
    sched: tuple[float, float] = (0.0, 0.0)  # the writer's (cpu, wait) as it began
    waited: float = 0.0  # the writer ready but without a core during the commit
    woke_waited: float = 0.0  # likewise between the commit before and this one (its wake-up)


class NoteStages:
    """Collects the moments; thread-safe (the writer thread reports commits and syncs)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.notes: dict[int, NoteTimes] = {}  # by the writer's key
        self.syncs: list[tuple[float, float]] = []  # every sync on the writer thread
        self._commits: dict[int, _Commit] = {}  # id(data) of each write: its commit
        self._open: _Commit | None = None
        self._unpainted: list[NoteTimes] = []
        self._pending = NoteTimes("", 0.0)  # pressed, not yet submitted
        self._writer_wait_at_rest = 0.0  # the writer's wait counter as its last commit ended

    # ------------------------------------------------------------------ writer thread
    def commit_began(self, datas: list[object]) -> None:
        """The writer began a commit of these writes' data."""
        commit = _Commit(time.perf_counter(), size=len(datas), sched=cpu_and_wait())
        # Ready but without a core since the last commit: how long its wake-up waited.
        commit.woke_waited = commit.sched[1] - self._writer_wait_at_rest
        with self._lock:
            self._open = commit
            for data in datas:
                self._commits[id(data)] = commit

    def synced(self, began: float, ended: float) -> None:
        """A sync ran from `began` to `ended` (on the writer thread)."""
        with self._lock:
            self.syncs.append((began, ended))
            if self._open is not None:
                self._open.syncs.append((began, ended))

    def commit_ended(self) -> None:
        """The commit returned (all durable) or raised."""
        with self._lock:
            if self._open is not None:
                self._open.ended = time.perf_counter()
                self._writer_wait_at_rest = cpu_and_wait()[1]
                self._open.waited = self._writer_wait_at_rest - self._open.sched[1]
                self._open = None

    def told(self, key: int, data: object) -> None:
        """The writer's callback for write `key` runs now."""
        now = time.perf_counter()
        with self._lock:
            note = self.notes.get(key)
            commit = self._commits.pop(id(data), None)
            if note is None or commit is None:
                return
            note.told = now
            note.commit_began, note.commit_ended = commit.began, commit.ended
            note.commit_sync_s = sum(end - start for start, end in commit.syncs)
            note.batch = commit.size
            note.writer_wait_s = commit.waited + commit.woke_waited

    # ------------------------------------------------------------------ UI thread
    def pressed(self, key_hint: str, at: float) -> NoteTimes:
        """Enter is pressed for the next note (its key is known once submitted)."""
        self._pending = NoteTimes(key_hint, at, _ui_sched=cpu_and_wait())
        return self._pending

    def submitted(self, key: int, at: float) -> None:
        """The screen handed the pressed note to the writer as `key` at `at` (perf_counter)."""
        note = self._pending
        note.submitted = at
        with self._lock:
            self.notes[key] = note

    def handler_began(self, key: int) -> None:
        """The screen's saved-note handler starts."""
        note = self.notes.get(key)
        if note is not None:
            note.handler_began = time.perf_counter()

    def saved(self, key: int) -> NoteTimes | None:
        """The handler has shown the note as saved."""
        note = self.notes.get(key)
        if note is None:
            return None
        note.saved = time.perf_counter()
        cpu, wait = cpu_and_wait()  # on the UI thread, as `pressed` was
        note.ui_cpu_s, note.ui_wait_s = cpu - note._ui_sched[0], wait - note._ui_sched[1]
        with self._lock:
            note.disk_s = sum(
                max(0.0, min(end, note.saved) - max(start, note.pressed))
                for start, end in self.syncs
                if end > note.pressed
            )
        self._unpainted.append(note)
        return note

    def painted(self) -> None:
        """The screen's compositor sent an update: notes saved before it are on screen."""
        if self._unpainted:
            now = time.perf_counter()
            for note in self._unpainted:
                note.painted = now
            self._unpainted.clear()

    # ------------------------------------------------------------------ results
    def complete(self) -> list[NoteTimes]:
        """The notes that were shown as saved, in order."""
        return [note for _key, note in sorted(self.notes.items()) if note.saved]
