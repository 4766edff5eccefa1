"""What several benchmark parts share: timing a command, and a data folder of their own."""

from __future__ import annotations

import os
import resource
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def timed_run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, with the processes it forked) of one run, which
    must succeed; CPU is the figure the machine's other load changes far less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        out = (result.stdout + result.stderr).decode(errors="replace")[-500:]
        raise RuntimeError(f"{' '.join(command[:2])} failed ({result.returncode}): {out}")
    return elapsed, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


@contextmanager
def data_home(path: Path) -> Iterator[None]:
    """DISCUSSION_HOME set to `path` (signing keys and logs go there), restored afterwards."""
    home = os.environ.get("DISCUSSION_HOME")
    os.environ["DISCUSSION_HOME"] = str(path)
    try:
        yield
    finally:
        if home is None:
            os.environ.pop("DISCUSSION_HOME", None)
        else:
            os.environ["DISCUSSION_HOME"] = home
