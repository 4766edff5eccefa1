"""The Markdown export of a scripted mock shows its answers, probes with reasons, ticks."""

from __future__ import annotations

from pathlib import Path

from cli_inprocess import run_in_process
from test_mock_practice_record import run_scripted_mock

from discussion.export.mock_answers import PRACTICE_NOTE
from discussion.record.session import load_state


def test_markdown_export_shows_answers_probes_and_ticks(tmp_path: Path) -> None:
    folder = run_scripted_mock(tmp_path / "sessions")
    state = load_state(folder)
    exported = run_in_process(["export", str(folder), "--format", "md"])
    assert exported.returncode == 0, exported.stderr
    text = exported.stdout
    assert "## Mock discussion answers" in text and PRACTICE_NOTE in text
    probe = state.answers[1]
    assert "**Probe 1**" in text or f"**Probe {probe.probe_index}**" in text
    assert probe.why[:30] in text.replace("\\", "")
    assert "ticked look-fors 1, 3; matched by cue words 1" in text
