"""The sealed audio a transcript is made from, and the session clock it is placed on.

Only a sealed record that verifies is transcribed: a transcript names the seal it belongs to
(the closed line's hash) and the sealed hash of every segment file it came from, which an
unsealed record does not yet have.

Times: the record's segment files are placed on the session timeline by
`discussion.playback.timeline.AudioTimeline` (the same placement playback and the notes use).
Inside a segment file, file position == timeline offset from the segment's `start_offset`: an
`audio_gap` is silence padded into the file and a pause stops the file and the timeline
together, so a word at `t` seconds into a file is at `start_offset + t` on the session
timeline. A resumed session's later segment starts where its `recording_started` says.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from discussion.errors import UserError
from discussion.transcript.engine import SAMPLERATE, FloatArray
from discussion.transcript.model import AudioSource, TranscriptError

UNSEALED_FIX = (
    "a transcript is made only of a sealed record: close the session first (in the app, or end "
    "`discussion record`; an interrupted one: `discussion recover FOLDER`, then resume and close "
    "it), then transcribe"
)


@dataclass(frozen=True)
class SealedAudio:
    """A sealed, intact record's audio: its segment files in timeline order."""

    folder: Path
    session_id: str
    seal_hash: str
    sources: list[AudioSource]
    transcript_problem: str | None = None  # why an existing transcript.json does not verify

    @property
    def total_frames(self) -> int:
        """Frames of audio in all the segment files."""
        return sum(source.frames for source in self.sources)

    @property
    def duration_s(self) -> float:
        """Seconds of audio in all the segment files."""
        return sum(source.frames / source.samplerate for source in self.sources)

    def path(self, source: AudioSource) -> Path:
        """Where a segment file is."""
        return self.folder / source.segment


def session_time(source: AudioSource, file_frame: float) -> float:
    """The session-timeline seconds of frame `file_frame` of segment file `source`."""
    return source.start_offset + file_frame / source.samplerate


def load_sealed_audio(folder: Path) -> SealedAudio:
    """The record's audio if it is sealed and verifies; else a one-line UserError with the fix.

    Exit status of the error: 2 for a folder that is not a session, 1 for a refusal (altered,
    not sealed, no audio).
    """
    from discussion.playback.timeline import AudioTimeline
    from discussion.record.session import load_info, read_log
    from discussion.record.state import derive_state
    from discussion.record.verify import verify

    report = verify(folder)  # UserError (exit 2) when not a session folder
    # The record itself must be intact; a damaged transcript of it is dealt with by the run.
    of_transcript = set(report.transcript.problems) if report.transcript is not None else set()
    problems = [problem for problem in report.problems if problem not in of_transcript]
    if problems:
        raise TranscriptError(
            f"refused: {folder.name} does not verify ({problems[0]}); a transcript is "
            "made only of an intact record: run `discussion verify` on it",
            exit_code=1,
        )
    if not report.sealed or report.seal_hash is None:
        raise TranscriptError(f"refused: {folder.name} is not sealed; {UNSEALED_FIX}", exit_code=1)
    info = load_info(folder)
    events = read_log(folder).events
    state = derive_state(info, events, owned=False)
    if state.closed is None:  # verify said sealed; the log changed since
        raise TranscriptError(f"refused: {folder.name} changed while being read: try again", 1)
    if info.audio is False or not state.segments:
        raise TranscriptError(
            f"{folder.name} has no audio to transcribe (recorded as notes only)", exit_code=1
        )
    if state.info.samplerate != SAMPLERATE:
        raise TranscriptError(
            f"{folder.name}: the audio is {state.info.samplerate} Hz; transcripts are made of "
            f"{SAMPLERATE} Hz recordings only",
            exit_code=1,
        )
    timeline = AudioTimeline.from_state(folder, state)
    if timeline.problems:
        raise TranscriptError(f"refused: {timeline.problems[0]}", exit_code=1)
    by_path = {piece.path: piece for piece in timeline.pieces}
    sources: list[AudioSource] = []
    for segment in sorted(state.segments, key=lambda s: s.start_offset):
        piece = by_path[folder / segment.file]
        sha256 = state.closed.files.get(segment.file)
        if sha256 is None:  # verify checks every sealed file; a segment must be one
            raise TranscriptError(f"refused: {segment.file} is not among the sealed files", 1)
        sources.append(
            AudioSource(
                segment=segment.file,
                sha256=sha256,
                start_offset=piece.start / timeline.samplerate,
                frames=piece.frames,
                samplerate=timeline.samplerate,
            )
        )
    transcript_problem = None
    if report.transcript is not None and report.transcript.problems:
        transcript_problem = report.transcript.problems[0]
    return SealedAudio(folder, info.session_id, report.seal_hash, sources, transcript_problem)


def read_frames(path: Path, first: int, count: int) -> FloatArray:
    """`count` frames of mono segment file `path` from frame `first`, as float32 -1..1."""
    try:
        with soundfile.SoundFile(str(path)) as handle:
            handle.seek(first)
            data = handle.read(count, dtype="float32", always_2d=True)
    except (OSError, RuntimeError) as error:
        raise UserError(f"{path}: cannot be read: {error}", exit_code=1) from None
    samples: FloatArray = np.ascontiguousarray(data[:, 0])
    return samples
