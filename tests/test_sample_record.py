"""The committed sample discussion record is a closed session that verifies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from discussion.record import load_state
from discussion.record.session import read_log

SAMPLE = Path(__file__).resolve().parent.parent / "transcripts" / "sample-discussion"


def test_sample_verifies() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "discussion", "verify", str(SAMPLE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "intact" in result.stdout and "sealed (closed)" in result.stdout


def test_sample_is_a_practice_discussion_with_evidence() -> None:
    state = load_state(SAMPLE)
    assert state.status == "closed"
    assert state.info.kind == "practice"
    assert state.consent is True
    assert 120 <= state.audio_seconds <= 200
    types = [e.type for e in read_log(SAMPLE).events]
    assert types.index("consent_recorded") < types.index("question_asked")
    asked = [e.data["question_id"] for e in read_log(SAMPLE).events if e.type == "question_asked"]
    assert asked and all(qid.startswith("P-") for qid in asked)  # practice questions only
    assert types.count("criterion_decided") >= 5
    assert all(n.criteria for n in state.notes)
