"""A mock discussion's answers, once as data and rendered for the Markdown and HTML exports and
the review screen: under each question its text, the answers (time span, what was heard or
typed), the probes asked with why each was chosen, and the self-check, each look-for with the
apprentice's tick beside the cue match. Practice only: a mock never counts as an assessment.

    for q in mock_answers(report, bank):      # [] for a record that is not a mock
        q.question_id, q.text, q.answers, q.look_fors   # look_fors: LookForCheck per look-for

Texts come from the practice set of `bank` (the installed bank when none is given): a mock
never asks an assessment question, and a question id the practice set does not hold is shown
as its id alone, so no assessment text can reach a mock's export. When the installed bank is
not the one the mock used (`bank_hash`), `texts_note` says the texts may have changed since.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from discussion.bank.models import Question, QuestionBank
from discussion.errors import UserError
from discussion.export.report import Report, hhmmss

PRACTICE_NOTE = "A mock discussion is practice only: it never counts as an assessment."
NOTHING_HEARD = "(nothing heard)"


@dataclass(frozen=True)
class MockAnswer:
    """One answer: to the question or to a probe (its text and why it was chosen)."""

    kind: str  # "question" or "probe"
    start: float
    end: float
    text: str
    probe_index: int | None = None
    probe_text: str | None = None  # None: not in the installed practice set
    why: str = ""

    @property
    def span(self) -> str:
        """Where the answer is in the recording, "HH:MM:SS-HH:MM:SS"."""
        return f"{hhmmss(self.start)}-{hhmmss(self.end)}"

    @property
    def label(self) -> str:
        """ "Answer" or "Probe N"."""
        return "Answer" if self.kind != "probe" else f"Probe {self.probe_index or '?'}"


@dataclass(frozen=True)
class LookForCheck:
    """One look-for of a self-checked question: the apprentice's tick, the cue match."""

    index: int
    text: str | None  # None: not in the installed practice set
    ticked: bool
    matched: bool

    @property
    def marks(self) -> str:
        """ "ticked, matched", "ticked, not matched", ..., for every rendering alike."""
        tick = "ticked" if self.ticked else "not ticked"
        return f"{tick}; {'matched' if self.matched else 'not matched'} by cue words"


@dataclass(frozen=True)
class MockQuestion:
    """A question of the mock with its answers and self-check."""

    question_id: str
    text: str | None  # None: not in the installed practice set
    answers: tuple[MockAnswer, ...]
    checked: bool  # whether the apprentice self-checked it
    ticked: tuple[int, ...]
    matched: tuple[int, ...]
    look_fors: tuple[LookForCheck, ...]  # empty when not checked or the texts are unknown


def installed_practice_bank() -> QuestionBank | None:
    """The installed question bank, or None when it cannot be read (texts then left out)."""
    from discussion.bank import load_bank  # only for a mock's export

    try:
        return load_bank()
    except UserError:
        return None


def texts_note(report: Report, bank: QuestionBank | None) -> str | None:
    """What to say about where the question texts come from, or None when all is as used."""
    if report.state.mock is None:
        return None
    if bank is None:
        return "The question bank could not be read: questions are shown by id only."
    if bank.content_hash != report.info.bank_hash:
        return (
            f"Question and probe texts are from the installed question bank ({bank.version}), "
            f"not the one this mock used ({report.info.bank_version}): they may have changed."
        )
    return None


def _practice(bank: QuestionBank | None, qid: str) -> Question | None:
    question = bank.get(qid) if bank is not None else None
    return question if question is not None and question.set == "practice" else None


def mock_answers(report: Report, bank: QuestionBank | None) -> list[MockQuestion]:
    """The mock's questions in the order first answered; [] for a record that is not a mock."""
    state = report.state
    if state.mock is None:
        return []
    out = []
    for qid in dict.fromkeys(a.question_id for a in state.answers):
        question = _practice(bank, qid)
        answers = []
        for given in (a for a in state.answers if a.question_id == qid):
            probe_text = None
            n = given.probe_index
            if question is not None and n is not None and 1 <= n <= len(question.probes):
                probe_text = question.probes[n - 1]
            answers.append(
                MockAnswer(
                    given.prompt, given.start, given.end, given.text, n, probe_text, given.why
                )
            )
        check = state.self_checks.get(qid)
        ticked = tuple(check.ticked) if check else ()
        matched = tuple(check.matched) if check else ()
        look_fors: tuple[LookForCheck, ...] = ()
        if check is not None and question is not None:
            look_fors = tuple(
                LookForCheck(n, text, n in ticked, n in matched)
                for n, text in enumerate(question.look_fors, 1)
            )
        out.append(
            MockQuestion(
                qid,
                question.text if question is not None else None,
                tuple(answers),
                check is not None,
                ticked,
                matched,
                look_fors,
            )
        )
    return out


