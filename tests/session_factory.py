"""The one factory for `SessionInfo` in tests: a valid assessment with fictional details.

Override any field by keyword; tests that need the bundled standard's and bank's real hashes
pass them (see `ui_live_helpers.session_info`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from discussion.record import SessionInfo

FICTIONAL_ULN = "9276308686"  # a valid check digit, not a real learner


def make_session_info(**changes: Any) -> SessionInfo:
    """A valid SessionInfo with made-up (non-personal) values, `changes` applied."""
    fields: dict[str, Any] = {
        "apprentice_name": "Alex Example",
        "uln": FICTIONAL_ULN,
        "assessor": "Sam Assessor",
        "mode": "virtual",
        "attempt": 1,
        "epa_window_start": date.today(),
        "standard_version": "1.0",
        "standard_hash": "a" * 64,
        "bank_version": "1",
        "bank_hash": "b" * 64,
    }
    fields.update(changes)
    return SessionInfo(**fields)
