"""`discussion ARGS` run inside the test process: the real dispatcher (`discussion.cli.main`), its
one-line errors and exit codes, without starting an interpreter (about 0.3 s a call on this
machine). Returns what `subprocess.run(..., capture_output=True, text=True)` returns, so a test
reads the same fields either way.

Use it where a test is about what a command does; a test about the process boundary (signals,
a closed or full standard output, the console script itself, DISCUSSION_DEBUG tracebacks) starts
the real program. Every command keeps at least one such test (tests/test_cli_process.py).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from discussion.cli import main


def run_in_process(
    args: Sequence[str],
    *,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `discussion ARGS` through `discussion.cli.main` with its own standard streams.

    `env` replaces the whole environment for the call (as `subprocess.run(env=...)` does) and
    `cwd` the working folder; both are put back afterwards, as are the streams and warnings.
    """
    argv = [str(arg) for arg in args]
    stdout = _stream()
    stderr = _stream()
    stdin = io.TextIOWrapper(io.BytesIO((input or "").encode()), encoding="utf-8")
    with _environment(env), _folder(cwd), _streams(stdin, stdout, stderr), _fresh_warnings():
        try:
            status: int | str | None = main(argv)
        except SystemExit as leaving:  # argparse's --help / usage errors, or a command's exit
            status = leaving.code
    if isinstance(status, str):  # sys.exit("message"), as the interpreter prints it
        stderr.write(status + "\n")
        status = 1
    return subprocess.CompletedProcess(
        ["discussion", *argv], status or 0, _text(stdout), _text(stderr)
    )


def _stream() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")


def _text(stream: io.TextIOWrapper) -> str:
    """What a reader of the pipe would see, with universal newlines as `text=True` decodes."""
    stream.flush()
    raw = stream.buffer.getvalue()  # type: ignore[attr-defined]
    assert isinstance(raw, bytes)
    return raw.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


@contextlib.contextmanager
def _environment(env: Mapping[str, str] | None) -> Iterator[None]:
    if env is None:
        yield
        return
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    time.tzset()  # a TZ given takes effect for local dates, as in a fresh process
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        time.tzset()


@contextlib.contextmanager
def _folder(cwd: Path | str | None) -> Iterator[None]:
    if cwd is None:
        yield
        return
    saved = os.getcwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved)


@contextlib.contextmanager
def _streams(
    stdin: io.TextIOWrapper, stdout: io.TextIOWrapper, stderr: io.TextIOWrapper
) -> Iterator[None]:
    """The command's standard streams, and no logging handler but Python's last resort (as in a
    fresh interpreter, where a logged error goes to standard error)."""
    saved = sys.stdin, sys.stdout, sys.stderr
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers = []
    root.setLevel(logging.WARNING)
    sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        for handler in root.handlers:  # any a command added (it would die with its process)
            handler.close()
        root.handlers = handlers
        root.setLevel(level)


@contextlib.contextmanager
def _fresh_warnings() -> Iterator[None]:
    """A fresh interpreter's warning filters, printing to the command's standard error."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning):
            warnings.filterwarnings("ignore", category=category)
        warnings.filterwarnings("ignore", category=ResourceWarning)
        warnings.showwarning = _show_on_stderr
        yield


def _show_on_stderr(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))
