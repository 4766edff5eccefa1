"""The console script as a user runs it, beside the in-process runner most CLI tests use
(tests/cli_inprocess.py): for each command, `.venv/bin/discussion ARGS` in a fresh process says
exactly what `discussion.cli.main(ARGS)` says inside the test process (exit status, standard
output and standard error), so the in-process tests speak for the real program."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_inprocess import run_in_process

REPO = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "discussion"
SAMPLE = REPO / "transcripts" / "sample-discussion"
ATTEMPTS = json.dumps([{"component": "discussion", "attempt": 1, "achieved": ["1A"]}])


def case(args: list[str], stdin: str | None = None, *, slow: bool = False) -> Any:
    """One command line (and its standard input); slow ones run in `make test` only."""
    marks = [pytest.mark.slow] if slow else []
    return pytest.param(args, stdin, marks=marks, id=" ".join(args))


# "{sample}" is a private copy of the sample record. Each case starts an interpreter: test-fast
# keeps one of each kind (a listing, standard input, a record, a write, an error).
CASES = [
    case(["standard", "--json"]),
    case(["bank", "check", "--json"]),
    case(["bank", "lint"], slow=True),
    case(["plan", "--json", "--attempt", "2"], slow=True),
    case(["grade", "-", "--json"], ATTEMPTS),
    case(["grade", "no-such-file.json"], slow=True),
    case(["verify", "{sample}", "--json"]),
    case(["export", "{sample}"]),
    case(["judge", "{sample}", "--verifier", "Kim", "--agree"]),
    case(["keys", "show"]),
    case(["recover", "--json"], slow=True),
    case(["briefing", "--mode", "virtual", "--format", "html"], slow=True),
    case(["sessions", "--json"]),
    case(["sample", "--percent", "50", "--seed", "1"], slow=True),
    case(["mock", "--help"], slow=True),
    case(["readiness", "{sample}"], slow=True),  # not a mock: refused in one line
    case(["hub", "status"], slow=True),  # no hub configured: says what to set
    case(["no-such-command"]),
]


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two data folders alike to the byte (the same keys, a copy of the sample record each)."""
    from discussion.signing.keys import load_or_create_key

    template = tmp_path / "template"
    shutil.copytree(SAMPLE, template / "sessions" / SAMPLE.name)
    monkeypatch.setenv("DISCUSSION_HOME", str(template))
    for role in ("assessor", "verifier"):
        load_or_create_key(role)
    return shutil.copytree(template, tmp_path / "in"), shutil.copytree(template, tmp_path / "out")


@pytest.mark.parametrize(("args", "stdin"), CASES)
def test_the_console_script_says_what_the_in_process_run_says(
    args: list[str], stdin: str | None, homes: tuple[Path, Path]
) -> None:
    said = []
    for home, run in zip(homes, (_inside, _console), strict=True):
        argv = [a.replace("{sample}", str(home / "sessions" / SAMPLE.name)) for a in args]
        done = run(argv, stdin, {**os.environ, "DISCUSSION_HOME": str(home)})
        assert "Traceback" not in done[2]
        said.append((done[0], *(part.replace(str(home), "HOME") for part in done[1:])))
    assert said[0] == said[1]


def _inside(argv: list[str], stdin: str | None, env: dict[str, str]) -> tuple[int, str, str]:
    done = run_in_process(argv, input=stdin, env=env, cwd=REPO)
    return done.returncode, done.stdout, done.stderr


def _console(argv: list[str], stdin: str | None, env: dict[str, str]) -> tuple[int, str, str]:
    done = subprocess.run(
        [str(SCRIPT), *argv],
        input=stdin or "",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
        cwd=REPO,
    )
    return done.returncode, done.stdout, done.stderr


def test_the_runner_puts_back_the_streams_folder_and_environment(tmp_path: Path) -> None:
    streams, folder, env = (sys.stdin, sys.stdout, sys.stderr), os.getcwd(), dict(os.environ)
    done = run_in_process(["--help"], env={"DISCUSSION_HOME": str(tmp_path)}, cwd=tmp_path)
    assert done.returncode == 0 and "usage: discussion" in done.stdout
    assert (sys.stdin, sys.stdout, sys.stderr) == streams
    assert os.getcwd() == folder and dict(os.environ) == env
