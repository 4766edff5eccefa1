"""Transcribing a sealed record in the background of the app: one owned thread per run.

    app.transcriptions.start(folder)    # on the UI thread; the run reports by messages

The run is `discussion.transcript.run.transcribe_folder` (resumable, cancellable) on a thread
this module owns. The thread never touches the app's state: it posts past-tense messages
(`TranscriptProgressed`, coalesced; then one of `TranscriptFinished`, `TranscriptCancelled`,
`TranscriptFailed`) to the app, whose handlers (`TranscriptionHost`) update the job and the
`TranscriptProgress` widgets showing it, on the UI thread. A cancel sets the run's stop flag
(noticed between the engine's segments); quitting the app cancels and joins the thread, and
the chunks done stay in transcript.partial.json for the next run.

Where the speech engine comes from is injectable (`EngineSource`; tests give a fake): the app
takes one, the real one (`WhisperSource`) by default. One run at a time: the machine has two
cores and a run uses both.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from textual.message import Message

from discussion.errors import UserError, os_error_message

if TYPE_CHECKING:
    from textual.app import App

    from discussion.record.verify import VerifyReport
    from discussion.transcript.engine import Engine
    from discussion.transcript.model import Transcript
    from discussion.transcript.run import Outcome, ProgressReport
    from discussion.ui.widgets.transcript_progress import TranscriptProgress

log = logging.getLogger(__name__)

MODEL_LOAD_S = 5.0  # checking the record and loading the model, before the first chunk
JOIN_TIMEOUT_S = 30.0  # at quit: the engine finishes the segment it is decoding


class EngineSource(Protocol):
    """Where the app's speech engine comes from: checked cheaply first, made in the run."""

    def problem(self) -> str | None:
        """Why no transcript can be made here (one line with the fix), or None. May read
        the weights (a hash): call it off the UI thread."""
        ...

    def make(self) -> Engine:
        """A loaded engine (seconds: in the run's thread); TranscriptError if it cannot be."""
        ...


class WhisperSource:
    """The real engine: faster-whisper with the pinned tiny.en weights, checked by hash."""

    def problem(self) -> str | None:
        """The weights package missing, another version, or a model file with another hash."""
        import importlib.util

        from discussion.transcript.engine import MODEL_FILE, check_weights, weights_folder

        try:
            check_weights(weights_folder() / MODEL_FILE)
        except UserError as error:
            return error.message
        if importlib.util.find_spec("faster_whisper") is None:
            return "faster-whisper is not installed: install the project again (`make`)"
        return None

    def make(self) -> Engine:
        """Load the model (hash checked again: cached while the file is unchanged)."""
        from discussion.transcript.engine import WhisperEngine

        return WhisperEngine()


# ---------------------------------------------------------------------------- messages
class TranscriptProgressed(Message, bubble=False):
    """A run got further (posted from its thread)."""

    def __init__(self, folder: Path, report: ProgressReport) -> None:
        super().__init__()
        self.folder = folder
        self.report = report

    def can_replace(self, message: Message) -> bool:
        """A newer report of the same run replaces an unprocessed older one."""
        return isinstance(message, TranscriptProgressed) and message.folder == self.folder


class TranscriptFinished(Message, bubble=False):
    """A run wrote transcript.json (or found it already there)."""

    def __init__(self, folder: Path, outcome: Outcome) -> None:
        super().__init__()
        self.folder = folder
        self.outcome = outcome


class TranscriptCancelled(Message, bubble=False):
    """A run stopped when asked; the chunks done are kept in transcript.partial.json."""

    def __init__(self, folder: Path, outcome: Outcome) -> None:
        super().__init__()
        self.folder = folder
        self.outcome = outcome


class TranscriptFailed(Message, bubble=False):
    """A run could not start or stopped on an error; `reason` is one line with the fix."""

    def __init__(self, folder: Path, reason: str) -> None:
        super().__init__()
        self.folder = folder
        self.reason = reason


# ---------------------------------------------------------------------------- a run
JobStatus = Literal["running", "cancelling", "finished", "cancelled", "failed"]


@dataclass
class TranscriptionJob:
    """One run. Its fields change only on the UI thread (from the run's messages)."""

    folder: Path
    status: JobStatus = "running"
    report: ProgressReport | None = None
    outcome: Outcome | None = None
    reason: str | None = None  # why it failed
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    @property
    def active(self) -> bool:
        """Its thread is (or may still be) working."""
        return self.status in ("running", "cancelling")


