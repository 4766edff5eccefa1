"""`discussion mock`: a spoken practice discussion for apprentices (terminal app).

Opens the app on the mock's set-up: the length (15, 30 or 60 minutes), the criteria to
practise, and spoken or typed answers. Only the practice set is used.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(subparsers: Any) -> None:
    """Register the `mock` sub-command."""
    parser = subparsers.add_parser(
        "mock",
        help="a mock Professional Discussion for apprentices, with practice questions "
        "(terminal app)",
        description="Practise the Professional Discussion: the examiner asks practice "
        "questions aloud (or on screen only, without sound), listens to your spoken answer "
        "(or reads a typed one), asks a follow-up about what you left out, and lets you check "
        "each answer against what an assessor looks for. At the end, a readiness report. "
        "Press F1 in the app for the keys.",
    )
    parser.set_defaults(func=run)


def run(_args: argparse.Namespace) -> int:
    """Run the app on the mock's set-up."""
    from discussion.ui.screens.mock_app import run_mock_app  # Textual only for this command

    return run_mock_app()
