"""What the review hands the verifier's forms (`review_judge`): which criterion, the assessor's
decision on it, the name of the verifier whose round is open, and what was recorded, in words.
"""

from __future__ import annotations

from pathlib import Path

from discussion.export.report import Report
from discussion.playback.items import ReviewItem
from discussion.ui.screens.review_judge import JudgeScreen, OutcomeScreen
from discussion.verification.events import VEvent
from discussion.verification.state import Round, open_round


def verifier_name(rounds: list[Round]) -> str:
    """The open round's verifier (the only one who may judge now), else the last one's."""
    return rounds[-1].verifier if rounds else ""


def judged_criterion(criterion_filter: str | None, item: ReviewItem | None) -> str:
    """The filter's criterion, else the highlighted row's (a decision's, a note's first)."""
    if criterion_filter is not None:
        return criterion_filter
    return item.criteria[0] if item is not None and item.criteria else ""


def decision_text(report: Report, criterion: str) -> str:
    """The criterion and the assessor's decision on it, for the top of the form."""
    row = next((r for r in report.decisions if r.criterion.id == criterion), None)
    if row is None:
        return "Type the criterion to judge (the highlighted row has none)."
    if row.decision is None:
        return f"{criterion}: {row.criterion.text}\nThe assessor made no decision on it."
    verdict = "MET" if row.decision.met else "NOT MET"
    rationale = row.decision.rationale or "(no rationale given)"
    return f"{criterion}: {row.criterion.text}\nAssessor: {verdict}: {rationale}"


def judge_form(
    folder: Path,
    report: Report,
    rounds: list[Round],
    criterion_filter: str | None,
    item: ReviewItem | None,
    rests_on: str | None = None,
) -> JudgeScreen:
    """The judgement form for the highlighted row: the open round's judgement of it (if any)
    filled in, and a highlighted note as what it rests on (`rests_on`, a time such as `1:06`
    from a transcript line, instead when given)."""
    criterion = judged_criterion(criterion_filter, item)
    current = open_round(rounds)
    previous = current.judgements.get(criterion) if current is not None else None
    refs = str(item.note_number) if item is not None and item.kind == "note" else ""
    if rests_on is not None:
        refs = rests_on
    elif previous is not None and not refs:
        cited = [str(n) for n in previous.notes] + [f"m{m}" for m in previous.marks]
        cited += [f"{int(t) // 60}:{int(t) % 60:02d}" for t in previous.times]
        refs = ",".join(cited)
    return JudgeScreen(
        folder,
        verifier_name(rounds),
        current,
        criterion=criterion,
        decision=decision_text(report, criterion),
        previous=previous,
        refs=refs,
    )


def outcome_form(folder: Path, report: Report, rounds: list[Round]) -> OutcomeScreen:
    """The outcome form, saying which decisions are not judged yet."""
    rows = [row for row in report.decisions if row.decision is not None]
    current = open_round(rounds)
    judged = current.judgements if current is not None else {}
    missing = [row.criterion.id for row in rows if row.criterion.id not in judged]
    summary = f"{len(rows) - len(missing)} of {len(rows)} decisions judged" + (
        f"; not judged: {', '.join(missing)}" if missing else ""
    )
    return OutcomeScreen(folder, verifier_name(rounds), current, summary)


def recorded_text(written: list[VEvent]) -> str:
    """`Recorded: 3B agreed` / `Recorded: outcome confirmed; finished, signed by Kim (ab12 …)`."""
    from discussion.signing.model import fingerprint

    said = []
    for event in written:
        data = event.data
        if event.type == "judgement":
            said.append(f"{data['criterion']} {'agreed' if data['agree'] else 'disagreed'}")
        elif event.type == "outcome":
            said.append(f"outcome {data['outcome']}")
        elif event.type == "finished":
            key = fingerprint(data["signature"]["public_key"])
            said.append(
                f"finished, signed by {data['verifier']} ({key}); keep its hash {event.hash}"
            )
    return "Recorded: " + "; ".join(said or ["nothing new"])
