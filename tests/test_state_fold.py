"""The incremental fold: applying events one by one gives what `derive_state` gives."""

from __future__ import annotations

from pathlib import Path

from ui_live_helpers import notes_only_session

from discussion.record import derive_state
from discussion.record.state import apply_event, empty_state


def test_folding_event_by_event_matches_derive_state(tmp_path: Path) -> None:
    live = notes_only_session(tmp_path)
    a = live.note("named the warehouse team", ["1A"], 1.0)
    b = live.note("complaint handled", ["1A", "3C"], 2.0)
    live.note("", [], 3.0)
    live.amend(a.seq, "named the warehouse and finance teams", ["1B"])  # tags move
    live.decide("1A", True, "clear example", [b.seq])
    live.decide("1A", False, "on reflection, thin", [b.seq])  # supersedes
    live.ask("Q1", ["1A"])
    live.time_warning(45)
    events = live.record.events
    state = empty_state(live.record.info, owned=True)
    for count, event in enumerate(events, start=1):
        apply_event(state, event)
        assert state == derive_state(live.record.info, events[:count], owned=True)
    assert state.criteria["1A"].note_seqs == [b.seq]
    assert state.criteria["1B"].note_seqs == [a.seq]
    assert state.note(a.seq) is not None and state.note(a.seq).amended_by  # type: ignore[union-attr]
    live.close("done")
    assert live.state() == derive_state(live.record.info, live.record.events, owned=True)
    assert live.state().status == "closed"


def test_the_live_state_is_one_object_kept_up_to_date(tmp_path: Path) -> None:
    live = notes_only_session(tmp_path)
    state = live.state()
    note = live.note("first", ["1A"], 1.0)
    assert live.state() is state
    assert [n.seq for n in state.notes] == [note.seq]
    assert state == live.record.state()
    live.release()
