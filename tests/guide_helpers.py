"""Small question banks for the guide and `discussion plan` tests: in memory, or written to disk."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from discussion.bank import Question, QuestionBank, discussion_criterion_ids
from discussion.guide import guide_data
from discussion.standard import load_standard

STANDARD = load_standard()
COMPONENT = STANDARD.component("discussion")
GUIDE = guide_data(COMPONENT)
PASS = [c.id for c in COMPONENT.pass_criteria()]
DISTINCTION = [c.id for c in COMPONENT.distinction_criteria()]
CRITERIA = [c.id for c in COMPONENT.criteria]


def q(
    qid: str,
    criteria: Iterable[str],
    minutes: float = 4,
    *,
    work: bool = False,
    kind: str = "question",
    set_name: str = "assessment",
) -> Question:
    """One valid question; the text names its id so every text differs."""
    return Question.model_validate(
        {
            "id": qid,
            "criteria": list(criteria),
            "set": set_name,
            "text": f"Tell me about the situation for question {qid}.",
            "probes": [f"What happened next in {qid}?"],
            "look_fors": [f"Describes the situation in {qid}"],
            "work_example": work,
            "minutes": float(minutes),
            "kind": kind,
            "cues": [[qid.casefold()]] if set_name == "practice" else None,
            "probe_targets": [[1]] if set_name == "practice" else None,
            "file": "test.toml",
        }
    )


def bank_of(questions: Iterable[Question]) -> QuestionBank:
    """A bank holding exactly `questions` (no file on disk)."""
    return QuestionBank(
        root=Path("test-bank"),
        version="test",
        title=None,
        content_hash="0" * 64,
        questions=list(questions),
        criterion_ids=discussion_criterion_ids(STANDARD),
    )


def standard_bank(
    minutes: float = 4, *, warm_up: bool = True, bank_ids: bool = False
) -> list[Question]:
    """Per criterion: a work example (W-1A) and a question without one (Q-1A), both `minutes`
    long, plus a 2-minute warm-up (WARM) leading into 4A.

    `bank_ids` gives them ids a bank file accepts instead: D-1A-01 for W-1A, D-1A-02 for Q-1A,
    D-4A-09 for WARM.
    """
    warm, work, plain = ("D-4A-09", "D-{}-01", "D-{}-02") if bank_ids else ("WARM", "W-{}", "Q-{}")
    questions = [q(warm, ["4A"], 2, kind="warm-up")] if warm_up else []
    for cid in CRITERIA:
        questions.append(q(plain.format(cid), [cid], minutes))
        questions.append(q(work.format(cid), [cid], minutes, work=True))
    return questions


def write_bank(folder: Path, questions: Iterable[Question]) -> Path:
    """Write a valid bank folder (assessment questions as given, one practice question per
    criterion so coverage holds) and return it."""
    (folder / "assessment").mkdir(parents=True)
    (folder / "practice").mkdir()
    (folder / "bank.toml").write_text('[bank]\nversion = "t1"\n', encoding="utf-8")
    practice = [q(f"P-{cid}-01", [cid], 3, set_name="practice") for cid in CRITERIA]
    (folder / "assessment" / "a.toml").write_text(_toml(questions), encoding="utf-8")
    (folder / "practice" / "p.toml").write_text(_toml(practice), encoding="utf-8")
    return folder


def _toml(questions: Iterable[Question]) -> str:
    out = []
    for question in questions:
        out.append("[[question]]")
        for name in ("id", "criteria", "set", "text", "probes", "look_fors"):
            out.append(f"{name} = {json.dumps(getattr(question, name))}")
        out.append(f"work_example = {'true' if question.work_example else 'false'}")
        out.append(f"minutes = {question.minutes}")
        out.append(f"kind = {json.dumps(question.kind)}")
        if question.cues is not None:
            out.append(f"cues = {json.dumps(question.cues)}")
        if question.probe_targets is not None:
            out.append(f"probe_targets = {json.dumps(question.probe_targets)}")
        out.append("")
    return "\n".join(out)
