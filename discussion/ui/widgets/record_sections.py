"""The sections of the read-only record view, drawn from an export `Report`.

Each function lays out one part of a closed session's record as a Rich renderable; the
`RecordSection` widget shows it under a border title and keeps it as plain text (for tests and
screen readers). Everything the assessor typed goes in as `Text`, never as markup, so a note
with `[b]` in it shows as typed.
"""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from discussion.bank import QuestionBank
from discussion.export.report import DecisionRow, Report, hhmmss
from discussion.record.state import NoteView
from discussion.text_safety import visible
from discussion.ui.widgets.grade_summary import GRADE_STYLE

VERDICT_STYLE = {"met": "bold green", "not met": "bold red", "undecided": "bold yellow"}
MARK_TEXT = "moment marked (a bookmark, not evidence)"


def _grid(*widths: int | None) -> Table:
    """A borderless table: fixed columns, then one that takes the rest and wraps."""
    grid = Table.grid(padding=(0, 1))
    for width in widths:
        if width is None:
            grid.add_column(ratio=1, overflow="fold")
        else:
            grid.add_column(width=width, no_wrap=True)
    return grid


def _tags(ids: list[str]) -> str:
    return ",".join(ids) or "—"


def when(at: str) -> str:
    """An event's UTC time (`2026-11-23T21:11:23.879Z`) as `2026-11-23 21:11:23 UTC`."""
    day, _, clock = at.partition("T")
    return f"{day} {clock[:8]} UTC" if len(clock) >= 8 else at


def details(report: Report) -> RenderableType:
    """Who, when, how: the set-up details (as corrected), consent, audio and the seal."""
    grid = _grid(12, None)
    for label, value in report.facts():
        if label == "Status":  # the bar above says it
            continue
        grid.add_row(Text(label, style="bold"), Text(visible(value)))
    return grid


def corrections(report: Report) -> RenderableType | None:
    """The details_corrected events, each with what it replaced and why (None: there were none)."""
    if not report.state.corrections:
        return None
    text = Text()
    text.append("Corrections after set-up (logged, never edited):\n", "bold")
    for fix in report.state.corrections:
        text.append(f"• {fix.field.replace('_', ' ')}: {fix.previous!r} → {fix.value!r}")
        text.append(f" at {when(fix.at)}: {visible(fix.reason)}")
        if not fix.applied:
            text.append(" (refused by today's checks: the original stands)", "bold yellow")
        text.append("\n")
    text.rstrip()
    return text


def not_held(report: Report) -> RenderableType | None:
    """Why the discussion did not go ahead (None: it did): shown instead of a grade."""
    reason = report.state.not_held
    if reason is None:
        return None
    text = Text()
    text.append("The discussion did not go ahead.\n", "bold yellow")
    text.append(f"{reason}\n")
    text.append("There is no grade, and the session does not count as an attempt.")
    return text


def other_components(report: Report) -> RenderableType:
    """The Showcase and Observation results entered in the session."""
    text = Text()
    text.append("Other components' results (as entered in this session):\n", "bold")
    entered = {row.result.component for row in report.components}
    for row in report.components:
        text.append(f"• {row.name}, {row.attempt_text}: achieved ")
        text.append(", ".join(row.result.achieved) or "none")
        if row.result.modes:
            text.append(f"; modes observed: {', '.join(row.result.modes)}")
        text.append("\n")
    for component in report.standard.components:
        if component.id != "discussion" and component.id not in entered:
            text.append(f"• {component.name}: not entered\n", "yellow")
    text.rstrip()
    return text


def grade_line(report: Report) -> Text:
    """`Overall grade: FAIL` (or why it cannot be computed)."""
    text = Text()
    if report.grade is None:
        text.append("The grade cannot be computed: ", "bold red")
        text.append(report.grade_error or "")
        return text
    text.append("Overall grade: ", "bold")
    text.append(report.grade.grade.upper(), GRADE_STYLE[report.grade.grade])
    return text


def grade_reasons(report: Report) -> RenderableType | None:
    """The grading engine's reasons, one bullet each (hanging indent when wrapped)."""
    if report.grade is None:
        return None
    grid = _grid(1, None)
    for reason in report.grade.reasons:
        grid.add_row("•", Text(reason))
    return grid


def _note_body(note: NoteView) -> Text:
    """A note's text as it reads now, saying when it was amended and what it first said."""
    if note.is_mark:
        return Text(MARK_TEXT, style="italic")
    text = Text(visible(note.text))
    if note.amended_by:
        text.append(" (amended; first written: ", "italic")
        original = visible(note.original_text) or "a marked moment"
        text.append(f"[{_tags(note.original_criteria)}] {original})", "italic")
    return text


def _cited(row: DecisionRow) -> RenderableType:
    """What a decision rests on: its notes by number (a hanging indent each), a mark said to
    be a mark."""
    if not row.notes and not row.missing_notes and not row.marks:
        return Text("Rests on: no notes cited", style="yellow")
    grid = _grid(7, 8, None)
    for note in row.notes:
        body = Text(f"[{_tags(note.criteria)}] ")
        body.append(visible(note.text))
        grid.add_row(Text(f"note {note.number}"), Text(hhmmss(note.offset)), body)
    for mark in row.marks:  # cited by an older record, which pre-ticked marks
        body = Text(f"cited, but a {MARK_TEXT}", style="yellow")
        grid.add_row(Text(mark.label), Text(hhmmss(mark.offset)), body)
    for seq in row.missing_notes:
        grid.add_row(
            Text(f"event {seq}", style="red"), "", Text("not a note of this session", style="red")
        )
    return Group(Text("Rests on:", style="bold"), grid)


