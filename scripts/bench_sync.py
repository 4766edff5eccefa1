"""Which sync makes an append to `events.jsonl` durable fastest: os.fsync, os.fdatasync, O_DSYNC.

Appends one ~300-byte line at a time to an O_APPEND file in the data folder's file system, as
the event log does, syncing each, the three ways interleaved so that they see the same load
(other processes writing through the shared ext4 journal). Prints p50/p99/max per way.
`--load` adds a process that writes and fsyncs 1 MB blocks meanwhile (like a recorder).

For an append-only file on Linux, fdatasync is as safe as fsync: it flushes the data and the
metadata needed to read it back (the new size, the allocated blocks); only the times are left.

    .venv/bin/python -m scripts.bench_sync [--rounds 300] [--dir PATH] [--load]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

LINE = b'{"seq":1,"type":"note","data":{"text":"' + b"x" * 240 + b'"}}\n'


def _load(folder: str, stop: multiprocessing.synchronize.Event) -> None:
    """Write and fsync 1 MB blocks until `stop` (a recorder flushing its WAV)."""
    path = Path(folder) / "load.bin"
    block = os.urandom(1 << 20)
    with open(path, "wb") as handle:
        while not stop.is_set():
            handle.write(block)
            handle.flush()
            os.fsync(handle.fileno())
            if handle.tell() > 64 << 20:
                handle.seek(0)


def _ways(folder: Path) -> dict[str, tuple[int, Callable[[int], None]]]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    return {
        "fsync": (os.open(folder / "a.jsonl", flags, 0o600), os.fsync),
        "fdatasync": (os.open(folder / "b.jsonl", flags, 0o600), os.fdatasync),
        "O_DSYNC": (os.open(folder / "c.jsonl", flags | os.O_DSYNC, 0o600), lambda _fd: None),
    }


def measure(folder: Path, rounds: int) -> dict[str, list[float]]:
    """Seconds per durable append, each way, interleaved round by round."""
    ways = _ways(folder)
    times: dict[str, list[float]] = {name: [] for name in ways}
    try:
        for _ in range(rounds):
            for name, (fd, sync) in ways.items():
                started = time.perf_counter()
                os.write(fd, LINE)
                sync(fd)
                times[name].append(time.perf_counter() - started)
    finally:
        for fd, _sync in ways.values():
            os.close(fd)
    return times


def main() -> None:
    """Measure and print the three ways."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--dir", type=Path, default=None, help="a folder on the data file system")
    parser.add_argument("--load", action="store_true", help="a 1 MB write+fsync loop meanwhile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        stop = multiprocessing.Event()
        loader = multiprocessing.Process(target=_load, args=(tmp, stop), daemon=True)
        if args.load:
            loader.start()
        try:
            times = measure(Path(tmp), args.rounds)
        finally:
            stop.set()
            if args.load:
                loader.join(5)
    print(f"loadavg {Path('/proc/loadavg').read_text().strip()}; {args.rounds} appends each")
    for name, values in times.items():
        ordered = sorted(values)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(
            f"{name:10} p50 {statistics.median(values) * 1000:7.2f} ms"
            f"  p99 {p99 * 1000:7.2f} ms  max {max(values) * 1000:7.2f} ms"
        )


if __name__ == "__main__":
    main()
