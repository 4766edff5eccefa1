"""The assessment record as one self-contained, printable HTML page.

Inline CSS with print styles, no scripts and no external assets; every piece of text from the
record goes through `html.escape`, so a note such as `<script>` is shown, never run.
"""

from __future__ import annotations

from html import escape

from discussion.export.live_status import LIVE_STATUS_NOTE, live_status_line, live_statuses
from discussion.export.mock_answers import html_mock_answers
from discussion.export.report import Report, hhmmss
from discussion.export.transcript_excerpt import html_excerpt
from discussion.record.state import NoteView
from discussion.text_safety import visible

CSS = """
:root { color-scheme: light; }
body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #111; max-width: 60em; margin: 2em auto; padding: 0 1.5em; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
h2 { font-size: 1.2em; border-bottom: 2px solid #444; padding-bottom: .15em; margin-top: 1.6em; }
h3 { font-size: 1em; margin: 1.1em 0 .3em; }
.status { padding: .5em .8em; border: 2px solid #2a6; background: #eefaf2; font-weight: 600; }
.status.unsealed { border-color: #c60; background: #fff4e5; }
.status.notheld { border-color: #666; background: #f2f2f2; }
.warn { color: #a40; font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1em; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; }
th, td { border: 1px solid #bbb; padding: .25em .45em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.time, td.ids { white-space: nowrap; font-variant-numeric: tabular-nums; }
.met { color: #161; font-weight: 700; }
.notmet { color: #a11; font-weight: 700; }
.undecided { color: #a40; font-weight: 700; }
.grade { font-size: 1.25em; font-weight: 700; }
.muted { color: #555; font-size: .92em; }
.original { color: #555; font-size: .92em; margin-top: .2em; }
section.mock blockquote { margin: .2em 0 .5em; padding: .3em .8em; border-left: 3px solid #888; }
dl.answers dt { font-weight: 600; margin-top: .4em; }
dl.answers dd { margin: .1em 0 .1em 1.5em; }
dl.answers dd.why { color: #555; font-style: italic; }
table.lookfors .mark { white-space: nowrap; width: 7em; }
dl.answers .time { font-weight: 400; color: #555; font-variant-numeric: tabular-nums; }
code, .hash { font-family: ui-monospace, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  tr, .criterion { break-inside: avoid; }
  .status { border-width: 1px; }
}
"""


def _e(text: object) -> str:
    return escape(visible(str(text)), quote=True)  # no raw ESC/BEL in the page


def _multiline(text: str) -> str:
    return "<br>".join(_e(line) for line in text.splitlines()) if text else ""


def _ids(ids: list[str]) -> str:
    return _e(", ".join(ids) or "none")


def _note_cell(note: NoteView) -> str:
    text = _multiline(note.text)
    if note.amended_by:
        events = ", ".join(str(s) for s in note.amended_by)
        text += (
            f'<div class="original">Amended (event(s) {_e(events)}). Original, '
            f"[{_ids(note.original_criteria)}]: {_multiline(note.original_text)}</div>"
            if note.original_text.strip()
            else f'<div class="original">Amended (event(s) {_e(events)}) from a marked '
            "moment.</div>"
        )
    return text


