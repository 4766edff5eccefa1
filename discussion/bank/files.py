"""Finding and reading the bank's files, with every problem reported rather than skipped.

A folder that cannot be read, a `.toml` symlink that leads nowhere or round in a loop, a FIFO
or device named `x.toml`: each becomes one problem naming the path (a glob would skip them
silently, and an unreadable `practice/` folder then looked like eleven missing questions).
"""

from __future__ import annotations

import errno
import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from discussion.text_safety import control_characters, describe_control, shorten

MAX_FILE_BYTES = 4 << 20  # the whole bundled bank is under 100 KiB
BOM = b"\xef\xbb\xbf"
LINT_CONFIG = "lint.toml"  # read by `discussion bank lint` (discussion/bank/lint_config.py)


@dataclass(frozen=True)
class FileProblem:
    """A path inside the bank (relative, POSIX) that could not be used, and why."""

    inside: str
    message: str


def find_bank_files(root: Path) -> tuple[list[Path], list[FileProblem]]:
    """Every `*.toml` regular file under `root` (sorted), and the paths that could not be used."""
    files: list[Path] = []
    problems: list[FileProblem] = []

    def unreadable(error: OSError) -> None:
        where = Path(error.filename or root)
        inside = where.relative_to(root).as_posix() if where != root else "."
        problems.append(
            FileProblem(
                inside + "/",
                f"cannot read the folder: {error.strerror or error}; fix its permissions "
                "(its questions are not checked)",
            )
        )

    for folder, _dirs, names in os.walk(root, onerror=unreadable):
        for name in names:
            if not name.endswith(".toml"):
                continue
            if name == LINT_CONFIG and Path(folder) == root:
                continue  # `bank lint`'s settings, not questions (nor part of the content hash)
            path = Path(folder) / name
            inside = path.relative_to(root).as_posix()
            problem = _not_a_file(path)
            if problem:
                problems.append(FileProblem(inside, problem))
            else:
                files.append(path)
    files.sort(key=lambda p: p.relative_to(root).as_posix())
    return files, problems


def _not_a_file(path: Path) -> str:
    """Why `path` is not a readable regular file ("" when it is one)."""
    try:
        info = path.stat()
    except OSError as error:
        if path.is_symlink():
            if error.errno == errno.ELOOP:
                return "a symbolic link that loops back on itself; replace it with the file"
            target = shorten(os.readlink(path))
            return f"a symbolic link to {target}, which does not exist; fix or remove the link"
        return f"cannot read the file: {error.strerror or error}"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a device, FIFO or folder named .toml); remove it"
    if info.st_size > MAX_FILE_BYTES:
        return f"larger than {MAX_FILE_BYTES >> 20} MiB: not a question file; remove it"
    return ""


def read_limited(path: Path) -> bytes:
    """The file's bytes, at most `MAX_FILE_BYTES` (+1, so an oversized file shows)."""
    with path.open("rb") as file:
        return file.read(MAX_FILE_BYTES + 1)


def decode_toml(raw: bytes) -> tuple[str, dict[str, Any]]:
    """The text (a UTF-8 byte-order mark removed) and its TOML data.

    Raises `UnicodeDecodeError`, `tomllib.TOMLDecodeError`, or `ValueError` for nesting so deep
    that the parser would exhaust Python's stack.
    """
    # Windows Notepad writes a byte-order mark; TOML forbids it, so it used to read as
    # "Invalid statement (at line 1, column 1)". It carries no meaning: accept the file.
    text = raw.removeprefix(BOM).decode("utf-8")
    try:
        return text, tomllib.loads(text)
    except RecursionError:
        raise ValueError(
            "nested too deeply (hundreds of levels): not a question file; check its contents"
        ) from None


def control_problems(value: object, name: str = "") -> list[tuple[str, str]]:
    """(field, description) for each text in `value` that holds a control character.

    Bank text is shown on the assessor's screen and exported; an ESC or BEL in it would act on
    the terminal. Newlines and tabs are allowed.
    """
    found: list[tuple[str, str]] = []
    if isinstance(value, str):
        bad = control_characters(value)
        if bad:
            found.append((name, describe_control(bad[0])))
    elif isinstance(value, list):
        for item in value:
            found += control_problems(item, name)
    elif isinstance(value, dict):
        for key, item in value.items():
            found += control_problems(item, str(key) if not name else f"{name}.{key}")
    return found
