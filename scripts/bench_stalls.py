"""What the UI thread was doing while a note took too long: a stall detector for the benchmarks.

`StallWatch` samples one thread's stack from a second thread every `interval_s` while a
measured operation (here: Enter until the note is durable) is in flight, and times every
garbage collection with `gc.callbacks`. After the operation, `finish()` keeps the samples only
if it took longer than `threshold_s`; `report()` says, for the worst cases, where the samples
fell (the deepest frames of the product and of Textual), which message the UI thread was
handling, and how long the collector ran.

Other threads named in `others` (e.g. the record writer, where a note's sync now runs) are
sampled at the same moments: the report says where they were (a note slow to be *saved* while
the UI thread idles shows as the writer in its sync).

Sampling with `sys._current_frames()` is cheap (it takes the GIL briefly) and needs no extra
package. Many samples in the same place are not proof of a stall of ours: a thread ready to
run but given no core by the machine stays where it was, so read them beside the note's
"waited for a core" figure (scripts/bench_note_stages.py).
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from types import FrameType

# Frames from these files are the product or the benchmark; the rest is library code.
OWN_MARKERS = ("/discussion/", "/scripts/", "/tests/")


@dataclass
class Sample:
    """One look at the UI thread: the stack (outermost first) and the message being handled."""

    at: float
    stack: list[str]
    message: str
    others: dict[str, str] = field(default_factory=dict)  # thread name: its innermost frame


@dataclass
class Operation:
    """One measured operation: its samples and the collections that ran during it."""

    label: str
    began: float
    ended: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    collections: list[tuple[int, float]] = field(default_factory=list)  # (generation, seconds)
    marks: dict[str, float] = field(default_factory=dict)  # named moments (perf_counter)
    figures: dict[str, float] = field(default_factory=dict)  # e.g. the fsync's seconds

    @property
    def seconds(self) -> float:
        """How long the operation took."""
        return self.ended - self.began


def _describe(frame: FrameType) -> str:
    code = frame.f_code
    return f"{code.co_filename.rsplit('/site-packages/', 1)[-1]}:{frame.f_lineno} {code.co_name}"


def _message_of(frame: FrameType | None) -> str:
    """The innermost message or event a Textual dispatch frame is handling."""
    while frame is not None:
        name = frame.f_code.co_name
        if name in ("_dispatch_message", "_on_message", "_process_messages_loop", "on_event"):
            for local in ("message", "event"):
                value = frame.f_locals.get(local)
                if value is not None:
                    return f"{type(value).__name__} to {type(frame.f_locals.get('self')).__name__}"
        frame = frame.f_back
    return "(no message)"


class StallWatch:
    """Samples `thread_id`'s stack while an operation is in flight; times collections."""

    def __init__(
        self,
        thread_id: int | None = None,
        *,
        interval_s: float = 0.005,
        threshold_s: float = 0.05,
        after_s: float = 0.01,
        others: tuple[str, ...] = (),
    ) -> None:
        self.thread_id = thread_id if thread_id is not None else threading.get_ident()
        self.others = others  # names of more threads to sample
        self.interval_s = interval_s
        self.threshold_s = threshold_s
        self.after_s = after_s  # no samples for the first part of a quick operation
        self.kept: list[Operation] = []
        self.count = 0
        self.last: Operation | None = None  # the operation finished last
        self._current: Operation | None = None
        self._gc_began = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-watch", daemon=True)

    def __enter__(self) -> StallWatch:
        gc.callbacks.append(self._on_gc)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        gc.callbacks.remove(self._on_gc)

    def begin(self, label: str, at: float | None = None) -> None:
        """An operation starts now (or at the given perf_counter time)."""
        self._current = Operation(label, time.perf_counter() if at is None else at)

    def mark(self, name: str, at: float | None = None) -> None:
        """A named moment of the operation in flight (e.g. the handler started)."""
        if self._current is not None:
            self._current.marks[name] = time.perf_counter() if at is None else at

    def figure(self, name: str, value: float) -> None:
        """A measured figure of the operation in flight (seconds)."""
        if self._current is not None:
            self._current.figures[name] = value

    def finish(self, at: float | None = None) -> float:
        """The operation ended; it is kept if it took longer than the threshold."""
        operation, self._current = self._current, None
        if operation is None:
            return 0.0
        operation.ended = time.perf_counter() if at is None else at
        self.last = operation
        self.count += 1
        if operation.seconds > self.threshold_s:
            self.kept.append(operation)
        return operation.seconds

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_began = time.perf_counter()
        elif self._current is not None:
            took = time.perf_counter() - self._gc_began
            self._current.collections.append((info.get("generation", -1), took))

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            operation = self._current
            if operation is None or time.perf_counter() - operation.began < self.after_s:
                continue
            frames = sys._current_frames()
            frame = frames.get(self.thread_id)
            if frame is None:
                continue
            others: dict[str, str] = {}
            if self.others:
                for thread in threading.enumerate():
                    other = frames.get(thread.ident or -1)
                    if thread.name in self.others and other is not None:
                        others[thread.name] = _describe(other)
            stack: list[str] = []
            walk: FrameType | None = frame
            while walk is not None:
                stack.append(_describe(walk))
                walk = walk.f_back
            stack.reverse()
            sample = Sample(time.perf_counter(), stack, _message_of(frame), others)
            operation.samples.append(sample)
            del frame, walk, frames

    def report(self, worst: int = 3, depth: int = 6) -> list[str]:
        """Lines describing the `worst` kept operations: time, collections, where the samples
        fell (the innermost `depth` frames, most frequent first) and the messages handled."""
        lines = [f"stalls over {self.threshold_s * 1000:.0f} ms: {len(self.kept)} of {self.count}"]
        for operation in sorted(self.kept, key=lambda o: -o.seconds)[:worst]:
            gc_s = sum(took for _, took in operation.collections)
            gens = Counter(generation for generation, _ in operation.collections)
            lines.append(
                f"- {operation.label}: {operation.seconds * 1000:.1f} ms, "
                f"{len(operation.samples)} samples, gc {gc_s * 1000:.1f} ms "
                f"(generations {dict(gens) or 'none'})"
            )
            moments = ", ".join(
                f"{name} +{(at - operation.began) * 1000:.1f}"
                for name, at in sorted(operation.marks.items(), key=lambda kv: kv[1])
            )
            figures = ", ".join(f"{k} {v * 1000:.1f}" for k, v in operation.figures.items())
            lines.append(
                f"    moments (ms): {moments or 'none'}; figures (ms): {figures or 'none'}"
            )
            lines.append("    timeline: " + _timeline(operation))
            messages = Counter(sample.message for sample in operation.samples)
            for message, count in messages.most_common(3):
                lines.append(f"    handling {message}: {count} samples")
            stacks = Counter(" < ".join(reversed(s.stack[-depth:])) for s in operation.samples)
            for stack, count in stacks.most_common(3):
                lines.append(f"    {count:3d}x {stack}")
            own = Counter(
                next((f for f in reversed(s.stack) if any(m in f for m in OWN_MARKERS)), "?")
                for s in operation.samples
            )
            for frame, count in own.most_common(2):
                lines.append(f"    own code {count:3d}x {frame}")
            for name in self.others:
                where = Counter(s.others[name] for s in operation.samples if name in s.others)
                for frame, count in where.most_common(2):
                    lines.append(f"    {name} {count:3d}x {frame}")
        return lines

    def worst_summary(self) -> str:
        """One line: the worst operation and its most frequent innermost frame."""
        if not self.kept:
            return "no stall"
        operation = max(self.kept, key=lambda o: o.seconds)
        leaf = Counter(s.stack[-1] for s in operation.samples).most_common(1)
        where = leaf[0][0] if leaf else "no sample"
        return f"{operation.label} {operation.seconds * 1000:.1f} ms, mostly in {where}"


def _where(sample: Sample) -> str:
    """The innermost frame of our own code in a sample, else its innermost frame."""
    own = [f for f in sample.stack if any(m in f for m in OWN_MARKERS)]
    inner = own[-1] if own and "/scripts/bench" not in own[-1] else sample.stack[-1]
    return inner.rsplit("/", 1)[-1]


def _timeline(operation: Operation) -> str:
    """Consecutive samples in the same place, as `place ×n from +ms`."""
    runs: list[tuple[str, int, float]] = []
    for sample in operation.samples:
        where = _where(sample)
        if runs and runs[-1][0] == where:
            runs[-1] = (where, runs[-1][1] + 1, runs[-1][2])
        else:
            runs.append((where, 1, (sample.at - operation.began) * 1000))
    return " | ".join(f"{w} x{n} @+{t:.0f}" for w, n, t in runs) or "no samples"