def render_html(report: Report) -> str:
    """The whole record as one HTML document (UTF-8)."""
    info = report.info
    title = f"Professional Discussion record: {info.apprentice_name} ({info.session_id})"
    body: list[str] = [f"<h1>{_e(title)}</h1>"]
    sealed = report.status == "closed"
    css = " notheld" if report.not_held is not None else ("" if sealed else " unsealed")
    body.append(f'<p class="status{css}">{_e(report.status_text)}</p>')
    body += [f'<p class="warn">{_e(caveat)}</p>' for caveat in report.caveats()]
    body.append('<dl class="facts">')
    for label, value in report.facts():
        cls = ' class="hash"' if label == "Record hash" and report.record_hash else ""
        body.append(f"<dt>{_e(label)}</dt><dd{cls}>{_e(value)}</dd>")
    body.append("</dl>")
    if report.verify.problems:
        body.append('<p class="warn">Verification problems:</p><ul>')
        body += [f"<li>{_e(p)}</li>" for p in report.verify.problems]
        body.append("</ul>")
    body += _grade(report)
    body += _criteria(report)
    body += _notes(report)
    body += _marks(report)
    body += _questions(report)
    body += html_mock_answers(report, _e)  # a mock's answers (none otherwise)
    body.append("<h2>Recording</h2>")
    lines = report.recording_lines()
    if lines:
        body.append("<ul>" + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>")
    else:
        body.append("<p>Nothing recorded.</p>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _grade(report: Report) -> list[str]:
    out = ["<h2>Grade as it stands</h2>"]
    if report.grade is None:
        out.append(f'<p class="warn">The grade cannot be computed: {_e(report.grade_error)}</p>')
    else:
        out.append(f'<p class="grade">Overall grade: {_e(report.grade.grade.upper())}</p>')
        out.append("<ul>" + "".join(f"<li>{_e(r)}</li>" for r in report.grade.reasons) + "</ul>")
    out.append("<h3>Other components' results (as entered in this session)</h3>")
    if not report.components:
        out.append("<p>None entered.</p>")
        return out
    out.append("<table><tr><th>Component</th><th>Attempt</th><th>Achieved</th><th>Modes</th></tr>")
    for row in report.components:
        out.append(
            f"<tr><td>{_e(row.name)}</td><td>{_e(row.attempt_text)}</td>"
            f"<td>{_ids(list(row.result.achieved))}</td>"
            f"<td>{_e(', '.join(row.result.modes) or 'not stated')}</td></tr>"
        )
    out.append("</table>")
    return out


def _criteria(report: Report) -> list[str]:
    out = ["<h2>Discussion criteria</h2>"]
    if report.not_held is not None:
        return [*out, "<p>The discussion did not go ahead: no criterion was assessed.</p>"]
    statuses = live_statuses(report)
    for row in report.decisions:
        css = {"met": "met", "not met": "notmet"}.get(row.verdict, "undecided")
        out.append('<div class="criterion">')
        out.append(
            f"<h3>{_e(row.criterion.id)} ({_e(row.criterion.level)}): "
            f'<span class="{css}">{_e(row.verdict.upper())}</span></h3>'
        )
        out.append(f'<p class="muted">{_e(row.criterion.text)}</p>')
        if changes := statuses.get(row.criterion.id):
            out.append(
                f'<p class="live"><strong>Live statuses:</strong> '
                f"{_e(live_status_line(changes))} ({_e(LIVE_STATUS_NOTE)})</p>"
            )
        if row.decision is not None:
            rationale = _multiline(row.decision.rationale) or "<em>(no rationale given)</em>"
            out.append(f"<p><strong>Rationale:</strong> {rationale}</p>")
            out.append(
                f'<p class="muted">Decided {_e(row.decision.at)} (event {row.decision.seq})</p>'
            )
            if row.notes:
                out.append(
                    "<table><tr><th>Time</th><th>No.</th><th>Criteria</th><th>Note</th></tr>"
                )
                for note in row.notes:
                    out.append(
                        f'<tr><td class="time">{hhmmss(note.offset)}</td><td>{note.number}</td>'
                        f'<td class="ids">{_ids(note.criteria)}</td>'
                        f"<td>{_note_cell(note)}{html_excerpt(report, note)}</td></tr>"
                    )
                out.append("</table>")
            else:
                out.append("<p>Rests on no cited notes.</p>")
            if row.marks:  # cited by an older record; a bookmark, never an evidence row
                cited = ", ".join(f"{m.label} at {hhmmss(m.offset)}" for m in row.marks)
                out.append(
                    f'<p class="muted">Also cites marked moment(s), not evidence: {_e(cited)}</p>'
                )
            for seq in row.missing_notes:
                out.append(f'<p class="warn">Cites event {seq}, which is not a note.</p>')
            for old in row.superseded:
                verdict = "met" if old.met else "not met"
                out.append(
                    f'<p class="muted">Superseded: {verdict} at {_e(old.at)} (event {old.seq}): '
                    f"{_multiline(old.rationale) or '(no rationale)'}</p>"
                )
        else:
            out.append("<p>Not decided.</p>")
        out.append("</div>")
    return out


def _notes(report: Report) -> list[str]:
    out = ["<h2>Notes</h2>"]
    if not report.notes:
        return [*out, "<p>No notes were written.</p>"]
    out.append("<table><tr><th>Time</th><th>No.</th><th>Criteria</th><th>Note</th></tr>")
    for note in report.notes:
        out.append(
            f'<tr><td class="time">{hhmmss(note.offset)}</td><td>{note.number}</td>'
            f'<td class="ids">{_ids(note.criteria)}</td><td>{_note_cell(note)}'
            f"{html_excerpt(report, note)}</td></tr>"
        )
    out.append("</table>")
    return out


def _marks(report: Report) -> list[str]:
    """Marked moments as a list of times: bookmarks on the timeline, not evidence."""
    if not report.marks:
        return []
    out = [
        '<h2 id="marks">Marked moments</h2>',
        '<p class="muted">Bookmarks on the recording, not evidence.</p>',
        '<ul class="marks">',
    ]
    for mark in report.marks:
        asked = report.question_at(mark)
        during = f" (question {_e(asked)})" if asked else ""
        out.append(
            f'<li><span class="time">{hhmmss(mark.offset)}</span> {_e(mark.label)}{during}</li>'
        )
    out.append("</ul>")
    return out


def _questions(report: Report) -> list[str]:
    out = ["<h2>Questions asked</h2>"]
    if not report.state.questions:
        return [*out, "<p>No questions were marked as asked.</p>"]
    out.append("<table><tr><th>Time</th><th>Question</th><th>Criteria</th></tr>")
    for question in report.state.questions:
        out.append(
            f'<tr><td class="time">{hhmmss(question.offset)}</td>'
            f"<td>{_e(question.question_id)}</td><td>{_ids(question.criteria)}</td></tr>"
        )
    out.append("</table>")
    return out
