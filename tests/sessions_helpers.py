"""Session folders for the `sessions` / `sample` tests, made with the record API.

`make_closed` and friends write real records (SessionRecord: fsync'd log, closed seal) in a
sessions folder; `write_verification` writes a verification.jsonl whose last line has the type
given (what the listing reads of it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cli_inprocess import run_in_process
from session_factory import make_session_info

from discussion.record import SessionRecord
from discussion.record.events import ConsentDeclinedData

REPO = Path(__file__).resolve().parent.parent
PASS_CRITERIA = ("1A", "3A", "3B", "4A", "5A", "6A", "7A")
DISTINCTION_CRITERIA = ("2A", "2B", "3C", "6B")


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`discussion ARGS` with DISCUSSION_HOME=home and TZ=UTC (dates are local), through the real
    dispatcher in this process (test_cli_process.py checks the console script says the same)."""
    env = {**os.environ, "DISCUSSION_HOME": str(home), "TZ": "UTC"}
    return run_in_process(args, env=env, cwd=REPO)


def run_cli_process(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m discussion ARGS` in a fresh interpreter, as `run_cli` sets it up."""
    return subprocess.run(
        [sys.executable, "-m", "discussion", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, "DISCUSSION_HOME": str(home), "TZ": "UTC"},
        check=False,
    )


def run_json(home: Path, *args: str) -> Any:
    """Run with `--json`, check the exit status is 0 and nothing went to stderr, parse stdout."""
    result = run_cli(home, *args, "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def new_record(
    sessions: Path, tag: str, day: date, *, assessor: str = "Sam Assessor", **changes: Any
) -> SessionRecord:
    """An open record created at 09:00 UTC on `day`; `tag` makes its id unique."""
    created = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    info = make_session_info(
        session_id=f"{created:%Y-%m-%dT%H%M}-{tag}",
        created_at=created,
        epa_window_start=day,
        assessor=assessor,
        **changes,
    )
    return SessionRecord.create(info, sessions)


def make_closed(
    sessions: Path,
    tag: str,
    day: date,
    met: tuple[str, ...] = (),
    not_met: tuple[str, ...] = (),
    **changes: Any,
) -> Path:
    """A closed record with these criteria decided met / not met."""
    record = new_record(sessions, tag, day, **changes)
    for criterion in met:
        record.decide(criterion, True, "Gave a clear example from work.", [])
    for criterion in not_met:
        record.decide(criterion, False, "No example given.", [])
    record.close("done")
    return record.folder


def make_interrupted(sessions: Path, tag: str, day: date, **changes: Any) -> Path:
    """A record never closed and not held by any process."""
    record = new_record(sessions, tag, day, **changes)
    record.add_note("3A: explained the complaint process", ["3A"], 30.0)
    record.release()
    return record.folder


def make_declined(sessions: Path, tag: str, day: date, **changes: Any) -> Path:
    """Consent declined, then closed: a discussion that did not go ahead."""
    record = new_record(sessions, tag, day, **changes)
    record.append(ConsentDeclinedData(recording=True, statement="The notice read out."))
    record.close("consent declined")
    return record.folder


def write_verification(folder: Path, *types: str) -> None:
    """A verification.jsonl of lines of these types (only the types matter to the listing)."""
    lines = [
        json.dumps({"data": {}, "seq": seq, "type": kind}, separators=(",", ":"))
        for seq, kind in enumerate(types)
    ]
    (folder / "verification.jsonl").write_text("".join(f"{line}\n" for line in lines))
