"""The bundled bank's content meets the bar assessors rely on."""

from __future__ import annotations

from pathlib import Path

import pytest

from discussion.bank import QuestionBank, check_bank, load_bank
from discussion.paths import bundled_bank_dir
from discussion.standard import Standard, load_standard

CLOSED_OPENINGS = {"do", "does", "did", "is", "are", "was", "were", "have", "has", "will"}
ANONYMITY = (
    "without naming",
    "without giving",
    "leave out",
    "leaving out",
    "anonymous",
    "don't identify",
    "identifies the customer",
    "identify the customer",
)
PROTECTED = (
    "age",
    "disability",
    "gender reassignment",
    "marriage and civil partnership",
    "pregnancy and maternity",
    "race",
    "religion or belief",
    "sex",
    "sexual orientation",
)


@pytest.fixture(scope="module")
def standard() -> Standard:
    return load_standard()


@pytest.fixture(scope="module")
def bank(standard: Standard) -> QuestionBank:
    return load_bank(None, standard)


def test_bundled_bank_is_valid(standard: Standard) -> None:
    report = check_bank(None, standard)
    assert report.ok, "\n".join(str(e) for e in report.errors)


def test_every_discussion_criterion_has_three_per_set(standard: Standard) -> None:
    criteria = standard.component("discussion").criteria
    assert len(criteria) == 11
    coverage = check_bank(None, standard).coverage
    for criterion in criteria:
        counts = coverage[criterion.id]
        assert counts["assessment"] >= 3, criterion.id
        assert counts["practice"] >= 3, criterion.id


def test_probe_and_look_for_counts(bank: QuestionBank) -> None:
    assert len(bank.questions) >= 66
    for q in bank.questions:
        assert 2 <= len(q.probes) <= 4, q.id
        assert 3 <= len(q.look_fors) <= 5, q.id


def test_questions_are_open(bank: QuestionBank) -> None:
    for q in bank.questions:
        first_word = q.text.split()[0].casefold()
        assert first_word not in CLOSED_OPENINGS, f"{q.id} reads as a yes/no question"


def test_assessment_timing_fits_the_hour(bank: QuestionBank, standard: Standard) -> None:
    component = standard.component("discussion")
    for q in bank.in_set("assessment"):
        assert 3 <= q.minutes <= 6, q.id
    pass_ids = [c.id for c in component.criteria if c.level == "pass"]
    all_ids = [c.id for c in component.criteria]
    longest = {cid: max(q.minutes for q in bank.for_criterion(cid)) for cid in all_ids}
    assert sum(longest[cid] for cid in pass_ids) <= 45
    assert sum(longest.values()) <= 60


def test_work_examples_and_confidentiality(bank: QuestionBank, standard: Standard) -> None:
    for criterion in standard.component("discussion").criteria:
        if criterion.level == "pass":
            asked = bank.for_criterion(criterion.id, "assessment")
            assert any(q.work_example for q in asked), criterion.id
    reminders = [
        q.id
        for q in bank.questions
        if any(marker in " ".join([q.text, *q.probes]).casefold() for marker in ANONYMITY)
    ]
    assert len(reminders) >= 18


def test_equality_law_is_covered_under_3a(bank: QuestionBank) -> None:
    questions = bank.for_criterion("3A", "assessment") + bank.for_criterion("3A", "practice")
    words = " ".join(" ".join([q.text, *q.probes, *q.look_fors]) for q in questions).casefold()
    assert "equality act 2010" in words
    assert "protected" in words
    for characteristic in PROTECTED:
        assert characteristic in words, characteristic


def test_targets_and_goals_under_5a(bank: QuestionBank) -> None:
    for q in bank.for_criterion("5A", "assessment"):
        blob = " ".join([q.text, *q.probes]).casefold()
        assert "target" in blob or "goal" in blob, q.id


def test_sets_live_in_their_own_folders(bank: QuestionBank) -> None:
    for q in bank.questions:
        assert q.file.startswith(f"question_bank/{q.set}/"), q.id
        assert q.id.startswith("D-" if q.set == "assessment" else "P-"), q.id


def test_practice_folder_has_no_assessment_text() -> None:
    practice = "".join(
        p.read_text(encoding="utf-8") for p in (bundled_bank_dir() / "practice").glob("*.toml")
    )
    assert 'set = "assessment"' not in practice
    assert '"D-' not in practice


def test_readme_documents_every_field() -> None:
    readme = Path(bundled_bank_dir(), "README.md").read_text(encoding="utf-8")
    for name in ("id", "criteria", "set", "text", "probes", "look_fors", "work_example", "minutes"):
        assert f"{name} = " in readme, name
