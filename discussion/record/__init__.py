"""The session record: the append-only, hash-chained evidence of one discussion.

See docs/record-format.md for the folder layout, event types and guarantees.

Names are loaded on first use (module `__getattr__`): importing `discussion.record.info`, or
this package for one name, must not build every event model (the app's first frame waits for
its imports).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from discussion.record.errors import (
        RecordCorruptError,
        RecordError,
        RecordWriteError,
        SessionClosedError,
        SessionLockedError,
        TornTailError,
    )
    from discussion.record.events import (
        DATA_MODELS,
        EVENT_TYPES,
        AlarmClearedData,
        AlarmData,
        AudioGapData,
        ClosedData,
        ComponentResultData,
        ConsentRecordedData,
        CreatedData,
        CriterionDecidedData,
        DetailsCorrectedData,
        Event,
        EventData,
        NoteAmendedData,
        NoteData,
        QuestionAskedData,
        RecordingPausedData,
        RecordingResumedData,
        RecordingStartedData,
        RecordingStoppedData,
        RecoveredData,
        SetupConfirmedData,
        TallyData,
        TimeWarningData,
        canonical_json,
        chain_hash,
    )
    from discussion.record.info import AudioSettings, SessionInfo
    from discussion.record.listing import SessionSummary, list_sessions
    from discussion.record.recover import RecoveryReport, SessionRecovery, recover, resume
    from discussion.record.session import (
        SessionRecord,
        is_owned_by_running_process,
        load_state,
    )
    from discussion.record.state import SessionState, Tally, derive_state
    from discussion.record.verify import VerifyReport, verify

_EXPORTS = {
    "RecordCorruptError": "discussion.record.errors",
    "RecordError": "discussion.record.errors",
    "RecordWriteError": "discussion.record.errors",
    "SessionClosedError": "discussion.record.errors",
    "SessionLockedError": "discussion.record.errors",
    "TornTailError": "discussion.record.errors",
    "AlarmClearedData": "discussion.record.events",
    "AlarmData": "discussion.record.events",
    "AudioGapData": "discussion.record.events",
    "ClosedData": "discussion.record.events",
    "ComponentResultData": "discussion.record.events",
    "ConsentRecordedData": "discussion.record.events",
    "CreatedData": "discussion.record.events",
    "CriterionDecidedData": "discussion.record.events",
    "DATA_MODELS": "discussion.record.events",
    "DetailsCorrectedData": "discussion.record.events",
    "EVENT_TYPES": "discussion.record.events",
    "Event": "discussion.record.events",
    "EventData": "discussion.record.events",
    "NoteAmendedData": "discussion.record.events",
    "NoteData": "discussion.record.events",
    "QuestionAskedData": "discussion.record.events",
    "RecordingPausedData": "discussion.record.events",
    "RecordingResumedData": "discussion.record.events",
    "RecordingStartedData": "discussion.record.events",
    "RecordingStoppedData": "discussion.record.events",
    "RecoveredData": "discussion.record.events",
    "SetupConfirmedData": "discussion.record.events",
    "TallyData": "discussion.record.events",
    "TimeWarningData": "discussion.record.events",
    "canonical_json": "discussion.record.events",
    "chain_hash": "discussion.record.events",
    "AudioSettings": "discussion.record.info",
    "SessionInfo": "discussion.record.info",
    "SessionSummary": "discussion.record.listing",
    "list_sessions": "discussion.record.listing",
    "RecoveryReport": "discussion.record.recover",
    "SessionRecovery": "discussion.record.recover",
    "recover": "discussion.record.recover",
    "resume": "discussion.record.recover",
    "SessionRecord": "discussion.record.session",
    "is_owned_by_running_process": "discussion.record.session",
    "load_state": "discussion.record.session",
    "SessionState": "discussion.record.state",
    "Tally": "discussion.record.state",
    "derive_state": "discussion.record.state",
    "VerifyReport": "discussion.record.verify",
    "verify": "discussion.record.verify",
}


def __getattr__(name: str) -> Any:
    """Import the submodule that defines `name` the first time it is asked for."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


class _Package(types.ModuleType):
    """Keeps `recover` and `verify` the functions once their submodules are imported."""

    def __setattr__(self, name: str, value: object) -> None:
        # The import system binds a submodule on its package (`discussion.record.verify`), which
        # would hide the function of the same name; the eager imports rebound it, so do we.
        if isinstance(value, types.ModuleType) and _EXPORTS.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "DATA_MODELS",
    "EVENT_TYPES",
    "AlarmClearedData",
    "AlarmData",
    "AudioGapData",
    "AudioSettings",
    "ClosedData",
    "ComponentResultData",
    "ConsentRecordedData",
    "CreatedData",
    "CriterionDecidedData",
    "DetailsCorrectedData",
    "Event",
    "EventData",
    "NoteAmendedData",
    "NoteData",
    "QuestionAskedData",
    "RecordCorruptError",
    "RecordError",
    "RecordWriteError",
    "RecordingPausedData",
    "RecordingResumedData",
    "RecordingStartedData",
    "RecordingStoppedData",
    "RecoveredData",
    "RecoveryReport",
    "SessionClosedError",
    "SessionInfo",
    "SessionLockedError",
    "SessionRecord",
    "SessionRecovery",
    "SessionState",
    "SessionSummary",
    "SetupConfirmedData",
    "Tally",
    "TallyData",
    "TimeWarningData",
    "TornTailError",
    "VerifyReport",
    "canonical_json",
    "chain_hash",
    "derive_state",
    "is_owned_by_running_process",
    "list_sessions",
    "load_state",
    "recover",
    "resume",
    "verify",
]
