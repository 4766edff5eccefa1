"""Transcribing a sealed record: in chunks, resumable after a kill, cancellable, with progress.

    outcome = transcribe_folder(folder, WhisperEngine(), on_progress=show, should_stop=flag.is_set)

The audio is worked through segment file by segment file, in chunks of about `chunk_s`
seconds. Each chunk is cut at the quietest tenth of a second in its last `SEARCH_S` seconds
(so a word is rarely split) and is decoded on its own, so where the cuts fall depends only on
the audio: a resumed run cuts and decodes exactly as an uninterrupted one. After each chunk
the work so far is saved atomically in transcript.partial.json; a kill loses at most the chunk
being decoded, and the next run continues after the last saved chunk. A cancel (`should_stop`
true) is noticed between the engine's segments and keeps every finished chunk.

When every chunk is done, transcript.json is written (atomically) and the progress file is
removed. An existing transcript.json of the same seal is never rewritten; one of another seal
or damaged is refused with the fix (a transcript is evidence: it is not replaced silently).

A transcription holds an exclusive `flock` on the session folder while it runs, so two runs
on the same record (the app and the command line) cannot both write it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from discussion.errors import UserError
from discussion.record.events import utc_now_iso
from discussion.transcript.edges import frame_levels, snap_segment
from discussion.transcript.engine import Engine
from discussion.transcript.model import (
    PROGRESS_JSON,
    TRANSCRIPT_JSON,
    AudioSource,
    ChunkDone,
    Created,
    Progress,
    Segment,
    Transcript,
    TranscriptError,
    Word,
    load_progress,
    load_transcript,
    progress_path,
    remove_progress,
    save_progress,
    save_transcript,
    transcript_path,
)
from discussion.transcript.source import SealedAudio, load_sealed_audio, read_frames, session_time

CHUNK_S = 300  # five minutes: a kill loses at most ~30 s of work at tiny.en's speed
SEARCH_S = 30  # where to look for a quiet cut before the chunk's nominal end (a pause to breathe)
WINDOW_S = 0.1  # the quiet stretch a cut is placed in


@dataclass(frozen=True)
class ProgressReport:
    """How far a transcription is: seconds of audio done and in all, and wall time left."""

    done_s: float
    total_s: float
    resumed_from_s: float  # audio already done by an earlier run
    elapsed_s: float  # wall time of this run so far
    left_s: float | None  # estimated from this run's speed; None until there is one

    @property
    def fraction(self) -> float:
        """Done, 0..1."""
        return 1.0 if self.total_s <= 0 else min(1.0, self.done_s / self.total_s)


@dataclass(frozen=True)
class Outcome:
    """The end of a transcription run: the transcript, or how far a cancelled run got."""

    transcript: Transcript | None  # None when cancelled
    path: Path
    done_s: float
    total_s: float
    resumed_from_s: float
    elapsed_s: float
    already_done: bool = False  # transcript.json of this seal was there: nothing was done

    @property
    def cancelled(self) -> bool:
        """True when the run stopped before the end (the work done is kept)."""
        return self.transcript is None


ProgressCallback = Callable[[ProgressReport], None]


def existing_transcript(audio: SealedAudio) -> Transcript | None:
    """transcript.json if it is there and verifies; None if absent; else TranscriptError.

    A transcript that does not verify is never replaced silently: the person moves it aside
    (it is the evidence that something changed) and transcribes again.
    """
    folder, seal_hash = audio.folder, audio.seal_hash
    path = transcript_path(folder)
    if audio.transcript_problem is not None and os.path.lexists(path):
        raise TranscriptError(
            f"refused: {path} does not verify ({audio.transcript_problem}); it is not replaced "
            "without asking: move it out of the folder (keep it if it may matter), then "
            "transcribe again",
            exit_code=1,
        )
    try:
        transcript = load_transcript(path)
    except FileNotFoundError:
        return None
    if transcript.seal_hash != seal_hash:
        raise TranscriptError(
            f"{path} belongs to another seal ({transcript.seal_hash[:12]}..., this record's is "
            f"{seal_hash[:12]}...): move it aside to transcribe this record",
            exit_code=1,
        )
    return transcript


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise UserError(f"{folder}: cannot be opened: {error.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TranscriptError(
                f"{folder.name} is being transcribed by another run (the app or another "
                "`discussion transcribe`): wait for it to finish",
                exit_code=1,
            ) from None
        yield
    finally:
        os.close(fd)  # releases the lock


def _remove_stale_temporaries(folder: Path) -> None:
    """Temporary files of an earlier run killed while writing (only ours: under the lock)."""
    for name in (TRANSCRIPT_JSON, PROGRESS_JSON):
        for stale in folder.glob(f".{name}.tmp-*"):
            with contextlib.suppress(OSError):
                stale.unlink()


def chunk_end(source: AudioSource, path: Path, first: int, chunk_frames: int) -> int:
    """Where the chunk starting at file frame `first` ends: the segment's end if near, else
    the middle of the quietest WINDOW_S in the SEARCH_S before `first + chunk_frames`."""
    rate = source.samplerate
    search = min(SEARCH_S * rate, chunk_frames // 2)
    if first + chunk_frames + search // 2 >= source.frames:  # no short tail chunk
        return source.frames
    window = round(WINDOW_S * rate)
    stop = first + chunk_frames
    start = max(first + window, stop - search)
    data = read_frames(path, start, stop - start)
    usable = len(data) // window * window
    if usable == 0:
        return stop
    energy = np.square(data[:usable].astype(np.float64)).reshape(-1, window).mean(axis=1)
    quietest = len(energy) - 1 - int(np.argmin(energy[::-1]))  # the last of equals: fewer chunks
    return start + quietest * window + window // 2


def _on_timeline(segment: Segment, source: AudioSource, first: int, limit_s: float) -> Segment:
    """An engine segment (times from the chunk's start) placed on the session timeline."""

    def place(t: float) -> float:
        return round(session_time(source, first + min(max(0.0, t), limit_s) * source.samplerate), 3)

    words = [
        Word(start=place(w.start), end=place(w.end), word=w.word, probability=w.probability)
        for w in segment.words
    ]
    return Segment(
        start=place(segment.start), end=place(segment.end), text=segment.text, words=words
    )


class _Clock:
    """Progress arithmetic for one run (wall clock only for the estimate of time left)."""

    def __init__(self, total_s: float, resumed_from_s: float, on_progress: ProgressCallback | None):
        self.total_s = total_s
        self.resumed_from_s = resumed_from_s
        self.on_progress = on_progress
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def report(self, done_s: float) -> None:
        if self.on_progress is None:
            return
        elapsed = self.elapsed()
        this_run = done_s - self.resumed_from_s
        left = None
        if this_run > 1.0 and elapsed > 0.0:
            left = (self.total_s - done_s) * elapsed / this_run
        self.on_progress(ProgressReport(done_s, self.total_s, self.resumed_from_s, elapsed, left))


def _start_progress(audio: SealedAudio, engine: Engine, chunk_frames: int) -> Progress:
    fresh = Progress(
        session_id=audio.session_id,
        seal_hash=audio.seal_hash,
        engine=engine.info,
        audio=audio.sources,
        chunk_frames=chunk_frames,
    )
    kept = load_progress(progress_path(audio.folder))
    return kept if kept is not None and kept.matches(fresh) else fresh


def _next_chunk(audio: SealedAudio, progress: Progress) -> tuple[AudioSource, int] | None:
    """The segment file and file frame where the next chunk starts, or None when all done."""
    reached: dict[str, int] = {}
    for chunk in progress.done:
        reached[chunk.segment] = max(
            reached.get(chunk.segment, 0), chunk.first_frame + chunk.frames
        )
    for source in audio.sources:
        if reached.get(source.segment, 0) < source.frames:
            return source, reached.get(source.segment, 0)
    return None


def _done_seconds(audio: SealedAudio, progress: Progress) -> float:
    rates = {source.segment: source.samplerate for source in audio.sources}
    return sum(chunk.frames / rates[chunk.segment] for chunk in progress.done)


def transcribe_folder(
    folder: Path,
    engine: Engine | Callable[[], Engine],
    *,
    chunk_s: float = CHUNK_S,
    on_progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    software_version: str | None = None,
    sign: Callable[[Transcript], Transcript] | None = None,
) -> Outcome:
    """Transcribe sealed record `folder` into FOLDER/transcript.json, continuing earlier work.

    Refuses (TranscriptError, one line) a record that is not sealed or does not verify, or
    whose transcript.json is of another seal. Returns the outcome; a cancelled run's work is
    kept in transcript.partial.json for the next run. `engine` may be a function making one:
    it is then called only once the record is checked and there is work to do (loading a
    model takes seconds). `sign` fills the finished transcript's
    signature slot (discussion.transcript.seal.sign_transcript) before it is written.
    """
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder: give a session folder")
    target = transcript_path(folder)
    with _folder_lock(folder):
        _remove_stale_temporaries(folder)  # a run killed mid-write; verify would call it added
        audio = load_sealed_audio(folder)
        existing = existing_transcript(audio)
        if existing is not None:
            remove_progress(progress_path(folder))
            return Outcome(existing, target, audio.duration_s, audio.duration_s, 0.0, 0.0, True)
        if callable(engine):
            engine = engine()
        rate = audio.sources[0].samplerate
        chunk_frames = max(round(chunk_s * rate), rate)
        progress = _start_progress(audio, engine, chunk_frames)
        resumed_from = _done_seconds(audio, progress)
        clock = _Clock(audio.duration_s, resumed_from, on_progress)
        clock.report(resumed_from)
        stop = should_stop or (lambda: False)
        while (position := _next_chunk(audio, progress)) is not None:
            if stop():
                return _cancelled(target, audio, progress, clock)
            source, first = position
            chunk = _transcribe_chunk(audio, engine, source, first, chunk_frames, clock, stop)
            if chunk is None:
                return _cancelled(target, audio, progress, clock)
            progress = progress.model_copy(update={"done": [*progress.done, chunk]})
            save_progress(progress_path(folder), progress)
            clock.report(_done_seconds(audio, progress))
        transcript = _finish(audio, engine, progress, software_version)
        if sign is not None:
            transcript = sign(transcript)
        save_transcript(target, transcript)
        remove_progress(progress_path(folder))
        return Outcome(
            transcript, target, audio.duration_s, audio.duration_s, resumed_from, clock.elapsed()
        )


def _transcribe_chunk(
    audio: SealedAudio,
    engine: Engine,
    source: AudioSource,
    first: int,
    chunk_frames: int,
    clock: _Clock,
    stop: Callable[[], bool],
) -> ChunkDone | None:
    """One chunk decoded and placed on the timeline; None if cancelled part-way."""
    path = audio.path(source)
    end = chunk_end(source, path, first, chunk_frames)
    samples = read_frames(path, first, end - first)
    limit_s = (end - first) / source.samplerate
    before = _done_base(audio, source, first)
    levels = frame_levels(samples, source.samplerate)
    placed: list[Segment] = []
    for segment in engine.transcribe(samples):
        if stop():
            return None
        after = placed[-1].end - session_time(source, first) if placed else 0.0
        placed.append(_on_timeline(snap_segment(segment, levels, after), source, first, limit_s))
        clock.report(before + min(segment.end, limit_s))
    if stop():
        return None
    return ChunkDone(segment=source.segment, first_frame=first, frames=end - first, segments=placed)


def _done_base(audio: SealedAudio, source: AudioSource, first: int) -> float:
    """Audio seconds done before file frame `first` of `source` (earlier files all done)."""
    done = 0.0
    for earlier in audio.sources:
        if earlier.segment == source.segment:
            break
        done += earlier.frames / earlier.samplerate
    return done + first / source.samplerate


def _cancelled(target: Path, audio: SealedAudio, progress: Progress, clock: _Clock) -> Outcome:
    done = _done_seconds(audio, progress)
    return Outcome(None, target, done, audio.duration_s, clock.resumed_from_s, clock.elapsed())


def _finish(
    audio: SealedAudio, engine: Engine, progress: Progress, software_version: str | None
) -> Transcript:
    order = {source.segment: index for index, source in enumerate(audio.sources)}
    chunks = sorted(progress.done, key=lambda c: (order[c.segment], c.first_frame))
    segments = [segment for chunk in chunks for segment in chunk.segments]
    if software_version is None:
        from discussion import installed_version

        software_version = installed_version()
    return Transcript(
        session_id=audio.session_id,
        seal_hash=audio.seal_hash,
        created=Created(at=utc_now_iso(), software_version=software_version),
        engine=engine.info,
        audio=audio.sources,
        duration_s=round(audio.duration_s, 3),
        segments=segments,
    )
