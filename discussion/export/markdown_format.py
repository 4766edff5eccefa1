"""The assessment record as Markdown (readable as plain text, renders cleanly).

Everything the assessor typed is escaped, so a note can neither inject HTML into a rendered
page nor break the layout.
"""

from __future__ import annotations

import re

from discussion.export.live_status import LIVE_STATUS_NOTE, live_status_line, live_statuses
from discussion.export.mock_answers import md_mock_answers
from discussion.export.report import Report, hhmmss
from discussion.export.transcript_excerpt import md_excerpt
from discussion.record.state import NoteView
from discussion.text_safety import visible

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~&])")


def md_escape(text: str) -> str:
    """Escape Markdown and HTML punctuation; keep line breaks as hard breaks."""
    escaped = _SPECIAL.sub(r"\\\1", visible(text))  # no raw ESC/BEL in the file
    lines = [
        re.sub(r"^(\s*)(\d+)\.", r"\1\2\\.", re.sub(r"^(\s*)([-+=])", r"\1\\\2", line))
        for line in escaped.splitlines()
    ]
    return "  \n".join(lines) if lines else ""


def _ids(ids: list[str]) -> str:
    return ", ".join(md_escape(i) for i in ids) or "none"


def _note_line(note: NoteView) -> str:
    if note.is_mark:  # a timeline bookmark, not evidence: no tags, no blank text
        return f"**{hhmmss(note.offset)}** {note.label}: moment marked (bookmark, not evidence)"
    text = f"**{hhmmss(note.offset)}** [{_ids(note.criteria)}] {md_escape(note.text)}"
    if note.amended_by:
        text += f" *(amended; note {note.number})*"
    else:
        text += f" *(note {note.number})*"
    return text


def render_markdown(report: Report) -> str:
    """The whole record as one Markdown document."""
    out: list[str] = []
    info = report.info
    out.append(f"# Professional Discussion record: {md_escape(info.apprentice_name)}")
    out.append("")
    out.append(f"> **{md_escape(report.status_text)}**")
    for caveat in report.caveats():
        out.append(">")
        out.append(f"> {md_escape(caveat)}")
    out.append("")
    for label, value in report.facts():
        out.append(f"- **{label}:** {md_escape(value)}")
    out.append("")
    if report.verify.problems:
        out.append("**Verification problems:**")
        out.append("")
        out += [f"- {md_escape(p)}" for p in report.verify.problems]
        out.append("")

    out += ["## Grade as it stands", ""]
    out += _grade(report)

    out += ["## Discussion criteria", ""]
    if report.not_held is not None:
        out += ["The discussion did not go ahead: no criterion was assessed.", ""]
    statuses = live_statuses(report)
    for row in [] if report.not_held is not None else report.decisions:
        level = "distinction" if row.criterion.level == "distinction" else "pass"
        out.append(f"### {row.criterion.id} ({level}): {row.verdict.upper()}")
        out.append("")
        out.append(f"*{md_escape(row.criterion.text)}*")
        out.append("")
        if changes := statuses.get(row.criterion.id):
            line = md_escape(live_status_line(changes))
            out.append(f"- **Live statuses:** {line} ({LIVE_STATUS_NOTE})")
        if row.decision is not None:
            rationale = md_escape(row.decision.rationale) or "(no rationale given)"
            out.append(f"- **Rationale:** {rationale}")
            out.append(f"- **Decided:** {md_escape(row.decision.at)} (event {row.decision.seq})")
            if row.notes:
                out.append("- **Rests on:**")
                for cited in row.notes:  # each with what was said around it (transcript)
                    out += [f"  - {_note_line(cited)}", *md_excerpt(report, cited, depth=2)]
            else:
                out.append("- **Rests on:** no notes cited")
            for mark in row.marks:
                out.append(f"  - also cites {_note_line(mark)}")
            for seq in row.missing_notes:
                out.append(f"  - event {seq}: not a note of this session")
            for old in row.superseded:
                verdict = "met" if old.met else "not met"
                out.append(
                    f"- *Superseded:* {verdict} at {md_escape(old.at)} (event {old.seq}): "
                    f"{md_escape(old.rationale) or '(no rationale)'}"
                )
        else:
            out.append("- not decided")
        out.append("")

    out += ["## Notes", ""]
    if not report.notes:
        out += ["No notes were written.", ""]
    for note in report.notes:
        out.append(f"- {_note_line(note)}")
        if note.amended_by and not note.original_text.strip():
            events = ", ".join(str(s) for s in note.amended_by)
            out.append(f"  - a moment marked at {md_escape(note.at)}; written by event(s) {events}")
        elif note.amended_by:
            events = ", ".join(str(s) for s in note.amended_by)
            out.append(
                f"  - original ({md_escape(note.at)}): [{_ids(note.original_criteria)}] "
                f"{md_escape(note.original_text)}; amended by event(s) {events}"
            )
        out += md_excerpt(report, note)  # what was said around it, from the transcript
    out.append("")

    out += _marks(report)

    out += ["## Questions asked", ""]
    if not report.state.questions:
        out += ["No questions were marked as asked.", ""]
    for question in report.state.questions:
        out.append(
            f"- **{hhmmss(question.offset)}** {md_escape(question.question_id)} "
            f"(criteria {_ids(question.criteria)})"
        )
    out.append("")

    out += md_mock_answers(report, md_escape)  # a mock's answers (none otherwise)

    out += ["## Recording", ""]
    lines = report.recording_lines()
    out += [f"- {md_escape(line)}" for line in lines] or ["Nothing recorded."]
    out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _grade(report: Report) -> list[str]:
    out: list[str] = []
    if report.grade is None:
        out.append(f"**The grade cannot be computed:** {md_escape(report.grade_error or '')}")
        out.append("")
    else:
        out.append(f"**Overall grade: {report.grade.grade.upper()}**")
        out.append("")
        out += [f"- {md_escape(reason)}" for reason in report.grade.reasons]
        out.append("")
    out.append("Other components' results (as entered in this session):")
    out.append("")
    if not report.components:
        out.append("- none entered")
    for row in report.components:
        modes = f"; modes observed: {', '.join(row.result.modes)}" if row.result.modes else ""
        out.append(
            f"- **{md_escape(row.name)}**, {row.attempt_text}: achieved "
            f"{_ids(list(row.result.achieved))}{md_escape(modes)}"
        )
    out.append("")
    return out


def _marks(report: Report) -> list[str]:
    """Marked moments: bookmarks on the timeline (F5 or an empty Enter), not evidence."""
    if not report.marks:
        return []
    out = ["## Marked moments", "", "Bookmarks on the recording, not evidence.", ""]
    for mark in report.marks:
        asked = report.question_at(mark)
        during = f" (question {md_escape(asked)})" if asked else ""
        out.append(f"- **{hhmmss(mark.offset)}** {mark.label}{during}")
    out.append("")
    return out
