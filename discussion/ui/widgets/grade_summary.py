"""The discussion's result and the overall grade as it stands, with the engine's reasons."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from discussion.grading import GradeResult, attempt_label
from discussion.record import SessionState
from discussion.standard import Standard

GRADE_STYLE = {
    "fail": "bold red",
    "incomplete": "bold yellow",
    "pass": "bold green",
    "distinction": "bold magenta",
}


def discussion_lines(state: SessionState, standard: Standard) -> Text:
    """Met / not met / undecided per level, counts, and the cap on attempt 3.

    A discussion that did not go ahead (consent declined) says so and why instead: nothing was
    assessed and it is not an attempt.
    """
    component = standard.component("discussion")
    attempt = state.info.attempt
    text = Text()
    text.append(f"{component.name}", "bold")
    text.append(f" · attempt {attempt} ({attempt_label(attempt)})\n")
    if state.not_held is not None:
        text.append("  DID NOT GO AHEAD", "bold magenta")
        text.append(f": {state.not_held}\n")
        text.append("  Not counted as an attempt: nothing was assessed, no attempt is used.\n")
        return text
    for level, title in (("pass", "Pass"), ("distinction", "Distinction")):
        criteria = [c for c in component.criteria if c.level == level]
        met = 0
        text.append(f"  {title:<12}")
        for criterion in criteria:
            evidence = state.criteria.get(criterion.id)
            decision = evidence.decision if evidence else None
            if decision is None:
                text.append(f"{criterion.id}?", "bold yellow")
            elif decision.met:
                met += 1
                text.append(f"{criterion.id}✓", "green")
            else:
                text.append(f"{criterion.id}✗", "red")
            text.append(" ")
        text.append(f" {met} of {len(criteria)} met\n")
    distinctions = component.distinction_criteria()
    counts = attempt in standard.rules.distinction_counts_on_attempts
    if counts:
        text.append(
            f"  Distinctions count on this attempt: {component.threshold} of "
            f"{len(distinctions)} needed.\n"
        )
    else:
        text.append(
            f"  Attempt {attempt} is capped at Pass: its distinctions do not count.\n",
            "bold yellow",
        )
    return text


class GradeSummary(Static):
    """The result panel: the discussion's decisions, then the grade and its reasons."""

    DEFAULT_CSS = """
    GradeSummary { padding: 0 1; height: auto; }
    """

    plain_text = ""
    """What is shown, as plain text (for tests and screen readers)."""

    def show(
        self,
        state: SessionState,
        standard: Standard,
        result: GradeResult | None,
        error: str | None = None,
        drafts: list[str] | None = None,
    ) -> None:
        """Draw the discussion's result and the grade (or why it cannot be computed)."""
        text = discussion_lines(state, standard)
        text.append("\n")
        parts: list[RenderableType] = [text]
        reasons_plain: list[str] = []
        if result is None:
            text.append("The grade cannot be computed: ", "bold red")
            text.append(f"{error or ''}")
        else:
            text.append("Grade as it stands: ", "bold")
            text.append(result.grade.upper(), GRADE_STYLE[result.grade])
            if drafts:
                text.append(f"  (includes unsaved: {', '.join(drafts)})", "yellow")
            # A grid gives each reason a hanging indent when it wraps.
            reasons = Table.grid(padding=(0, 1))
            reasons.add_column(width=3, justify="right")
            reasons.add_column(ratio=1)
            for reason in result.reasons[:-1]:
                reasons.add_row("•", reason)
            reasons.add_row("", Text(result.reasons[-1], style="italic"))
            parts.append(reasons)
            reasons_plain = list(result.reasons)
        # Taken after the grade line is appended: `text.plain` is a copy, not a view.
        self.plain_text = "\n".join([text.plain, *reasons_plain])
        self.update(Group(*parts))
