"""Helpers for real-audio tests run under `scripts/test-audio.sh run ...`.

The script starts a private PulseAudio whose null sink `vsink` has its monitor as the default
source, and exports PULSE_SERVER and DISCUSSION_TEST_PULSE_DIR (its runtime dir: pid file, log,
socket). Anything played into `vsink` is what a recorder hears. These helpers play sound into it,
make test sounds, compare recordings with what was played, and kill/restart the daemon.
"""

from __future__ import annotations

import array
import contextlib
import fcntl
import os
import signal
import subprocess
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import soundfile

FloatArray = npt.NDArray[np.float64]
T = TypeVar("T")

SINK = "vsink"


class AudioEnvironmentMissing(RuntimeError):
    """The private PulseAudio of scripts/test-audio.sh is not running: tests must fail, not skip."""


def pulse_dir() -> Path:
    """The private daemon's runtime directory (DISCUSSION_TEST_PULSE_DIR)."""
    value = os.environ.get("DISCUSSION_TEST_PULSE_DIR")
    if not value or not os.environ.get("PULSE_SERVER"):
        raise AudioEnvironmentMissing(
            "PULSE_SERVER/DISCUSSION_TEST_PULSE_DIR are not set: run the tests with "
            "`scripts/test-audio.sh run .venv/bin/pytest ...` (or `make test`)"
        )
    return Path(value)


def pulse_socket() -> Path:
    """The unix socket the private daemon listens on (same path across restarts)."""
    return pulse_dir() / "pulse.sock"


def pulse_pid() -> int | None:
    """The daemon's pid from its pid file, or None when it is not running."""
    pid_file = pulse_dir() / "pulse" / "pid"
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if process_alive(pid) else None


def process_alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, killed but not yet reaped, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed child of ours stays a zombie until reaped; /proc tells the difference.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return False


def _pulse_env() -> dict[str, str]:
    # pulseaudio puts its pid file under $XDG_RUNTIME_DIR/pulse: keep it in the same place.
    return {**os.environ, "XDG_RUNTIME_DIR": str(pulse_dir())}


