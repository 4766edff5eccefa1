"""Driving `discussion record` as a subprocess: send notes on stdin, read its protocol lines.

Used by the end-to-end, kill and fault tests, the benchmark and the sample generator.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


class RecordProcess:
    """A running `discussion record`; its stdout and stderr lines are collected by threads."""

    def __init__(self, home: Path, *options: str, env: dict[str, str] | None = None) -> None:
        self.home = home
        self.stdout_lines: queue.Queue[str | None] = queue.Queue()
        self.stderr_lines: list[str] = []
        self.seen: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "discussion", "record", "--home", str(home), *options],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=REPO,
            env={**os.environ, **(env or {})},
        )
        self._threads = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self.folder: Path | None = None

    @property
    def pid(self) -> int:
        """The process id."""
        return self.process.pid

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            self.stdout_lines.put(raw.decode("utf-8", errors="replace").rstrip("\n"))
        self.stdout_lines.put(None)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            self.stderr_lines.append(raw.decode("utf-8", errors="replace").rstrip("\n"))

    def expect(self, prefix: str, timeout: float = 20.0) -> str:
        """The next stdout line; AssertionError unless it starts with `prefix`."""
        line = self.next_line(timeout)
        assert line is not None, f"output ended while expecting {prefix!r}; {self.describe()}"
        assert line.startswith(prefix), f"expected {prefix!r}, got {line!r}; {self.describe()}"
        return line

    def next_line(self, timeout: float = 20.0) -> str | None:
        """The next stdout line, None at the end of output; AssertionError on timeout."""
        try:
            line = self.stdout_lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no output within {timeout} s; {self.describe()}") from None
        if line is not None:
            self.seen.append(line)
        return line

    def start(self, timeout: float = 20.0) -> Path:
        """Wait for `session:` and `recording`; returns the session folder."""
        first = self.expect("session: ", timeout)
        self.folder = Path(first.split(": ", 1)[1])
        self.expect("recording", timeout)
        return self.folder

    def send(self, line: str) -> None:
        """Write one note line to stdin."""
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def note(self, line: str, timeout: float = 20.0) -> tuple[int, float, str]:
        """Send a note and wait for its `saved` line: (seq, offset seconds, criteria)."""
        self.send(line)
        return parse_saved(self.expect("saved ", timeout))

    def finish(self, timeout: float = 30.0) -> list[str]:
        """Close stdin (EOF), wait for the exit; the remaining stdout lines."""
        with contextlib.suppress(OSError):
            assert self.process.stdin is not None
            self.process.stdin.close()
        return self.wait(timeout)

    def wait(self, timeout: float = 30.0) -> list[str]:
        """Wait for the exit; the remaining stdout lines."""
        self.process.wait(timeout=timeout)
        rest = []
        while (line := self.next_line(timeout)) is not None:
            rest.append(line)
        return rest

    def signal(self, signum: int) -> None:
        """Send a signal to the process."""
        self.process.send_signal(signum)

    def kill(self) -> None:
        """SIGKILL and reap."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def describe(self) -> str:
        """Output so far, for assertion messages."""
        return f"stdout {self.seen[-5:]}, stderr {self.stderr_lines[-5:]}"

    def __enter__(self) -> RecordProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.process.poll() is None:
            self.kill()


def parse_saved(line: str) -> tuple[int, float, str]:
    """`saved 7 00:01:02.345 3A,3B` -> (7, 62.345, "3A,3B")."""
    _, seq, stamp, criteria = line.split(" ", 3)
    hours, minutes, seconds = stamp.split(":")
    return int(seq), int(hours) * 3600 + int(minutes) * 60 + float(seconds), criteria


def discussion(*args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run another `discussion` sub-command (verify, recover) to completion."""
    return subprocess.run(
        [sys.executable, "-m", "discussion", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        check=False,
    )


def wait_for(predicate: object, timeout: float, interval: float = 0.05) -> bool:
    """Poll a zero-argument callable until it is truthy or `timeout` passes."""
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
