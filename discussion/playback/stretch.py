"""Speed without pitch change: sox's `tempo -s` (WSOLA tuned for speech) as a separate process.

Measured (docs: shared reference on time-stretch) as the best quality of the options, and it
is a program run in its own process, so its GPL licence does not reach this proprietary code;
no GPL library is loaded into this process. One process per span being played: a seek, a
speed change or a loop's wrap kills it and starts another (about 5 ms).

The pipes are non-blocking so the one playback thread can feed input and collect output
without a second thread and without ever deadlocking on a full pipe.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess

import numpy as np
import numpy.typing as npt

SOX = "sox"
NO_SOX = "speeds other than 1× need sox: install the sox package (`sudo apt-get install sox`)"


class StretchUnavailable(Exception):
    """sox cannot be started; the message says how to install it."""


def sox_available() -> bool:
    """Whether the sox program is on PATH."""
    return shutil.which(SOX) is not None


class SoxStretch:
    """One running `sox ... tempo -s SPEED` turning int16 mono input into stretched output."""

    def __init__(self, speed: float, samplerate: int) -> None:
        raw = ["-t", "raw", "-r", str(samplerate), "-e", "signed", "-b", "16", "-c", "1"]
        command = [SOX, "-q", "--buffer", "2048", *raw, "-", *raw, "-", "tempo", "-s", f"{speed}"]
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as error:
            raise StretchUnavailable(f"{NO_SOX} ({error.strerror or error})") from error
        assert self._process.stdin is not None and self._process.stdout is not None
        self._stdin: int | None = self._process.stdin.fileno()
        self._stdout = self._process.stdout.fileno()
        os.set_blocking(self._stdin, False)
        os.set_blocking(self._stdout, False)
        self._pending = b""  # input accepted from the caller, not yet taken by the pipe
        self._partial = b""  # an odd byte of output waiting for its pair
        self.eof = False  # sox has written everything and exited its output

    @property
    def pending_bytes(self) -> int:
        """Input bytes held here because the pipe was full."""
        return len(self._pending)

    def feed(self, samples: npt.NDArray[np.int16] | None = None) -> None:
        """Queue input and write as much as the pipe takes now (never blocks)."""
        if samples is not None and len(samples):
            self._pending += samples.astype("<i2").tobytes()
        if self._stdin is None or not self._pending:
            return
        try:
            written = os.write(self._stdin, self._pending)
        except BlockingIOError:
            return
        except BrokenPipeError:
            self._pending = b""
            return
        self._pending = self._pending[written:]

    def finish(self) -> None:
        """No more input: once the queued input is written, close sox's stdin (it then flushes)."""
        self.feed()
        if self._stdin is not None and not self._pending:
            assert self._process.stdin is not None
            with contextlib.suppress(OSError):
                self._process.stdin.close()
            self._stdin = None

    @property
    def finishing(self) -> bool:
        """`finish()` was called and the input is closed."""
        return self._stdin is None

    def read(self) -> npt.NDArray[np.int16]:
        """The output available now (possibly none; never blocks)."""
        chunks = []
        while True:
            try:
                data = os.read(self._stdout, 65536)
            except BlockingIOError:
                break
            if not data:
                self.eof = True
                break
            chunks.append(data)
        data = self._partial + b"".join(chunks)
        whole = len(data) - len(data) % 2
        self._partial = data[whole:]
        return np.frombuffer(data[:whole], dtype="<i2").astype(np.int16)

    def fileno(self) -> int:
        """sox's stdout, to wait on with `select`."""
        return self._stdout

    def close(self) -> None:
        """Kill sox and reap it."""
        with contextlib.suppress(OSError):
            self._process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired, OSError):
            self._process.wait(timeout=2)
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