def signer_for(folder: Path, fallback_name: str) -> Callable[[Transcript], Transcript]:
    """The signing step: this data folder's assessor key, as the name that sealed the record
    when this key sealed it, else `fallback_name`; UserError (with the fix) without a name."""
    from discussion.record.session import load_state
    from discussion.signing.keys import load_or_create_key
    from discussion.transcript.seal import sign_transcript

    key = load_or_create_key("assessor")
    closed = load_state(folder).closed
    seal = closed.signature if closed is not None else None
    name = seal.signer if seal is not None and seal.public_key == key.public_key else ""
    name = " ".join((name or fallback_name).split())
    if not name:
        raise UserError(
            "who is signing the transcript? This data folder's key did not seal the record and "
            'no assessor name is set: add "assessor" to settings.json, or run `discussion '
            "transcribe FOLDER --signer NAME`"
        )
    return lambda transcript: sign_transcript(transcript, key, name)


def _assessor_name(fallback: str) -> str:
    from discussion.preferences import load_preferences

    try:
        return load_preferences().assessor or fallback
    except UserError:
        return fallback


class Transcriptions:
    """The app's background transcriptions (one running at a time). UI thread only."""

    def __init__(
        self, app: App[Any], source: EngineSource, *, assessor: str = "", rtf: float = 0.15
    ) -> None:
        self.app = app
        self.source = source
        self.assessor = assessor  # the settings' name, when the seal is not this key's
        self.rtf = rtf
        self.chunk_s: float | None = None  # None: the domain's chunk length (tests shorten it)
        self.jobs: dict[Path, TranscriptionJob] = {}
        self._views: list[TranscriptProgress] = []

    def job(self, folder: Path) -> TranscriptionJob | None:
        """The latest run of `folder` in this app, if any."""
        return self.jobs.get(folder)

    def running(self) -> TranscriptionJob | None:
        """The run whose thread is working, if any."""
        return next((job for job in self.jobs.values() if job.active), None)

    def estimate_text(self, audio_s: float) -> str:
        """ "about N minutes" for `audio_s` of audio at the settings' real-time factor."""
        seconds = audio_s * self.rtf + MODEL_LOAD_S
        if seconds < 60:
            return "under a minute"
        minutes = math.ceil(seconds / 60)
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"

    def start(self, folder: Path) -> str | None:
        """Start (or resume) transcribing `folder`; the reason it cannot, or None."""
        busy = self.running()
        if busy is not None:
            if busy.folder == folder:
                return None
            return (
                f"{busy.folder.name} is being transcribed: one at a time; x in its record "
                "stops it (the work done is kept)"
            )
        job = TranscriptionJob(folder)
        job.thread = threading.Thread(
            target=self._run, args=(job,), name=f"transcribe-{folder.name}", daemon=True
        )
        self.jobs[folder] = job
        job.thread.start()
        self._show(job)
        return None

    def cancel(self, folder: Path) -> bool:
        """Ask `folder`'s run to stop (after the segment being decoded); False if none runs."""
        job = self.jobs.get(folder)
        if job is None or job.status != "running":
            return False
        job.stop.set()
        job.status = "cancelling"
        self._show(job)
        return True

    async def shutdown(self, timeout: float = JOIN_TIMEOUT_S) -> None:
        """Stop every run and wait for its thread (bounded): the work done stays on disk."""
        jobs = [job for job in self.jobs.values() if job.thread is not None]
        for job in jobs:
            job.stop.set()
        for job in jobs:
            assert job.thread is not None
            await asyncio.to_thread(job.thread.join, timeout)
            if job.thread.is_alive():
                log.error("transcription of %s did not stop within %s s", job.folder, timeout)

    # ------------------------------------------------------------------ the run's thread
    def _run(self, job: TranscriptionJob) -> None:
        """The run (its own thread): reports only by posting messages."""
        from discussion.transcript.run import CHUNK_S, transcribe_folder

        folder, post = job.folder, self.app.post_message
        try:
            sign = signer_for(folder, _assessor_name(self.assessor))

            def progressed(report: ProgressReport) -> None:
                post(TranscriptProgressed(folder, report))

            outcome = transcribe_folder(
                folder,
                self.source.make,
                chunk_s=CHUNK_S if self.chunk_s is None else self.chunk_s,
                on_progress=progressed,
                should_stop=job.stop.is_set,
                sign=sign,
            )
        except UserError as error:
            post(TranscriptFailed(folder, error.message))
        except OSError as error:
            post(TranscriptFailed(folder, os_error_message(error)))
        except Exception as error:  # never a silent death: logged, and said in one line
            log.exception("transcribing %s failed", folder)
            post(TranscriptFailed(folder, f"{type(error).__name__}: {error} (see the log)"))
        else:
            post(
                TranscriptCancelled(folder, outcome)
                if outcome.cancelled
                else TranscriptFinished(folder, outcome)
            )

    # ------------------------------------------------------------------ the messages
    def apply(
        self,
        message: TranscriptProgressed | TranscriptFinished | TranscriptCancelled | TranscriptFailed,
    ) -> None:
        """A run's message, on the UI thread: the job's state, the views, a notice at the end."""
        job = self.jobs.get(message.folder)
        if job is None:
            return
        name = message.folder.name
        if isinstance(message, TranscriptProgressed):
            if job.active:
                job.report = message.report
        elif isinstance(message, TranscriptFinished):
            job.status, job.outcome = "finished", message.outcome
            words = len(message.outcome.transcript.words()) if message.outcome.transcript else 0
            self.app.notify(f"Transcript of {name} written ({words} words).", timeout=10)
        elif isinstance(message, TranscriptCancelled):
            from discussion.transcript.run import CHUNK_S

            job.status, job.outcome = "cancelled", message.outcome
            part = f"{round((self.chunk_s or CHUNK_S) / 60)} min"
            kept = (
                "the work done is kept: t in its record continues it"
                if message.outcome.done_s > 0
                else f"no part was finished yet (work is kept a part, up to {part} of "
                "audio, at a time): t in its record starts it again"
            )
            self.app.notify(f"Transcription of {name} stopped; {kept}.", timeout=10)
        else:
            job.status, job.reason = "failed", message.reason
            self.app.notify(f"No transcript of {name}: {message.reason}", severity="error",
                            timeout=20)  # fmt: skip
        self._show(job)

    def watch(self, view: TranscriptProgress) -> None:
        """Keep `view` up to date with its folder's runs (until `unwatch`)."""
        self._views.append(view)
        job = self.jobs.get(view.folder)
        if job is not None:
            view.show_job(job)

    def unwatch(self, view: TranscriptProgress) -> None:
        """Stop updating `view` (it is being removed)."""
        with contextlib.suppress(ValueError):
            self._views.remove(view)

    def _show(self, job: TranscriptionJob) -> None:
        for view in list(self._views):
            if view.folder == job.folder:
                view.show_job(job)


