"""transcript.json and its progress file: the models, and reading and writing them safely.

A transcript is derived evidence: it names the sealed audio it came from (each segment file's
sha256), the seal it belongs to (`seal_hash`, the hash of the record's `closed` line) and the
engine and weights that made it (`engine.model_sha256`). Every time in it is seconds on the
session timeline, the clock of the notes, continuous across the segments of a resumed session.

    {"format": "discussion-transcript", "format_version": 1, "session_id": "...",
     "seal_hash": "...", "created": {"at": "...", "software_version": "..."},
     "engine": {"name": "faster-whisper", "model": "whisper-tiny.en", "model_sha256": "...", ...},
     "audio": [{"segment": "audio/segment-001.wav", "sha256": "...", "start_offset": 0.0,
                "frames": 480000, "samplerate": 16000}],
     "duration_s": 30.0,
     "segments": [{"start": 1.02, "end": 3.5, "text": "...",
                   "words": [{"start": 1.02, "end": 1.3, "word": " Hello", "probability": 0.98}]}],
     "signature": null}

`signature` is a slot for whoever signs the transcript (discussion.transcript.sign); it is not
part of what the rest of the file means, and a signer signs the file with the slot empty.

The work in progress lives in `transcript.partial.json` (`Progress`), never in the final file:
which chunks of which segment are done, with their segments, so a killed or cancelled run
continues where it stopped. It is deleted once `transcript.json` is in place.

Both files are written atomically (a temporary file fsync'd, renamed in, the folder fsync'd)
and read bounded (a file symlinked to /dev/zero cannot fill the memory).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from discussion.errors import UserError, os_fix
from discussion.json_input import JsonInputError, loads
from discussion.record.events import canonical_json
from discussion.safe_files import read_bounded

TRANSCRIPT_JSON = "transcript.json"
PROGRESS_JSON = "transcript.partial.json"
FORMAT: Literal["discussion-transcript"] = "discussion-transcript"
FORMAT_VERSION: Literal[1] = 1
# Whisper writes about 15 words a second of speech at most; a word is ~100 bytes of JSON. Three
# hours of dense speech is then ~16 MiB: 64 MiB is four times the most a real session makes.
MAX_TRANSCRIPT_BYTES = 64 << 20
FILE_MODE = 0o600


class TranscriptError(UserError):
    """A transcript or progress file cannot be used as asked (one line naming file and fix)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Word(_Strict):
    """One recognised word: times on the session timeline, the engine's confidence 0..1."""

    start: float
    end: float
    word: str
    probability: float = Field(ge=0.0, le=1.0)


class Segment(_Strict):
    """One stretch of speech (a sentence or so) with its words, times on the session timeline."""

    start: float
    end: float
    text: str
    words: list[Word] = Field(default_factory=list)


class AudioSource(_Strict):
    """One sealed segment file the transcript was made from, and where it sits on the timeline."""

    segment: str  # relative path, "audio/segment-001.wav"
    sha256: str
    start_offset: float  # session timeline seconds of its first sample
    frames: int
    samplerate: int


class EngineInfo(_Strict):
    """What made the words: the engine, its version, the weights (and their hash), settings."""

    name: str
    version: str = ""
    model: str = ""
    model_sha256: str
    settings: dict[str, str | int | float | bool] = Field(default_factory=dict)


class Created(_Strict):
    """When and by what software the transcript was finished (wall clock, information only)."""

    at: str
    software_version: str


class Signature(_Strict):
    """The slot for the transcript's signature (filled and checked by discussion.transcript.sign).

    Same shape as the record's seal signature: `algorithm`, `signer`, `public_key`, `signature`.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    algorithm: str
    signer: str
    public_key: str
    signature: str


class Transcript(_Strict):
    """The whole of transcript.json."""

    format: Literal["discussion-transcript"] = FORMAT
    format_version: Literal[1] = FORMAT_VERSION
    session_id: str
    seal_hash: str  # hash of the record's closed line: the seal this transcript belongs to
    created: Created
    engine: EngineInfo
    audio: list[AudioSource]
    duration_s: float  # audio transcribed, seconds (sum of the segment files)
    segments: list[Segment]
    signature: Signature | None = None

    def words(self) -> list[Word]:
        """Every word in timeline order."""
        return [word for segment in self.segments for word in segment.words]

    def unsigned_bytes(self) -> bytes:
        """The canonical JSON of the transcript with the signature slot empty (what is signed)."""
        body = self.model_dump(mode="json")
        body["signature"] = None
        return canonical_json(body).encode("utf-8")


class ChunkDone(_Strict):
    """One finished chunk: a span of one segment file, in that file's frames, and its speech."""

    segment: str
    first_frame: int
    frames: int
    segments: list[Segment]  # times already on the session timeline


