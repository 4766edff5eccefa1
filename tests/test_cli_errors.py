"""Every command fails with one line on stderr and exit 2, never a traceback: the real process where
the fault is in it (a full standard output, a closed standard input, a deep stack; a closed one
is a quiet exit, as `| head -1` closes it: tests/test_cli_closed_pipe.py), the
real dispatcher in this process for bad input (tests/cli_inprocess.py; test_cli_process.py checks
the console script says the same)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_inprocess import run_in_process

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "transcripts" / "sample-discussion"
GOOD = {"attempts": [{"component": "showcase", "attempt": 1, "achieved": []}]}


def run(
    *args: str, stdin: object = subprocess.DEVNULL, stdout: object = subprocess.PIPE, **kw: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "discussion", *args],
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
        **kw,
    )


def inside(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`discussion ARGS` through the real dispatcher in this process, standard input empty."""
    return run_in_process(args, input="", env=env)


def one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    err = result.stderr
    assert "Traceback" not in err, err
    assert result.returncode == 2, (result.returncode, err)
    assert err.count("\n") == 1 and err.startswith("discussion: error: "), err
    for fragment in fragments:
        assert fragment in err, err
    return err


@pytest.fixture
def good_input(tmp_path: Path) -> Path:
    path = tmp_path / "attempts.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command",
    [
        # One output path for all: two in test-fast, the rest in make test.
        ("grade", "GOOD"),
        pytest.param(("grade", "--schema"), marks=pytest.mark.slow),
        pytest.param(("standard",), marks=pytest.mark.slow),
        pytest.param(("bank", "list"), marks=pytest.mark.slow),
        pytest.param(("verify", str(SAMPLE)), marks=pytest.mark.slow),
        ("export", str(SAMPLE)),
    ],
)
def test_stdout_on_a_full_device(command: tuple[str, ...], good_input: Path) -> None:
    args = [str(good_input) if a == "GOOD" else a for a in command]
    with open("/dev/full", "w") as full:
        result = run(*args, stdout=full)
    one_line_error(result, "cannot write the output", "No space left on device")


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("standard",), marks=pytest.mark.slow),  # tests/test_cli_closed_pipe.py too
        ("export", str(SAMPLE)),
        pytest.param(("bank", "list"), marks=pytest.mark.slow),
    ],
)
def test_stdout_on_a_closed_pipe_is_a_quiet_exit(command: tuple[str, ...]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: the first write gets EPIPE
    try:
        result = run(*command, stdout=write_end)
    finally:
        os.close(write_end)
    # The reader left, as `head` does: no error (it was "cannot write the output", exit 2).
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "discussion:" not in result.stderr


def test_grade_with_stdin_closed() -> None:
    result = subprocess.run(
        f"{sys.executable} -m discussion grade - <&-",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    one_line_error(result, "standard input is closed")


def test_grade_duplicate_keys_name_the_key(tmp_path: Path) -> None:
    # The last `achieved` used to win silently and grade a fail.
    path = tmp_path / "dup.json"
    achieved = '["S1"]'
    path.write_text(
        '{"attempts": [{"component": "showcase", "attempt": 1, '
        f'"achieved": {achieved}, "achieved": []}}]}}',
        encoding="utf-8",
    )
    one_line_error(inside("grade", str(path)), "'achieved' appears twice")


def test_grade_nested_hundreds_deep(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"attempts": ' + "[" * 3000 + "]" * 3000 + "}", encoding="utf-8")
    one_line_error(run("grade", str(path)), "nested too deeply")
    path.write_text('{"attempts": ' + "[" * 600 + "]" * 600 + "}", encoding="utf-8")
    err = one_line_error(run("grade", str(path)), "attempts[0]")
    assert len(err) < 300


def test_grade_huge_criterion_id_is_cut(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    entry = {"component": "showcase", "attempt": 1, "achieved": ["X" * 5_000_000]}
    path.write_text(json.dumps({"attempts": [entry]}), encoding="utf-8")
    err = one_line_error(inside("grade", str(path)), "unknown criterion")
    assert len(err) < 300 and "…" in err


def test_bad_settings_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text('{"reaction_lag_s": "1.5"}', encoding="utf-8")
    env = {**os.environ, "DISCUSSION_HOME": str(tmp_path)}
    result = inside("record", "--no-audio", "test", env=env)
    one_line_error(result, "settings.json: reaction_lag_s", "from 0 to 10")


@pytest.mark.parametrize("value", ["1e9", "nan", "inf", "0", "-1", "abc"])
def test_devices_test_seconds_are_bounded(value: str) -> None:
    # `--test 1e9` used to try to record for 31 years.
    result = inside("devices", f"--test={value}")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "argument --test" in result.stderr.splitlines()[-1]


def test_full_disk_at_session_start_says_what_to_do(tiny_disk: Path) -> None:
    # Was: "cannot create the session record: No space left on device" and nothing to do.
    with open(tiny_disk / "fill", "wb", buffering=0) as fill, contextlib.suppress(OSError):
        while True:  # fill the disk
            fill.write(b"\0" * 4096)
            fill.flush()
    result = run("record", "--no-audio", "no microphone", "--home", str(tiny_disk), stdin=None)
    err = result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr
    assert result.returncode in (1, 2)
    assert err.startswith("discussion: error: ") and "No space left on device" in err
    assert "free some disk space" in err


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        # Was silently a practice session named "Test Apprentice" keeping the real ULN.
        (["--apprentice=", "--uln", "9276308686"], "made-up ULN 9999999998"),
        (["--apprentice", "Jo\nBloggs", "--uln", "9276308686", "--assessor", "Sam"], "newline"),
        (["--apprentice", "Jo", "--uln", "9276308686", "--assessor", "S\x1bm"], "ESC (U+001B)"),
        (["--epa-window-start", "1900-01-01"], "epa_window_start 1900-01-01"),
        (["--epa-window-start", "9999-12-31"], "epa_window_start 9999-12-31"),
        (["--attempt", "4"], "outside 1 to 3 (rules.toml max_attempts)"),
    ],
)
def test_record_refuses_bad_session_details(
    tmp_path: Path, options: list[str], fragment: str
) -> None:
    result = inside("record", "--no-audio", "test", "--home", str(tmp_path), *options)
    one_line_error(result, fragment)
    assert not list((tmp_path / "sessions").glob("*/session.json"))
