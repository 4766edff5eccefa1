"""Forging records the way someone without the key would: edit, then recompute every hash by
the rule published in docs/record-format.md (sha256(prev + canonical_json(event without hash)))."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli_inprocess import run_in_process

from discussion.record.events import canonical_json, chain_hash

REPO = Path(__file__).resolve().parent.parent
DISCUSSION = REPO / ".venv" / "bin" / "discussion"

Events = list[dict[str, Any]]


def read_events(folder: Path) -> Events:
    """The log's lines as dicts."""
    lines = (folder / "events.jsonl").read_bytes().splitlines()
    return [json.loads(line) for line in lines]


def rewrite(folder: Path, edit: Callable[[Events], None], *, fix_chain_head: bool = True) -> None:
    """Apply `edit` to the events, then recompute the whole chain (and the closed chain head)."""
    events = read_events(folder)
    edit(events)
    prev = "0" * 64
    out = []
    for event in events:
        event["prev"] = prev
        if fix_chain_head and event["type"] == "closed":
            event["data"]["chain_head"] = prev
        body = {k: v for k, v in event.items() if k != "hash"}
        event["hash"] = chain_hash(prev, body)
        prev = event["hash"]
        out.append(canonical_json(event) + "\n")
    (folder / "events.jsonl").write_text("".join(out), encoding="utf-8")


def set_session_json(folder: Path, **changes: Any) -> None:
    """Change session.json and the created event's copy of its hash (and schema_version)."""
    path = folder / "session.json"
    info = json.loads(path.read_bytes())
    info.update(changes)
    content = json.dumps(info, indent=2).encode("utf-8")
    path.write_bytes(content)

    def fix(events: Events) -> None:
        digest = hashlib.sha256(content).hexdigest()
        events[0]["data"]["session_json_sha256"] = digest
        if events[-1]["type"] == "closed":
            events[-1]["data"]["files"]["session.json"] = digest
        if "schema_version" in changes:
            events[0]["data"]["schema_version"] = changes["schema_version"]

    rewrite(folder, fix)


def verify_cli(
    folder: Path, *extra: str, home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`discussion verify FOLDER [extra]` through the real dispatcher, in this process."""
    return run_in_process(["verify", str(folder), *extra], env=_env(home))


def verify_cli_process(
    folder: Path, *extra: str, home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`.venv/bin/discussion verify FOLDER [extra]` as a user runs it (the console script)."""
    return _console(["verify", str(folder), *extra], home)


def verify_json(folder: Path, home: Path | None = None) -> tuple[int, dict[str, Any]]:
    """Exit status and the parsed `verify --json` report."""
    result = verify_cli(folder, "--json", home=home)
    return result.returncode, json.loads(result.stdout)


def keys_cli(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`discussion keys ARGS...` through the real dispatcher, in this process."""
    return run_in_process(["keys", *args], env=_env(home))


def keys_cli_process(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`.venv/bin/discussion keys ARGS...` as a user runs it (the console script)."""
    return _console(["keys", *args], home)


def _env(home: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if home is not None:
        env["DISCUSSION_HOME"] = str(home)
    return env


def _console(args: list[str], home: Path | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DISCUSSION), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=_env(home),
    )
