"""Which build this is: the assessor's (both question sets) or the apprentice's (practice only).

The wheel build hook (`hatch_build.py`) writes the edition into `discussion/_bundled/EDITION`;
a source checkout has no mark and the whole bank. Whether a live discussion can be held is
decided by the bank itself (does it hold an assessment set?), not by the mark, so a hand-made
copy of the practice folder behaves like the apprentice build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from discussion.paths import PACKAGE_DIR

if TYPE_CHECKING:
    from discussion.bank import QuestionBank

Edition = Literal["assessor", "apprentice", "source"]

NO_ASSESSMENT_SET = (
    "No assessment question set is installed. This is the apprentice edition: it carries the "
    "practice set only, because assessment questions are confidential. Use it to practise with "
    "a mock discussion, review practice records and browse the practice questions. An "
    "assessor holds a live discussion with the assessor's edition, issued by their end-point "
    "assessment organisation (install that wheel with pip in place of this one)."
)


def edition() -> Edition:
    """The edition this installation was built as ("source" in a checkout)."""
    mark = PACKAGE_DIR / "_bundled" / "EDITION"
    try:
        text = mark.read_text(encoding="utf-8").strip()
    except OSError:
        return "source"
    return "apprentice" if text == "apprentice" else "assessor"


def no_assessment_set(bank: QuestionBank) -> str | None:
    """Why a live discussion cannot be held with `bank` (None when it has an assessment set)."""
    return None if bank.in_set("assessment") else NO_ASSESSMENT_SET
