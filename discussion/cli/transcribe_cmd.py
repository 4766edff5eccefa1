"""`discussion transcribe FOLDER [--json]`: an offline transcript of a sealed record.

Writes FOLDER/transcript.json (times on the session timeline, the notes' clock), signed by this
data folder's key. Progress goes to stderr (minutes done of the total, time left); stdout gets
the summary (or, with `--json`, one JSON object). A kill or Ctrl-C keeps the finished chunks in
transcript.partial.json and the next run continues from there.

Exit status: 0 transcribed (or already was), 1 refused (the record is not sealed or does not
verify, has no audio, its transcript.json is of another seal) or cancelled before the end, 2
bad input (not a session folder, no signer name, the speech model missing or not the tested
one).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from discussion.errors import UserError

if TYPE_CHECKING:
    from discussion.transcript.model import Transcript
    from discussion.transcript.run import Outcome, ProgressReport


def add_parser(subparsers: Any) -> None:
    """Register the `transcribe` sub-command."""
    parser = subparsers.add_parser(
        "transcribe",
        help="make an offline transcript of a sealed session record",
        description="Transcribe a sealed record's audio on this machine (no network): "
        "FOLDER/transcript.json, with every word's time on the session timeline, signed by "
        "this data folder's key. Resumable: a cancelled or killed run continues where it "
        "stopped. Exit 0 done, 1 refused or cancelled, 2 bad input.",
    )
    parser.add_argument("folder", type=Path, help="the session folder (closed and intact)")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")
    parser.add_argument(
        "--signer",
        metavar="NAME",
        help="your name, signed with the transcript (default: the name that signed the seal, "
        "when this data folder's key sealed it)",
    )
    parser.add_argument(
        "--key",
        choices=("assessor", "verifier"),
        default="assessor",
        help="which of this data folder's keys signs the transcript (default: assessor)",
    )
    # Chunk length (a kill loses at most one chunk); for tests and benchmarks.
    parser.add_argument("--chunk-seconds", type=float, default=None, help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Transcribe the folder, showing progress; the exit status as the module says."""
    from discussion.transcript.engine import WhisperEngine
    from discussion.transcript.run import CHUNK_S, transcribe_folder

    folder: Path = args.folder
    sign = _signer(folder, args.signer, args.key)
    stop = threading.Event()
    show = _Progress()
    with _stop_on_signals(stop):
        outcome = transcribe_folder(
            folder,
            WhisperEngine,  # loaded once the record is checked and there is work to do
            chunk_s=args.chunk_seconds or CHUNK_S,
            on_progress=show,
            should_stop=stop.is_set,
            sign=sign,
        )
    show.end()
    _print(outcome, args.json)
    return 1 if outcome.cancelled else 0


def _signer(folder: Path, name: str | None, role: str) -> Callable[[Transcript], Transcript]:
    """The signing step, checked before any work: the key loads and there is a name."""
    from discussion.record.session import load_state
    from discussion.signing.keys import load_or_create_key
    from discussion.transcript.seal import sign_transcript

    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder: give a session folder")
    key = load_or_create_key("verifier" if role == "verifier" else "assessor")
    if name is None:
        closed = load_state(folder).closed
        seal = closed.signature if closed is not None else None
        if seal is not None and seal.public_key == key.public_key:
            name = seal.signer
    if name is None or not name.strip():
        raise UserError(
            "who is signing the transcript? This data folder's key did not seal the record: "
            "give your name with --signer NAME"
        )
    signer = " ".join(name.split())
    return lambda transcript: sign_transcript(transcript, key, signer)


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C, SIGTERM or SIGHUP ask the run to stop after the current engine segment."""

    def handler(_signum: int, _frame: object) -> None:
        stop.set()

    wanted = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {signum: signal.signal(signum, handler) for signum in wanted}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


class _Progress:
    """Progress on stderr: one rewritten line on a terminal, else a line every 10 s."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.shown = False

    def __call__(self, report: ProgressReport) -> None:
        now = time.monotonic()
        if not self.tty and self.shown and now - self.last < 10.0 and report.fraction < 1.0:
            return
        self.last, self.shown = now, True
        left = "" if report.left_s is None else f", about {_clock(report.left_s)} left"
        line = (
            f"transcribing: {_clock(report.done_s)} of {_clock(report.total_s)} "
            f"({report.fraction:.0%}){left}"
        )
        end = "\r" if self.tty else "\n"
        print(f"{line:<60}" if self.tty else line, end=end, file=sys.stderr, flush=True)

    def end(self) -> None:
        if self.tty and self.shown:
            print(file=sys.stderr, flush=True)


def _print(outcome: Outcome, as_json: bool) -> None:
    transcript = outcome.transcript
    if as_json:
        out: dict[str, Any] = {
            "ok": not outcome.cancelled,
            "cancelled": outcome.cancelled,
            "already_done": outcome.already_done,
            "transcript": str(outcome.path) if transcript is not None else None,
            "done_s": round(outcome.done_s, 3),
            "total_s": round(outcome.total_s, 3),
            "resumed_from_s": round(outcome.resumed_from_s, 3),
            "elapsed_s": round(outcome.elapsed_s, 3),
            "segments": len(transcript.segments) if transcript is not None else None,
            "words": len(transcript.words()) if transcript is not None else None,
            "engine": transcript.engine.model_dump(mode="json") if transcript else None,
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if transcript is None and outcome.done_s <= 0:
        print("cancelled before any part was finished: nothing kept; run the command again")
        return
    if transcript is None:
        print(
            f"cancelled: {_clock(outcome.done_s)} of {_clock(outcome.total_s)} transcribed and "
            "kept; run the same command again to continue"
        )
        return
    if outcome.already_done:
        print(f"already transcribed: {outcome.path}")
        return
    resumed = f", continued from {_clock(outcome.resumed_from_s)}" if outcome.resumed_from_s else ""
    print(
        f"transcript: {outcome.path} ({len(transcript.segments)} segments, "
        f"{len(transcript.words())} words, {_clock(outcome.total_s)} of audio{resumed})"
    )
