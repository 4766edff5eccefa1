"""A real process killed with SIGKILL while appending: every returned append survives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from test_record_support import REPO

from discussion.record import NoteData, recover, verify
from discussion.record.log import scan_log

CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from test_record_support import make_info
from discussion.record import SessionRecord
record = SessionRecord.create(make_info(), home=Path(sys.argv[1]))
print(record.folder, flush=True)
n = 0
while True:
    event = record.add_note(f"note {n} " + "x" * (n % 300), ["1A"], float(n))
    print(event.seq, flush=True)
    n += 1
"""


@pytest.mark.parametrize(
    "kill_after",
    [50, 333, pytest.param(1000, marks=pytest.mark.slow)],  # 1000: 1.5 s of CPU
)
def test_sigkill_while_appending_loses_no_returned_event(tmp_path: Path, kill_after: int) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path), str(REPO / "tests")],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    folder = Path(child.stdout.readline().strip())
    returned: list[int] = []
    while len(returned) < kill_after:
        line = child.stdout.readline()
        assert line, "child stopped early"
        returned.append(int(line))
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    # seqs printed before the kill are still in the pipe
    returned.extend(int(line) for line in child.stdout.read().split())
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    report = recover(folder)
    assert report.ok, report.sessions
    events = scan_log((folder / "events.jsonl").read_bytes()).events
    by_seq = {event.seq: event for event in events}
    for seq in returned:
        payload = by_seq[seq].payload
        assert isinstance(payload, NoteData)
        assert payload.text.startswith(f"note {seq - 1} ")
    assert events[-1].type == "recovered"
    assert verify(folder).ok