class TranscriptionHost:
    """Mixed into the App: owns `transcriptions` and hands its runs' messages to it."""

    transcriptions: Transcriptions

    def on_transcript_progressed(self, message: TranscriptProgressed) -> None:
        """Progress: the widgets showing that record."""
        self.transcriptions.apply(message)

    def on_transcript_finished(self, message: TranscriptFinished) -> None:
        """Written: said, and shown."""
        self.transcriptions.apply(message)

    def on_transcript_cancelled(self, message: TranscriptCancelled) -> None:
        """Stopped, work kept: said, and shown."""
        self.transcriptions.apply(message)

    def on_transcript_failed(self, message: TranscriptFailed) -> None:
        """Failed: the reason in one line."""
        self.transcriptions.apply(message)


def transcriptions_of(app: object) -> Transcriptions | None:
    """The app's transcriptions, or None in an app without them (a test host)."""
    found = getattr(app, "transcriptions", None)
    return found if isinstance(found, Transcriptions) else None


# ---------------------------------------------------------------------------- record state
TranscriptKind = Literal["none", "partial", "done", "altered", "unsealed"]


@dataclass(frozen=True)
class TranscriptState:
    """What a record view says about a record's transcript (read off the UI thread)."""

    kind: TranscriptKind
    percent: int = 0  # partial: audio done
    words: int = 0  # done
    problem: str | None = None  # altered: why; or the progress file cannot be read
    engine_problem: str | None = None  # why none can be made here (the fix)
    audio_s: float = 0.0


def audio_seconds(folder: Path) -> float:
    """Seconds of audio in the record's segment files (their headers only)."""
    import soundfile

    total = 0.0
    for path in sorted((folder / "audio").glob("segment-*.wav")):
        try:
            info = soundfile.info(str(path))
        except (RuntimeError, OSError):  # a damaged file: verify says so; no estimate from it
            continue
        total += info.frames / info.samplerate
    return total


def transcript_state(
    folder: Path, verify: VerifyReport, source: EngineSource | None
) -> TranscriptState:
    """The transcript of a verified record: none, partial N %, done or altered (off the UI
    thread: it reads the progress file and may hash the engine's weights)."""
    from discussion.transcript.model import load_progress, progress_path

    check = verify.transcript
    if check is not None and check.status == "altered":
        return TranscriptState("altered", problem=(check.problems or ["it does not verify"])[0])
    if check is not None and check.status == "intact":
        words = len(check.transcript.words()) if check.transcript is not None else 0
        return TranscriptState("done", words=words)
    audio_s = audio_seconds(folder)
    engine_problem = source.problem() if source is not None else None
    if not verify.sealed:
        return TranscriptState("unsealed", audio_s=audio_s, engine_problem=engine_problem)
    try:
        progress = load_progress(progress_path(folder))
    except UserError as error:
        return TranscriptState(
            "none", problem=error.message, engine_problem=engine_problem, audio_s=audio_s
        )
    if progress is None or not progress.done:
        return TranscriptState("none", engine_problem=engine_problem, audio_s=audio_s)
    total = sum(source_.frames for source_ in progress.audio) or 1
    done = sum(chunk.frames for chunk in progress.done)
    return TranscriptState(
        "partial",
        percent=min(99, math.floor(100 * done / total)),
        engine_problem=engine_problem,
        audio_s=audio_s,
    )
