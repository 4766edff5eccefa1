"""The question bank: validated questions for the Professional Discussion.

`load_bank(path=None, standard=None)` returns a `QuestionBank` or raises `BankError` listing every
problem; `check_bank(path=None, standard=None)` returns a `BankReport` (problems and coverage).
"""

from discussion.bank.loader import check_bank, discussion_criterion_ids, load_bank
from discussion.bank.models import (
    SETS,
    BankError,
    BankHeader,
    BankIssue,
    BankReport,
    Coverage,
    Question,
    QuestionBank,
    QuestionEntry,
    SetName,
)

__all__ = [
    "SETS",
    "BankError",
    "BankHeader",
    "BankIssue",
    "BankReport",
    "Coverage",
    "Question",
    "QuestionBank",
    "QuestionEntry",
    "SetName",
    "check_bank",
    "discussion_criterion_ids",
    "load_bank",
]