def pactl(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run pactl against the private daemon."""
    return subprocess.run(
        ["pactl", *args], env=_pulse_env(), capture_output=True, text=True, check=check, timeout=10
    )


def pulse_ready() -> bool:
    """True when the daemon answers on its socket."""
    return pactl("info", check=False).returncode == 0


def kill_pulse(sig: int = signal.SIGKILL, timeout: float = 5.0) -> None:
    """Kill the private daemon (and its keep-alive player) by pid, as a crash would."""
    pid = pulse_pid()
    if pid is None:
        raise AudioEnvironmentMissing("the private PulseAudio is not running (no live pid file)")
    _kill_keepalive()
    os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while process_alive(pid):
        if time.monotonic() > deadline:
            raise TimeoutError(f"pulseaudio pid {pid} did not exit after signal {sig}")
        time.sleep(0.02)


def _kill_keepalive() -> None:
    with contextlib.suppress(OSError, ValueError):
        pid = int((pulse_dir() / "keepalive.pid").read_text().strip())
        os.kill(pid, signal.SIGTERM)


def start_pulse(timeout: float = 10.0) -> None:
    """(Re)start the private daemon exactly as scripts/test-audio.sh `start()` does.

    Same runtime dir, same socket path, same modules, default source and keep-alive player, so a
    recorder that lost the daemon can find it again, and the script's `stop` still cleans up.
    """
    if pulse_pid() is not None:
        raise RuntimeError("pulseaudio is already running")
    sock = pulse_socket()
    with contextlib.suppress(FileNotFoundError):
        sock.unlink()  # a SIGKILLed daemon leaves its socket behind
    subprocess.run(
        [
            "pulseaudio",
            "--daemonize=yes",
            "--system=no",
            "--exit-idle-time=-1",
            "-n",
            "--use-pid-file=yes",
            f"--log-target=file:{pulse_dir() / 'pulse.log'}",
            f"--load=module-native-protocol-unix socket={sock} auth-anonymous=1",
            f"--load=module-null-sink sink_name={SINK} rate=48000 channels=1",
            "--load=module-always-sink",
        ],
        env=_pulse_env(),
        check=True,
        timeout=timeout,
        capture_output=True,
    )
    deadline = time.monotonic() + timeout
    while not pulse_ready():
        if time.monotonic() > deadline:
            raise TimeoutError("restarted pulseaudio does not answer")
        time.sleep(0.05)
    pactl("set-default-source", f"{SINK}.monitor")
    keepalive = subprocess.Popen(
        [
            "pacat",
            "--playback",
            "--raw",
            "--format=s16le",
            "--rate=48000",
            "--channels=1",
            "--latency-msec=100",
            "/dev/zero",
        ],
        env=_pulse_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    (pulse_dir() / "keepalive.pid").write_text(f"{keepalive.pid}\n")


def start_worker_pulse(worker: str) -> Path:
    """Give this pytest-xdist worker a private daemon of its own, beside the script's one.

    Under `pytest -n N` inside scripts/test-audio.sh, each worker gets `<script dir>/<worker>`
    as its runtime dir (own socket, null sink, default source, keep-alive player) and points
    PULSE_SERVER and DISCUSSION_TEST_PULSE_DIR there, so subprocesses and PortAudio in this
    worker reach only it: a test that kills and restarts the sound server stops nobody else's.
    The directory sits inside the script's, so the script's `stop` ends and removes it even if
    the worker dies. Returns the directory.
    """
    directory = pulse_dir() / worker
    directory.mkdir(mode=0o700, exist_ok=True)
    os.environ["DISCUSSION_TEST_PULSE_DIR"] = str(directory)
    os.environ["PULSE_SERVER"] = f"unix:{directory / 'pulse.sock'}"
    start_pulse()
    return directory


def stop_worker_pulse() -> None:
    """End this worker's daemon and its keep-alive player (at the end of the worker's run)."""
    _kill_keepalive()
    pid = pulse_pid()
    if pid is not None:
        with contextlib.suppress(ProcessLookupError, TimeoutError):
            kill_pulse(signal.SIGTERM)


def play_wav(path: Path, *, wait: bool = True) -> subprocess.Popen[bytes]:
    """Play a sound file into the sink with paplay; waits for the end unless `wait=False`."""
    process = subprocess.Popen(
        ["paplay", f"--device={SINK}", str(path)],
        env=_pulse_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if wait:
        _, err = process.communicate(timeout=60)
        if process.returncode != 0:
            raise RuntimeError(f"paplay failed: {err.decode(errors='replace').strip()}")
    return process


class SinkFeeder:
    """A running `pacat` fed in real time: sound written with `play()` starts within ~latency.

    paplay spends an unknown time starting up; a feeder that already streams silence puts a
    sound into the sink at a moment the test knows, to measure timing. Writes are paced by the
    monotonic clock (10 ms chunks) so the pipe never holds more than a chunk or two.
    """

    CHUNK_S = 0.01

    def __init__(self, rate: int = 16000, latency_ms: int = 20) -> None:
        self.rate = rate
        self.latency_ms = latency_ms
        self._pending: list[np.ndarray] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._played_at: list[float] = []
        self._process = subprocess.Popen(
            [
                "pacat",
                "--playback",
                "--raw",
                "--format=s16le",
                f"--rate={rate}",
                "--channels=1",
                f"--latency-msec={latency_ms}",
                f"--device={SINK}",
            ],
            env=_pulse_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._thread = threading.Thread(target=self._run, name="sink-feeder", daemon=True)
        self._thread.start()

    def play(self, samples: FloatArray) -> None:
        """Queue float samples (-1..1) to be written from the next chunk on."""
        pcm = np.clip(samples * 32767.0, -32768, 32767).astype("<i2")
        with self._lock:
            self._pending.append(pcm)

    def _run(self) -> None:
        chunk = int(self.rate * self.CHUNK_S)
        silence = np.zeros(chunk, dtype="<i2")
        next_at = time.monotonic()
        buffer = np.zeros(0, dtype="<i2")
        stdin = self._process.stdin
        assert stdin is not None
        limit = 2 * chunk * 2  # bytes: two chunks of int16
        while not self._stop.is_set():
            with self._lock:
                if self._pending:
                    buffer = np.concatenate([buffer, *self._pending])
                    self._pending.clear()
            # pacat reads its stdin only as its stream asks for data (not at all while it
            # connects): silence written meanwhile would wait in the pipe and delay every later
            # sound by that backlog. So silence is skipped while the pipe holds two chunks.
            # A queued sound goes into the pipe whole: pacat then plays it at the sink's pace,
            # so a feeder thread starved by a loaded machine cannot cut gaps into it.
            if len(buffer) or _pipe_bytes(stdin.fileno()) <= limit:
                out = buffer
                buffer = buffer[:0]
                if len(out) < chunk:
                    out = np.concatenate([out, silence[: chunk - len(out)]])
                try:
                    stdin.write(out.tobytes())
                    stdin.flush()
                except (BrokenPipeError, ValueError):
                    return
            # Never catch up in a burst after a long write or a stall: pace from now.
            next_at = max(next_at + self.CHUNK_S, time.monotonic())
            time.sleep(max(0.0, next_at - time.monotonic()))

    def close(self) -> None:
        """Stop feeding and end pacat."""
        self._stop.set()
        self._thread.join(timeout=2)
        with contextlib.suppress(OSError):
            if self._process.stdin is not None:
                self._process.stdin.close()
        self._process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=2)


@contextlib.contextmanager
def sink_feeder(rate: int = 16000, latency_ms: int = 20) -> Iterator[SinkFeeder]:
    """A `SinkFeeder` that is closed on exit."""
    feeder = SinkFeeder(rate=rate, latency_ms=latency_ms)
    try:
        yield feeder
    finally:
        feeder.close()


def speech_wav(text: str, path: Path, rate: int = 16000) -> Path:
    """Synthesise `text` with espeak-ng and resample it with sox to `rate`, mono PCM_16."""
    raw = path.with_suffix(".espeak.wav")
    subprocess.run(["espeak-ng", "-w", str(raw), text], check=True, timeout=60, capture_output=True)
    subprocess.run(
        ["sox", str(raw), "-r", str(rate), "-c", "1", "-b", "16", str(path)],
        check=True,
        timeout=60,
        capture_output=True,
    )
    raw.unlink()
    return path


def tone(
    seconds: float, rate: int = 16000, freq: float = 1000.0, amplitude: float = 0.5
) -> FloatArray:
    """A sine tone with 2 ms ramps (no click spreading energy before the onset)."""
    t = np.arange(int(seconds * rate)) / rate
    samples = amplitude * np.sin(2 * np.pi * freq * t)
    ramp = min(len(samples) // 2, int(0.002 * rate))
    if ramp:
        envelope = np.linspace(0.0, 1.0, ramp)
        samples[:ramp] *= envelope
        samples[-ramp:] *= envelope[::-1]
    return samples


def write_wav(path: Path, samples: FloatArray, rate: int = 16000) -> Path:
    """Write float samples as a PCM_16 mono WAV."""
    soundfile.write(str(path), samples, rate, subtype="PCM_16")
    return path


def read_mono(path: Path) -> tuple[FloatArray, int]:
    """A sound file as float64 mono samples and its rate."""
    data, rate = soundfile.read(str(path), dtype="float64", always_2d=True)
    return np.asarray(data.mean(axis=1), dtype=np.float64), int(rate)


def dbfs(samples: FloatArray) -> float:
    """RMS level in dBFS (-inf for digital silence is clamped to -200)."""
    rms = float(np.sqrt(np.mean(np.square(samples)))) if len(samples) else 0.0
    return 20 * float(np.log10(max(rms, 1e-10)))


def best_alignment(recording: FloatArray, reference: FloatArray) -> tuple[float, int]:
    """Where `reference` best matches inside `recording`: (normalised correlation, lag).

    The correlation at each lag is divided by the energy of the recording window under the
    reference, so 1.0 means the window is an exact scaled copy, whatever the playback gain.
    """
    n, m = len(recording), len(reference)
    if m == 0 or n < m:
        raise ValueError("recording shorter than reference")
    size = 1 << (n + m - 1).bit_length()
    spectrum = np.fft.rfft(recording, size) * np.conj(np.fft.rfft(reference, size))
    corr = np.fft.irfft(spectrum, size)[: n - m + 1]
    cumulative = np.concatenate([[0.0], np.cumsum(np.square(recording))])
    window_energy = cumulative[m:] - cumulative[: n - m + 1]
    ref_norm = float(np.sqrt(np.sum(np.square(reference))))
    normalised = corr / (np.sqrt(np.maximum(window_energy, 1e-12)) * ref_norm)
    lag = int(np.argmax(normalised))
    return float(normalised[lag]), lag


def onset(samples: FloatArray, rate: int, threshold_dbfs: float = -30.0, start: int = 0) -> int:
    """The first sample index (from `start`) whose magnitude exceeds `threshold_dbfs`."""
    del rate  # kept in the signature so callers state which rate the index is in
    loud = np.flatnonzero(np.abs(samples[start:]) > 10 ** (threshold_dbfs / 20))
    if len(loud) == 0:
        raise ValueError("no onset above threshold")
    return start + int(loud[0])


class EventCollector:
    """A recorder `on_event` listener that keeps every event and lets a test wait for one."""

    def __init__(self) -> None:
        self.events: list[object] = []
        self._condition = threading.Condition()

    def __call__(self, event: object) -> None:
        with self._condition:
            self.events.append(event)
            self._condition.notify_all()

    def of_type(self, kind: type[T]) -> list[T]:
        """Every event of one class, in order."""
        with self._condition:
            return [e for e in self.events if isinstance(e, kind)]

    def wait_for(
        self, kind: type[T], timeout: float, where: Callable[[T], bool] | None = None
    ) -> T:
        """The first event of `kind` (matching `where`); raises AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                for event in self.events:
                    if isinstance(event, kind) and (where is None or where(event)):
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    names = [type(e).__name__ for e in self.events if type(e).__name__ != "Level"]
                    raise AssertionError(
                        f"no {kind.__name__} within {timeout} s; events so far: {names}"
                    )
                self._condition.wait(remaining)


