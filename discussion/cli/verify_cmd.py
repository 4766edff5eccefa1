"""`discussion verify FOLDER [--json]`: is a session record intact?

Exit status: 0 intact, 1 altered / removed / appended, 2 not a session folder (usage). An
unsealed record that is intact so far exits 0 but is never called plain "intact": a log cut
short looks the same, so the text says NOT SEALED and `--json` has `sealed: false`,
`may_be_incomplete: true` and `verdict: "intact-not-sealed"`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from discussion.record.verify import VerifyReport


def add_parser(subparsers: Any) -> None:
    """Register the `verify` sub-command."""
    parser = subparsers.add_parser(
        "verify",
        help="check a session record's hash chain and sealed files",
        description="Check that a session record is intact: every event line's hash and the "
        "chain, session.json, and for a closed session every file sealed by the closed event; "
        "a transcript (transcript.json), when there is one, against its signature and the "
        "sealed audio. Exit 0 intact, 1 altered, 2 not a session folder.",
    )
    parser.add_argument("folder", type=Path, help="the session folder")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--require-trusted",
        action="store_true",
        help="exit 1 unless the seal is signed by a trusted key (for verifiers: an unsigned or "
        "untrusted record then fails)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Verify the folder and print the report."""
    from discussion.record.verify import verify

    report = verify(args.folder)
    unmet = _unmet_requirement(report) if args.require_trusted else None
    if args.json:
        out = report.as_json()
        if args.require_trusted:
            out["require_trusted"] = {"met": unmet is None, "reason": unmet}
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        minutes, seconds = divmod(round(report.audio_seconds), 60)
        if not report.ok:
            state = "sealed (closed)" if report.sealed else "NOT SEALED"
            head = f"NOT INTACT; {report.events} events, {state}"
        elif report.sealed:
            head = f"intact; {report.events} events, sealed (closed)"
        else:  # a log cut short looks like this too: only a seal says the record is whole
            head = f"intact so far, NOT SEALED: may be incomplete; {report.events} events"
        print(f"{args.folder.name}: {head}, audio {minutes}:{seconds:02d}")
        if report.seal_hash is not None:  # to check a later copy against
            print(f"  seal sha256: {report.seal_hash}")
        if report.seal is not None:  # who signed the seal, and whether that key is trusted
            print(f"  signature: {report.seal.describe()}")
        print(f"  transcript: {_red_if_cut_short(_transcript_line(report), report)}")
        for problem in report.problems:
            print(f"  - {problem}")
        if report.verification is not None:  # the verifier's judgements and who signed them
            from discussion.verification.check import describe_rounds

            for line in describe_rounds(report.verification) or ["none recorded"]:
                print(f"  verification: {line}")
        if unmet is not None:
            print(f"  NOT ACCEPTED (--require-trusted): {unmet}")
    return 0 if report.ok and unmet is None else 1


def _transcript_line(report: VerifyReport) -> str:
    """What verify says about transcript.json: none, intact and who signed it, or ALTERED."""
    if report.transcript is None:
        return "none (a record needs no transcript; `discussion transcribe FOLDER` makes one)"
    return report.transcript.describe()


def _red_if_cut_short(line: str, report: VerifyReport) -> str:
    """`line` in red on a terminal (not with NO_COLOR) when a transcript names a missing seal."""
    cut = report.transcript is not None and report.transcript.status == "seal_missing"
    if not cut or not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        return line
    return f"\033[1;31m{line}\033[0m"


def _unmet_requirement(report: VerifyReport) -> str | None:
    """Why the record fails --require-trusted, or None when it is signed by a trusted key."""
    seal = report.seal
    if seal is None:
        return "the record is not sealed, so not signed"
    if seal.status == "unsigned-legacy":
        return "the seal is unsigned (made before signing): nothing shows who made it"
    if seal.check is None or not seal.check.ok:
        return "the seal's signature is missing or does not match"
    if not seal.check.trusted:
        return (
            f"the key {seal.check.fingerprint} is not in the trusted set: compare it with the "
            "assessor, then `discussion keys trust FILE --name NAME`"
        )
    return None
