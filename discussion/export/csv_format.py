"""The assessment record as CSV: one row per note, per marked moment and per criterion decision.

A marked moment (an empty note: F5 or an empty Enter) is a `mark` row: a bookmark on the
timeline with no criteria and no text, never a note. A discussion that did not go ahead has one
`did_not_go_ahead` row saying why, and no decision rows (nothing was assessed).

The header row names every column (see `COLUMNS`). The seal's hash (`seal_sha256`, to check a
later copy against) is the last column of every row, as `session_id` and `status` are on each:
a comment line before the header is not CSV (readers would take it for the header), and a new
last column leaves readers by column name or by position as they were.

Cells that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or
carriage return) are prefixed with `'`, the usual defence against CSV formula injection; the
text is otherwise exactly as recorded.
"""

from __future__ import annotations

import csv
import io

from discussion.export.report import Report, hhmmss
from discussion.text_safety import visible

# (column name, what it holds): the names form the header row.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("row_type", "note | mark | decision | superseded_decision | did_not_go_ahead"),
    ("session_id", "the session folder name"),
    ("event_seq", "the event's number in events.jsonl (blank: criterion never decided)"),
    ("time_on_recording_hhmmss", "position on the recording (notes); blank for decisions"),
    ("offset_seconds", "the same position in seconds"),
    ("logged_at_utc", "when the event was written (UTC)"),
    ("criteria", "space-separated ids: a note's tags, or the decided criterion (blank: marks)"),
    ("decision", "met | not met | undecided (decision rows)"),
    ("text", "the note's current text, the decision's rationale, or why it did not go ahead"),
    ("amended", "yes when the note was amended (text is then the amended text)"),
    ("original_text", "an amended note's original text"),
    ("original_criteria", "an amended note's original criteria"),
    ("note_seqs", "decision rows: the event numbers of the notes the decision rests on"),
    ("status", "the session's status when exported: open | interrupted | closed"),
    ("number", "notes: the number people see (1, 2, 3); marks: the mark's number"),
    ("note_numbers", "decision rows: the numbers of the notes the decision rests on"),
    ("seal_sha256", "the hash of the record's closed line, as verify prints it; blank: not sealed"),
)
HEADER = [name for name, _ in COLUMNS]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Neutralise a cell a spreadsheet would evaluate as a formula; controls made visible."""
    value = visible(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def render_csv(report: Report) -> str:
    """The notes and decisions as CSV text (header row first, `\\r\\n` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    sid, status = report.info.session_id, report.status
    seal = report.record_hash or ""

    def emit(row: dict[str, str]) -> None:
        cells = row | {"seal_sha256": seal}
        writer.writerow([safe_cell(cells.get(name, "")) for name in HEADER])

    if report.not_held is not None:
        row = {"row_type": "did_not_go_ahead", "session_id": sid, "status": status}
        row["text"] = report.not_held
        declined = report.state.declined
        if declined is not None:  # the moment of the decline on the recording
            row |= {
                "event_seq": str(declined.seq),
                "time_on_recording_hhmmss": hhmmss(declined.offset),
                "offset_seconds": f"{declined.offset:.3f}",
                "logged_at_utc": declined.at,
            }
        emit(row)
    for note in report.state.notes:
        if note.is_mark:  # a bookmark: its time only, no tags and no note number
            row = {
                "row_type": "mark",
                "session_id": sid,
                "event_seq": str(note.seq),
                "time_on_recording_hhmmss": hhmmss(note.offset),
                "offset_seconds": f"{note.offset:.3f}",
                "logged_at_utc": note.at,
                "amended": "yes" if note.amended_by else "no",
                "status": status,
                "number": str(note.mark_number),
            }
            emit(row)
            continue
        amended = bool(note.amended_by)
        row = {
            "row_type": "note",
            "session_id": sid,
            "event_seq": str(note.seq),
            "time_on_recording_hhmmss": hhmmss(note.offset),
            "offset_seconds": f"{note.offset:.3f}",
            "logged_at_utc": note.at,
            "criteria": " ".join(note.criteria),
            "text": note.text,
            "amended": "yes" if amended else "no",
            "original_text": note.original_text if amended else "",
            "original_criteria": " ".join(note.original_criteria) if amended else "",
            "status": status,
            "number": str(note.number),
        }
        emit(row)
    for decision_row in [] if report.not_held is not None else report.decisions:
        decision = decision_row.decision
        base = {
            "session_id": sid,
            "criteria": decision_row.criterion.id,
            "status": status,
        }
        for old in decision_row.superseded:
            row = base | {
                "row_type": "superseded_decision",
                "event_seq": str(old.seq),
                "logged_at_utc": old.at,
                "decision": "met" if old.met else "not met",
                "text": old.rationale,
                "note_seqs": " ".join(str(s) for s in old.note_seqs),
                "note_numbers": _numbers(report, old.note_seqs),
            }
            emit(row)
        row = base | {"row_type": "decision", "decision": decision_row.verdict}
        if decision is not None:
            row |= {
                "event_seq": str(decision.seq),
                "logged_at_utc": decision.at,
                "text": decision.rationale,
                "note_seqs": " ".join(str(s) for s in decision.note_seqs),
                "note_numbers": _numbers(report, decision.note_seqs),
            }
        emit(row)
    return buffer.getvalue()


def _numbers(report: Report, seqs: list[int]) -> str:
    """The people's numbers of the cited notes (marks and non-notes left out)."""
    notes = [report.state.note(seq) for seq in seqs]
    return " ".join(str(n.number) for n in notes if n is not None and not n.is_mark)
