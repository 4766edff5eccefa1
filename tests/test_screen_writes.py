"""The consent, decisions, grade and correct-details screens save on the record writer's thread
(issue 14, the threading rule: no fsync on the UI thread).

On each screen: the UI thread never syncs; while the disk is slow the entry is shown as being
saved and the screen keeps answering keys; a write the record refuses is said with the fix,
kept and saved once the disk takes it; one given up comes back to be entered again.
"""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sync_spy import Sync, patch_syncs, spy_sync_threads
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static, TabbedContent
from ui_helpers import catalog
from ui_live_helpers import HostApp, notes_only_session

from discussion.live import LiveSession
from discussion.record import RecordWriteError, load_state
from discussion.record.events import CriterionDecidedData
from discussion.record.log import scan_log
from discussion.ui.screens.consent import ConsentScreen
from discussion.ui.screens.correct_details import CorrectDetailsScreen
from discussion.ui.screens.decisions import DecisionsScreen
from discussion.ui.screens.grade import GradeScreen
from discussion.ui.screens.record_saves import RecordSaves
from discussion.ui.widgets.component_result_form import ComponentResultForm

STANDARD = catalog().standard
DECISION = CriterionDecidedData(criterion="1A", met=True, rationale="why", note_seqs=[])
OBS_PASS = [c.id for c in STANDARD.component("observation").pass_criteria({"face-to-face"})]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveSession]:
    session = notes_only_session(tmp_path)
    yield session
    if not session.record.log.is_closed:
        session.release()


class HeldDisk:
    """Every sync waits until `release()` (5 s at most: a UI thread waiting here would stop
    the test's event loop too, and `timed_out` then says so)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.released = threading.Event()
        self.timed_out = False

        def wrap(real: Sync) -> Sync:
            def held(fd: int) -> None:
                if not self.released.wait(5):
                    self.timed_out = True
                real(fd)

            return held

        patch_syncs(monkeypatch, wrap)

    def release(self) -> None:
        self.released.set()


class FullDisk:
    """The log's writes fail with ENOSPC while `full` is set."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, live: LiveSession) -> None:
        self.full = threading.Event()
        self.full.set()
        log_fd = live.record.log._fd
        real_write = os.write

        def write(fd: int, data: bytes) -> int:
            if fd == log_fd and self.full.is_set():
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_write(fd, data)

        monkeypatch.setattr(os, "write", write)

    def free(self) -> None:
        self.full.clear()


async def _until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        await pilot.pause(0.02)


