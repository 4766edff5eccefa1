"""`discussion judge FOLDER --verifier NAME ...`: a verifier's judgement on a sealed record.

    discussion judge FOLDER --verifier NAME --criterion 1A --agree [--comment TEXT] [--notes 1,3]
    discussion judge FOLDER --verifier NAME --criterion 3B --disagree --comment TEXT
    discussion judge FOLDER --verifier NAME --outcome confirmed|referred [--comment TEXT]
    discussion judge FOLDER --verifier NAME --finish

Each call appends to the folder's verification.jsonl (never to the assessor's record); the
outcome, or `--finish`, ends the round signed by the verifier's key. Exit 0 recorded, 1 refused
(the record does not verify, is not sealed, or another verification is open), 2 bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> None:
    """Register the `judge` sub-command."""
    parser = subparsers.add_parser(
        "judge",
        help="record a verifier's judgement (IQA/EQA) on a sealed session record",
        description="Record a quality assurer's judgement of a sealed record: agree or "
        "disagree with the assessor's decision on a criterion, with a comment and the notes "
        "or times it rests on, or the overall outcome, which ends the verification signed by "
        "the verifier's key. Written to verification.jsonl; the assessor's record never "
        "changes. Exit 0 recorded, 1 refused, 2 bad input.",
    )
    parser.add_argument("folder", type=Path, help="the session folder (closed and intact)")
    # Checked in `run`, not by argparse (choices, required, exclusive groups), so that bad
    # input is one line naming the fix rather than argparse's usage block.
    parser.add_argument("--verifier", metavar="NAME", help="your name (required)")
    parser.add_argument(
        "--role", metavar="IQA|EQA", help="internal or external quality assurance (IQA)"
    )
    parser.add_argument("--criterion", metavar="C", help="the criterion judged, e.g. 3B")
    parser.add_argument("--agree", action="store_true", help="the assessor's decision stands")
    parser.add_argument("--disagree", action="store_true", help="it does not (--comment says why)")
    parser.add_argument("--comment", default="", metavar="TEXT", help="what you found")
    parser.add_argument(
        "--notes",
        default="",
        metavar="REFS",
        help="what the judgement rests on: note numbers (3), marks (m2), times (12:30), "
        "comma-separated",
    )
    parser.add_argument(
        "--outcome",
        metavar="confirmed|referred",
        help="overall: decisions confirmed, or referred back (with --comment); signs",
    )
    parser.add_argument(
        "--finish", action="store_true", help="end your verification now, signed by your key"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the options, record the judgement and say what was written."""
    from discussion.errors import UserError
    from discussion.verification.judge import Judgement, judge

    if not args.verifier:
        raise UserError('--verifier NAME is required: who is judging (e.g. --verifier "Kim Lee")')
    if args.role is not None and args.role.upper() not in ("IQA", "EQA"):
        raise UserError(f"--role {args.role!r}: use IQA (internal) or EQA (external)")
    if args.outcome is not None and args.outcome not in ("confirmed", "referred"):
        raise UserError(f"--outcome {args.outcome!r}: use confirmed or referred")
    if args.agree and args.disagree:
        raise UserError("--agree or --disagree, not both")
    judgement = None
    if args.criterion is not None:
        if not (args.agree or args.disagree):
            raise UserError("--criterion needs --agree or --disagree")
        if args.outcome is not None:
            raise UserError("give --criterion or --outcome, not both: run judge twice")
        judgement = Judgement(args.criterion, bool(args.agree), args.comment, args.notes)
    elif args.agree or args.disagree:
        raise UserError("--agree and --disagree need --criterion (which criterion?)")
    elif args.notes:
        raise UserError("--notes needs --criterion: it says what a judgement rests on")
    elif args.comment and args.outcome is None:
        raise UserError("--comment needs --criterion or --outcome: it would be lost with --finish")
    elif args.outcome is None and not args.finish:
        raise UserError("nothing to record: give --criterion, --outcome or --finish")
    written = judge(
        args.folder,
        args.verifier,
        role=args.role.upper() if args.role else None,
        judgement=judgement,
        outcome=args.outcome,
        outcome_comment=args.comment if args.outcome else "",
        finish=args.finish,
    )
    for event in written:
        print(f"recorded {event.seq} {event.type}{_detail(event.data)}")
    if written and written[-1].type == "finished":  # to keep: catches a copy cut short later
        print(f"verification hash: {written[-1].hash}")
    return 0


def _detail(data: dict[str, Any]) -> str:
    if "criterion" in data:
        return f" {data['criterion']} {'agree' if data['agree'] else 'disagree'}"
    if "outcome" in data:
        return f" {data['outcome']}"
    if "signature" in data:
        from discussion.signing.model import fingerprint

        key = fingerprint(data["signature"]["public_key"])
        return f" signed by {data['verifier']} with the verifier key {key}"
    return f" {data.get('role', '')} {data.get('verifier', '')}".rstrip()
