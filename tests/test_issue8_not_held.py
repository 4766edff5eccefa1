"""Issue 8: a discussion whose consent was declined did not go ahead; it is not a failed attempt.

The fold derives it (`SessionState.not_held`), grading leaves it out (no FAIL, no attempt used),
the listing and every export say so and why; records made before `consent_declined` existed
(a `closed` event with reason "consent declined") load, verify and read the same way.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ui_live_helpers import notes_only_session, session_info

from discussion.export import build_report, render
from discussion.live import LiveSession
from discussion.outcome import grade_session, grading_input, undecided
from discussion.record import derive_state, list_sessions, verify
from discussion.record.events import ConsentDeclinedData
from discussion.record.state import apply_event, empty_state
from discussion.standard import load_standard

STANDARD = load_standard()
NOTICE = "Before we start: ... Do you agree to notes being taken?"


def declined(home: Path, *, event: bool = True) -> LiveSession:
    """A notes-only session the apprentice declined: the consent screen's event, then close."""
    live = notes_only_session(home)
    if event:
        live.append(ConsentDeclinedData(recording=False, statement=NOTICE), offset=12.5)
    live.close("consent declined")
    return live


def test_the_fold_says_it_did_not_go_ahead_and_why(tmp_path: Path) -> None:
    live = declined(tmp_path)
    state = live.state()
    assert state.status == "closed"
    assert state.declined is not None
    assert (state.declined.offset, state.declined.recording) == (12.5, False)
    assert state.declined.statement == NOTICE
    assert state.not_held == "The apprentice did not agree to notes being taken (consent declined)."
    events = live.record.events
    folded = empty_state(live.record.info, owned=False)
    for event in events:
        apply_event(folded, event)
    assert folded.not_held == derive_state(live.record.info, events, owned=False).not_held
    assert verify(live.folder).ok


def test_an_audio_session_declined_names_the_recording(tmp_path: Path) -> None:
    live = LiveSession.create(session_info(), tmp_path)  # has audio; never started here
    live.append(ConsentDeclinedData(recording=True, statement="notice"))
    live.close("consent declined")
    assert live.state().not_held is not None
    assert "the discussion being recorded" in live.state().not_held  # type: ignore[operator]


def test_an_older_record_without_the_event_reads_the_same(tmp_path: Path) -> None:
    live = declined(tmp_path, event=False)  # how the app recorded a decline before
    state = derive_state(live.record.info, live.record.events, owned=False)
    assert state.declined is None
    assert state.not_held == "The apprentice did not agree to notes being taken (consent declined)."
    assert verify(live.folder).ok
    md = render(build_report(live.folder, STANDARD), "md")
    assert "**Outcome:** DID NOT GO AHEAD" in md
    assert "**Consent:** not given (session closed: consent declined)" in md
    assert "Overall grade: FAIL" not in md


def test_only_a_decline_with_nothing_held_makes_it_not_held(tmp_path: Path) -> None:
    plain = notes_only_session(tmp_path / "a")
    plain.close("done")  # no decline: graded as before
    assert plain.state().not_held is None
    busy = notes_only_session(tmp_path / "b")
    busy.note("described her role", ["1A"], 1.0)
    busy.append(ConsentDeclinedData(recording=False))
    busy.close("consent declined")
    assert busy.state().not_held is None, "a note was written: something took place"
    still_open = notes_only_session(tmp_path / "c")
    still_open.append(ConsentDeclinedData(recording=False))
    assert still_open.state().not_held is None, "not closed yet"
    still_open.release()


def test_grading_does_not_count_it_as_an_attempt(tmp_path: Path) -> None:
    live = declined(tmp_path)
    state = live.state()
    assert [a.component for a in grading_input(state).attempts] == []
    result = grade_session(state, standard=STANDARD)
    discussion = result.components["discussion"]
    assert discussion.status == "not attempted"
    assert discussion.attempts_left == STANDARD.rules.max_attempts  # unchanged
    assert result.grade != "fail"
    text = " ".join(result.reasons)
    assert "did not go ahead" in text and "no attempt is used" in text
    assert "failed" not in text and "attempt(s) left" not in text
    assert undecided(state, STANDARD) == []


def test_the_same_session_without_the_decline_would_fail(tmp_path: Path) -> None:
    """What the fix changes: closing with nothing decided and no decline is still a FAIL."""
    live = notes_only_session(tmp_path)
    live.close("done")
    assert grade_session(live.state(), standard=STANDARD).grade == "fail"


def test_the_listing_marks_it(tmp_path: Path) -> None:
    live = declined(tmp_path / "one")
    old = declined(tmp_path / "two", event=False)
    held = notes_only_session(tmp_path / "three")
    held.note("described her role", ["1A"], 1.0)
    held.append(ConsentDeclinedData(recording=False))
    held.close("consent declined")
    summaries = {
        s.folder: s for root in ("one", "two", "three") for s in list_sessions(tmp_path / root)
    }
    assert summaries[live.folder].status == "closed"
    assert summaries[live.folder].not_held == live.state().not_held
    assert summaries[old.folder].not_held is not None
    assert summaries[held.folder].not_held is None


def test_every_export_says_it_did_not_go_ahead(tmp_path: Path) -> None:
    live = declined(tmp_path)
    report = build_report(live.folder, STANDARD)
    md = render(report, "md")
    assert "CLOSED and sealed: the discussion DID NOT GO AHEAD" in md
    assert "**Outcome:** DID NOT GO AHEAD. The apprentice did not agree to notes" in md
    assert "**Consent:** DECLINED at 00:00:12 on the recording" in md
    assert "Consent:** not recorded" not in md
    assert "Overall grade: FAIL" not in md and "attempt(s) left" not in md
    assert "no criterion was assessed" in md and "UNDECIDED" not in md
    assert "never decided" not in md
    html = render(report, "html")
    assert '<p class="status notheld">' in html and "DID NOT GO AHEAD" in html
    assert "Overall grade: FAIL" not in html and "UNDECIDED" not in html
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert [r["row_type"] for r in rows] == ["did_not_go_ahead"]
    assert rows[0]["text"] == live.state().not_held
    assert rows[0]["time_on_recording_hhmmss"] == "00:00:12"


async def test_the_grade_screen_says_it_did_not_go_ahead(tmp_path: Path) -> None:
    from test_ui_grade import Host, bar

    from discussion.ui.screens.grade import GradeScreen
    from discussion.ui.widgets.grade_summary import GradeSummary

    live = declined(tmp_path)
    screen = GradeScreen.for_closed(live.folder, STANDARD)
    async with Host(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        summary = screen.query_one(GradeSummary).plain_text
        assert "DID NOT GO AHEAD: The apprentice did not agree to notes being taken" in summary
        assert "Not counted as an attempt" in summary
        assert "FAIL" not in summary and "attempt(s) left" not in summary
        assert "0 of" not in summary, "no met/not met counts for criteria never assessed"
        shown = bar(screen)
        assert "INCOMPLETE" in shown and "the discussion did not go ahead" in shown
        assert "undecided" not in shown
