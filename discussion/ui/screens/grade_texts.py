"""What the grade screen says: the bar above its tabs and the question before sealing.

Plain functions of the session state and the grade as it stands (rich `Text`, no widgets), so
the screen only decides when to show them.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from discussion.grading import GradeResult
from discussion.outcome import undecided
from discussion.record import SessionState
from discussion.standard import Standard
from discussion.ui.widgets.grade_summary import GRADE_STYLE


def grade_bar(
    state: SessionState,
    standard: Standard,
    result: GradeResult | None,
    *,
    chain_head: str | None,
    read_only: bool,
    unsaved: int,
    saving: int,
) -> Text:
    """The grade as it stands, the record's status, what is undecided, unsaved or saving."""
    bar = Text()
    if result is None:
        bar.append("Grade cannot be computed", "bold red")
    else:
        bar.append("Grade as it stands: ")
        bar.append(result.grade.upper(), GRADE_STYLE[result.grade])
    if state.not_held is not None:  # not an attempt: say so before anything else
        bar.append(" · the discussion did not go ahead", "bold magenta")
    if chain_head:
        bar.append(f" · SEALED {chain_head[:12]}…", "bold green")
    elif read_only:
        bar.append(f" · {state.status.upper()}, not sealed · read-only", "bold yellow")
    pending = undecided(state, standard)
    if pending:
        bar.append(f" · undecided: {' '.join(pending)}", "bold yellow")
    if unsaved:
        bar.append(f" · {unsaved} unsaved", "bold yellow")
    if saving:
        bar.append(f" · saving {saving}…", "bold yellow")
    return bar


def close_body(state: SessionState, result: GradeResult | None, unsaved: Sequence[str]) -> Text:
    """What sealing fixes: who, what was met, the grade, and the entries left unsaved."""
    tally = state.tally()
    info = state.info
    body = Text()
    body.append(f"{info.apprentice_name}, attempt {info.attempt}\n", "bold")
    body.append(f"Met: {' '.join(tally.achieved) or 'none'}\n")
    body.append(f"Not met: {' '.join(tally.not_met) or 'none'}\n")
    if result is not None:
        body.append(f"Grade as it stands: {result.grade.upper()}\n")
    body.append(
        "\nSealing stops the recording and fixes the record: nothing can be added or "
        "changed afterwards.\n"
    )
    if unsaved:
        body.append(f"\nNOT saved, will not be in the record: {', '.join(unsaved)}\n", "bold red")
    return body