class Progress(_Strict):
    """transcript.partial.json: what a run has done so far, so the next run continues.

    Valid only for the same seal, the same audio and the same engine and weights: anything
    else and the work starts again (the caller checks with `matches`).
    """

    format: Literal["discussion-transcript-progress"] = "discussion-transcript-progress"
    format_version: Literal[1] = FORMAT_VERSION
    session_id: str
    seal_hash: str
    engine: EngineInfo
    audio: list[AudioSource]
    chunk_frames: int
    done: list[ChunkDone] = Field(default_factory=list)

    def matches(self, other: Progress) -> bool:
        """True when `other` describes the same work (seal, audio, engine, chunking)."""
        return (
            self.session_id == other.session_id
            and self.seal_hash == other.seal_hash
            and self.engine == other.engine
            and self.audio == other.audio
            and self.chunk_frames == other.chunk_frames
        )


def transcript_path(folder: Path) -> Path:
    """Where a session folder's transcript is."""
    return folder / TRANSCRIPT_JSON


def progress_path(folder: Path) -> Path:
    """Where a session folder's transcription progress is kept while unfinished."""
    return folder / PROGRESS_JSON


def dumps(model: BaseModel) -> bytes:
    """The bytes written for a model: canonical JSON (sorted keys, no NaN) and a newline."""
    return (canonical_json(model.model_dump(mode="json")) + "\n").encode("utf-8")


def write_atomic(path: Path, content: bytes) -> None:
    """Write `content` to `path`: a temporary file fsync'd, renamed over it, folder fsync'd.

    A kill at any moment leaves either the old file or the new one, never a part. Raises
    TranscriptError naming the file and the fix.
    """
    from discussion.signing.keys import write_atomic as write_file_atomic

    try:
        write_file_atomic(path, content, FILE_MODE)
    except OSError as error:
        fix = os_fix(error) or "check the folder is writable"
        raise TranscriptError(
            f"{path}: cannot write: {error.strerror or error}; {fix}", exit_code=1
        ) from None


def _read_json(path: Path) -> Any:
    data = read_bounded(path, MAX_TRANSCRIPT_BYTES, follow_symlinks=False)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise TranscriptError(f"{path}: not UTF-8 text; it is damaged: transcribe again") from None
    try:
        return loads(text, str(path))
    except JsonInputError as error:
        raise TranscriptError(error.message) from None


def _invalid(path: Path, error: ValidationError) -> TranscriptError:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    return TranscriptError(
        f"{path}: field {where}: {first['msg']}; it is damaged: transcribe again"
    )


def load_transcript(path: Path) -> Transcript:
    """Read and check transcript.json; FileNotFoundError if absent, else TranscriptError."""
    raw = _read_json(path)
    try:
        return Transcript.model_validate(raw)
    except ValidationError as error:
        raise _invalid(path, error) from None


def save_transcript(path: Path, transcript: Transcript) -> None:
    """Write transcript.json atomically (fsync'd, renamed in)."""
    write_atomic(path, dumps(transcript))


def load_progress(path: Path) -> Progress | None:
    """The progress file, or None if absent or unusable (then the work starts again)."""
    try:
        raw = _read_json(path)
        return Progress.model_validate(raw)
    except FileNotFoundError:
        return None
    except (UserError, ValidationError):
        return None  # a damaged progress file only costs the work it recorded


def save_progress(path: Path, progress: Progress) -> None:
    """Write the progress file atomically (after each chunk)."""
    write_atomic(path, dumps(progress))


def remove_progress(path: Path) -> None:
    """Delete the progress file once the transcript is finished (absent is fine)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
