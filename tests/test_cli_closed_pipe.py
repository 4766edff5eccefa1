"""`discussion CMD | head -1`: a reader that stops early is a quiet exit, as with `git log | head`.

The console script writes into a real pipe to another process that has closed it: nothing on
stderr, exit 0, or the command's own status when it had finished (verify's 1 for an altered
record). It used to say "cannot write the output: ... (broken pipe)" and exit 2.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "discussion"
SAMPLE = REPO / "transcripts" / "sample-discussion"
PIPE_BYTES = 4096  # the smallest pipe Linux makes: a reader that takes one read has had <= 8 KiB


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A data folder holding a copy of the sample record (so `sessions` lists a line)."""
    home = tmp_path / "home"
    shutil.copytree(SAMPLE, home / "sessions" / SAMPLE.name)
    return home


def env_for(home: Path, *, unbuffered: bool = False) -> dict[str, str]:
    """The environment, standard output block-buffered (as usual) or not (`python -u`)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    return {**env, "DISCUSSION_HOME": str(home)}


def into_a_reader_gone(
    args: list[str], home: Path, *, unbuffered: bool = False
) -> subprocess.CompletedProcess[str]:
    """`discussion ARGS | true`, `true` having exited before the first byte was written."""
    read_end, write_end = os.pipe()
    try:
        reader = subprocess.Popen(["true"], stdin=read_end)
        os.close(read_end)
        assert reader.wait(timeout=30) == 0
        return subprocess.run(
            [str(SCRIPT), *args],
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
            env=env_for(home, unbuffered=unbuffered),
            cwd=REPO,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "args",
    [
        ["export", "{sample}", "--format", "vtt"],
        # The same mechanism for each: two in test-fast, the rest in make test.
        pytest.param(["sessions"], marks=pytest.mark.slow),
        ["sessions", "--json"],
        pytest.param(["verify", "{sample}"], marks=pytest.mark.slow),
        pytest.param(["verify", "{sample}", "--json"], marks=pytest.mark.slow),
    ],
    ids=" ".join,
)
def test_a_reader_that_left_is_a_quiet_exit(args: list[str], home: Path) -> None:
    folder = str(home / "sessions" / SAMPLE.name)
    done = into_a_reader_gone([a.replace("{sample}", folder) for a in args], home)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
def test_the_command_runs_on_and_keeps_its_status(home: Path, unbuffered: bool) -> None:
    """An altered record still exits 1, also when the first line written met the closed pipe
    (unbuffered: verify's first print) and the command had not decided yet."""
    folder = home / "sessions" / SAMPLE.name
    log = folder / "events.jsonl"
    log.write_bytes(log.read_bytes().replace(b"warehouse", b"Warehouse", 1))
    done = into_a_reader_gone(["verify", str(folder)], home, unbuffered=unbuffered)
    assert (done.returncode, done.stderr) == (1, "")


def test_a_broken_pipe_with_its_reader_still_there_is_not_swallowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only a reader that has gone is taken as `head` leaving; any other EPIPE still raises."""
    from discussion.cli.stdout_pipe import PipeWriter

    read_end, write_end = os.pipe()
    try:
        writer = PipeWriter(write_end)

        def broken(fd: int, data: object) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        monkeypatch.setattr(os, "write", broken)
        with pytest.raises(BrokenPipeError):
            writer.write(b"line\n")
        assert not writer.gone
        monkeypatch.undo()
        os.close(read_end)
        read_end = -1
        assert writer.write(b"line\n") == 5 and writer.gone  # now the reader has gone
        assert os.path.samefile(f"/proc/self/fd/{write_end}", os.devnull)
    finally:
        for fd in (read_end, write_end):
            if fd >= 0:
                os.close(fd)


def test_head_dash_1_gets_the_first_line_and_the_export_says_nothing(home: Path) -> None:
    """`discussion export FOLDER --format html | head -1`, the pipe made small so that `head`
    leaves before the 16 KB page is written (with a 64 KiB pipe the whole page could fit)."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    folder = home / "sessions" / SAMPLE.name
    try:
        head = subprocess.Popen(["head", "-1"], stdin=read_end, stdout=subprocess.PIPE)
        os.close(read_end)
        export = subprocess.Popen(
            [str(SCRIPT), "export", str(folder), "--format", "html"],
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=env_for(home),
            cwd=REPO,
        )
    finally:
        os.close(write_end)
    first, _ = head.communicate(timeout=60)
    _, err = export.communicate(timeout=60)
    assert first == b"<!DOCTYPE html>\n"
    assert (export.returncode, err.decode()) == (0, "")
