"""`discussion grade FILE|- [--json] [--schema]`: the overall grade from recorded attempts."""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from discussion.errors import UserError
from discussion.grading import GradingInput, explain, grade, parse_json
from discussion.standard import load_standard


def add_parser(subparsers: Any) -> None:
    """Register `grade`."""
    parser = subparsers.add_parser(
        "grade",
        help="compute the overall grade from component attempts (JSON)",
        description='Grade a JSON file of attempts: {"attempts": [{"component": ..., '
        '"attempt": 1, "achieved": [...]}]}. Exit 0 when a grade is computed (whatever it is), '
        "2 when the input is wrong.",
    )
    parser.add_argument("file", nargs="?", help="the attempts JSON file, or - for standard input")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--schema", action="store_true", help="print the JSON schema of the input and exit"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read, grade and print; input problems raise `UserError` (exit 2, one line)."""
    if args.schema:
        json.dump(GradingInput.model_json_schema(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if args.file is None:
        raise UserError("grade: give a FILE of attempts, or - to read standard input")
    standard = load_standard()
    result = grade(parse_json(_read(args.file), standard), standard)
    if args.json:
        payload = {
            "grade": result.grade,
            "components": {k: v.model_dump(mode="json") for k, v in result.components.items()},
            "reasons": result.reasons,
        }
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print("\n".join(explain(result)))
    return 0


MAX_INPUT_BYTES = 16 << 20  # grade input is a few kilobytes; anything this big is a mistake


def _read(name: str) -> str:
    if name == "-":
        where = "standard input"
        stdin = sys.stdin
        if stdin is None:  # started with stdin closed (`grade - <&-`)
            raise UserError("standard input is closed: pipe the attempts JSON in, or give a FILE")
        try:
            data = stdin.buffer.read(MAX_INPUT_BYTES + 1)
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or error
            raise UserError(f"cannot read standard input ({reason}): give a FILE") from None
    else:
        path = Path(name)
        where = str(path)
        try:
            with path.open("rb") as file:
                if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                    raise UserError(f"{where}: not a regular file: give a JSON file")
                data = file.read(MAX_INPUT_BYTES + 1)
        except FileNotFoundError:
            raise UserError(f"{where}: no such file") from None
        except IsADirectoryError:
            raise UserError(f"{where}: is a folder, not a JSON file") from None
        except OSError as error:
            raise UserError(f"{where}: cannot read: {error.strerror or error}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise UserError(f"{where}: larger than {MAX_INPUT_BYTES >> 20} MiB: not grade input")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{where}: not UTF-8 text") from None
