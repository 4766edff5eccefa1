"""The human reading of a grade result: one line per finding, the grade last."""

from __future__ import annotations

from discussion.grading.models import GradeResult


def explain(result: GradeResult) -> list[str]:
    """Lines for a terminal: each component's finding as a bullet, then the grade and why.

    The engine's reasons already say which pass criteria are missing, which distinctions
    counted and why an attempt is capped; this only lays them out.
    """
    *findings, summary = result.reasons
    lines = [f"  - {finding}" for finding in findings]
    lines.append("")
    lines.append(summary)
    return lines