def _nums(numbers: tuple[int, ...]) -> str:
    return ", ".join(str(n) for n in numbers) or "none"


def check_summary(question: MockQuestion) -> str:
    """The self-check in one line: "ticked look-fors 1, 3; matched by cue words 1"."""
    return (
        f"ticked look-fors {_nums(question.ticked)}; matched by cue words {_nums(question.matched)}"
    )


def md_mock_answers(
    report: Report, escape: Callable[[str], str], bank: QuestionBank | None = None
) -> list[str]:
    """The Markdown lines of a mock's answers, or none for a record that is not a mock."""
    if report.state.mock is None:
        return []
    bank = bank or installed_practice_bank()
    out = ["## Mock discussion answers", "", f"*{PRACTICE_NOTE}*", ""]
    if note := texts_note(report, bank):
        out += [f"*{escape(note)}*", ""]
    for question in mock_answers(report, bank):
        out += [f"### {escape(question.question_id)}", ""]
        if question.text:
            out += [f"> {escape(question.text)}", ""]
        for answer in question.answers:
            if answer.kind == "probe":
                asked = f": {escape(answer.probe_text)}" if answer.probe_text else ""
                out.append(f"- **{answer.label}** ({answer.span}){asked}")
                out.append(f"  - why: {escape(answer.why)}")
            else:
                out.append(f"- **{answer.label}** ({answer.span})")
            out.append(f"  - {escape(answer.text) or NOTHING_HEARD}")
        if question.checked:
            out.append(f"- **Self-check:** {check_summary(question)}")
            for look_for in question.look_fors:
                out.append(f"  - {look_for.index}. {escape(look_for.text or '')}: {look_for.marks}")
        out.append("")
    return out


def html_mock_answers(
    report: Report, escape: Callable[[str], str], bank: QuestionBank | None = None
) -> list[str]:
    """The HTML of a mock's answers (a section), or none for a record that is not a mock;
    `escape` makes record text safe HTML."""
    if report.state.mock is None:
        return []
    bank = bank or installed_practice_bank()
    e = escape
    out = ["<h2>Mock discussion answers</h2>", f'<p class="warn">{e(PRACTICE_NOTE)}</p>']
    if note := texts_note(report, bank):
        out.append(f'<p class="warn">{e(note)}</p>')
    for question in mock_answers(report, bank):
        out.append(f'<section class="mock"><h3>{e(question.question_id)}</h3>')
        if question.text:
            out.append(f"<blockquote>{e(question.text)}</blockquote>")
        out.append('<dl class="answers">')
        for answer in question.answers:
            asked = f": {e(answer.probe_text)}" if answer.probe_text else ""
            out.append(
                f'<dt>{e(answer.label)} <span class="time">{e(answer.span)}</span>{asked}</dt>'
            )
            if answer.kind == "probe":
                out.append(f'<dd class="why">Why: {e(answer.why)}</dd>')
            out.append(f"<dd>{e(answer.text) or e(NOTHING_HEARD)}</dd>")
        out.append("</dl>")
        if question.checked:
            out.append(f"<p><strong>Self-check:</strong> {e(check_summary(question))}</p>")
            if question.look_fors:
                out.append(
                    '<table class="lookfors"><tr><th>Look-for</th><th class="mark">Ticked</th>'
                    '<th class="mark">Cue words</th></tr>'
                )
                for look_for in question.look_fors:
                    out.append(
                        f"<tr><td>{look_for.index}. {e(look_for.text or '')}</td>"
                        f'<td class="mark">{"✓ ticked" if look_for.ticked else "–"}</td>'
                        f'<td class="mark">{"matched" if look_for.matched else "–"}</td></tr>'
                    )
                out.append("</table>")
        out.append("</section>")
    return out