def criteria(report: Report) -> RenderableType:
    """Each discussion criterion: verdict, wording, rationale, the notes it rests on."""
    rules = report.standard.rules
    capped = report.info.attempt not in rules.distinction_counts_on_attempts
    grid = _grid(3, 9, None)
    for row in report.decisions:
        criterion = row.criterion
        body = Text()
        parts: list[RenderableType] = [body]
        level = "Distinction" if criterion.level == "distinction" else "Pass"
        if criterion.level == "distinction" and capped:
            level += ", does not count on this attempt"
        body.append(f"{level}: ", "bold")
        body.append(criterion.text, "italic")
        if row.decision is not None:
            body.append("\nRationale: ", "bold")
            body.append(visible(row.decision.rationale) or "(no rationale given)")
            body.append(f"\nDecided {when(row.decision.at)}")
            parts.append(_cited(row))
            for old in row.superseded:
                verdict = "met" if old.met else "not met"
                earlier = Text(f"Superseded: {verdict} at {when(old.at)}: ", style="dim")
                earlier.append(visible(old.rationale) or "(no rationale)")
                parts.append(earlier)
        grid.add_row(
            Text(criterion.id, style="bold"),
            Text(row.verdict.upper(), style=VERDICT_STYLE[row.verdict]),
            Group(*parts),
        )
        grid.add_row("", "", "")
    return grid


def timeline(report: Report, bank: QuestionBank | None = None) -> RenderableType:
    """The notes in time order, numbered as everywhere else, with the questions asked between."""
    state = report.state
    rows: list[tuple[float, int, Text, Text, Text, Text]] = []
    for note in state.notes:
        tags = Text("" if note.is_mark else _tags(note.criteria))
        number = Text(note.label, style="dim" if note.is_mark else "bold")  # #3 or mark 2
        rows.append(
            (note.offset, note.seq, number, Text(hhmmss(note.offset)), tags, _note_body(note))
        )
    for question in state.questions:
        found = bank.get(question.question_id) if bank is not None else None
        asked = Text(f"asked {question.question_id}", style="bold cyan")
        if found is not None:
            asked.append(f": {found.text}", "cyan")
        tags = Text(_tags(question.criteria), style="cyan")
        rows.append((question.offset, question.seq, Text("Q", style="cyan"),
                     Text(hhmmss(question.offset)), tags, asked))  # fmt: skip
    if not rows:
        return Text("No notes were written and no questions marked as asked.", style="italic")
    rows.sort(key=lambda row: (row[0], row[1]))  # time order; written order at the same time
    grid = _grid(7, 8, 7, None)
    for _, _, *cells in rows:
        grid.add_row(*cells)
    marks = len(state.marks)
    if not marks:
        return grid
    footer = Text(f"\n{marks} marked moment(s): bookmarks on the timeline, not evidence.", "dim")
    return Group(grid, footer)


def recording(report: Report) -> RenderableType:
    """Verification, segments, pauses, gaps, alarms, time marks and recoveries in time order."""
    text = Text()
    check = report.verify
    if check.ok and check.sealed:
        text.append("Verification: ", "bold")
        text.append("intact", "bold green")
        text.append(f" (sealed, {check.events} events)\n")
    elif check.ok:  # never plain "intact": a log cut short looks the same
        text.append("Verification: ", "bold")
        text.append("intact so far, NOT SEALED: may be incomplete", "bold red")
        text.append(f" ({check.events} events)\n")
        if check.transcript is not None and check.transcript.status == "seal_missing":
            text.append(f"• {check.transcript.describe()}\n", "bold red")
    else:
        text.append("Verification: NOT INTACT\n", "bold red")
        for problem in check.problems:
            text.append(f"• {problem}\n", "red")
    lines = report.recording_lines()
    if not lines:
        text.append("Nothing recorded.", "italic")
    for line in lines:
        loud = "ALARM" in line or " gap:" in line
        text.append(f"{line}\n", "bold yellow" if loud else "")
    if report.state.active_alarms:
        text.append("Still raised when the session closed: ", "bold yellow")
        text.append(", ".join(sorted(report.state.active_alarms)), "bold yellow")
    text.rstrip()
    return text


def plain(renderable: RenderableType, width: int = 160) -> str:
    """The renderable as plain text, as a terminal of `width` columns would show it."""
    console = Console(file=io.StringIO(), width=width, record=True, color_system=None)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())


class RecordSection(Static):
    """One titled part of the record (shown whole: the view around it scrolls)."""

    DEFAULT_CSS = """
    RecordSection { height: auto; border: round $primary 60%; padding: 0 1; margin: 0 0 1 0; }
    """

    plain_text = ""
    """What is shown, as plain text."""

    def __init__(self, title: str, *, id: str) -> None:
        super().__init__(id=id)
        self.border_title = title

    def show(self, *parts: RenderableType | None) -> None:
        """Draw the parts one under the other (None parts are left out)."""
        shown = [part for part in parts if part is not None]
        group = Group(*shown)
        self.plain_text = plain(group)
        self.update(group)
