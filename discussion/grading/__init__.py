"""Grading: recorded component attempts in, the overall EPA grade as it stands out.

`grade(input, standard=None) -> GradeResult` is pure; `parse_json(text)` / `parse_input(data)`
validate input and raise `GradingInputError` (a `UserError`) naming the attempt entry at fault;
`explain(result, standard)` gives the human lines.
"""

from discussion.grading.engine import (
    GradingInputError,
    attempt_label,
    grade,
    parse_input,
    parse_json,
)
from discussion.grading.explain import explain
from discussion.grading.models import (
    GRADE_ORDER,
    AttemptInput,
    ComponentResult,
    Grade,
    GradeResult,
    GradingInput,
    Status,
)

__all__ = [
    "GRADE_ORDER",
    "AttemptInput",
    "ComponentResult",
    "Grade",
    "GradeResult",
    "GradingInput",
    "GradingInputError",
    "Status",
    "attempt_label",
    "explain",
    "grade",
    "parse_input",
    "parse_json",
]
