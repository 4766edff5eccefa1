"""The real voice engines, without a sound device: hibari-tts loads and speaks with the network
refused, its model is checked against the pinned hash, nothing it needs is GPL; espeak-ng runs
as a separate program, streams, follows the rate and stops when told."""

from __future__ import annotations

import re
import socket
import time
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from discussion.voice import VoiceUnavailable, make_engine
from discussion.voice.espeak_engine import EspeakEngine
from discussion.voice.hibari_engine import PACKAGE, VERSION, HibariEngine

REPO = Path(__file__).resolve().parent.parent
QUESTION = (
    "Tell me about a time when you dealt with a customer whose needs were unclear, and what "
    "you did to find out what they wanted. What was the outcome?"
)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every attempt to open a network connection is refused and noted."""
    attempts: list[object] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network refused by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.mark.slow  # 1.8 s of CPU (the model's load and three sentences): make test runs it
def test_hibari_loads_and_speaks_with_the_network_refused(no_network: list[object]) -> None:
    engine = HibariEngine()
    engine.load()
    began = time.perf_counter()
    chunks = engine.synthesize(QUESTION, 1.0)
    first = next(chunks)
    first_s = time.perf_counter() - began
    rest = list(chunks)
    audio = np.concatenate([first, *rest])
    assert no_network == []
    assert engine.samplerate == 24000
    # the long first sentence is cut at its clause break: three pieces, not two
    assert len(rest) == 2
    seconds = len(audio) / engine.samplerate
    assert 5.0 < seconds < 15.0  # 27 words at a speaking pace
    assert 0.02 < float(np.sqrt(np.mean(np.square(audio)))) < 0.5
    assert first_s < 5.0  # generous: only a hang fails here; the bench measures the latency
    faster = np.concatenate(list(engine.synthesize("What was the outcome?", 1.5)))
    slower = np.concatenate(list(engine.synthesize("What was the outcome?", 0.75)))
    assert len(faster) < len(slower)


def test_hibari_refuses_a_model_that_is_not_the_pinned_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "hibari.onnx"
    fake.write_bytes(b"not the model")
    monkeypatch.setattr("hibari.voices.voice_path", lambda name, download_missing=True: str(fake))
    with pytest.raises(
        VoiceUnavailable, match=r"not the tested one .*--force-reinstall hibari-tts"
    ):
        HibariEngine().load()


def test_hibari_is_pinned_exactly_in_pyproject_and_installed_at_that_version() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert f"{PACKAGE}=={VERSION}" in project["dependencies"]
    assert metadata.version(PACKAGE) == VERSION


def _requirements(name: str) -> list[str]:
    names = []
    for requirement in metadata.requires(name) or []:
        if "extra ==" in requirement:
            continue
        names.append(re.split(r"[ ;<>=!\[~(]", requirement, maxsplit=1)[0])
    return names


def test_nothing_the_voice_needs_is_gpl() -> None:
    seen: dict[str, str] = {}
    todo = [PACKAGE]
    while todo:
        name = todo.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        meta = metadata.metadata(name)
        classifiers = " ".join(c for c in meta.get_all("Classifier") or [] if "License" in c)
        stated = [*(meta.get_all("License-Expression") or []), *(meta.get_all("License") or [])]
        seen[key] = " ".join([*stated, classifiers]).strip()
        todo.extend(_requirements(name))
    assert {"hibari-tts", "onnxruntime", "numpy"} <= set(seen)
    for name, licence in seen.items():
        assert licence, f"{name} states no licence"
        assert not re.search(r"\bA?GPL\b|General Public", licence), (name, licence)


def test_espeak_streams_british_speech_in_chunks_at_its_rate() -> None:
    engine = EspeakEngine()
    engine.load()
    chunks = list(engine.synthesize(QUESTION, 1.0))
    audio = np.concatenate(chunks)
    assert engine.samplerate == 22050
    assert len(chunks) > 10  # streamed, not one block at the end
    assert 5.0 < len(audio) / engine.samplerate < 15.0
    faster = np.concatenate(list(engine.synthesize(QUESTION, 2.0)))
    assert len(faster) < 0.7 * len(audio)


def test_espeak_reads_text_from_stdin_so_text_cannot_be_an_option() -> None:
    engine = EspeakEngine()
    audio = np.concatenate(list(engine.synthesize("--version -w /tmp/x.wav", 1.0)))
    assert len(audio) / engine.samplerate > 0.8  # it spoke the words instead
    assert not Path("/tmp/x.wav").exists()


def test_closing_espeak_early_ends_its_process() -> None:
    engine = EspeakEngine()
    chunks = engine.synthesize(QUESTION * 20, 1.0)
    next(chunks)
    began = time.monotonic()
    chunks.close()  # type: ignore[attr-defined]
    assert time.monotonic() - began < 1.0


def test_a_missing_espeak_names_the_package_to_install() -> None:
    with pytest.raises(VoiceUnavailable, match=r"apt-get install espeak-ng"):
        EspeakEngine(program="espeak-ng-not-here").load()


def test_the_engine_setting_picks_the_engine() -> None:
    assert make_engine("off") is None
    hibari, espeak, auto = make_engine("hibari"), make_engine("espeak-ng"), make_engine("auto")
    assert hibari is not None and hibari.name == "hibari"
    assert espeak is not None and espeak.name == "espeak-ng"
    assert auto is not None and auto.name == "hibari"  # installed with the project
