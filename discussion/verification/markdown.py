"""The verification report as Markdown: per round, each criterion's assessor decision beside
the verifier's judgement. Everything typed by people is escaped (`md_escape`)."""

from __future__ import annotations

from discussion.export.markdown_format import md_escape
from discussion.verification.report import VerificationReport, outcome_text


def _cell(text: str) -> str:
    """A table cell: escaped, one line (a line break would end the row)."""
    return md_escape(text).replace("  \n", " / ") or "-"


def render_verification_markdown(report: VerificationReport) -> str:
    """The whole verification report as one Markdown document."""
    record = report.record
    info = record.info
    name = md_escape(info.apprentice_name)
    out = [f"# Verification of the Professional Discussion record: {name}"]
    out.append("")
    verdict = "intact" if report.intact else "NOT INTACT: do not rely on this verification"
    out.append(f"> **Record and verification: {verdict}.** {md_escape(record.status_text)}")
    for problem in record.verify.problems:
        out.append(f"> - {md_escape(problem)}")
    if report.problem:
        out.append(f"> - {md_escape(report.problem)}")
    out.append("")
    out.append(f"- **Session:** {md_escape(info.session_id)}")
    out.append(f"- **Assessor:** {md_escape(info.assessor)}")
    out.append(f"- **Attempt:** {info.attempt}")
    out.append(f"- **Record hash:** {md_escape(record.record_hash or 'NOT SEALED')}")
    out.append(f"- **Record signed:** {md_escape(report.record_signature)}")
    out.append("")
    if not report.rounds:
        out += ["No verification has been recorded for this session.", ""]
    for number, current in enumerate(report.rounds, start=1):
        signature = report.signatures[number - 1] if number <= len(report.signatures) else ""
        out.append(f"## Verification {number}: {current.role} by {md_escape(current.verifier)}")
        out.append("")
        out.append(f"- **Started:** {md_escape(current.started_at)}")
        finished = current.finished_at or "NOT FINISHED (not signed; may still change)"
        out.append(f"- **Finished:** {md_escape(finished)}")
        out.append(f"- **Signature:** {md_escape(signature or 'not signed')}")
        out.append(f"- **Verification hash:** {report.finished_hash(current) or 'not finished'}")
        out.append(f"- **Outcome:** {md_escape(outcome_text(current))}")
        if current.outcome is not None and current.outcome.comment:
            out.append(f"- **Outcome comment:** {md_escape(current.outcome.comment)}")
        out.append("")
        if record.not_held is not None:
            out += [f"The discussion did not go ahead: {md_escape(record.not_held)}", ""]
        out.append(
            "| Criterion | Assessor's decision | Assessor's rationale | Verifier | "
            "Verifier's comment | Rests on |"
        )
        out.append("|---|---|---|---|---|---|")
        for row in report.rows(current):
            decision = row.decision
            rationale = report.assessor_basis(decision)
            judgement = row.judgement
            comment = judgement.comment if judgement else ""
            rests = report.rests_on(judgement) if judgement else ""
            out.append(
                f"| {decision.criterion.id} | {decision.verdict} | {_cell(rationale)} | "
                f"**{row.stance}** | {_cell(comment)} | {_cell(rests)} |"
            )
        unknown = report.judged_but_unknown(current)
        if unknown:
            listed = md_escape(", ".join(unknown))
            out += ["", f"Also judged (not criteria of this standard): {listed}"]
        if current.superseded:
            count = len(current.superseded)
            out += ["", f"*{count} earlier judgement(s) superseded in this round.*"]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
