"""The `discussion` command line: one module per sub-command, dispatched from here.

Every sub-command module exposes `add_parser(subparsers)`, which registers its parser and sets
`func` (taking the parsed namespace, returning the exit status). With no sub-command the TUI starts.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from discussion import installed_version
from discussion.errors import UserError, os_error_message, os_fix

if TYPE_CHECKING:
    from pydantic_core import ValidationError

# Order is the order shown in `--help`.
COMMAND_MODULES = (
    "discussion.cli.standard_cmd",
    "discussion.cli.bank_cmd",
    "discussion.cli.plan_cmd",
    "discussion.cli.grade_cmd",
    "discussion.cli.verify_cmd",
    "discussion.cli.keys_cmd",
    "discussion.cli.judge_cmd",
    "discussion.cli.export_cmd",
    "discussion.cli.review_cmd",
    "discussion.cli.transcribe_cmd",
    "discussion.cli.recover_cmd",
    "discussion.cli.devices_cmd",
    "discussion.cli.record_cmd",
    "discussion.cli.briefing_cmd",
    "discussion.cli.sessions_cmd",
    "discussion.cli.sample_cmd",
    "discussion.cli.mock_cmd",
    "discussion.cli.readiness_cmd",
    "discussion.cli.hub_cmd",
)

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; keep its one-line message, drop nothing else."""


class _VersionAction(argparse.Action):
    """`--version`: the version is looked up only when asked for (importlib.metadata is slow)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "show program's version number and exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(f"discussion {installed_version()}")  # on stdout, as argparse's own action
        parser.exit()


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full argument parser with every sub-command registered (only module `only` when
    given: running one command need not import every other's dependencies, e.g. numpy)."""
    parser = _Parser(
        prog="discussion",
        description="Professional Discussion for the Customer Service Practitioner (Level 2) EPA. "
        "With no command, opens the terminal app.",
    )
    parser.add_argument("--version", action=_VersionAction)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in (only,) if only else COMMAND_MODULES:
        module = importlib.import_module(name)
        module.add_parser(subparsers)
    return parser


def _run_tui(_args: argparse.Namespace) -> int:
    from discussion.ui.app import run_app  # imported late: CLI commands never load Textual

    # The modules just imported live as long as the process: keep them out of the garbage
    # collector's full passes, each of which took ~30 ms of the first frame.
    gc.freeze()
    return run_app()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and of `python -m discussion`."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # No arguments: the terminal app, without importing every sub-command (the recorder's
    # numpy among them), which would delay its first frame; there is nothing to parse.
    # A command (its name is its module's) imports only its own module: `grade` need not load
    # numpy, `sessions` over 10,000 folders has a 2 s budget and `verify` one against sha256sum.
    # Anything else (`--help`, a mistyped command) gets the parser of every command.
    if argv == ["--version"]:  # needs no parser, so none of the commands' imports
        print(f"discussion {installed_version()}")
        return 0
    only = f"discussion.cli.{argv[0]}_cmd" if argv else None
    only = only if only in COMMAND_MODULES else None
    args = build_parser(only).parse_args(argv) if argv else argparse.Namespace(command=None)
    func: Callable[[argparse.Namespace], int] = getattr(args, "func", _run_tui)
    try:
        if func is not _run_tui:  # `discussion CMD | head -1`: the reader leaving ends quietly
            from discussion.cli.stdout_pipe import guard_stdout

            guard_stdout()
        status = func(args)
        _flush_stdout()  # a full device shows here, not at interpreter exit
        return status
    except UserError as error:
        _say(f"discussion: error: {_with_fix(error)}")
        return error.exit_code
    except KeyboardInterrupt:
        _say("discussion: interrupted")
        return 130
    except OSError as error:
        if _stdout_failed(error):
            _say(f"discussion: error: cannot write the output: {_stdout_reason(error)}")
        else:
            _say(f"discussion: error: {os_error_message(error)}")
        return 2
    except RecursionError:
        _say("discussion: error: the input is nested too deeply (hundreds of levels): check it")
        return 2
    except Exception as error:
        refusal = _validation_error(error)
        if refusal is not None:  # a model refused input no caller checked first
            from discussion.validation import describe

            _say(f"discussion: error: {describe(refusal)}")
            return 2
        return _internal_error(error)  # last line of defence: no traceback on screen


def _validation_error(error: Exception) -> ValidationError | None:
    """`error` when it is pydantic's ValidationError. pydantic is imported by the commands that
    use it, not here (its import was a third of a light command's start): while it is not
    loaded, no model can have raised one."""
    if "pydantic_core" not in sys.modules:
        return None
    from pydantic_core import ValidationError

    return error if isinstance(error, ValidationError) else None


def _with_fix(error: UserError) -> str:
    """The message, plus what to do when the cause is an OS error the message leaves bare."""
    cause = error.__cause__
    if not isinstance(cause, OSError):
        return error.message
    message = error.message
    where = cause.filename
    if where is not None and str(where) not in message:
        message += f" ({where})"
    fix = os_fix(cause)
    if fix and fix not in message:
        message += f"; {fix}"
    return message


def _flush_stdout() -> None:
    if sys.stdout is not None:
        sys.stdout.flush()


def _stdout_failed(error: OSError) -> bool:
    """Whether `error` came from writing standard output (then stdout is made harmless)."""
    # A write error without a file name comes from a stream (stdout, or an open output file
    # which the command names itself); once seen, further writes to stdout are pointless.
    broken = isinstance(error, BrokenPipeError) or (
        error.filename is None
        and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG)
    )
    if broken:
        # Point fd 1 at /dev/null so the interpreter's own flush at exit cannot raise again.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
    return broken


def _stdout_reason(error: OSError) -> str:
    if isinstance(error, BrokenPipeError):
        return "standard output was closed (broken pipe) before everything was written"
    return f"{error.strerror or error}; free some space where the output goes, or send it elsewhere"


def _say(line: str) -> None:
    """One line on stderr, whatever state stderr is in."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(line, file=sys.stderr, flush=True)


def _internal_error(error: Exception) -> int:
    # No traceback for the user; DISCUSSION_DEBUG=1 (or a configured log) keeps it for a report.
    if os.environ.get("DISCUSSION_DEBUG") or logging.getLogger().handlers:
        log.exception("unexpected error")
    _say(
        f"discussion: internal error: {type(error).__name__}: {str(error)[:200]}. "
        "Please report it with the command you ran (DISCUSSION_DEBUG=1 shows the details)."
    )
    return 3
