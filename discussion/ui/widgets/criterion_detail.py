"""The full wording of one criterion, or the summary of a component."""

from __future__ import annotations

from textual.widgets import Markdown

from discussion.standard import Component, Criterion


class CriterionDetail(Markdown):
    """Shows what the selected node of the standard tree says in full."""

    DEFAULT_CSS = """
    CriterionDetail { padding: 0 1; }
    """

    def show_criterion(self, component: Component, criterion: Criterion) -> None:
        """Show a criterion's wording, its level and where it sits in the standard."""
        level = "Distinction" if criterion.level == "distinction" else "Pass"
        lines = [f"## {component.name} · {criterion.id} ({level})", "", criterion.text, ""]
        for wording in criterion.wordings:
            lines.append(f"- *{wording.mode}*: {wording.text}")
        if criterion.modes:
            lines += ["", f"Applies only when observed: {', '.join(criterion.modes)}."]
        lines.append("")
        if criterion.group:
            lines.append(f"- **Module / task:** {criterion.group}")
        if criterion.outcome:
            lines.append(f"- **Outcome:** {criterion.outcome}")
        if criterion.performance_requirements:
            refs = ", ".join(str(ref) for ref in criterion.performance_requirements)
            lines.append(f"- **Performance requirements:** {refs}")
        if criterion.builds_on:
            lines.append(f"- **Builds on:** {criterion.builds_on}")
        self.update("\n".join(lines))

    def show_component(self, component: Component) -> None:
        """Show a component's counts and distinction threshold."""
        passes = len(component.pass_criteria())
        distinctions = len(component.distinction_criteria())
        self.update(
            f"## {component.name}\n\n"
            f"- Pass criteria: **{passes}** (all must be achieved)\n"
            f"- Distinction criteria: **{distinctions}**, threshold **{component.threshold}**"
            f" of {distinctions}\n\nSelect a criterion for its full wording."
        )
