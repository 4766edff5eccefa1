"""A mock discussion's answers in the Markdown export: under each question, the answers (time
span, text), the probes asked with why they were chosen, and the self-check ticks beside the
cue matches. Practice only: a mock never counts as an assessment."""

from __future__ import annotations

from collections.abc import Callable

from discussion.export.report import Report, hhmmss

PRACTICE_NOTE = "A mock discussion is practice only: it never counts as an assessment."


def _nums(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers) or "none"


def md_mock_answers(report: Report, escape: Callable[[str], str]) -> list[str]:
    """The Markdown lines of a mock's answers, or none for a record that is not a mock."""
    state = report.state
    if state.mock is None:
        return []
    out = ["## Mock discussion answers", "", f"*{PRACTICE_NOTE}*", ""]
    for qid in dict.fromkeys(a.question_id for a in state.answers):
        out += [f"### {escape(qid)}", ""]
        for answer in (a for a in state.answers if a.question_id == qid):
            span = f"{hhmmss(answer.start)}-{hhmmss(answer.end)}"
            if answer.prompt == "probe":
                out.append(f"- **Probe {answer.probe_index}** ({span}): why: {escape(answer.why)}")
            else:
                out.append(f"- **Answer** ({span})")
            out.append(f"  - {escape(answer.text) or '(nothing heard)'}")
        if check := state.self_checks.get(qid):
            out.append(
                f"- **Self-check:** ticked look-fors {_nums(check.ticked)}; "
                f"matched by cue words {_nums(check.matched)}"
            )
        out.append("")
    return out
