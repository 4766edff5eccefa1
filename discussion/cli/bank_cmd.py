"""`discussion bank check|lint|list`: validate the question bank, lint it, list its questions."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from discussion.bank import SETS, BankReport, Question, check_bank, load_bank
from discussion.errors import UserError
from discussion.standard import Standard, load_standard

EXIT_OK = 0
EXIT_INVALID = 2


def add_parser(subparsers: Any) -> None:
    """Register `bank` with its `check`, `lint` and `list` sub-commands."""
    bank = subparsers.add_parser(
        "bank",
        help="check or list the question bank",
        description="Check the question bank or list its questions.",
    )
    bank.set_defaults(func=_missing_action(bank))
    actions = bank.add_subparsers(dest="bank_command", metavar="ACTION")

    check = actions.add_parser(
        "check",
        help="validate a question bank (exit 0 valid, 2 invalid)",
        description="Validate a question bank folder: TOML syntax, fields, criterion ids, "
        "duplicate ids and texts, and coverage of every discussion criterion in both sets.",
    )
    check.add_argument(
        "path", nargs="?", type=Path, help="the bank folder (default: the bundled bank)"
    )
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.set_defaults(func=run_check)

    lint = actions.add_parser(
        "lint",
        help="warn about question wording (exit 0 with warnings, 2 invalid bank)",
        description="Warn about closed, double or long questions, work examples without an "
        "anonymity reminder or outcome probe, subjective look-fors, practice items too close "
        "to assessment items and more; each warning names its file:line, rule and fix. "
        "Settings: lint.toml in the bank folder (else the bundled one).",
    )
    lint.add_argument(
        "path", nargs="?", type=Path, help="the bank folder (default: the bundled bank)"
    )
    lint.add_argument("--json", action="store_true", help="print the warnings as JSON")
    lint.add_argument("--config", type=Path, help="the lint settings file (default: lint.toml)")
    lint.set_defaults(func=run_lint)

    listing = actions.add_parser(
        "list",
        help="list questions, optionally by set or criterion",
        description="List the bank's questions. Assessment questions are confidential.",
    )
    listing.add_argument("--bank", type=Path, help="the bank folder (default: the bundled bank)")
    listing.add_argument("--set", choices=SETS, dest="set_name", help="only this set")
    listing.add_argument(
        "--criterion", help="only questions targeting this criterion (primary ones first)"
    )
    listing.add_argument("--json", action="store_true", help="print the questions as JSON")
    listing.set_defaults(func=run_list)


def _missing_action(parser: argparse.ArgumentParser) -> Any:
    def run(_args: argparse.Namespace) -> int:
        parser.print_usage(sys.stderr)
        print("discussion bank: error: choose an action: check, lint or list", file=sys.stderr)
        return EXIT_INVALID

    return run


def run_check(args: argparse.Namespace) -> int:
    """`discussion bank check [PATH] [--json]`: 0 when the bank is valid, 2 when not."""
    standard = load_standard()
    report = check_bank(args.path, standard)
    if args.json:
        json.dump(report.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_report(report, standard, sys.stdout, sys.stderr)
    return EXIT_OK if report.ok else EXIT_INVALID


def run_lint(args: argparse.Namespace) -> int:
    """`discussion bank lint [PATH] [--json] [--config FILE]`: 0 (even with warnings), 2 invalid."""
    from discussion.bank.lint import RULES, lint_bank  # loaded only for this command
    from discussion.bank.lint_config import default_config_path, load_lint_config

    standard = load_standard()
    report = check_bank(args.path, standard)
    if report.bank is None:
        if args.json:
            payload = {"warnings": [], "errors": [e.to_dict() for e in report.errors]}
            json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            print_report(report, standard, sys.stdout, sys.stderr)
        return EXIT_INVALID
    config_path = args.config or default_config_path(report.root)
    config = load_lint_config(config_path, set(RULES))
    result = lint_bank(report.bank, config)
    if args.json:
        json.dump(result.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    for warning in result.warnings:
        print(str(warning))
    print(result.summary(str(report.root)))
    return EXIT_OK


def print_report(report: BankReport, standard: Standard, out: TextIO, err: TextIO) -> None:
    """The human form of a check: problems on `err`, or a summary and coverage on `out`."""
    if not report.ok:
        for issue in report.errors:
            print(str(issue), file=err)
        count = len(report.errors)
        print(
            f"question bank {report.root}: INVALID, {count} problem{'s' if count != 1 else ''}",
            file=err,
        )
        return
    bank = report.bank
    assert bank is not None
    sizes = {name: len(bank.in_set(name)) for name in SETS}
    print(
        f"question bank {report.root}: OK, version {bank.version}, "
        f"{len(bank.questions)} questions ({sizes['assessment']} assessment, "
        f"{sizes['practice']} practice)"
        + ("; practice set only (the apprentice edition)" if not sizes["assessment"] else ""),
        file=out,
    )
    print(f"content hash sha256:{bank.content_hash}", file=out)
    print("", file=out)
    print(coverage_table(report, standard), file=out)
    low, high = timing_range(report)
    if high:
        print("", file=out)
        print(
            f"one assessment question per criterion: {low:g}-{high:g} minutes "
            "(the discussion lasts at most 60)",
            file=out,
        )


def coverage_table(report: BankReport, standard: Standard) -> str:
    """Per criterion: level, assessment and practice counts (primary criterion)."""
    levels = {c.id: c.level for c in standard.component("discussion").criteria}
    rows = [f"{'criterion':<10} {'level':<12} {'assessment':>10} {'practice':>9}"]
    for cid, counts in report.coverage.items():
        rows.append(
            f"{cid:<10} {levels.get(cid, '?'):<12} "
            f"{counts['assessment']:>10} {counts['practice']:>9}"
        )
    return "\n".join(rows)


def timing_range(report: BankReport) -> tuple[float, float]:
    """Shortest and longest total minutes of a plan asking one assessment question each."""
    if report.bank is None:
        return 0.0, 0.0
    low = high = 0.0
    for cid in report.coverage:
        # A warm-up settles the apprentice; it is not the question that draws the evidence.
        questions = report.bank.for_criterion(cid, "assessment")
        minutes = [q.minutes for q in questions if q.kind != "warm-up"]
        if minutes:
            low += min(minutes)
            high += max(minutes)
    return low, high


def run_list(args: argparse.Namespace) -> int:
    """`discussion bank list [--bank PATH] [--set S] [--criterion C] [--json]`."""
    standard = load_standard()
    bank = load_bank(args.bank, standard)
    if args.criterion is not None:
        cid = args.criterion.strip().upper()
        if cid not in bank.criterion_ids:
            known = ", ".join(bank.criterion_ids)
            raise UserError(f"unknown criterion '{args.criterion}'; use one of {known}")
        sets = [args.set_name] if args.set_name else list(SETS)
        questions = [q for s in sets for q in bank.for_criterion(cid, s, include_secondary=True)]
    else:
        questions = [q for q in bank.questions if args.set_name in (None, q.set)]
    if args.json:
        payload = [question_dict(q) for q in questions]
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    for q in questions:
        print(question_line(q))
    print(f"{len(questions)} question{'s' if len(questions) != 1 else ''}", file=sys.stderr)
    return EXIT_OK


def question_dict(q: Question) -> dict[str, Any]:
    """A question as a JSON-ready object."""
    return q.model_dump(mode="json")


def question_line(q: Question) -> str:
    """One line per question: id, set, criteria, minutes, work example marker, text."""
    example = "E" if q.work_example else "-"
    return f"{q.id:<9} {q.set:<10} {','.join(q.criteria):<8} {q.minutes:>3g}m {example} {q.text}"
