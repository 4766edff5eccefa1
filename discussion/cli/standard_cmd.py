"""`discussion standard [--json]`: the three components and their grade criteria."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Any, TextIO

from discussion.standard import Component, Standard, load_standard

WIDTH = 100


def add_parser(subparsers: Any) -> None:
    """Register `standard`."""
    parser = subparsers.add_parser(
        "standard",
        help="show the components and grade criteria of the standard",
        description="Show the three assessment components with their pass and distinction "
        "criteria, thresholds and the reassessment rules.",
    )
    parser.add_argument("--json", action="store_true", help="print the criteria as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the standard as a readable table, or as JSON with `--json`."""
    standard = load_standard()
    if args.json:
        json.dump(standard_json(standard), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_standard(standard, sys.stdout)
    return 0


def standard_json(standard: Standard) -> dict[str, Any]:
    """The JSON form: `{"components": [{"id", "name", "threshold", "criteria": [...]}]}`.

    Each criterion is its full model dump: id, level, text, group, outcome, wordings, modes,
    performance_requirements, builds_on.
    """
    return {
        "components": [
            {
                "id": component.id,
                "name": component.name,
                "threshold": component.threshold,
                "criteria": [c.model_dump(mode="json") for c in component.criteria],
            }
            for component in standard.components
        ]
    }


def print_standard(standard: Standard, out: TextIO) -> None:
    """The human table: per component its counts, then criteria grouped by module or task."""
    print(f"{standard.title} (standard {standard.version})", file=out)
    print(f"Criteria wording: {standard.source}", file=out)
    for component in standard.components:
        print(file=out)
        _print_component(component, out)
    rules = standard.rules
    counting = ", ".join(str(n) for n in rules.distinction_counts_on_attempts)
    print(file=out)
    print(
        f"Reassessment: at most {rules.max_attempts} attempts per component; distinction "
        f"criteria count only from a pass on attempt {counting}.",
        file=out,
    )
    print(
        f"Professional Discussion: at most {standard.discussion_conduct.max_minutes} minutes.",
        file=out,
    )


def _print_component(component: Component, out: TextIO) -> None:
    passes = len(component.pass_criteria())
    distinctions = len(component.distinction_criteria())
    print(f"{component.order}. {component.name} [{component.id}]: {component.duration}", file=out)
    print(
        f"   {passes} pass criteria (all required); {distinctions} distinction criteria, "
        f"{component.threshold} needed for distinction",
        file=out,
    )
    group: str | None = None
    for criterion in component.criteria:
        if criterion.group != group:
            group = criterion.group
            print(f"   {group or component.name}", file=out)
        marker = "D" if criterion.level == "distinction" else "P"
        extra = ""
        if criterion.modes:
            extra += f" [only when observed: {', '.join(criterion.modes)}]"
        if criterion.builds_on:
            extra += f" [builds on {criterion.builds_on}]"
        head = f"     {criterion.id:<4} {marker}  "
        body = textwrap.fill(
            criterion.text + extra,
            width=WIDTH,
            initial_indent=head,
            subsequent_indent=" " * len(head),
        )
        print(body, file=out)