def _text(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def _status(screen: Screen[Any]) -> str:
    """What the grade screen's observation form says of its entry."""
    return _text(screen, "#observation-status")


def _notices(app: App[Any]) -> str:
    return "\n".join(n.message for n in app._notifications)


def _decided(live: LiveSession) -> dict[str, bool]:
    state = load_state(live.folder)
    return {
        cid: evidence.decision.met
        for cid, evidence in state.criteria.items()
        if evidence.decision is not None
    }


def _decide_all_but_one(live: LiveSession) -> None:
    """Every discussion criterion decided (met) except the last."""
    for criterion in STANDARD.component("discussion").criteria[:-1]:
        live.decide(criterion.id, True, f"why {criterion.id}", [])


# ---------------------------------------------------------------------- the UI thread never syncs
async def test_the_consent_screen_never_syncs_on_the_ui_thread(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = HostApp(ConsentScreen(live, STANDARD))
    ui_thread = threading.current_thread().name
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        syncing = spy_sync_threads(monkeypatch)
        await pilot.press("a")
        await _until(pilot, lambda: app.result is True)
    assert load_state(live.folder).consent is not None
    assert syncing and ui_thread not in syncing, syncing


async def test_the_decisions_screen_never_syncs_on_the_ui_thread(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = HostApp(DecisionsScreen(live, STANDARD))
    ui_thread = threading.current_thread().name
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        syncing = spy_sync_threads(monkeypatch)
        await pilot.press(*"heard it", "f2", *"not heard", "f3")
        await _until(pilot, lambda: len(_decided(live)) == 2)
    assert syncing and ui_thread not in syncing, syncing


async def test_the_grade_screen_never_syncs_on_the_ui_thread(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    screen = GradeScreen(live, STANDARD)
    file = tmp_path / "results.json"
    file.write_text(
        '{"attempts": [{"component": "showcase", "attempt": 1, "achieved": []}]}',
        encoding="utf-8",
    )
    ui_thread = threading.current_thread().name
    async with HostApp(screen).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        syncing = spy_sync_threads(monkeypatch)
        await pilot.press("o", "f", "a", "ctrl+r")  # the form's entry
        await pilot.press("i")
        screen.query_one("#import-path", Input).value = str(file)
        await pilot.press("enter")  # and a file's
        await _until(pilot, lambda: len(load_state(live.folder).component_results) == 2)
        await _until(pilot, lambda: "Imported and saved 1" in _text(screen, "#import-status"))
    assert syncing and ui_thread not in syncing, syncing


async def test_the_correct_details_screen_never_syncs_on_the_ui_thread(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = HostApp(CorrectDetailsScreen(live))
    ui_thread = threading.current_thread().name
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#correct-value", Input).value = "Alex Exampleton"
        app.screen.query_one("#correct-reason", Input).value = "surname cut short"
        syncing = spy_sync_threads(monkeypatch)
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: app.result is True)
    assert load_state(live.folder).info.apprentice_name == "Alex Exampleton"
    assert syncing and ui_thread not in syncing, syncing


# ---------------------------------------------------------------------- a slow disk
@pytest.mark.ui_flow  # a longer Pilot flow: the screen's never-syncs test stays in test-fast
async def test_a_slow_disk_leaves_the_decisions_screen_answering_keys(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = DecisionsScreen(live, STANDARD)
    first, second = (c.id for c in STANDARD.component("discussion").criteria[:2])
    async with HostApp(screen).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        disk = HeldDisk(monkeypatch)
        await pilot.press(*"heard it", "f2")
        await pilot.pause()
        # The sync is held: the decision shows as saving, and the screen moved on.
        assert "saving 1 decision" in _text(screen, "#progress")
        assert screen.selected == second
        assert all(e.decision is None for e in live.state().criteria.values())  # not synced
        await pilot.press(*"typed while the disk is slow")
        rationale = screen.query_one("#rationale", Input)
        assert rationale.value == "typed while the disk is slow"
        disk.release()
        await _until(pilot, lambda: not screen.deciding)
        assert f"{first}: met (saved)" in _notices(screen.app)
        assert rationale.value == "typed while the disk is slow"  # not overwritten
        assert "saving" not in _text(screen, "#progress")
    assert not disk.timed_out, "a sync waited on the UI thread"
    assert _decided(live) == {first: True}


@pytest.mark.ui_flow  # a longer Pilot flow: the screen's never-syncs test stays in test-fast
async def test_consent_is_shown_saving_until_its_sync_completed(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = HostApp(ConsentScreen(live, STANDARD))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        disk = HeldDisk(monkeypatch)
        await pilot.press("a")
        await pilot.pause()
        assert "Saving the consent" in _text(app.screen, "#consent-lead")
        assert app.result == "not dismissed"
        await pilot.press("escape")  # the answer can no longer be undone
        await pilot.pause()
        assert "can no longer be undone" in _notices(app)
        disk.release()
        await _until(pilot, lambda: app.result is True)
    assert not disk.timed_out, "a sync waited on the UI thread"


@pytest.mark.ui_flow  # a longer Pilot flow: the screen's never-syncs test stays in test-fast
async def test_a_slow_disk_leaves_the_grade_screen_answering_keys(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = GradeScreen(live, STANDARD)
    async with HostApp(screen).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        disk = HeldDisk(monkeypatch)
        await pilot.press("o", "f", "a", "ctrl+r")
        await pilot.pause()
        assert "saving 1…" in str(screen.query_one("#grade-bar", Static).render())
        assert "Saving Practical Observation" in screen.notice_text
        await pilot.press("s", "a")  # another tab, another entry, while the sync is held
        await pilot.pause()
        assert screen.query_one(TabbedContent).active == "showcase"
        await pilot.press("escape")  # not back to the decisions while a result is unsaved
        await pilot.pause()
        assert "Wait before going back" in screen.notice_text
        disk.release()
        await _until(pilot, lambda: "Saved to the record" in screen.notice_text)
    assert not disk.timed_out, "a sync waited on the UI thread"
    assert [r.component for r in load_state(live.folder).component_results] == ["observation"]


@pytest.mark.parametrize("disk", ["held", pytest.param("fast", marks=pytest.mark.ui_flow)])
async def test_the_next_attempt_after_ctrl_r_is_blank_however_slow_the_disk(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch, disk: str
) -> None:
    """An entry handed to the record writer counts as given: "2" straight after ctrl+r shows a
    blank attempt 2 whether or not the sync has completed (it carried attempt 1's ticks over
    as an unsaved draft for attempt 2 while the sync was slow)."""
    screen = GradeScreen(live, STANDARD)
    async with HostApp(screen).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        held = HeldDisk(monkeypatch) if disk == "held" else None
        form = screen.query_one("#form-observation", ComponentResultForm)
        await pilot.press("o", "f", "a", "ctrl+r")
        if held is None:
            await _until(pilot, lambda: "Saved to the record" in screen.notice_text)
            assert "Saved: attempt 1" in _status(screen)
        else:
            await pilot.pause()
            # The sync is held: the entry is being saved, not unsaved.
            assert "saving 1…" in _text(screen, "#grade-bar")
            assert "unsaved" not in _text(screen, "#grade-bar")
            status = _status(screen)
            assert "NOT SAVED" not in status and "Saving: attempt 1" in status
            assert form.draft() is None and screen.result is not None
            assert screen.result.components["observation"].pass_met  # in the preview
        await pilot.press("2")
        await pilot.pause()
        assert (form.attempt, form.modes(), form.achieved(), form.draft()) == (2, [], [], None)
        if held is not None:
            held.release()
            await _until(pilot, lambda: "Saved to the record" in screen.notice_text)
        # The same screen, however slow the disk was: a blank attempt 2, nothing unsaved.
        assert (form.attempt, form.modes(), form.achieved(), form.draft()) == (2, [], [], None)
        assert "First tick the modes observed" in _status(screen)
        bar = _text(screen, "#grade-bar")
        assert "unsaved" not in bar and "saving" not in bar
        await pilot.press("1")  # attempt 1 shows what was saved
        await pilot.pause()
        assert (form.attempt, form.achieved(), form.draft()) == (1, OBS_PASS, None)
        assert "Saved: attempt 1" in _status(screen)
    assert held is None or not held.timed_out, "a sync waited on the UI thread"
    saved = load_state(live.folder).component_results
    assert [(r.component, r.attempt, r.achieved, r.modes) for r in saved] == [
        ("observation", 1, OBS_PASS, ["face-to-face"])
    ]


@pytest.mark.ui_flow  # a longer Pilot flow: the screen's never-syncs test stays in test-fast
@pytest.mark.parametrize("moved_on", [False, True])
async def test_a_grade_entry_given_up_comes_back_in_its_form_as_unsaved(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch, moved_on: bool
) -> None:
    """Given up (`moved_on`: after "2" was pressed): the form shows the entry again, unsaved."""
    screen = GradeScreen(live, STANDARD)
    asked = threading.Event()
    refuse = threading.Event()

    def refuses(*_args: object, **_kwargs: object) -> object:
        asked.set()
        refuse.wait(5)
        raise ValueError("the record refused it")

    async with HostApp(screen).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = screen.query_one("#form-observation", ComponentResultForm)
        monkeypatch.setattr(live.record, "append_many", refuses)
        await pilot.press("o", "f", "a", "ctrl+r")
        await _until(pilot, asked.is_set)
        if moved_on:
            await pilot.press("2")  # while the writer has it
            await pilot.pause()
            assert (form.attempt, form.achieved(), form.draft()) == (2, [], None)
        refuse.set()
        await _until(pilot, lambda: "NOT saved: the record refused it" in screen.notice_text)
        if moved_on:  # shown again (its ticks redraw the form): it says it is not saved
            await _until(pilot, lambda: "NOT SAVED: attempt 1" in _status(screen))
        else:  # and why, which the notice says too
            assert "could not be written (the record refused it)" in _status(screen)
        assert (form.attempt, form.modes(), form.achieved()) == (1, ["face-to-face"], OBS_PASS)
        assert form.draft() is not None
        bar = _text(screen, "#grade-bar")
        assert "1 unsaved" in bar and "saving" not in bar
        monkeypatch.undo()
        await pilot.press("ctrl+r")  # the retry
        await _until(pilot, lambda: "Saved to the record" in screen.notice_text)
        assert form.draft() is None and "unsaved" not in _text(screen, "#grade-bar")
        assert "Saved: attempt 1" in _status(screen)
    assert [r.attempt for r in load_state(live.folder).component_results] == [1]


# ---------------------------------------------------------------------- a full disk
@pytest.mark.ui_flow  # a longer Pilot flow: the screen's never-syncs test stays in test-fast
async def test_a_refused_decision_is_said_with_the_fix_and_saved_once_space_is_freed(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    _decide_all_but_one(live)
    last = STANDARD.component("discussion").criteria[-1].id
    screen = DecisionsScreen(live, STANDARD)
    app = HostApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert screen.selected == last
        disk = FullDisk(monkeypatch, live)
        await pilot.press(*"the last one", "f3")
        await _until(pilot, lambda: "NOT saved yet" in _text(screen, "#progress"))
        progress = _text(screen, "#progress")
        assert "No space left" in progress and "free disk space" in progress
        await pilot.press("f10")
        await pilot.pause()
        assert app.result == "not dismissed"  # not to the grade while it is not on disk
        assert "still being saved" in _notices(app) and "free disk space" in _notices(app)
        disk.free()  # the writer retries every second
        await _until(pilot, lambda: not screen.deciding)
        await pilot.press("f10")
        await _until(pilot, lambda: app.result is True)
    assert _decided(live)[last] is False
    assert scan_log((live.folder / "events.jsonl").read_bytes()).problem is None


@pytest.mark.ui_flow  # a longer Pilot flow: the screen's never-syncs test stays in test-fast
async def test_a_decision_given_up_comes_back_in_the_form(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = DecisionsScreen(live, STANDARD)
    first = STANDARD.component("discussion").criteria[0].id

    def refuses(*_args: object, **_kwargs: object) -> object:
        raise ValueError("the record refused it")

    async with HostApp(screen).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(live.record, "append_many", refuses)
        await pilot.press(*"kept for a retry", "f2")
        await _until(pilot, lambda: not screen.deciding)
        assert "decision NOT saved (the record refused it)" in _notices(screen.app)
        assert screen.selected == first
        assert screen.query_one("#rationale", Input).value == "kept for a retry"
        monkeypatch.undo()
        await pilot.press("f2")  # the retry
        await _until(pilot, lambda: _decided(live) == {first: True})


@pytest.mark.ui_flow  # a longer Pilot flow: the screen's never-syncs test stays in test-fast
async def test_a_refused_correction_stays_up_with_the_fix_until_it_is_logged(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = HostApp(CorrectDetailsScreen(live))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#correct-value", Input).value = "Alex Exampleton"
        app.screen.query_one("#correct-reason", Input).value = "surname cut short"
        disk = FullDisk(monkeypatch, live)
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: "Not logged yet" in _text(app.screen, "#correct-problem"))
        assert "free disk space" in _text(app.screen, "#correct-problem")
        await pilot.press("escape")  # it is on its way: the screen stays until it is logged
        await pilot.pause()
        assert app.result == "not dismissed"
        disk.free()
        await _until(pilot, lambda: app.result is True)
    assert load_state(live.folder).info.apprentice_name == "Alex Exampleton"


@pytest.mark.ui_flow  # a longer Pilot flow: the screen's never-syncs test stays in test-fast
async def test_the_record_writer_dying_is_said_and_a_new_one_saves(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = DecisionsScreen(live, STANDARD)
    app = HostApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        writer = live.start_writer()
        real_step = writer._step
        broke = {"done": False}

        def step_once_broken() -> bool:
            if not broke["done"]:
                broke["done"] = True
                raise MemoryError("simulated")
            return real_step()

        monkeypatch.setattr(writer, "_step", step_once_broken)
        await pilot.press(*"before the death", "f2")
        await _until(pilot, lambda: "record writer stopped" in _notices(app))
        assert "MemoryError" in _notices(app)
        await _until(pilot, lambda: len(_decided(live)) == 1)
        await pilot.press(*"after the death", "f3")
        await _until(pilot, lambda: len(_decided(live)) == 2)
        await _until(pilot, lambda: not screen.query_one(RecordSaves).saving)
    assert writer.deaths == 1


@pytest.mark.ui_flow  # a longer Pilot flow: the screen's never-syncs test stays in test-fast
async def test_after_a_correction_the_grade_screen_hears_of_the_writer_dying(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = GradeScreen(live, STANDARD)
    app = HostApp(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("d")  # the correction's modal takes the writer's news while up
        await pilot.pause()
        app.screen.query_one("#correct-value", Input).value = "Alex Exampleton"
        app.screen.query_one("#correct-reason", Input).value = "surname cut short"
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: app.screen is screen)
        writer = live.start_writer()
        broke = {"done": False}
        real_step = writer._step

        def step_once_broken() -> bool:
            if not broke["done"]:
                broke["done"] = True
                raise MemoryError("simulated")
            return real_step()

        monkeypatch.setattr(writer, "_step", step_once_broken)
        await pilot.press("o", "f", "a", "ctrl+r")
        await _until(pilot, lambda: "record writer stopped" in _notices(app))
        await _until(pilot, lambda: len(load_state(live.folder).component_results) == 1)


# ---------------------------------------------------------------------- the session's writer
def test_a_writer_being_stopped_is_followed_in_order_by_a_new_one(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = HeldDisk(monkeypatch)
    live.submit_note("typed on the discussion screen", [], 1.0, lambda _o: None)
    stopping = threading.Thread(target=live.stop_writer)  # the discussion screen left
    stopping.start()
    deadline = time.monotonic() + 5
    while live._writer is not None and not live._writer.closing:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    saved = threading.Event()
    live.start_writer()  # the decisions screen came up meanwhile
    live.submit(
        DECISION,
        None,
        lambda outcome: saved.set() if outcome.saved else None,
    )
    disk.release()
    stopping.join(5)
    assert saved.wait(5)
    assert not disk.timed_out
    # The note first, as entered, though a new writer saved the decision.
    assert [e.type for e in live.record.events][-2:] == ["note", "criterion_decided"]


def test_close_refuses_while_entries_wait_for_the_disk_and_loses_none(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = FullDisk(monkeypatch, live)
    live.submit(DECISION)
    with pytest.raises(RecordWriteError, match="free disk space, then close again"):
        live.close("assessor")
    disk.free()
    live.close("assessor")
    state = load_state(live.folder)
    assert state.closed is not None
    assert [e.type for e in live.record.events][-2:] == ["criterion_decided", "closed"]
