"""The verifier's report beside the assessor's decisions, gathered once (read-only).

`build_verification_report(folder)` reads the record as the assessment export does
(`discussion.export.report.build_report`, which verifies both chains) and the rounds of
verification.jsonl; `markdown` and `html` lay it out. Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from discussion.export.report import DecisionRow, Report, build_report, hhmmss
from discussion.safe_files import UnsafeFileError, read_bounded
from discussion.verification.events import OUTCOME_TEXT, VERIFICATION_JSONL, JudgementData
from discussion.verification.log import MAX_BYTES, scan_verification
from discussion.verification.state import Round, derive_rounds


@dataclass(frozen=True)
class CriterionRow:
    """One criterion: the assessor's decision and this round's judgement of it (or none)."""

    decision: DecisionRow
    judgement: JudgementData | None

    @property
    def stance(self) -> str:
        """`agree`, `DISAGREE` or `not judged`."""
        if self.judgement is None:
            return "not judged"
        return "agree" if self.judgement.agree else "DISAGREE"


@dataclass
class VerificationReport:
    """The record's report, and each round of verification with a row per criterion."""

    record: Report
    rounds: list[Round]
    signatures: list[str]  # per round, in words: who signed, whether it matches and is trusted
    problem: str | None  # verification.jsonl could not be read in full
    hashes: list[str]  # each good line's hash, by seq

    @property
    def intact(self) -> bool:
        """The record and its verification verify (see `discussion verify`)."""
        return self.record.verify.ok

    @property
    def record_signature(self) -> str:
        """Who signed the assessor's seal, in words (`not signed (not sealed yet)` before)."""
        seal = self.record.verify.seal
        return seal.describe() if seal is not None else "not signed (not sealed yet)"

    def rows(self, current: Round) -> list[CriterionRow]:
        """Every discussion criterion, the assessor's decision beside the round's judgement."""
        return [
            CriterionRow(row, current.judgements.get(row.criterion.id))
            for row in self.record.decisions
        ]

    def judged_but_unknown(self, current: Round) -> list[str]:
        """Criteria judged that are not the standard's discussion criteria (kept, not hidden)."""
        known = {row.criterion.id for row in self.record.decisions}
        return sorted(c for c in current.judgements if c not in known)

    def assessor_basis(self, row: DecisionRow) -> str:
        """The assessor's rationale and the notes it rests on (`clear example (#1, #3)`)."""
        if row.decision is None:
            return ""
        labels = [note.label for note in row.notes + row.marks]
        cited = f" (rests on {', '.join(labels)})" if labels else " (no notes cited)"
        return (row.decision.rationale or "no rationale given") + cited

    def finished_hash(self, current: Round) -> str | None:
        """The hash of the round's finished line (to check a later copy against), if finished."""
        return None if current.finished_seq is None else self.hashes[current.finished_seq]

    def rests_on(self, judgement: JudgementData) -> str:
        """`#1, mark 2, 00:12:30` for what a judgement cites (`nothing cited` when empty)."""
        parts = [f"#{n}" for n in judgement.notes]
        parts += [f"mark {m}" for m in judgement.marks]
        parts += [hhmmss(t) for t in judgement.times]
        return ", ".join(parts) or "nothing cited"


def outcome_text(current: Round) -> str:
    """The round's overall outcome in words."""
    if current.outcome is None:
        return "no overall outcome given" if current.finished else "not given yet"
    return OUTCOME_TEXT[current.outcome.outcome]


def build_verification_report(folder: Path) -> VerificationReport:
    """The verification report of `folder` (UserError exit 2 for a non-session folder)."""
    record = build_report(folder)
    summary = record.verify.verification or {}
    signatures = [
        entry.get("described", "NOT FINISHED: not signed") for entry in summary.get("rounds", [])
    ]
    rounds, problem, hashes = read_rounds(folder)
    return VerificationReport(record, rounds, signatures, problem, hashes)


def read_rounds(folder: Path) -> tuple[list[Round], str | None, list[str]]:
    """The rounds of `folder`'s verification.jsonl (read-only, no lock, nothing verified but
    its own chain): the rounds of its good lines, what is wrong with it (None: nothing), and
    each good line's hash. No file: no rounds, no problem."""
    problem = None
    try:
        content = read_bounded(folder / VERIFICATION_JSONL, MAX_BYTES, follow_symlinks=False)
    except FileNotFoundError:
        content = b""
    except (OSError, UnsafeFileError) as error:
        content = b""
        problem = f"{VERIFICATION_JSONL}: {getattr(error, 'reason', None) or error}"
    scan = scan_verification(content)
    if scan.problem is not None:
        problem = f"{VERIFICATION_JSONL} {scan.problem}"
    rounds, _ = derive_rounds(scan.events)
    return rounds, problem, [event.hash for event in scan.events]
