"""A signal to `discussion record` (a real subprocess): it keeps the notes it has received,
names by stdin line the ones it could not save, and seals within 2 s."""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import time
from pathlib import Path
from typing import IO

import pytest
from record_cli_helpers import RecordProcess, discussion, wait_for

from discussion.record.session import read_log

SEAL_WITHIN_S = 2.0


def _note_texts(folder: Path) -> list[str]:
    return [e.data["text"] for e in read_log(folder).events if e.type == "note"]


def test_sigterm_while_the_recorder_starts_keeps_the_notes_already_sent(
    pulse: Path, tmp_path: Path
) -> None:
    with RecordProcess(tmp_path / "home", "--reaction-lag", "0") as rec:
        folder = Path(rec.expect("session: ").split(": ", 1)[1])
        for number in range(20):
            rec.send(f"3A: sent early {number}")
        rec.signal(signal.SIGTERM)  # before (or just as) audio starts flowing
        rest = rec.wait()
    assert rec.process.returncode == 0, rec.describe()
    assert f"closed {folder}" in rest
    assert _note_texts(folder) == [f"sent early {n}" for n in range(20)]
    assert not any("NOT saved" in line for line in rec.stderr_lines), rec.stderr_lines
    assert read_log(folder).events[-1].data["reason"] == "stopped by SIGTERM"
    assert discussion("verify", str(folder)).returncode == 0


@pytest.mark.slow  # a long real stream into the CLI: about 2 s of CPU
def test_sigterm_during_a_long_stream_seals_within_2_s_and_names_what_was_not_saved(
    tmp_path: Path,
) -> None:
    data = b"".join(b"1A: streamed %d\n" % n for n in range(200_000))
    with RecordProcess(tmp_path / "home", "--no-audio", "test") as rec:
        folder = Path(rec.expect("session: ").split(": ", 1)[1])
        rec.expect("notes only: ")
        assert rec.process.stdin is not None
        stdin = rec.process.stdin
        threading.Thread(target=_write_quietly, args=(stdin, data), daemon=True).start()
        for _ in range(50):
            rec.expect("saved ")
        rec.signal(signal.SIGTERM)
        signalled = time.monotonic()
        while not (line := rec.next_line(10)) or not line.startswith("closed "):
            assert line is not None, rec.describe()
            assert line.startswith("saved "), line
        sealed_after = time.monotonic() - signalled
        rec.wait(30)
    print(f"\nsealed {sealed_after:.2f} s after SIGTERM")
    assert sealed_after <= SEAL_WITHIN_S
    assert rec.process.returncode == 1, rec.describe()  # notes were received and not saved
    texts = _note_texts(folder)
    saved = len(texts)
    assert texts == [f"streamed {n}" for n in range(saved)]  # in order, no gaps
    assert saved < 200_000
    # What was read but not saved is named by line; what was still waiting is counted.
    errors = [line for line in rec.stderr_lines if line.startswith("error:")]
    assert errors, rec.stderr_lines
    first = errors[0]
    named = re.search(r"stdin lines (\d+)-(\d+)", first)
    if named:  # some lines were read but the save budget ran out
        assert int(named.group(1)) == saved + 1
        assert "NOT saved (stopped by SIGTERM" in first
    assert "were not read in full: those notes were NOT saved" in errors[-1]
    assert discussion("verify", str(folder)).returncode == 0


def test_invalid_utf8_note_is_kept_and_said(tmp_path: Path) -> None:
    with RecordProcess(tmp_path / "home", "--no-audio", "test") as rec:
        folder = Path(rec.expect("session: ").split(": ", 1)[1])
        rec.expect("notes only: ")
        rec.note("1A: clean")
        assert rec.process.stdin is not None
        rec.process.stdin.write(b"1A: caf\xe9 au lait\n")
        rec.process.stdin.flush()
        rec.expect("saved 2 ")
        assert wait_for(lambda: any("stdin line 2" in x for x in rec.stderr_lines), 5)
        rec.finish()
    assert rec.process.returncode == 0
    assert _note_texts(folder) == ["clean", "caf\ufffd au lait"]
    warning = next(x for x in rec.stderr_lines if "stdin line 2" in x)
    assert warning.startswith("stdin line 2: not valid UTF-8")


def _write_quietly(stdin: IO[bytes], data: bytes) -> None:
    """Write the whole stream; the recorder stops reading after a signal (broken pipe)."""
    with contextlib.suppress(OSError, ValueError):
        stdin.write(data)
        stdin.flush()
