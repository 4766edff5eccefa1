"""The mock's examiner: asks each planned question, then up to two probes for what was left out.

    examiner = Examiner(plan)
    prompt = examiner.prompt()                       # the first question (kind "question")
    prompt = examiner.answered(text, start_s, end_s) # a probe (kind "probe", with `why`),
                                                     # the next question, or None: finished
    examiner.results()                               # per question: answers, matches, probes

After each answer the answers to the question so far are matched against its look-fors' cue
words (`discussion.mock.cues`). If a look-for is not covered and fewer than `MAX_PROBES` probes
were asked, the examiner asks the probe that targets the first look-for not covered, and says
why in words for the apprentice ("You have not yet explained how ..."): what is missing, never
the answer (the look-for's examples after "such as" are left out). Otherwise the next question.

Which probe targets which look-for is authored in the bank (`probe_targets`, checked by `bank
check`): the examiner asks the first not-yet-asked probe linked to the first look-for not
covered (a look-for already probed without success waits behind the others); when every probe
linked to it was asked, the next uncovered look-for with a probe left. No probe is asked twice.
Pure state, no clock of its own: the times given with each answer are the caller's (the
recording's sample clock), kept with the answer for the practice record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from discussion.bank.models import Question
from discussion.mock.cues import LookForMatch, match_look_fors
from discussion.mock.plan import MockPlan

MAX_PROBES = 2
PromptKind = Literal["question", "probe"]

# Look-for openings and how "You have not yet ..." says them.
_VERBS = {
    "names": "named",
    "explains": "explained",
    "describes": "described",
    "gives": "given",
    "says": "said",
    "lists": "listed",
    "links": "linked",
    "defines": "defined",
    "marks": "marked",
    "applies": "applied",
    "contrasts": "contrasted",
    "picks": "picked",
    "weighs": "weighed",
    "suggests": "suggested",
    "relates": "related",
    "traces": "traced",
    "mentions": "mentioned",
    "keeps": "kept",
    "words": "worded",
}
# Where a look-for starts listing example answers: cut there, so the reason never gives them.
_EXAMPLES_RE = re.compile(r",?\s*(?:\bsuch as\b|\bfor example\b|\bfor instance\b|\be\.g\.|\().*$")
# The look-fors speak of the apprentice as "they"; the reason speaks to them. A pronoun after
# another person is named ("the colleague ... because they relied") is that person's: kept.
_PRONOUNS = {"they": "you", "their": "your", "theirs": "yours", "themselves": "yourself"}
# "them" is the apprentice after these words; elsewhere ("one of them") it is a thing named.
_THEM_AFTER = (["on"], ["from"], ["recommend"], ["help"])
_OTHERS = frozenset(
    [
        "customer",
        "customers",
        "colleague",
        "colleagues",
        "business",
        "organisation",
        "people",
        "team",
        "teams",
        "starter",
        "others",
        "someone",
    ]
)
_TAG_RE = re.compile(r"^\s*[0-9][A-Z]\s*:\s*")


@dataclass(frozen=True)
class Prompt:
    """What the examiner says now: a question, or a probe with the reason it was chosen."""

    kind: PromptKind
    question_id: str
    text: str
    reminder: str | None = None  # said before a question's text (the anonymity reminder)
    why: str | None = None  # a probe's reason, for the screen
    criterion_id: str = ""
    number: int = 1  # the question's place in the plan, 1-based
    probe_number: int = 0  # 1 or 2 for a probe; 0 for the question
    probe_index: int | None = None  # which of the question's probes (1-based)
    look_for_index: int | None = None  # the look-for the probe targets (1-based)


@dataclass(frozen=True)
class GivenAnswer:
    """One answer: to which prompt, what was said, where it is on the sample clock."""

    prompt: Prompt
    text: str
    start_s: float
    end_s: float


@dataclass
class QuestionResult:
    """A question as it went: its answers, the probes asked and the look-fors covered."""

    question: Question
    answers: list[GivenAnswer] = field(default_factory=list)
    probes: list[Prompt] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Everything said in answer to the question and its probes."""
        return " ".join(a.text for a in self.answers if a.text.strip())

    @property
    def matches(self) -> list[LookForMatch]:
        """Each look-for and whether the answers so far covered it."""
        return match_look_fors(self.question, self.text)


def reason_for(look_for: str) -> str:
    """The on-screen reason for probing `look_for`: what the answer has not yet covered, in
    words for the apprentice, without the look-for's example answers."""
    body = _TAG_RE.sub("", look_for)
    body = _EXAMPLES_RE.sub("", body).strip().rstrip(".,;: ")
    head, _, rest = body.partition(" ")
    verb = _VERBS.get(head.casefold())
    if verb is None:
        return f"Your answer has not yet covered this: {body[:1].lower()}{body[1:]}."
    return f"You have not yet {verb} {_to_you(rest)}."


