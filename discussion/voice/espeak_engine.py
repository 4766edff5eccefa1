"""espeak-ng's British English voice, run as a separate program (GPL-3: never linked in).

The text goes in on standard input (never as an argument, so no text can be read as an
option); espeak-ng writes a WAV stream to standard output as it synthesises, which is read in
small chunks so the first audio plays while the rest is still being made.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from collections.abc import Iterator
from typing import IO

import numpy as np

from discussion.voice.engine import FloatArray, VoiceUnavailable

PROGRAM = "espeak-ng"
VOICE = "en-gb"
WORDS_PER_MINUTE = 175  # espeak-ng's own default pace: voice_rate 1.0
INSTALL_FIX = "install it with `sudo apt-get install espeak-ng`"
CHUNK_BYTES = 4410  # 0.1 s at espeak-ng's 22,050 Hz, 16-bit mono
HEADER_BYTES = 44


class EspeakEngine:
    """espeak-ng en-gb through a pipe; 22,050 Hz mono."""

    name = "espeak-ng"

    def __init__(self, program: str = PROGRAM, voice: str = VOICE) -> None:
        self._program = program
        self._voice = voice
        self._path: str | None = None
        self.samplerate = 22050

    def load(self) -> None:
        """Find the program and learn its sample rate from a short run."""
        if self._path is not None:
            return
        path = shutil.which(self._program)
        if path is None:
            raise VoiceUnavailable(f"{self._program} is not installed; {INSTALL_FIX}")
        self._path = path
        try:
            made = sum(len(chunk) for chunk in self._run("ready", 1.0))
        except VoiceUnavailable:
            self._path = None
            raise
        if not made:
            self._path = None
            raise VoiceUnavailable(f"{self._program} made no sound; {INSTALL_FIX}")

    def synthesize(self, text: str, rate: float) -> Iterator[FloatArray]:
        """Chunks of about 0.1 s as espeak-ng writes them; closing the iterator kills it."""
        self.load()
        return self._run(text, rate)

    def _run(self, text: str, rate: float) -> Iterator[FloatArray]:
        assert self._path is not None
        wpm = max(80, min(450, round(WORDS_PER_MINUTE * rate)))
        try:
            process = subprocess.Popen(
                [self._path, "-v", self._voice, "-s", str(wpm), "-b", "1", "--stdout"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                bufsize=0,  # unbuffered: each read returns what espeak-ng has written so far
            )
        except OSError as error:
            raise VoiceUnavailable(f"{self._program} cannot run ({error}); {INSTALL_FIX}") from None
        return self._read(process, text)

    def _read(self, process: subprocess.Popen[bytes], text: str) -> Iterator[FloatArray]:
        assert process.stdin is not None and process.stdout is not None
        try:
            try:
                process.stdin.write(text.encode("utf-8") + b"\n")
                process.stdin.close()
            except BrokenPipeError:
                pass  # it died at once: reported from its exit status below
            header = _read_exactly(process.stdout, HEADER_BYTES)
            if len(header) == HEADER_BYTES and header[:4] == b"RIFF":
                self.samplerate = struct.unpack("<I", header[24:28])[0]
                carry = b""
                while block := process.stdout.read(CHUNK_BYTES):
                    data = carry + block
                    usable = len(data) - len(data) % 2
                    carry = data[usable:]
                    if usable:
                        samples = np.frombuffer(data[:usable], dtype="<i2")
                        yield (samples.astype(np.float32) / 32768.0).astype(np.float32)
            code = process.wait(timeout=10)
            if code != 0 or len(header) < HEADER_BYTES:
                assert process.stderr is not None
                why = process.stderr.read().decode(errors="replace").strip().splitlines()
                detail = why[0] if why else f"exit status {code}"
                raise VoiceUnavailable(f"{self._program} failed ({detail}); {INSTALL_FIX}")
        finally:  # a cancel (the iterator closed early) ends the program at once
            if process.poll() is None:
                process.kill()
            process.wait()
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()


def _read_exactly(stream: IO[bytes], count: int) -> bytes:
    data = b""
    while len(data) < count:
        block = stream.read(count - len(data))
        if not block:
            break
        data += block
    return bytes(data)
