"""`discussion bank lint`: warnings for the people who write questions, each with its fix.

The bank must be valid first (`check_bank`); then every question is read against the rules
below, with the word lists and thresholds of `lint.toml` (`lint_config`). A question's
`waivers = [{rule, reason}]` silence a rule for that question; a waiver that names an unknown
rule, or silences nothing, is itself a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from discussion.bank.lint_config import LintConfig
from discussion.bank.lint_lines import Locator
from discussion.bank.lint_similar import similar_pairs
from discussion.bank.lint_text import (
    closed_ask,
    double_ask,
    excerpt,
    find_terms,
    listed_answers,
    starts_with_any,
    strip_criterion_tag,
    word_count,
)
from discussion.bank.models import Question, QuestionBank

# Rule id -> what it finds (the README documents each with its fix).
RULES: dict[str, str] = {
    "closed-question": "the question text can be answered yes or no",
    "closed-probe": "a probe can be answered yes or no",
    "double-question": "the text asks more than one thing",
    "double-probe": "a probe asks more than one thing",
    "lists-answers": "a question or probe lists possible answers after a colon",
    "long-text": "the text is longer than the configured number of words",
    "long-probe": "a probe is longer than the configured number of words",
    "no-anonymity-reminder": "a work example without an anonymity reminder",
    "no-outcome-probe": "a work example with no probe about how it ended",
    "subjective-look-for": "a look-for with a word the assessor cannot observe",
    "unobservable-look-for": "a look-for naming a state of mind, not what is said or done",
    "conduct-look-for": "a look-for about conducting the discussion, not evidence",
    "practice-too-similar": "a practice item close to an assessment item",
    "secondary-without-look-for": "a secondary criterion that no look-for supports",
    "no-sufficient": "no `sufficient` saying what is enough evidence",
    "waiver-unknown-rule": "a waiver naming a rule that does not exist",
    "waiver-unused": "a waiver that silences no warning",
}
# Warnings about waivers cannot themselves be waived.
WAIVER_RULES = frozenset({"waiver-unknown-rule", "waiver-unused"})


@dataclass(frozen=True)
class LintWarning:
    """One warning: where, which question, which rule, what is wrong and how to fix it."""

    file: str
    line: int | None
    id: str
    rule: str
    message: str
    fix: str
    field: str = ""
    reason: str | None = None  # the waiver's reason, for a waived warning

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{place}: {self.id}: {self.rule}: {self.message}; {self.fix}"

    def to_dict(self) -> dict[str, Any]:
        """The warning as a JSON-ready object."""
        out: dict[str, Any] = {
            "file": self.file,
            "line": self.line,
            "id": self.id,
            "rule": self.rule,
            "message": self.message,
            "fix": self.fix,
            "field": self.field,
            "text": str(self),
        }
        if self.reason is not None:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class LintReport:
    """Warnings still standing, and those silenced by a waiver (with its reason)."""

    warnings: list[LintWarning]
    waived: list[LintWarning] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object `discussion bank lint --json` prints."""
        return {
            "warnings": [w.to_dict() for w in self.warnings],
            "waived": [w.to_dict() for w in self.waived],
        }

    def summary(self, root: str) -> str:
        """One line: how many warnings in how many questions, and how many waived."""
        count = len(self.warnings)
        questions = len({w.id for w in self.warnings})
        waived = f", {len(self.waived)} waived" if self.waived else ""
        if not count:
            return f"question bank {root}: lint clean, no warnings{waived}"
        plural = "s" if count != 1 else ""
        qplural = "s" if questions != 1 else ""
        where = f"{questions} question{qplural}"
        return f"question bank {root}: {count} warning{plural} in {where}{waived}"