def _pipe_bytes(fd: int) -> int:
    """Bytes waiting in a pipe (FIONREAD works on either end on Linux)."""
    value = array.array("i", [0])
    fcntl.ioctl(fd, termios.FIONREAD, value)
    return int(value[0])


# ---------------------------------------------------------------- fake input streams
FAKE_BLOCK = 512  # RecorderConfig().blocksize


class FakeStatus:
    """The `status` argument of a PortAudio callback (only the overflow flag is read)."""

    def __init__(self, overflow: bool) -> None:
        self.input_overflow = overflow


class FakeStream:
    """Calls the callback from its own thread with blocks of `blocksize` at real-time pace.

    Faults on request: `start_delay` (start() returns late, blocks already flowing),
    `start_error` (start() raises it), `bad_block_after` (that many good blocks, then one torn
    by a byte: the writer cannot make samples of it), `hang_on_close`.
    """

    def __init__(
        self,
        callback: Callable[[object, int, object, object], None],
        value: int = 1000,
        hang_on_close: bool = False,
        blocksize: int = FAKE_BLOCK,
        start_delay: float = 0.0,
        start_error: BaseException | None = None,
        bad_block_after: int | None = None,
    ) -> None:
        self.callback = callback
        self.blocksize = blocksize
        self.value = value
        self.hang_on_close = hang_on_close
        self.start_delay = start_delay
        self.start_error = start_error
        self.bad_block_after = bad_block_after
        self.delivering = threading.Event()
        self.delivering.set()
        self.overflow_next = False
        self.blocks = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.closed = False

    @property
    def active(self) -> bool:
        """True until stopped or aborted."""
        return not self._stop.is_set()

    def start(self) -> None:
        """Start delivering (after raising `start_error`, if any)."""
        if self.start_error is not None:
            raise self.start_error
        self._thread.start()
        time.sleep(self.start_delay)

    def _run(self) -> None:
        next_at = time.monotonic()
        while not self._stop.is_set():
            if self.delivering.is_set():
                block: npt.NDArray[np.generic]
                if self.bad_block_after is not None and self.blocks == self.bad_block_after:
                    block = np.zeros((2 * self.blocksize - 1, 1), dtype=np.uint8)  # torn
                else:
                    block = np.full((self.blocksize, 1), self.value, dtype=np.int16)
                overflow, self.overflow_next = self.overflow_next, False
                self.callback(block, self.blocksize, None, FakeStatus(overflow))
                self.blocks += 1
            next_at += self.blocksize / 16000
            time.sleep(max(0.0, next_at - time.monotonic()))

    def stop(self) -> None:
        """Stop delivering (or hang for ever, like a stream stuck in a dead sound server)."""
        if self.hang_on_close:
            threading.Event().wait()
        self._stop.set()

    def abort(self) -> None:
        """Stop delivering at once."""
        self._stop.set()

    def close(self) -> None:
        """Mark closed."""
        self.closed = True


