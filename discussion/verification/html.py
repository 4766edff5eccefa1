"""The verification report as one self-contained, printable HTML page (no scripts, no external
assets; every piece of text through `html.escape`, via the record export's helpers)."""

from __future__ import annotations

from discussion.export.html_format import CSS, _e, _multiline
from discussion.verification.report import VerificationReport, outcome_text

_STANCE_CLASS = {"agree": "met", "DISAGREE": "notmet", "not judged": "undecided"}
_VERDICT_CLASS = {"met": "met", "not met": "notmet", "undecided": "undecided"}


def render_verification_html(report: VerificationReport) -> str:
    """The whole verification report as one HTML document (UTF-8)."""
    record = report.record
    info = record.info
    title = f"Verification of the Professional Discussion record: {info.apprentice_name}"
    body = [f"<h1>{_e(title)}</h1>"]
    verdict = "intact" if report.intact else "NOT INTACT: do not rely on this verification"
    css = "status" if report.intact else "status unsealed"
    body.append(
        f'<p class="{css}">Record and verification: {_e(verdict)}. {_e(record.status_text)}</p>'
    )
    problems = list(record.verify.problems) + ([report.problem] if report.problem else [])
    if problems:
        body.append('<ul class="warn">' + "".join(f"<li>{_e(p)}</li>" for p in problems) + "</ul>")
    facts = [
        ("Session", info.session_id),
        ("Assessor", info.assessor),
        ("Attempt", str(info.attempt)),
        ("Record hash", record.record_hash or "NOT SEALED"),
        ("Record signed", report.record_signature),
    ]
    body.append(
        '<dl class="facts">'
        + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
        + "</dl>"
    )
    if not report.rounds:
        body.append("<p>No verification has been recorded for this session.</p>")
    for number, current in enumerate(report.rounds, start=1):
        signature = report.signatures[number - 1] if number <= len(report.signatures) else ""
        body.append(
            f'<section class="round"><h2>Verification {number}: {_e(current.role)} by '
            f"{_e(current.verifier)}</h2>"
        )
        finished = current.finished_at or "NOT FINISHED (not signed; may still change)"
        round_facts = [
            ("Started", current.started_at),
            ("Finished", finished),
            ("Signature", signature or "not signed"),
            ("Verification hash", report.finished_hash(current) or "not finished"),
            ("Outcome", outcome_text(current)),
        ]
        if current.outcome is not None and current.outcome.comment:
            round_facts.append(("Outcome comment", current.outcome.comment))
        body.append(
            '<dl class="facts">'
            + "".join(f"<dt>{_e(k)}</dt><dd>{_multiline(v)}</dd>" for k, v in round_facts)
            + "</dl>"
        )
        if record.not_held is not None:
            body.append(f"<p>The discussion did not go ahead: {_e(record.not_held)}</p>")
        body.append(
            "<table><thead><tr><th>Criterion</th><th>Assessor's decision</th>"
            "<th>Assessor's rationale</th><th>Verifier</th><th>Verifier's comment</th>"
            "<th>Rests on</th></tr></thead><tbody>"
        )
        for row in report.rows(current):
            decision = row.decision
            rationale = report.assessor_basis(decision)
            judgement = row.judgement
            body.append(
                f'<tr data-criterion="{_e(decision.criterion.id)}">'
                f'<td class="ids">{_e(decision.criterion.id)}</td>'
                f'<td class="{_VERDICT_CLASS[decision.verdict]}">{_e(decision.verdict)}</td>'
                f"<td>{_multiline(rationale)}</td>"
                f'<td class="{_STANCE_CLASS[row.stance]}">{_e(row.stance)}</td>'
                f"<td>{_multiline(judgement.comment) if judgement else ''}</td>"
                f"<td>{_e(report.rests_on(judgement)) if judgement else ''}</td></tr>"
            )
        body.append("</tbody></table>")
        unknown = report.judged_but_unknown(current)
        if unknown:
            listed = _e(", ".join(unknown))
            body.append(f"<p>Also judged (not criteria of this standard): {listed}</p>")
        body.append("</section>")
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
