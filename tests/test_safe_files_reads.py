"""read_bounded reads a file once, whole, and still refuses one byte too many (issue 10)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from discussion.safe_files import UnsafeFileError, read_bounded, read_tail


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    asked: list[int] = []
    real = os.pread

    def pread(fd: int, count: int, position: int) -> bytes:
        asked.append(count)
        return real(fd, count, position)

    monkeypatch.setattr(os, "pread", pread)
    return asked


def test_a_small_file_is_read_in_one_read_of_its_length_and_a_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "session.json"
    path.write_bytes(b"x" * 1500)
    asked = _counting(monkeypatch)
    assert read_bounded(path, 1 << 20, follow_symlinks=False) == b"x" * 1500
    assert asked == [1501]


@pytest.mark.parametrize("extra", [0, 1])
def test_the_limit_is_exact(tmp_path: Path, extra: int) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"a" * (100 + extra))
    if extra:
        with pytest.raises(UnsafeFileError, match="larger than 100 bytes"):
            read_bounded(path, 100)
    else:
        assert read_bounded(str(path), 100) == b"a" * 100


def test_a_file_over_a_mebibyte_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "big"
    content = os.urandom(3 * (1 << 20) + 7)
    path.write_bytes(content)
    assert read_bounded(path, 4 << 20) == content
    tail, size = read_tail(path, 2 << 20)
    assert (tail, size) == (content[-(2 << 20) :], len(content))


def test_growth_after_the_length_was_taken_is_still_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The length says 10 bytes; by the time it is read the file holds 200: over the limit.
    path = tmp_path / "growing"
    path.write_bytes(b"b" * 10)
    real = os.pread

    def pread(fd: int, count: int, position: int) -> bytes:
        if position == 0:
            path.write_bytes(b"b" * 200)
        return real(fd, count, position)

    monkeypatch.setattr(os, "pread", pread)
    with pytest.raises(UnsafeFileError, match="larger than 100 bytes"):
        read_bounded(path, 100)