class FakeStreamFactory:
    """A `StreamFactory` making `FakeStream`s; `options` apply to the first stream only when
    `first_only` (later streams, e.g. after a reopen or a restart, are healthy)."""

    def __init__(self, first_only: bool = False, **options: Any) -> None:
        self.options = options
        self.first_only = first_only
        self.streams: list[FakeStream] = []

    def __call__(
        self,
        device: str | int | None,
        rate: int,
        blocksize: int,
        channels: int,
        callback: Callable[[object, int, object, object], None],
    ) -> FakeStream:
        assert (rate, channels) == (16000, 1)
        options = self.options if not (self.first_only and self.streams) else {}
        stream = FakeStream(callback, blocksize=blocksize, **options)
        self.streams.append(stream)
        return stream


class OnsetWatch:
    """A second capture of the same input, in 4 ms blocks: `wait()` returns the moment a burst
    reaches the input. (The recorder writes its file in batches of up to 0.25 s, so the file
    cannot tell when the recorder received a sound; its clock counts frames received.)"""

    def __init__(self) -> None:
        import sounddevice

        self.loud = threading.Event()
        self._stream = sounddevice.InputStream(
            samplerate=16000, blocksize=64, channels=1, dtype="int16", callback=self._callback
        )
        self._stream.start()

    def _callback(self, indata: npt.NDArray[np.int16], _f: int, _t: object, _s: object) -> None:
        if int(np.max(np.abs(indata.astype(np.int32)))) > 1000:
            self.loud.set()

    def arm(self) -> None:
        """Forget an earlier burst (call before playing the next)."""
        self.loud.clear()

    def wait(self, timeout: float = 5.0) -> None:
        """Block until a loud block arrives."""
        if not self.loud.wait(timeout):
            raise RuntimeError("the burst never reached the input")

    def close(self) -> None:
        """Stop the capture."""
        self._stream.stop()
        self._stream.close()
