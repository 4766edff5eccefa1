"""`discussion hub init|push|list|sample|pull|push-judgement|status`: the organisation hub.

The work is `discussion.hub` (docs/hub.md). Exit 0 when done; 1 when checked and failed (a
pull that found differences, a hand-in queued because the hub is unreachable, a conflict on
the hub); 2 for bad input (an unsealed record, a missing setting).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from discussion.cli.sessions_cmd import STATE_CHOICES, build_filter, format_lines, json_lines


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--assessor", metavar="NAME", help="only this assessor's sessions")
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="on or after YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="on or before YYYY-MM-DD")
    parser.add_argument("--json", action="store_true", help="print JSON instead of lines")


def add_parser(subparsers: Any) -> None:
    """Register `hub` and its sub-commands."""
    parser = subparsers.add_parser(
        "hub",
        help="hand records in to the organisation's hub (S3 + PostgreSQL), list, sample, pull",
        description="The organisation hub: sealed records handed in to S3-compatible storage, "
        "indexed in PostgreSQL (docs/hub.md). Configure with DISCUSSION_HUB_S3_ENDPOINT, "
        "DISCUSSION_HUB_BUCKET, DISCUSSION_HUB_DSN and the usual AWS_* credentials.",
    )
    sub = parser.add_subparsers(dest="hub_command", metavar="HUB_COMMAND", required=True)
    init = sub.add_parser("init", help="create the bucket and the index schema (idempotent)")
    init.set_defaults(func=run_init)
    push = sub.add_parser("push", help="hand in a sealed record (queued if the hub is away)")
    push.add_argument("folder", type=Path, nargs="?", help="the session folder (none: the queue)")
    push.add_argument("--all", action="store_true", help="retry every queued hand-in now")
    push.set_defaults(func=run_push)
    listing = sub.add_parser("list", help="the sessions handed in, as `discussion sessions`")
    _filters(listing)
    listing.add_argument("--state", choices=STATE_CHOICES, help="only sessions in this state")
    listing.set_defaults(func=run_list)
    sample = sub.add_parser("sample", help="an IQA sample from the hub, as `discussion sample`")
    sample.add_argument("--percent", required=True, metavar="P", help="more than 0, up to 100")
    sample.add_argument("--per", choices=("assessor",), help="P%% of each assessor's sessions")
    sample.add_argument("--seed", type=int, metavar="N", help="the draw's seed")
    _filters(sample)
    sample.set_defaults(func=run_sample)
    pull = sub.add_parser("pull", help="download a record and check it against the hub")
    pull.add_argument("session_id", metavar="SESSION_ID")
    pull.add_argument("dest", type=Path, metavar="DEST", help="a new folder to pull into")
    pull.set_defaults(func=run_pull)
    judged = sub.add_parser("push-judgement", help="hand in a signed verification.jsonl")
    judged.add_argument("folder", type=Path)
    judged.set_defaults(func=run_push_judgement)
    status = sub.add_parser("status", help="what is configured, reachable and queued")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(func=run_status)


def _config() -> Any:
    from discussion.hub.config import load_config

    return load_config().require()


def run_init(_args: argparse.Namespace) -> int:
    """Create the bucket and the schema."""
    from discussion.hub.index import open_index
    from discussion.hub.store import Store

    config = _config()
    result = Store(config).init_bucket(config.retention_days, config.retention_mode)
    with open_index(config) as index:
        applied = index.init()
    made = "created" if result["created"] else "already there"
    print(f"Bucket {result['bucket']}: {made}; versioning on; object lock {result['object_lock']}.")
    done = f"migrations {', '.join(map(str, applied))} applied" if applied else "up to date"
    print(f"Index: {done}.")
    return 0


def run_push(args: argparse.Namespace) -> int:
    """Hand in a record, or retry the queue."""
    from discussion.hub import queue
    from discussion.hub.errors import HubUnreachable
    from discussion.hub.push import push_record

    config = _config()
    if args.folder is None:
        outcome = queue.retry(config, everything=args.all)
        for session_id in outcome.handed_in:
            print(f"Handed in {session_id}.")
        for item, message in outcome.refused:
            print(f"Refused {item.session_id}: {message}")
        for item in outcome.still_queued:
            print(f"Still queued {item.session_id}: {item.last_error}")
        if not (outcome.handed_in or outcome.refused or outcome.still_queued):
            print("Nothing is queued.")
        return 1 if outcome.refused or outcome.still_queued else 0
    folder = args.folder.resolve()
    try:
        result = push_record(folder, config)
    except HubUnreachable as error:
        from discussion.hub.push import _sealed_report

        session_id = _sealed_report(folder)[1]
        item = queue.enqueue("record", session_id, folder, error.message)
        print(
            f"Queued {session_id}: {error.message}. It goes up with `discussion hub push` once "
            f"the hub is back (attempt {item.attempts})."
        )
        return 1
    if result.new:
        print(
            f"Handed in {result.session_id}: {result.objects} files, {result.bytes_total} bytes "
            f"({result.bytes_sent} sent now); the store's checksums match ours."
        )
    else:
        print(f"{result.session_id} is already on the hub, unchanged: nothing to do.")
    return 0


def _entries(args: argparse.Namespace) -> list[Any]:
    from discussion.hub.index import open_index

    with open_index(_config()) as index:
        index.check_schema()
        return build_filter(args).apply(index.sessions())


def run_list(args: argparse.Namespace) -> int:
    """List the handed-in sessions."""
    entries = _entries(args)
    if args.json:
        print(json_lines(entries))
        return 0
    if not entries:
        print("No sessions on the hub match.")
        return 0
    for line in format_lines(entries):
        print(line)
    return 0


def run_sample(args: argparse.Namespace) -> int:
    """Draw an IQA sample from the hub's index."""
    import secrets

    from discussion.hub.index import open_index
    from discussion.sampling import parse_percent

    percent = parse_percent(args.percent)
    seed = args.seed if args.seed is not None else secrets.randbelow(1_000_000)
    args.state = None
    with open_index(_config()) as index:
        index.check_schema()
        # The same draw as the local `sample` over the same sessions, without fetching every row.
        sample = index.sample(
            percent, seed, per_assessor=args.per == "assessor", wanted=build_filter(args)
        )
    if args.json:
        print(json.dumps(sample.as_json(), ensure_ascii=False, indent=2))
        return 0
    print(
        f"Sample: {len(sample.sessions)} of {sample.eligible} closed assessments on the hub "
        f"({float(percent):g}%, rounded up), seed {seed}; run again with --seed {seed} for the "
        "same sample."
    )
    for line in format_lines(sample.sessions) if sample.sessions else []:
        print(line)
    return 0


def run_pull(args: argparse.Namespace) -> int:
    """Pull and check a record."""
    from discussion.hub.pull import pull

    report = pull(args.session_id, args.dest, _config())
    if not report.ok:
        print(f"{args.session_id}: ALTERED on the hub ({len(report.differences)} differences):")
        for line in report.differences:
            print(f"  {line}")
        return 1
    print(f"{args.session_id}: intact; {report.files} files in {args.dest}.")
    for name in report.trusted:
        print(f"  signed by {name}")
    return 0


def run_push_judgement(args: argparse.Namespace) -> int:
    """Hand in a verifier's judgement."""
    from discussion.hub.push import push_judgement

    result = push_judgement(args.folder.resolve(), _config())
    said = "handed in" if result.new else "already on the hub, unchanged"
    print(f"Judgement of {result.session_id} by {result.verifier} ({result.outcome}): {said}.")
    return 0


def run_status(args: argparse.Namespace) -> int:
    """Say what is configured, reachable and queued."""
    from discussion.hub.status import hub_status

    status = hub_status()
    if args.json:
        print(json.dumps(status.as_json(), indent=2))
    else:
        for line in status.lines():
            print(line)
    return 0
