"""The readiness report as Markdown and as one self-contained HTML page with an inline SVG chart.

    text = render_markdown(report)
    page = render_html(report)     # no script, no font, no link: nothing reaches the network

Every text from a record or the bank is escaped (HTML) or has its table bars escaped (Markdown)
and its control characters made visible, so a typed answer cannot change the page.
"""

from __future__ import annotations

import html

from discussion.mock.readiness import CriterionReadiness, ReadinessReport
from discussion.text_safety import visible

TITLE = "Mock discussion readiness report"
INTRO = (
    "How your mock Professional Discussions went, criterion by criterion. 'Matched' counts the "
    "look-fors your answers covered according to the cue words; 'ticked' counts those you ticked "
    "yourself. Neither is a grade: they show what to practise next."
)
NO_MOCKS = "No mock discussions yet: run `discussion mock`, then come back to this report."


def _fmt(value: float | None, unit: str = "") -> str:
    return "–" if value is None else f"{value:.0f}{unit}"


def _md(text: str) -> str:
    return visible(text, allow_newlines=False).replace("|", "\\|")


def _row_cells(row: CriterionReadiness) -> list[str]:
    if not row.practised:
        return [row.criterion_id, row.level, "0", "–", "–", "–", "–"]
    return [
        row.criterion_id,
        row.level,
        str(len(row.questions)),
        f"{row.matched}/{row.look_fors}",
        f"{row.ticked}/{row.look_fors}",
        _fmt(row.seconds_per_answer, " s"),
        _fmt(row.words_per_minute),
    ]


HEADERS = ["Criterion", "Level", "Questions", "Matched", "Ticked", "Per answer", "Words/min"]


def render_markdown(report: ReadinessReport) -> str:
    """The report as Markdown."""
    out = [f"# {TITLE}", "", INTRO, ""]
    if not report.mocks:
        out += [NO_MOCKS, ""]
    out += ["## Criteria", "", "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    out += ["| " + " | ".join(_row_cells(r)) + " |" for r in report.criteria]
    out += ["", "## Work on next", ""]
    if not report.work_on:
        out.append("Every criterion had most of its look-fors covered. Keep practising.")
    for cid in report.work_on:
        row = report.criterion(cid)
        why = "not practised yet" if not row.practised else f"{row.coverage:.0%} covered"
        out.append(f"- **{cid}** ({why}): {_md(row.text)}")
        out += [f"  - Try {qid}: {_md(text)}" for qid, text in row.try_next]
    out += ["", "## Mocks over time", ""]
    if report.mocks:
        out += ["| When | Minutes | Focus | Questions | Matched | Ticked | Words/min |"]
        out += ["|---|---|---|---|---|---|---|"]
        for m in report.mocks:
            out.append(
                f"| {m.label} | {m.length_min} | {_md(m.focus)} | {m.questions} | "
                f"{m.matched_pct:.0f}% | {m.ticked_pct:.0f}% | {_fmt(m.words_per_minute)} |"
            )
    else:
        out.append("None yet.")
    if report.skipped:
        out += ["", "Left out: " + "; ".join(_md(s) for s in report.skipped)]
    return "\n".join(out) + "\n"


def svg_chart(report: ReadinessReport, width: int = 640, height: int = 240) -> str:
    """The mocks over time as an inline SVG line chart: matched and self-ticked per cent."""
    left, right, top, bottom = 44, 16, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    series = report.series()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Look-fors covered in each mock">'
    ]
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{pct}%</text>'
        )

    def x_at(i: int) -> float:
        return left + (plot_w * i / (len(series) - 1) if len(series) > 1 else plot_w / 2)

    matched = [pct for _, pct, _ in series]
    ticked = [pct for _, _, pct in series]
    for values, colour, name in ((matched, "#1f6fb2", "matched"), (ticked, "#c2571a", "ticked")):
        points = [(x_at(i), top + plot_h * (1 - v / 100)) for i, v in enumerate(values)]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>'
            )
        parts += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">'
            f"<title>{name}</title></circle>"
            for x, y in points
        ]
    for i, (label, _, _) in enumerate(series):
        # The end labels sit inside the picture: anchored at their own edge, not their middle.
        anchor = "start" if i == 0 and len(series) > 1 else "middle"
        anchor = "end" if i == len(series) - 1 and len(series) > 1 else anchor
        parts.append(
            f'<text x="{x_at(i):.1f}" y="{height - bottom + 16}" font-size="10" '
            f'text-anchor="{anchor}">{html.escape(label[5:])}</text>'
        )
    legend_y = height - 8
    parts.append(
        f'<rect x="{left}" y="{legend_y - 9}" width="10" height="10" fill="#1f6fb2"/>'
        f'<text x="{left + 14}" y="{legend_y}" font-size="11">matched by cue words</text>'
        f'<rect x="{left + 160}" y="{legend_y - 9}" width="10" height="10" fill="#c2571a"/>'
        f'<text x="{left + 174}" y="{legend_y}" font-size="11">ticked by you</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
body { font-family: sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.4; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #bbb; padding: 0.3rem 0.6rem; text-align: left; }
th { background: #f0f0f0; }
.weak { background: #fff3e0; }
"""


def render_html(report: ReadinessReport) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, nothing fetched)."""
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        f"<title>{TITLE}</title><style>{_CSS}</style></head><body>",
        f"<h1>{TITLE}</h1><p>{e(INTRO)}</p>",
    ]
    if not report.mocks:
        out.append(f"<p>{e(NO_MOCKS)}</p>")
    out.append("<h2>Mocks over time</h2>")
    out.append(svg_chart(report) if report.mocks else "<p>None yet.</p>")
    if report.mocks:
        out.append(
            "<table><tr><th>When</th><th>Minutes</th><th>Focus</th><th>Questions</th>"
            "<th>Matched</th><th>Ticked</th><th>Words/min</th></tr>"
        )
        for m in report.mocks:
            out.append(
                f"<tr><td>{e(m.label)}</td><td>{m.length_min}</td><td>{e(m.focus)}</td>"
                f"<td>{m.questions}</td><td>{m.matched_pct:.0f}%</td><td>{m.ticked_pct:.0f}%</td>"
                f"<td>{_fmt(m.words_per_minute)}</td></tr>"
            )
        out.append("</table>")
    out.append("<h2>Criteria</h2><table><tr>" + "".join(f"<th>{h}</th>" for h in HEADERS) + "</tr>")
    for row in report.criteria:
        weak = ' class="weak"' if row.criterion_id in report.work_on else ""
        cells = "".join(f"<td>{e(c)}</td>" for c in _row_cells(row))
        out.append(f"<tr{weak}>{cells}</tr>")
    out.append("</table><h2>Work on next</h2>")
    if not report.work_on:
        out.append("<p>Every criterion had most of its look-fors covered. Keep practising.</p>")
    else:
        out.append("<ul>")
        for cid in report.work_on:
            row = report.criterion(cid)
            why = "not practised yet" if not row.practised else f"{row.coverage:.0%} covered"
            tries = "".join(
                f"<li>Try {e(q)}: {e(visible(t, allow_newlines=False))}</li>"
                for q, t in row.try_next
            )
            out.append(f"<li><strong>{e(cid)}</strong> ({why}): {e(row.text)}<ul>{tries}</ul></li>")
        out.append("</ul>")
    if report.skipped:
        out.append(
            "<p>Left out: "
            + "; ".join(e(visible(s, allow_newlines=False)) for s in report.skipped)
            + "</p>"
        )
    out.append("</body></html>")
    return "\n".join(out) + "\n"
