"""The live statuses an assessor set during the discussion, for the record exports.

`criterion_status` events (none, partial, sufficient; see `discussion.record.state`) are the
assessor's running view of the evidence, not decisions. The md and html records show them per
criterion as one short line, every change in time order:
`partial at 00:05:12, sufficient at 00:12:40`.
"""

from __future__ import annotations

from discussion.export.report import Report, hhmmss
from discussion.record.events import CriterionStatusData

# Shown after the line, so nobody reads a live status as the decision.
LIVE_STATUS_NOTE = "set during the discussion; not the decision"


def live_statuses(report: Report) -> dict[str, list[tuple[float, str]]]:
    """Each criterion's statuses as (offset, status), in the order they were set."""
    out: dict[str, list[tuple[float, str]]] = {}
    for event in report.events:
        data = event.payload
        if isinstance(data, CriterionStatusData):
            out.setdefault(data.criterion, []).append((event.offset, data.status))
    return out


def live_status_line(changes: list[tuple[float, str]]) -> str:
    """`partial at 00:05:12, sufficient at 00:12:40` (empty when none was set)."""
    return ", ".join(f"{status} at {hhmmss(offset)}" for offset, status in changes)
