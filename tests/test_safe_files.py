"""discussion.safe_files: bounded reads that never hang on a device or FIFO (issue 14, fault 10)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from discussion.errors import UserError
from discussion.safe_files import (
    UnsafeFileError,
    not_regular_reason,
    open_regular,
    read_bounded,
    read_tail,
)


def run_briefly(function: Callable[..., object], *args: object, **kwargs: object) -> object:
    """Call `function` in a thread; fail (rather than hang the suite) if it takes over 5 s."""
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(function(*args, **kwargs))
        except BaseException as error:  # handed back to the test
            outcome.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(5)
    assert not thread.is_alive(), f"{function} hung"
    return outcome[0]


def test_a_symlink_to_dev_zero_is_refused_at_once(tmp_path: Path) -> None:
    link = tmp_path / "settings.json"
    link.symlink_to("/dev/zero")
    error = run_briefly(read_bounded, link, 1 << 20)
    assert isinstance(error, UnsafeFileError) and isinstance(error, UserError)
    assert error.reason == "is a character device, not a regular file"
    assert str(link) in error.message and error.exit_code == 2
    nofollow = run_briefly(read_bounded, link, 1 << 20, follow_symlinks=False)
    assert isinstance(nofollow, UnsafeFileError)
    assert nofollow.reason == "is a symbolic link, not a regular file"


def test_a_fifo_never_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "session.json"
    os.mkfifo(fifo)
    error = run_briefly(read_bounded, fifo, 100)
    assert isinstance(error, UnsafeFileError) and error.reason.startswith("is a named pipe")


def test_size_bound_folder_loop_and_missing(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.write_bytes(b"x" * 2049)
    assert read_bounded(big, 2049) == b"x" * 2049
    with pytest.raises(UnsafeFileError, match="larger than 2 KiB"):
        read_bounded(big, 2048)
    with pytest.raises(UnsafeFileError, match="is a folder"):
        read_bounded(tmp_path, 10)
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    with pytest.raises(UnsafeFileError, match="loop of symbolic links"):
        read_bounded(loop, 10)
    with pytest.raises(UnsafeFileError, match="symbolic link"):
        read_bounded(loop, 10, follow_symlinks=False)
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "missing", 10)


def test_read_tail_reads_only_the_end(tmp_path: Path) -> None:
    path = tmp_path / "log"
    path.write_bytes(b"a" * 1000 + b"tail")
    assert read_tail(path, 4) == (b"tail", 1004)
    assert read_tail(path, 5000) == (b"a" * 1000 + b"tail", 1004)


def test_not_regular_reason(tmp_path: Path) -> None:
    regular = tmp_path / "f"
    regular.write_text("x")
    link = tmp_path / "l"
    link.symlink_to(regular)
    assert not_regular_reason(regular) is None
    assert not_regular_reason(link) == "is a symbolic link, not a regular file"
    assert not_regular_reason(link, follow_symlinks=True) is None
    with pytest.raises(FileNotFoundError):
        not_regular_reason(tmp_path / "missing")
    fd = open_regular(regular)
    os.close(fd)