class _Linter:
    """Runs the rules over one bank, collecting warnings."""

    def __init__(self, bank: QuestionBank, config: LintConfig) -> None:
        self.bank = bank
        self.config = config
        self.locator = Locator(bank.root)
        self.found: list[LintWarning] = []

    def warn(self, q: Question, rule: str, message: str, fix: str, place: str = "") -> None:
        if rule in self.config.disable:
            return
        line = self.locator.line(q, place)
        self.found.append(LintWarning(q.file, line, q.id, rule, message, fix, place))

    def run(self) -> LintReport:
        for q in self.bank.questions:
            self.wording(q)
            self.work_example(q)
            self.look_fors(q)
            self.criteria(q)
        self.similarity()
        return self.apply_waivers()

    # -- wording -------------------------------------------------------------------------

    def wording(self, q: Question) -> None:
        cfg = self.config
        open_fix = "ask it openly: 'How ...', 'What ...', 'Tell me about ...'"
        if (closed := closed_ask(q.text, cfg.closed.starters)) is not None:
            message = f"'{excerpt(closed)}' can be answered yes or no"
            self.warn(q, "closed-question", message, open_fix, "text")
        if (why := double_ask(q.text, cfg.double.joiners, cfg.closed.starters)) is not None:
            fix = "ask one thing; move the second ask into a probe"
            self.warn(q, "double-question", f"the text asks two things: {why}", fix, "text")
        self.leading(q, "text", q.text)
        count = word_count(q.text)
        if count > cfg.length.max_text_words:
            limit = cfg.length.max_text_words
            fix = f"cut it to {limit} words or fewer (move a reminder into `reminder`)"
            self.warn(q, "long-text", f"the text is {count} words (over {limit})", fix, "text")
        for n, probe in enumerate(q.probes, 1):
            place = f"probes[{n}]"
            if (closed := closed_ask(probe, cfg.closed.starters)) is not None:
                message = f"probe {n} '{excerpt(closed)}' can be answered yes or no"
                self.warn(q, "closed-probe", message, open_fix, place)
            if (why := double_ask(probe, cfg.double.joiners, cfg.closed.starters)) is not None:
                fix = "ask one thing per probe; split it into two probes"
                self.warn(q, "double-probe", f"probe {n} asks two things: {why}", fix, place)
            self.leading(q, place, probe, f"probe {n} ")
            count = word_count(probe)
            if count > cfg.length.max_probe_words:
                limit = cfg.length.max_probe_words
                message = f"probe {n} is {count} words (over {limit})"
                self.warn(q, "long-probe", message, f"cut it to {limit} words or fewer", place)

    def leading(self, q: Question, place: str, text: str, label: str = "the text ") -> None:
        listed = listed_answers(text, self.config.leading.min_listed)
        if listed is not None:
            message = f"{label}'{excerpt(listed)}' lists the answers after its colon"
            fix = "end the question at the colon; the list belongs in the look-fors"
            self.warn(q, "lists-answers", message, fix, place)

    # -- work examples ---------------------------------------------------------------------

    def work_example(self, q: Question) -> None:
        if not q.work_example:
            return
        wx = self.config.work_example
        said = " ".join(filter(None, [q.reminder, q.text]))
        if not find_terms(said, wx.anonymity_terms):
            in_probe = any(find_terms(p, wx.anonymity_terms) for p in q.probes)
            where = "only a probe reminds" if in_probe else "neither `reminder` nor the text"
            message = f"a work example and {where} the apprentice to keep people anonymous"
            fix = (
                'add reminder = "Please keep the people in your example anonymous: no names '
                'of customers or colleagues."'
            )
            self.warn(q, "no-anonymity-reminder", message, fix, "reminder")
        if not any(find_terms(p, wx.outcome_terms) for p in q.probes):
            message = "a work example with no probe about how it ended"
            fix = "add a probe such as 'What was the outcome, for the customer and for you?'"
            self.warn(q, "no-outcome-probe", message, fix, "probes")

    # -- look-fors -------------------------------------------------------------------------

    def look_fors(self, q: Question) -> None:
        lf = self.config.look_fors
        for n, item in enumerate(q.look_fors, 1):
            place = f"look_fors[{n}]"
            body = strip_criterion_tag(item, q.criteria)
            for term in find_terms(body, lf.subjective_terms):
                message = (
                    f"look-for {n} uses '{term.rstrip('*')}', which the assessor cannot observe"
                )
                fix = "say what the apprentice would say or do that shows it"
                self.warn(q, "subjective-look-for", message, fix, place)
            if (start := starts_with_any(body, lf.unobservable_starts)) is not None:
                message = f"look-for {n} starts '{start}', a state of mind"
                fix = "start with what is heard: 'Names ...', 'Explains ...', 'Describes ...'"
                self.warn(q, "unobservable-look-for", message, fix, place)
            conduct = find_terms(body, lf.conduct_terms)
            if conduct:
                message = (
                    f"look-for {n} is about conduct ('{conduct[0].rstrip('*')}'), not evidence"
                )
                fix = "move it to `reminder` or `sufficient`; look-fors are criterion evidence"
                self.warn(q, "conduct-look-for", message, fix, place)

    # -- criteria ----------------------------------------------------------------------------

    def criteria(self, q: Question) -> None:
        for cid in q.secondary:
            if not q.look_fors_for(cid):
                message = f"secondary criterion {cid} has no look-for"
                fix = f'add a look-for starting "{cid}: ", or drop {cid} from criteria'
                self.warn(q, "secondary-without-look-for", message, fix, "criteria")
        if q.kind != "warm-up" and q.sufficient is None:
            message = "no `sufficient`: the assessor cannot tell when the evidence is enough"
            fix = 'add sufficient = "Two of the look-fors, including the first" (or similar)'
            self.warn(q, "no-sufficient", message, fix)

    def similarity(self) -> None:
        settings = self.config.similarity
        for match in similar_pairs(self.bank.questions, settings):
            mine, theirs, value = match.closest
            message = (
                f"close to assessment item {match.assessment.id} (score {match.score:.2f}, "
                f"threshold {settings.threshold:g}); closest: {mine.place} "
                f"'{excerpt(mine.text, 50)}' ~ {theirs.place} '{excerpt(theirs.text, 50)}' "
                f"({value:.2f})"
            )
            fix = "reword the practice item around another situation"
            self.warn(match.practice, "practice-too-similar", message, fix)

    # -- waivers ------------------------------------------------------------------------------

    def apply_waivers(self) -> LintReport:
        by_question: dict[str, list[LintWarning]] = {}
        for warning in self.found:
            by_question.setdefault(warning.id, []).append(warning)
        kept: list[LintWarning] = []
        waived: list[LintWarning] = []
        meta: list[LintWarning] = []
        for q in self.bank.questions:
            mine = by_question.get(q.id, [])
            reasons = {w.rule: w.reason for w in q.waivers if w.rule not in WAIVER_RULES}
            for warning in mine:
                if warning.rule in reasons:
                    waived.append(_with_reason(warning, reasons[warning.rule]))
                else:
                    kept.append(warning)
            meta += self._waiver_problems(q, {w.rule for w in mine})
        return LintReport(_sorted([*kept, *meta]), _sorted(waived))

    def _waiver_problems(self, q: Question, fired: set[str]) -> Iterator[LintWarning]:
        for waiver in q.waivers:
            line = self.locator.waiver_line(q, waiver.rule)
            if waiver.rule not in RULES or waiver.rule in WAIVER_RULES:
                known = ", ".join(r for r in RULES if r not in WAIVER_RULES)
                yield LintWarning(
                    q.file,
                    line,
                    q.id,
                    "waiver-unknown-rule",
                    f"the waiver names '{waiver.rule}', which is not a rule that can be waived",
                    f"use one of: {known}",
                    "waivers",
                )
            elif waiver.rule not in fired:
                why = (
                    "the rule is disabled in lint.toml"
                    if waiver.rule in self.config.disable
                    else "the question no longer breaks that rule"
                )
                yield LintWarning(
                    q.file,
                    line,
                    q.id,
                    "waiver-unused",
                    f"the waiver of {waiver.rule} silences nothing: {why}",
                    "remove the waiver",
                    "waivers",
                )


def _with_reason(warning: LintWarning, reason: str) -> LintWarning:
    return LintWarning(
        warning.file,
        warning.line,
        warning.id,
        warning.rule,
        warning.message,
        warning.fix,
        warning.field,
        reason,
    )


def _sorted(warnings: list[LintWarning]) -> list[LintWarning]:
    """File by file, in line order; stable for warnings on the same line."""
    return sorted(warnings, key=lambda w: (w.file, w.line or 0))


def lint_bank(bank: QuestionBank, config: LintConfig) -> LintReport:
    """Every warning for the (valid) bank under `config`, waivers applied."""
    return _Linter(bank, config).run()
