"""The neural voice: hibari-tts 0.2.1's bundled American English voice ("heart"), offline.

Licence: hibari-tts is Apache-2.0; what it needs is numpy (BSD-3) and onnxruntime (MIT; with
flatbuffers Apache-2.0, protobuf BSD-3, packaging Apache-2.0/BSD): no GPL code is linked. Its
out-of-vocabulary net was trained on espeak-ng's readings of words; no espeak-ng code or data
ships in it (its NOTICE says so).

Offline: hibari downloads its other voices on first use. This module never asks for them: it
passes the bundled model's path itself (`voice_path(..., download_missing=False)`), after
checking the installed version and the model file's sha256, so nothing can reach the network.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import threading
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from discussion.voice.engine import FloatArray, VoiceUnavailable

PACKAGE = "hibari-tts"
VERSION = "0.2.1"
VOICE = "heart"  # the one voice inside the wheel
# sha256 of hibari-tts 0.2.1's hibari/assets/hibari.onnx (7,936,868 bytes; also in its
# assets/voices.json), measured on the installed wheel.
MODEL_SHA256 = "5f70741d4e900f4e85d0037498736cc1b3e1b9a63a13546a5da1e63abf4fccd8"
INSTALL_FIX = f"install it with `pip install {PACKAGE}=={VERSION}` (or `make`)"
# Sentences longer than this many characters are spoken in clause-sized pieces, so the first
# audio of a long question is ready sooner (synthesis costs about 20 ms per second of speech).
FIRST_PIECE_CHARS = 90
_CLAUSE = re.compile(r"(?<=[,;:])\s+")


def hibari_installed() -> bool:
    """Whether the hibari package can be imported (without importing it)."""
    return importlib.util.find_spec("hibari") is not None


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            sha.update(block)
    return sha.hexdigest()


class HibariEngine:
    """hibari's bundled voice, one onnxruntime thread (the recogniser needs the other core)."""

    name = "hibari"
    samplerate = 24000

    def __init__(self, threads: int = 1) -> None:
        self._threads = threads
        self._tts: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Check the package and its model, load it and warm the text-to-phoneme rules up.

        About 1 s to load and 1-2 s to warm up (the lexicons load on first use); after that
        the first sentence of a question is ready in about 0.1-0.2 s.
        """
        with self._lock:
            if self._tts is not None:
                return
            try:
                installed = metadata.version(PACKAGE)
            except metadata.PackageNotFoundError:
                raise VoiceUnavailable(
                    f"the voice {PACKAGE} is not installed; {INSTALL_FIX}"
                ) from None
            if installed != VERSION:
                raise VoiceUnavailable(
                    f"{PACKAGE} {installed} is installed, but the mock is tested with {VERSION}; "
                    f"{INSTALL_FIX}"
                )
            try:
                from hibari import Hibari
                from hibari.voices import voice_path
            except (ImportError, OSError) as error:
                raise VoiceUnavailable(
                    f"the voice {PACKAGE} cannot be loaded ({error}); {INSTALL_FIX}"
                ) from None
            path = Path(voice_path(VOICE, download_missing=False))
            try:
                digest = _sha256(path)
            except OSError as error:
                raise VoiceUnavailable(
                    f"the voice model {path} cannot be read ({error.strerror}); {INSTALL_FIX}"
                ) from None
            if digest != MODEL_SHA256:
                raise VoiceUnavailable(
                    f"the voice model {path} is not the tested one (sha256 {digest[:12]}...): "
                    f"reinstall it with `pip install --force-reinstall {PACKAGE}=={VERSION}`"
                )
            try:
                tts = Hibari(model=str(path), threads=self._threads)
                tts("Ready.", seed=0)  # loads the lexicons and tagger now, not on the question
            except Exception as error:  # onnxruntime raises its own types
                first = str(error).splitlines()[0] if str(error) else type(error).__name__
                raise VoiceUnavailable(
                    f"the voice {PACKAGE} failed to start ({first}); {INSTALL_FIX}"
                ) from None
            self._tts = tts

    def synthesize(self, text: str, rate: float) -> Iterator[FloatArray]:
        """One chunk per sentence (long ones per clause), each as soon as it is made."""
        self.load()
        tts = self._tts
        for piece in _pieces(text, tts.split_sentences):
            try:
                audio = tts(piece, speed=rate)
            except Exception as error:  # onnxruntime or the phonemiser on odd input
                raise VoiceUnavailable(f"the voice could not say a sentence ({error})") from None
            if len(audio):
                yield np.asarray(audio, dtype=np.float32)


def _pieces(text: str, split_sentences: Any) -> list[str]:
    """Sentences; the first, if long, cut at its first clause break after a few words."""
    sentences: list[str] = [s.strip() for s in split_sentences(text) if s.strip()]
    if sentences and len(sentences[0]) > FIRST_PIECE_CHARS:
        parts = _CLAUSE.split(sentences[0], maxsplit=1)
        if len(parts) == 2 and len(parts[0]) >= 20:
            sentences[0:1] = parts
    return sentences
