"""The session record: the append-only, hash-chained evidence of one discussion.

See docs/record-format.md for the folder layout, event types and guarantees.
"""

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
