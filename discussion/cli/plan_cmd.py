"""`discussion plan [--attempt N] [--minutes M] [--bank PATH] [--json]`: the planned hour.

The plan the guide would follow for a discussion not yet started, each question taking its
suggested minutes and ending sufficient: for the assessor to prepare from.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from discussion.errors import UserError

if TYPE_CHECKING:  # the bank and the guide load only when the command runs
    from discussion.bank import QuestionBank
    from discussion.guide import PlanItem
    from discussion.standard import Standard

WIDTH = 100


def add_parser(subparsers: Any) -> None:
    """Register `plan`."""
    parser = subparsers.add_parser(
        "plan",
        help="print the planned hour of a discussion, to prepare from",
        description="Print the plan the next-question guide would follow for a discussion not "
        "yet started: the opening, each question at its suggested minutes (as if each ends "
        "with its criterion sufficient), spare time and the close. The plan uses the "
        "confidential assessment set.",
    )
    parser.add_argument(
        "--attempt",
        default="1",
        metavar="N",
        help="the apprentice's attempt at the discussion (default 1)",
    )
    parser.add_argument(
        "--minutes",
        default=None,
        metavar="M",
        help="plan a shorter discussion of M minutes (default: the maximum the rules allow)",
    )
    parser.add_argument(
        "--bank", type=Path, metavar="PATH", help="the bank folder (default: the bundled bank)"
    )
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Plan, then print as text or JSON; a bad `--attempt` or `--minutes` is a one-line error."""
    from discussion.bank import load_bank
    from discussion.edition import no_assessment_set
    from discussion.guide import fresh_plan, guide_data
    from discussion.standard import load_standard

    standard = load_standard()
    attempt = _attempt(args.attempt, standard.rules.max_attempts)
    low = guide_data(standard.component("discussion")).plan_min_minutes
    minutes = _minutes(args.minutes, low, standard.discussion_conduct.max_minutes)
    bank = load_bank(args.bank, standard)
    if (missing := no_assessment_set(bank)) is not None:
        raise UserError(f"nothing to plan: {missing}")
    items = fresh_plan(standard, bank, attempt=attempt, total_minutes=minutes)
    if args.json:
        json.dump({"items": [i.to_dict() for i in items]}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_plan(items, standard, bank, attempt, minutes, sys.stdout)
    return 0


def _attempt(value: str, most: int) -> int:
    try:
        attempt = int(value)
    except ValueError:
        attempt = 0
    if not 1 <= attempt <= most:
        raise UserError(
            f"plan: --attempt {value!r} is not an attempt: give a whole number from 1 to {most} "
            "(rules.toml max_attempts)"
        )
    return attempt


def _minutes(value: str | None, low: int, high: int) -> float:
    if value is None:
        return float(high)
    try:
        minutes = float(value)
    except ValueError:
        raise UserError(
            f"plan: --minutes {value!r} is not a number: give the discussion's length in minutes, "
            f"from {low} to {high}"
        ) from None
    if not low <= minutes <= high:  # NaN fails too
        raise UserError(
            f"plan: --minutes {value!r} is out of range: give a number from {low} "
            f"(discussion.toml plan_min_minutes) to {high} (rules.toml max_minutes)"
        )
    return minutes


def print_plan(
    items: tuple[PlanItem, ...],
    standard: Standard,
    bank: QuestionBank,
    attempt: int,
    minutes: float,
    out: TextIO,
) -> None:
    """The plan as text: start minute, minutes, question id, criteria, main criterion, text."""
    component = standard.component("discussion")
    data = component.guide
    counts = attempt in standard.rules.distinction_counts_on_attempts
    print(f"{component.name}: the planned hour, attempt {attempt}, {minutes:g} minutes", file=out)
    intro = (
        f"Question bank {bank.version}, assessment set (confidential). Each question takes its "
        "suggested minutes and is planned as if it ends sufficient. "
    )
    if counts:
        intro += (
            f"Distinctions count on this attempt: {component.threshold} of "
            f"{len(component.distinction_criteria())} needed, each after the pass criterion it "
            "builds on."
        )
    else:
        intro += "Distinctions do not count on this attempt: pass criteria only."
    print(_wrap(intro, "", ""), file=out)
    print(file=out)
    ids = max([len(i.question_id or "") for i in items] + [len("question")])
    crit = max([len(",".join(i.criteria)) for i in items] + [len("criteria")])
    head = f"{'start':>5}  {'min':>4}  {'question':<{ids}}  {'criteria':<{crit}}  main  "
    print(f"{head}text", file=out)
    indent = " " * len(head)
    for item in items:
        row = (
            f"{item.start_min:>5g}  {item.minutes:>4g}  {item.question_id or '-':<{ids}}  "
            f"{','.join(item.criteria) or '-':<{crit}}  {item.main or '-':<4}  "
        )
        print(_wrap(item.text, row, indent), file=out)
        if item.reason:
            why = f"Why: {item.reason}" if item.kind == "question" else item.reason
            print(_wrap(why, indent, indent), file=out)
    _print_summary(items, standard, counts, out)
    if data is not None:
        print(file=out)
        print(f"{data.close.title}:", file=out)
        for number, step in enumerate(data.close.steps, 1):
            print(_wrap(step, f"  {number}. ", "     "), file=out)


def _print_summary(
    items: tuple[PlanItem, ...], standard: Standard, counts: bool, out: TextIO
) -> None:
    component = standard.component("discussion")
    # A warm-up leads into a criterion; it is not planned as its evidence.
    planned = {i.main for i in items if i.question is not None and i.question.kind != "warm-up"}
    passes = [c.id for c in component.pass_criteria()]
    distinctions = [c.id for c in component.distinction_criteria()]
    print(file=out)
    pass_in = [c for c in passes if c in planned]
    pass_out = [c for c in passes if c not in planned]
    line = f"Pass criteria planned: {' '.join(pass_in) or 'none'} ({len(pass_in)} of {len(passes)})"
    print(line + (f"; not planned: {' '.join(pass_out)}" if pass_out else ""), file=out)
    if counts:
        dist_in = [c for c in distinctions if c in planned]
        print(
            f"Distinction criteria planned: {' '.join(dist_in) or 'none'} "
            f"({component.threshold} of {len(distinctions)} needed)",
            file=out,
        )


def _wrap(text: str, first: str, rest: str) -> str:
    return textwrap.fill(
        text, width=WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    )
