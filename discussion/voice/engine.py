"""The voice engines behind one small interface, and the choice between them.

A `VoiceEngine` turns text into mono float32 audio at its own `samplerate`, in chunks as they
are ready (a sentence, or a few hundred milliseconds), so the speaker plays the first chunk
while the rest is still being made. Engines here:

- `HibariEngine` (hibari_engine.py): the neural voice inside the pinned `hibari-tts` wheel
  (Apache-2.0; American English, female). Loads in about 1 s plus a warm-up; never downloads.
- `EspeakEngine` (espeak_engine.py): espeak-ng's en-gb voice, run as a separate process
  (GPL-3 program, not linked), audio read from its standard output as it is made.

`make_engine(choice)` picks one for the `voice_engine` setting: "hibari", "espeak-ng", "auto"
(hibari when installed, else espeak-ng) or "off" (None: text only).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
EngineChoice = Literal["auto", "hibari", "espeak-ng", "off"]


class VoiceUnavailable(Exception):
    """This voice cannot speak here; the message is one line naming the fix."""


class VoiceEngine(Protocol):
    """Text in, chunks of mono float32 audio (-1..1) at `samplerate` out."""

    @property
    def name(self) -> str:
        """What the settings call it ("hibari", "espeak-ng")."""
        ...

    @property
    def samplerate(self) -> int:
        """Frames per second of the chunks `synthesize` yields."""
        ...

    def load(self) -> None:
        """Everything slow (model load, warm-up), once; raises `VoiceUnavailable` with the fix."""
        ...

    def synthesize(self, text: str, rate: float) -> Iterator[FloatArray]:
        """The speech of `text` at pace `rate` (1.0 normal), in order, lazily.

        The caller may stop iterating at any chunk (a cancel); the engine then stops its work
        when the iterator is closed. Raises `VoiceUnavailable` if speaking fails.
        """
        ...


def make_engine(choice: EngineChoice) -> VoiceEngine | None:
    """The engine for a `voice_engine` setting (not yet loaded); None for "off".

    "auto" returns hibari when its package is importable, else espeak-ng; whether the chosen
    one really works is known after `load()` (the speaker falls back from hibari to espeak-ng
    then, for "auto" only).
    """
    from discussion.voice.espeak_engine import EspeakEngine
    from discussion.voice.hibari_engine import HibariEngine, hibari_installed

    if choice == "off":
        return None
    if choice == "hibari":
        return HibariEngine()
    if choice == "espeak-ng":
        return EspeakEngine()
    return HibariEngine() if hibari_installed() else EspeakEngine()
