"""`discussion sample --percent P [--per assessor] [--seed N] [--json]`: an IQA sample.

Only closed assessments whose discussion went ahead are drawn (not practice, not "did not go
ahead", not damaged); P% of them rounded up (of each assessor's with `--per assessor`), the
sessions not yet verified first. The same seed over the same sessions gives the same sample
(`discussion.sampling`). Without `--seed` one is chosen and printed, so the draw can be repeated.
Exit 0, 2 for bad options.
"""

from __future__ import annotations

import argparse
import json
import secrets
from typing import Any

from discussion.cli.sessions_cmd import add_filter_options, build_filter, format_lines, load_entries

SEED_MAX = 2**63 - 1


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number, e.g. 2026") from None
    if not 0 <= value <= SEED_MAX:
        raise argparse.ArgumentTypeError(f"{text} is outside 0 to {SEED_MAX}")
    return value


def add_parser(subparsers: Any) -> None:
    """Register the `sample` sub-command."""
    parser = subparsers.add_parser(
        "sample",
        help="draw a reproducible sample of closed assessments for internal quality assurance",
        description="Draw P% of the closed assessments (not practice, not those that did not "
        "go ahead), rounded up, preferring sessions not yet verified. With --per assessor, P% "
        "of each assessor's sessions, so every assessor has at least one. The same --seed over "
        "the same sessions gives the same sample; without it a seed is chosen and printed.",
    )
    parser.add_argument(
        "--percent", required=True, metavar="P", help="how much to sample: more than 0, up to 100"
    )
    parser.add_argument(
        "--per", choices=("assessor",), help="apply the percentage to each assessor's sessions"
    )
    parser.add_argument("--seed", type=_seed, metavar="N", help="the draw's seed (a whole number)")
    add_filter_options(parser, state=False)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Draw and print the sample."""
    from discussion.sampling import draw_sample, parse_percent

    percent = parse_percent(args.percent)
    wanted = build_filter(args)
    seed = args.seed if args.seed is not None else secrets.randbelow(1_000_000)
    entries = wanted.apply(load_entries(args))
    sample = draw_sample(entries, percent, seed, per_assessor=args.per == "assessor")
    if args.json:
        print(json.dumps(sample.as_json(), ensure_ascii=False, indent=2))
        return 0
    share = f"{float(percent):g}%"
    scope = f"{share} of each assessor's" if sample.per_assessor else share
    print(
        f"Sample: {len(sample.sessions)} of {sample.eligible} closed assessments "
        f"({scope}, rounded up), seed {seed}; run again with --seed {seed} for the same sample."
    )
    if sample.per_assessor:
        for name, (total, drawn) in sample.sets.items():
            print(f"  {name}: {drawn} of {total}")
    if not sample.sessions:  # rounding up: only an empty pool gives an empty sample
        print(
            "Nothing to sample: no closed assessment matches (practice sessions and those that "
            "did not go ahead are never sampled)."
        )
        return 0
    for line in format_lines(sample.sessions):
        print(line)
    return 0
