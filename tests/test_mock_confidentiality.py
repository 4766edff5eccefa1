"""Nothing the mock domain produces (prompts, reasons, records, reports) holds any assessment-set
question text, probe or look-for (or id), whatever the options."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_mock_examiner import BANK

from discussion.mock.examiner import Examiner
from discussion.mock.plan import LENGTHS, MockOptions, plan_mock
from discussion.mock.practice_record import PracticeRecord
from discussion.mock.readiness import load_mock_records, readiness
from discussion.mock.readiness_render import render_html, render_markdown
from discussion.standard import load_standard

STANDARD = load_standard()
CRITERIA = [c.id for c in STANDARD.component("discussion").criteria]
SECRETS = sorted(
    {
        text
        for q in BANK.in_set("assessment")
        for text in (q.text, *q.probes, *q.look_fors, *([q.reminder] if q.reminder else []))
    }
    - {  # wording both sets share on purpose (the README's anonymity reminder) is not secret
        text
        for q in BANK.in_set("practice")
        for text in (q.text, *q.probes, *q.look_fors, *([q.reminder] if q.reminder else []))
    },
    key=len,
)
SECRET_IDS = [q.id for q in BANK.in_set("assessment")]
FOCUSES: list[object] = ["all", "pass", *[(c,) for c in CRITERIA], tuple(CRITERIA[::2])]


def _leaks(text: str) -> list[str]:
    folded = text.casefold()
    found = [s for s in SECRETS if s.casefold() in folded]
    return found + [i for i in SECRET_IDS if i in text]


def _run(options: MockOptions, seed: int, answer: str) -> Iterator[str]:
    """Everything one mock shows or says, answering every prompt with `answer`."""
    plan = plan_mock(BANK, options, seed)
    examiner = Examiner(plan)
    prompt = examiner.prompt()
    t = 0.0
    while prompt is not None:
        yield from (prompt.text, prompt.why or "", prompt.reminder or "", prompt.question_id)
        prompt = examiner.answered(answer, t, t + 10)
        t += 11
    for result in examiner.results():
        yield from (m.look_for for m in result.matches)


def test_there_are_secrets_to_look_for() -> None:
    assert len(SECRETS) > 100 and len(SECRET_IDS) == len(BANK.in_set("assessment"))


@pytest.mark.parametrize("length", LENGTHS)
@pytest.mark.parametrize("focus", FOCUSES, ids=str)
def test_no_prompt_or_reason_holds_assessment_text(length: int, focus: object) -> None:
    for seed in range(3):
        for answer in ("", "case history, promised, I checked, the outcome"):
            said = list(_run(MockOptions(length, focus), seed, answer))  # type: ignore[arg-type]
            assert said
            assert _leaks("\n".join(said)) == []


def test_records_and_reports_hold_no_assessment_text(tmp_path: Path) -> None:
    home = tmp_path / "sessions"
    for n, focus in enumerate(("all", "pass", ("3A", "6B"))):
        plan = plan_mock(BANK, MockOptions(60, focus), n)  # type: ignore[arg-type]
        examiner = Examiner(plan)
        record = PracticeRecord.create(STANDARD, BANK, plan, home, audio=n == 1)
        prompt = examiner.prompt()
        t = 0.0
        while prompt is not None:
            record.answer(prompt, "I am not sure", t, t + 5)
            prompt = examiner.answered("I am not sure", t, t + 5)
            t += 6
        record.finish({r.question.id: [1] for r in examiner.results()})
    records, skipped = load_mock_records([home])
    assert len(records) == 3 and not skipped
    report = readiness(records, BANK)
    outputs = [render_markdown(report), render_html(report)]
    outputs += [
        p.read_text(encoding="utf-8") for p in home.rglob("*") if p.suffix in {".json", ".jsonl"}
    ]
    for output in outputs:
        assert _leaks(output) == []


def test_the_leak_check_finds_a_leak() -> None:
    secret = BANK.in_set("assessment")[0]
    assert _leaks(f"Next: {secret.probes[0].upper()}") == [secret.probes[0]]
    assert _leaks(f"asked {secret.id}") == [secret.id]
