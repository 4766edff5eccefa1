"""`discussion devices [--test [SECONDS]]`: list input devices, optionally hear one.

Native libraries (ALSA, PortAudio) print probe noise straight to fd 2; it goes to a log file in
the data home, so the terminal shows only the listing, the verdict or a one-line error.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import threading
from pathlib import Path
from typing import Any

from discussion.audio.devices import (
    NO_DEVICE_FOR_LISTING,
    NOTES_ONLY_PATH,
    InputDevice,
    list_input_devices,
)
from discussion.audio.errors import NO_INPUT_DEVICE, AudioUnavailable
from discussion.audio.events import Level, RecorderEvent
from discussion.audio.recorder import Recorder, RecorderConfig
from discussion.native_stderr import redirect_native_stderr
from discussion.paths import data_home

log = logging.getLogger(__name__)

DEFAULT_TEST_SECONDS = 3.0
FIRST_BLOCK_TIMEOUT_S = 5.0


def add_parser(subparsers: Any) -> None:
    """Register `devices` on the CLI's sub-command parsers."""
    parser = subparsers.add_parser(
        "devices",
        help="list microphones; --test records a few seconds and reports the level",
        description="List audio input devices (the default is marked with *). With --test, "
        "record for a few seconds and report whether sound was heard.",
    )
    parser.add_argument(
        "--test",
        nargs="?",
        type=test_seconds,
        const=DEFAULT_TEST_SECONDS,
        default=None,
        metavar="SECONDS",
        help=f"record for SECONDS (default {DEFAULT_TEST_SECONDS:g}) and print the level heard",
    )
    parser.add_argument(
        "--device", default=None, help="device to test: index or part of its name (default: *)"
    )
    parser.set_defaults(func=run)


MAX_TEST_SECONDS = 60.0  # a level check; longer is a typo (`--test 1e9` recorded for 31 years)


def test_seconds(text: str) -> float:
    """`--test SECONDS`: a finite number above 0, at most `MAX_TEST_SECONDS`."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < seconds <= MAX_TEST_SECONDS:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(
            f"{text}: give a number of seconds above 0, at most {MAX_TEST_SECONDS:g}"
        )
    return seconds


def log_path() -> Path:
    """Where this command's log and native libraries' stderr go."""
    return data_home() / "logs" / "devices.log"


def run(args: argparse.Namespace) -> int:
    """List devices; with --test record and report. `AudioUnavailable` propagates (exit 2)."""
    path = log_path()
    _log_to_file(path)
    with redirect_native_stderr(path):
        try:
            devices = list_input_devices()
        except AudioUnavailable as error:
            raise AudioUnavailable(_for_listing(error.message)) from error
        if not devices:
            raise AudioUnavailable(NO_DEVICE_FOR_LISTING)
        print(format_devices(devices))
        if args.test is None:
            return 0
        return _test(args.device, float(args.test))


def _for_listing(message: str) -> str:
    """A listing error as this command says it: the fix and the notes-only path, never a
    pointer back to this very command."""
    if message.startswith(NO_INPUT_DEVICE):  # PortAudio answered but found nothing usable
        detail = message[len(NO_INPUT_DEVICE) :].strip()
        return NO_DEVICE_FOR_LISTING + (f" {detail}" if detail else "")
    return f"{message}; {NOTES_ONLY_PATH}"  # PortAudio or sounddevice missing: it names the fix


def format_devices(devices: list[InputDevice]) -> str:
    """A table of input devices, default marked with `*`."""
    width = max(len(d.name) for d in devices)
    lines = ["Input devices (* = default):"]
    for d in devices:
        mark = "*" if d.is_default else " "
        lines.append(
            f"{mark} {d.index:>3}  {d.name:<{width}}  {d.hostapi}, {d.channels} ch, "
            f"{d.default_samplerate:g} Hz"
        )
    return "\n".join(lines)


def _test(device: str | None, seconds: float) -> int:
    config = RecorderConfig()
    loudest_rms = float("-inf")
    loudest_peak = float("-inf")
    lock = threading.Lock()

    def on_event(event: RecorderEvent) -> None:
        nonlocal loudest_rms, loudest_peak
        if isinstance(event, Level):
            with lock:
                loudest_rms = max(loudest_rms, event.rms_dbfs)
                loudest_peak = max(loudest_peak, event.peak_dbfs)

    with tempfile.TemporaryDirectory(prefix="discussion-devices-") as folder:
        recorder = Recorder(
            Path(folder) / "test.wav", device=device, on_event=on_event, config=config
        )
        recorder.start()
        try:
            name = "the default device" if device is None else f"device {device!r}"
            print(f"Listening to {name} for {seconds:g} s...", flush=True)
            if not recorder.wait_until_recording(FIRST_BLOCK_TIMEOUT_S):
                raise AudioUnavailable(
                    f"no audio arrived from {name} in {FIRST_BLOCK_TIMEOUT_S:g} s: check the "
                    "sound server is running and the device is not in use"
                )
            threading.Event().wait(seconds)
        finally:
            summary = recorder.stop()
    log.info("device test: %s", summary)
    with lock:
        rms, peak = loudest_rms, loudest_peak
    print(f"Level heard: peak {peak:.1f} dBFS, RMS {rms:.1f} dBFS (loudest 100 ms)")
    if rms >= config.silence_threshold_dbfs:
        print("Verdict: heard sound")
    else:
        print("Verdict: silence: check the microphone (is it muted or the wrong device?)")
    return 0


def _log_to_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    if not any(isinstance(h, logging.FileHandler) for h in root.handlers):
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
