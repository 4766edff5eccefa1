"""The arrangements recorded at set-up (the employer's agreement to the mode, the reasonable
adjustments), read back from a session's log for the screens and the exports."""

from __future__ import annotations

from collections.abc import Iterable

from discussion.record.events import Event, SetupConfirmedData

NOT_RECORDED = "not recorded at set-up"


def setup_event(events: Iterable[Event]) -> Event | None:
    """The session's last `setup_confirmed` event (a set-up corrected before consent is
    logged again), or None: sessions from `discussion record` have none."""
    found = None
    for event in events:
        if isinstance(event.payload, SetupConfirmedData):
            found = event
    return found


def adjustments_in_place(events: Iterable[Event]) -> list[str]:
    """The reasonable adjustments recorded at set-up, as the record words them."""
    event = setup_event(events)
    if event is None:
        return []
    assert isinstance(event.payload, SetupConfirmedData)
    return list(event.payload.adjustments)


def arrangement_facts(events: Iterable[Event]) -> list[tuple[str, str]]:
    """("Mode agreed", …) and ("Adjustments", …) for a record's facts.

    A record set up before these were asked says so rather than "none": an empty list there
    does not mean no adjustment was made.
    """
    event = setup_event(events)
    if event is None:
        return [("Mode agreed", NOT_RECORDED), ("Adjustments", NOT_RECORDED)]
    data = event.payload
    assert isinstance(data, SetupConfirmedData)
    agreed = f"with the employer, by {data.mode_agreed_by}" if data.mode_agreed_by else NOT_RECORDED
    if "adjustments" not in event.data:
        adjustments = NOT_RECORDED
    else:
        adjustments = "; ".join(data.adjustments) or "none"
    return [("Mode agreed", agreed), ("Adjustments", adjustments)]
