"""The `discussion` command line: one module per sub-command, dispatched from here.

Every sub-command module exposes `add_parser(subparsers)`, which registers its parser and sets
`func` (taking the parsed namespace, returning the exit status). With no sub-command the TUI starts.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from discussion import __version__
from discussion.errors import UserError

# Order is the order shown in `--help`.
COMMAND_MODULES = (
    "discussion.cli.standard_cmd",
    "discussion.cli.bank_cmd",
    "discussion.cli.grade_cmd",
    "discussion.cli.verify_cmd",
    "discussion.cli.export_cmd",
    "discussion.cli.recover_cmd",
    "discussion.cli.devices_cmd",
    "discussion.cli.record_cmd",
)

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; keep its one-line message, drop nothing else."""


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every sub-command registered."""
    parser = _Parser(
        prog="discussion",
        description="Professional Discussion for the Customer Service Practitioner (Level 2) EPA. "
        "With no command, opens the terminal app.",
    )
    parser.add_argument("--version", action="version", version=f"discussion {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.add_parser(subparsers)
    return parser


def _run_tui(_args: argparse.Namespace) -> int:
    from discussion.ui.app import run_app  # imported late: CLI commands never load Textual

    return run_app()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and of `python -m discussion`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = getattr(args, "func", _run_tui)
    try:
        return func(args)
    except UserError as error:
        print(f"discussion: error: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("discussion: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # last line of defence: no traceback on screen
        log.exception("unexpected error")
        print(
            f"discussion: internal error: {type(error).__name__}: {error}. "
            "Please report it with the command you ran.",
            file=sys.stderr,
        )
        return 3
