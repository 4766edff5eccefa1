"""One line about a record's transcript: a background run's bar and time left, or its state.

    ██████████░░░░░░░░░░  50%  12 of 48 min, about 3 min left · x: stop

The widget follows its folder's runs through the app's `Transcriptions` (which calls
`show_job` on the UI thread as the run's messages arrive); between runs it shows the line its
screen gives it (`set_idle`: none, partial N %, done, altered). When a run ends it posts
`TranscriptProgress.Ended` (bubbling), so its screen can read the record again.
"""

from __future__ import annotations

import math
from pathlib import Path

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from discussion.transcript.run import ProgressReport
from discussion.ui.screens.transcribe import TranscriptionJob, TranscriptState, transcriptions_of

BAR_WIDTH = 20


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def amount_text(done_s: float, total_s: float) -> str:
    """ "12 of 48 min" (from ten minutes of audio), else "1:05 of 2:13"."""
    if total_s >= 600:
        return f"{math.floor(done_s / 60)} of {math.ceil(total_s / 60)} min"
    return f"{_clock(done_s)} of {_clock(total_s)}"


def left_text(left_s: float | None) -> str:
    """ "about 3 min left", "about 40 s left", or "estimating the time left"."""
    if left_s is None:
        return "estimating the time left"
    if left_s < 60:
        return f"about {max(5, math.ceil(left_s / 5) * 5)} s left"
    return f"about {math.ceil(left_s / 60)} min left"


def progress_line(report: ProgressReport, width: int = BAR_WIDTH) -> Text:
    """The bar, the percentage, audio done of the total and the time left."""
    filled = round(report.fraction * width)
    line = Text()
    line.append("█" * filled, "bold green")
    line.append("░" * (width - filled), "dim")
    line.append(f" {report.fraction:4.0%}  ")
    line.append(f"{amount_text(report.done_s, report.total_s)}, {left_text(report.left_s)}")
    return line


def job_line(job: TranscriptionJob) -> Text:
    """What a run is doing, or how it ended, in one line (with the key that acts on it)."""
    line = Text("Transcript: ", "bold")
    if job.status == "running":
        if job.report is None:
            line.append("checking the record and loading the speech model…")
        else:
            line.append_text(progress_line(job.report))
        line.append(" · x: stop", "dim")
    elif job.status == "cancelling":
        line.append("stopping after the part being decoded (the work done is kept)…")
    elif job.status == "cancelled" and job.outcome is not None:
        done = amount_text(job.outcome.done_s, job.outcome.total_s)
        kept = "the work done is kept" if job.outcome.done_s > 0 else "no part finished yet"
        line.append(f"stopped at {done}; {kept} · t: continue")
    elif job.status == "finished" and job.outcome is not None:
        transcript = job.outcome.transcript
        words = len(transcript.words()) if transcript is not None else 0
        line.append("done", "bold green")
        line.append(f", {words} words" + (" (it was already there)" if job.outcome.already_done
                                          else ""))  # fmt: skip
    else:
        line.append("not made: ", "bold red")
        line.append(job.reason or "the run stopped", "red")
    return line


class TranscriptProgress(Static):
    """A record's transcript in one line: a run's progress, or the state its screen sets."""

    DEFAULT_CSS = """
    TranscriptProgress { height: auto; padding: 0 1; }
    """

    class Ended(Message):
        """The run this widget shows finished, stopped or failed."""

        def __init__(self, job: TranscriptionJob) -> None:
            super().__init__()
            self.job = job

    def __init__(self, folder: Path, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.folder = folder
        self.job: TranscriptionJob | None = None
        self.idle: Text = Text("")
        self._running_job: TranscriptionJob | None = None  # the run last shown still working

    def on_mount(self) -> None:
        """Follow the folder's runs (the latest one is shown at once)."""
        transcriptions = transcriptions_of(self.app)
        if transcriptions is not None:
            transcriptions.watch(self)
        self._draw()

    def on_unmount(self) -> None:
        """No more updates."""
        transcriptions = transcriptions_of(self.app)
        if transcriptions is not None:
            transcriptions.unwatch(self)

    def show_job(self, job: TranscriptionJob) -> None:
        """A run's state changed (UI thread)."""
        # Ended once per run, when this widget saw it running (not for an old run on mount).
        seen_running = self._running_job is job
        self.job = job
        self._running_job = job if job.active else None
        self._draw()
        if seen_running and not job.active:
            self.post_message(self.Ended(job))

    def set_idle(self, line: Text) -> None:
        """The record's transcript state, shown when no run is under way. A run that ended
        well gives way to it; a failure stays until the next run (it is the reason)."""
        self.idle = line
        if self.job is not None and self.job.status in ("finished", "cancelled"):
            self.job = None
        self._draw()

    def _draw(self) -> None:
        self.update(job_line(self.job) if self.job is not None else self.idle)

    @property
    def plain_text(self) -> str:
        """The line as shown."""
        return (job_line(self.job) if self.job is not None else self.idle).plain


def state_line(state: TranscriptState, estimate: str | None) -> Text:
    """A record's transcript between runs, with the key to act on it; `estimate`: "about N
    minutes" for the whole record (None: no estimate)."""
    line = Text("Transcript: ", "bold")
    if state.kind == "done":
        line.append("done", "bold green")
        line.append(f", {state.words} words, intact")
        return line
    if state.kind == "altered":
        line.append("ALTERED", "bold red")
        line.append(f": {state.problem}", "red")
        return line
    line.append("none" if state.kind != "partial" else f"partial, {state.percent}% done")
    if state.kind == "unsealed":
        line.append(" (a transcript is made only of a sealed record)", "dim")
        return line
    if state.audio_s <= 0:
        line.append(" (the session has no recording)", "dim")
        return line
    if state.engine_problem is not None:
        line.append(" · cannot be made here: ", "bold red")
        line.append(state.engine_problem, "red")
        return line
    key = "t: transcribe" if state.kind == "none" else "t: continue"
    when = f" ({estimate} in all, in the background)" if estimate else " (in the background)"
    line.append(f" · {key}{when}")
    if state.problem is not None:
        line.append(f" · {state.problem}", "yellow")
    return line
