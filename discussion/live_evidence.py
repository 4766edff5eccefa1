"""What a recorder event is as evidence: the record's event for it, and where it sits.

`LiveSession` (discussion/live.py) logs each of its recorder's events through this: a run
started (the segment and where it starts on the timeline), a gap in the audio (placed where it
began), an alarm raised or cleared, a pause (with the assessor's reason) or a resume. Level
readings and the rest are not evidence. Textual-free and pure.
"""

from __future__ import annotations

from discussion.audio import (
    Alarm,
    AlarmCleared,
    GapEnded,
    Paused,
    RecorderEvent,
    Resumed,
    Started,
)
from discussion.record import (
    AlarmClearedData,
    AlarmData,
    AudioGapData,
    EventData,
    RecordingPausedData,
    RecordingResumedData,
    RecordingStartedData,
)


def evidence_of(
    event: RecorderEvent, *, segment: str, device: str, pause_reason: str
) -> tuple[EventData, float] | None:
    """The event to log for `event` of the run writing `segment` (relative to the session
    folder), at its offset on the session timeline; None if it is not evidence."""
    offset = getattr(event, "offset", None)
    data: EventData
    if isinstance(event, Started):
        data = RecordingStartedData(segment=segment, start_offset=event.offset, device=device)
    elif isinstance(event, GapEnded):
        data = AudioGapData(cause=event.cause, duration_s=event.duration_s)
        offset = event.offset - event.duration_s  # the gap sits where the audio stopped
    elif isinstance(event, Alarm):
        data = AlarmData(kind=event.kind, message=event.message)
    elif isinstance(event, AlarmCleared):
        data = AlarmClearedData(kind=event.kind)
    elif isinstance(event, Paused):
        data = RecordingPausedData(reason=pause_reason)
    elif isinstance(event, Resumed):
        data = RecordingResumedData()
    else:
        return None
    return data, max(0.0, offset or 0.0)