def _to_you(text: str) -> str:
    """The look-for's rest spoken to the apprentice: their pronouns, and later verbs."""
    out: list[str] = []
    others = False
    tokens = text.split(" ")
    for n, token in enumerate(tokens):
        bare = token.strip(",.;:'").casefold()
        before = " ".join(tokens[max(0, n - 2) : n]).casefold()
        if not others and bare in _PRONOUNS:
            token = token.replace(bare, _PRONOUNS[bare])
        elif bare == "them" and (before.split()[-1:] in _THEM_AFTER or before == "asks of"):
            token = token.replace(bare, "you")  # "customers rely on them": on the apprentice
        elif n and tokens[n - 1] == "and" and bare in _VERBS:
            token = token.replace(bare, _VERBS[bare])  # "and says why" -> "and said why"
        others = others or bare in _OTHERS
        out.append(token)
    return " ".join(out)


def target_probe(question: Question, look_for_index: int, asked: set[int]) -> int | None:
    """The 1-based probe of `question` linked to look-for `look_for_index` (1-based) in the
    bank's `probe_targets`, the first in bank order not yet `asked`; None when none is left."""
    return next((n for n in question.probes_for(look_for_index) if n not in asked), None)


class Examiner:
    """The state machine of one mock: question, answer, up to two probes, next question."""

    def __init__(self, plan: MockPlan, max_probes: int = MAX_PROBES) -> None:
        self.plan = plan
        self.max_probes = max_probes
        self._results = [QuestionResult(p.question) for p in plan.questions]
        self._index = 0
        self._current: Prompt | None = self._question_prompt(0)

    @property
    def finished(self) -> bool:
        """Whether every planned question has been asked and answered (or ended early)."""
        return self._current is None

    def prompt(self) -> Prompt | None:
        """What to say now; None when the mock is over."""
        return self._current

    def answered(self, text: str, start_s: float, end_s: float) -> Prompt | None:
        """Take the answer to the current prompt; the next prompt (a probe, the next question)
        or None when the mock is over."""
        prompt = self._current
        if prompt is None:
            return None
        result = self._results[self._index]
        result.answers.append(GivenAnswer(prompt, text, start_s, max(start_s, end_s)))
        self._current = self._probe(result) or self._question_prompt(self._index + 1)
        return self._current

    def next_question(self) -> Prompt | None:
        """Leave the current question (no more probes) and ask the next; None when over."""
        if self._current is None:
            return None
        self._current = self._question_prompt(self._index + 1)
        return self._current

    def stop(self) -> None:
        """End the mock now (time up, or the apprentice ended it)."""
        self._current = None

    def results(self) -> list[QuestionResult]:
        """Per planned question reached so far: its answers, probes and matches."""
        return [r for r in self._results[: self._index + 1] if r.answers or r.probes]

    # ------------------------------------------------------------------ internals
    def _question_prompt(self, index: int) -> Prompt | None:
        if index >= len(self.plan.questions):
            self._index = max(0, len(self.plan.questions) - 1)
            return None
        self._index = index
        question = self.plan.questions[index].question
        return Prompt(
            kind="question",
            question_id=question.id,
            text=question.text,
            reminder=question.reminder,
            criterion_id=question.primary,
            number=index + 1,
        )

    def _probe(self, result: QuestionResult) -> Prompt | None:
        if len(result.probes) >= self.max_probes:
            return None
        uncovered = [m for m in result.matches if not m.covered]
        if not uncovered:
            return None
        # The first look-for not covered; one already probed without success waits its turn
        # behind the others, so two probes ask about two different things where they can.
        targeted = {p.look_for_index for p in result.probes}
        ordered = [m for m in uncovered if m.index not in targeted]
        ordered += [m for m in uncovered if m.index in targeted]
        asked = {p.probe_index for p in result.probes if p.probe_index is not None}
        chosen = next(
            (
                (m, n)
                for m in ordered
                if (n := target_probe(result.question, m.index, asked)) is not None
            ),
            None,
        )
        if chosen is None:
            return None
        missing, n = chosen
        prompt = Prompt(
            kind="probe",
            question_id=result.question.id,
            text=result.question.probes[n - 1],
            why=reason_for(missing.look_for),
            criterion_id=result.question.primary,
            number=self._index + 1,
            probe_number=len(result.probes) + 1,
            probe_index=n,
            look_for_index=missing.index,
        )
        result.probes.append(prompt)
        return prompt
