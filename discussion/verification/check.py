"""Checking `verification.jsonl` for `discussion verify`: its own chain, that each round names
this record's seal, and each finished round's signature.

`check_verification(folder, seal_hash, session_id, problems)` appends what is wrong to
`problems` (verify's list: any problem means altered, exit 1) and returns a summary for
`verify --json`, or None when the folder holds no verification (that is no problem).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from discussion.safe_files import UnsafeFileError, read_bounded
from discussion.verification.events import VERIFICATION_JSONL, FinishedData, StartedData
from discussion.verification.log import MAX_BYTES, scan_verification
from discussion.verification.sign import check_finish
from discussion.verification.state import derive_rounds


def check_verification(
    folder: Path, seal_hash: str | None, session_id: str | None, problems: list[str]
) -> dict[str, Any] | None:
    """Check the folder's verification (see the module docstring); None if it has none."""
    path = folder / VERIFICATION_JSONL
    if not os.path.lexists(path):
        return None
    name = VERIFICATION_JSONL
    summary: dict[str, Any] = {"ok": False, "rounds": []}
    before = len(problems)
    try:
        content = read_bounded(path, MAX_BYTES, follow_symlinks=False)
    except (OSError, UnsafeFileError) as error:
        reason = error.reason if isinstance(error, UnsafeFileError) else error.strerror
        problems.append(f"{name} {reason}")
        return summary
    if seal_hash is None:
        problems.append(f"{name} is present but the record is not sealed: judged before closing?")
    scan = scan_verification(content)
    if scan.problem is not None:
        problems.append(f"{name} {scan.problem}")
    if not scan.events and scan.problem is None:
        problems.append(f"{name} holds no events")
    rounds, order = derive_rounds(scan.events)
    problems += [f"{name} line {p.line}: {p.text}" for p in order]
    for event in scan.events:
        data = event.payload
        if (
            isinstance(data, StartedData | FinishedData)
            and seal_hash is not None
            and (data.seal_hash, data.session_id) != (seal_hash, session_id)
        ):
            problems.append(
                f"{name} line {event.seq + 1}: names another record's seal or session "
                "(moved from another record?)"
            )
    for current in rounds:
        entry: dict[str, Any] = {
            "verifier": current.verifier,
            "role": current.role,
            "finished": current.finished is not None,
            "outcome": current.outcome.outcome if current.outcome else None,
            "judgements": len(current.judgements),
        }
        finished = current.finished
        if finished is not None and current.finished_seq is not None:
            line = current.finished_seq + 1
            # Kept elsewhere, it catches a later copy cut short (a round dropped from the end).
            entry["finished_hash"] = scan.events[current.finished_seq].hash
            if finished.chain_head != scan.events[current.finished_seq - 1].hash:
                problems.append(f"{name} line {line}: the finished event's chain head is wrong")
            check = check_finish(finished)
            entry.update(check)
            if not check["signature_ok"]:
                # `described` is a whole phrase ("signature claimed by X ... DOES NOT MATCH",
                # or "NO VALID SIGNATURE ..." when there is none to check): not after "signature".
                why = (
                    check["described"]
                    if check["signed_by"] is not None
                    else "signature is missing or malformed (NO VALID SIGNATURE)"
                )
                problems.append(f"{name} line {line}: the verifier's {why}")
            elif check["signed_by"]["name"] != finished.verifier:
                problems.append(f"{name} line {line}: signed by someone else than the verifier")
        summary["rounds"].append(entry)
    summary["ok"] = len(problems) == before
    return summary


def describe_rounds(summary: dict[str, Any]) -> list[str]:
    """One line per round for people (`IQA Kim Verifier: decision confirmed, signed by ...`)."""
    lines = []
    for entry in summary.get("rounds", []):
        head = f"{entry['role']} {entry['verifier']}"
        if not entry["finished"]:
            lines.append(f"{head}: in progress, NOT FINISHED or signed")
            continue
        outcome = {"confirmed": "decision confirmed", "referred": "REFERRED BACK"}.get(
            entry["outcome"] or "", "no overall outcome"
        )
        lines.append(f"{head}: {outcome}; {entry.get('described', 'not signed')}")
    return lines
