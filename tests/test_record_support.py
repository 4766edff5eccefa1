"""Shared helpers for the session record tests (no tests here)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import soundfile
from cli_inprocess import run_in_process
from session_factory import make_session_info

from discussion.record import (
    QuestionAskedData,
    RecordingStartedData,
    RecordingStoppedData,
    SessionInfo,
    SessionRecord,
)

REPO = Path(__file__).resolve().parent.parent
OWN_STREAMS = ("/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/fd/", "/proc/self/")

# Runs discussion.cli.main with only the sub-commands that import yet (others are written in
# parallel), so these tests exercise the real dispatcher and error handling.
CLI_SCRIPT = """
import importlib, sys
import discussion.cli as cli
def importable(name):
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True
cli.COMMAND_MODULES = tuple(m for m in cli.COMMAND_MODULES if importable(m))
sys.exit(cli.main(sys.argv[1:]))
"""


def make_info(**changes: Any) -> SessionInfo:
    """A valid SessionInfo with made-up (non-personal) values."""
    fields: dict[str, Any] = {
        "apprentice_name": "Test Apprentice",
        "uln": "1234567899",  # a valid check digit
        "assessor": "Test Assessor",
        "epa_window_start": date(2026, 11, 1),
        "reaction_lag_s": 2.0,
    }
    return make_session_info(**{**fields, **changes})


def write_wav(path: Path, seconds: float, rate: int = 16000) -> int:
    """A small PCM_16 mono WAV of a tone; returns its frame count."""
    frames = int(seconds * rate)
    t = np.arange(frames) / rate
    samples = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
    soundfile.write(str(path), samples, rate, subtype="PCM_16")
    return frames


def populate(record: SessionRecord, seconds: float = 0.25) -> None:
    """A short discussion: one segment, a question, notes, an amendment and decisions."""
    segment = record.next_segment_path()
    name = segment.relative_to(record.folder).as_posix()
    record.append(RecordingStartedData(segment=name, start_offset=0.0, device="test"), 0.0)
    frames = write_wav(segment, seconds)
    record.append(QuestionAskedData(question_id="Q1", criteria=["1A"]), 0.05)
    note = record.add_note("Explained the complaint process — clearly", ["1A"], 0.1)
    record.amend_note(note.seq, "Explained the complaint process clearly", ["1A", "2A"])
    record.decide("1A", True, "clear example", [note.seq])
    record.decide("1B", False, "no example", [])
    record.append(RecordingStoppedData(segment=name, frames=frames, reason="stop"), seconds)
    (record.folder / "recorder.log").write_text("recorder started\nrecorder stopped\n")


def make_closed_session(home: Path) -> Path:
    """Create, populate and close a session under `home`; return its folder."""
    record = SessionRecord.create(make_info(), home=home)
    populate(record)
    record.close()
    return record.folder


def run_cli(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `discussion ARGS...` through the real dispatcher, inside this process (a test about
    the process itself uses `run_cli_process`). A command told to write to its own standard
    streams by name (/dev/stdout, /dev/fd/N) runs in a fresh interpreter: that is about the
    process."""
    if any(str(arg).startswith(OWN_STREAMS) for arg in args):
        return run_cli_process(*args, home=home)
    env = dict(os.environ)
    if home is not None:
        env["DISCUSSION_HOME"] = str(home)
    return run_in_process(args, env=env)


def run_cli_process(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `discussion ARGS...` in a fresh interpreter."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    if home is not None:
        env["DISCUSSION_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-c", CLI_SCRIPT, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
