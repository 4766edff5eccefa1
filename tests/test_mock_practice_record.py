"""A mock written as a practice record: created, answered, self-checked, sealed; then verified,
exported and listed by the existing commands, and refused by grading."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile
from cli_inprocess import run_in_process
from test_mock_examiner import BANK, plan_of, say

from discussion.errors import UserError
from discussion.mock.examiner import Examiner
from discussion.mock.practice_record import SEGMENT, PracticeRecord
from discussion.outcome import MOCK_REFUSED, grade_session
from discussion.record.info import PRACTICE_ULN
from discussion.record.session import load_state
from discussion.standard import load_standard

STANDARD = load_standard()
SCRIPT_IDS = ("P-6A-03", "P-7A-02", "P-1A-01")
# Per question: which look-fors the first answer covers, and the probe answers' coverage.
SCRIPT = {
    "P-6A-03": [{1, 2}, {3}],  # one probe (look-for 3), then covered
    "P-7A-02": [{1}, set(), set()],  # two probes, still missing 2-4
    "P-1A-01": [{1, 2, 3}],  # complete: no probe
}
TICKS = {"P-6A-03": [1, 2, 3], "P-7A-02": [1, 3], "P-1A-01": [1]}


def run_scripted_mock(home: Path, *, audio: bool = False, seconds_per_answer: float = 30.0) -> Path:
    """A mock of three practice questions answered to the script; the sealed record's folder."""
    plan = plan_of(*SCRIPT_IDS)
    examiner = Examiner(plan)
    record = PracticeRecord.create(STANDARD, BANK, plan, home, audio=audio)
    prompt = examiner.prompt()
    t = 0.0
    given = {qid: 0 for qid in SCRIPT}
    while prompt is not None:
        question = BANK.get(prompt.question_id)
        assert question is not None
        text = say(question, SCRIPT[prompt.question_id][given[prompt.question_id]])
        given[prompt.question_id] += 1
        record.answer(prompt, text, t, t + seconds_per_answer, reason="key")
        prompt = examiner.answered(text, t, t + seconds_per_answer)
        t += seconds_per_answer + 5
    assert given == {qid: len(steps) for qid, steps in SCRIPT.items()}  # the script was followed
    if audio:  # what the listener writes: one file from offset 0, as long as the mock
        frames = np.zeros(int(t * 16000), dtype=np.int16)
        soundfile.write(record.audio_path, frames, 16000, subtype="PCM_16")
    return record.finish(TICKS)


@pytest.fixture
def mock_folder(tmp_path: Path) -> Path:
    return run_scripted_mock(tmp_path / "sessions")


def test_the_record_is_a_sealed_practice_session_with_the_answers(mock_folder: Path) -> None:
    info = json.loads((mock_folder / "session.json").read_text(encoding="utf-8"))
    assert info["kind"] == "practice" and info["uln"] == PRACTICE_ULN
    state = load_state(mock_folder)
    assert state.status == "closed"
    assert state.mock is not None and state.mock.question_ids == list(SCRIPT_IDS)
    assert [q.question_id for q in state.questions] == list(SCRIPT_IDS)
    kinds = [(a.question_id, a.prompt) for a in state.answers]
    assert kinds == [
        ("P-6A-03", "question"),
        ("P-6A-03", "probe"),
        ("P-7A-02", "question"),
        ("P-7A-02", "probe"),
        ("P-7A-02", "probe"),
        ("P-1A-01", "question"),
    ]
    probe = state.answers[1]
    assert probe.look_for_index == 3 and probe.why.startswith("You have not yet explained")
    assert (probe.start, probe.end) == (35.0, 65.0)  # the caller's clock, kept as given
    checks = state.self_checks
    assert checks["P-6A-03"].ticked == [1, 2, 3] and checks["P-6A-03"].matched == [1, 2, 3]
    assert checks["P-7A-02"].ticked == [1, 3] and checks["P-7A-02"].matched == [1]


def test_verify_export_and_sessions_read_it(mock_folder: Path, tmp_path: Path) -> None:
    verified = run_in_process(["verify", str(mock_folder)])
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "sealed" in verified.stdout
    exported = run_in_process(["export", str(mock_folder), "--format", "md"])
    assert exported.returncode == 0, exported.stderr
    assert "PRACTICE (not an assessment)" in exported.stdout
    assert MOCK_REFUSED.split(":")[0] in exported.stdout.replace("\\`", "`")
    assert "P-6A-03" in exported.stdout  # the questions asked
    listed = run_in_process(["sessions", "--home", str(mock_folder.parent.parent), "--json"])
    assert listed.returncode == 0, listed.stderr
    assert mock_folder.name in listed.stdout


def test_grading_refuses_a_mock_record(mock_folder: Path) -> None:
    with pytest.raises(UserError) as caught:
        grade_session(load_state(mock_folder))
    assert caught.value.message == MOCK_REFUSED
    assert "\n" not in MOCK_REFUSED


def test_a_spoken_mock_names_its_one_recording(tmp_path: Path) -> None:
    folder = run_scripted_mock(tmp_path / "sessions", audio=True)
    state = load_state(folder)
    assert [s.file for s in state.segments] == [SEGMENT]
    assert (folder / SEGMENT).is_file()
    verified = run_in_process(["verify", str(folder)])
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert state.mock is not None and state.mock.answers_by == "voice"


def test_an_assessment_question_cannot_be_written(tmp_path: Path) -> None:
    plan = plan_of("P-6A-01")
    record = PracticeRecord.create(STANDARD, BANK, plan, tmp_path)
    secret = BANK.in_set("assessment")[0]
    prompt = Examiner(plan).prompt()
    assert prompt is not None
    leaked = type(prompt)(kind="question", question_id=secret.id, text="x")
    with pytest.raises(UserError, match="not a practice question"):
        record.answer(leaked, "text", 0, 1)
    with pytest.raises(UserError, match="not a practice question"):
        record.self_check(secret.id, [1])
    record.release()
    assert secret.id not in (record.folder / "events.jsonl").read_text(encoding="utf-8")
