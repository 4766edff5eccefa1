"""Notes are saved on the record writer's thread (issue 14, the threading rule).

The UI thread never syncs; a note is on screen at once as "saving…" and shown as saved only
once its sync completed; a slow disk leaves typing responsive; notes waiting together share one
sync, in the order they were typed; a refused write is kept, shown and retried in order; the
writer's death is an alarm. (A kill -9 right after "saved": tests/test_note_writer_kill.py.)
"""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sync_spy import Sync, patch_syncs, spy_sync_threads
from textual.pilot import Pilot
from textual.widgets import Label
from ui_live_helpers import Clock, HostApp, discussion_screen, notes_only_session

from discussion.record import RecordWriteError, load_state
from discussion.record.events import Event, EventData, NoteData
from discussion.record.log import scan_log
from discussion.record.writer import RecordWriter, WriteOutcome
from discussion.ui.screens.discussion import DiscussionScreen
from discussion.ui.widgets.alarm_banner import AlarmBanner
from discussion.ui.widgets.note_entry import NoteEntry
from discussion.ui.widgets.recent_notes import RecentNotes


@pytest.fixture
def screen_app(tmp_path: Path) -> tuple[DiscussionScreen, HostApp]:
    return discussion_screen(notes_only_session(tmp_path), Clock(30.0))


def _notes_text(screen: DiscussionScreen) -> str:
    shown = screen.query_one(RecentNotes)._shown
    return "" if shown is None else shown.plain


def _status(screen: DiscussionScreen) -> str:
    return str(screen.query_one("#save-status", Label).render())


async def _until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        await pilot.pause(0.02)


async def test_the_ui_thread_never_syncs_while_notes_are_entered(
    screen_app: tuple[DiscussionScreen, HostApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    screen, app = screen_app
    ui_thread = threading.current_thread().name
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        syncing = spy_sync_threads(monkeypatch)
        for index in range(5):
            await pilot.press(*f"3a: note {index}", "enter")
        await pilot.press("ctrl+y")  # the question asked, too
        await pilot.press("f5")  # and a mark
        await _until(pilot, lambda: len(screen.live.record.state().notes) == 6)
        await _until(pilot, lambda: screen.live.record.state().questions != [])
    assert syncing, "nothing was synced"
    assert ui_thread not in syncing, syncing
    assert set(syncing) == {"record-writer"}, syncing


async def test_a_note_shows_saving_then_saved_only_once_its_sync_completed(
    screen_app: tuple[DiscussionScreen, HostApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    screen, app = screen_app
    release = threading.Event()
    synced = threading.Event()

    def wrap(real: Sync) -> Sync:
        def held(fd: int) -> None:
            release.wait(5)  # the disk is slow until the test lets it go
            real(fd)
            synced.set()

        return held

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        patch_syncs(monkeypatch, wrap)
        await pilot.press(*"3a: greeted the customer", "enter")
        await pilot.pause()
        assert "greeted the customer saving…" in _notes_text(screen)
        assert "saving…" in _status(screen)
        await pilot.pause(0.2)
        assert "saved" not in _status(screen).replace("saving", ""), "saved before its sync"
        assert screen.live.state().notes == []  # the session counts it once it is synced
        release.set()
        await _until(pilot, lambda: "✔ saved" in _status(screen))
        assert synced.is_set()
        assert "#1" in _status(screen)
        assert "saving…" not in _notes_text(screen)
        assert "#1   3A       greeted the customer" in _notes_text(screen)
        assert [n.text for n in load_state(screen.live.folder).notes] == ["greeted the customer"]


@pytest.mark.ui_flow  # a longer Pilot flow: never-syncs and saving-then-saved stay in test-fast
async def test_a_slow_disk_leaves_typing_responsive(
    screen_app: tuple[DiscussionScreen, HostApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    screen, app = screen_app

    def wrap(real: Sync) -> Sync:
        def slow(fd: int) -> None:
            time.sleep(0.5)
            real(fd)

        return slow

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        patch_syncs(monkeypatch, wrap)
        await pilot.press(*"3a: first")
        started = time.perf_counter()
        await pilot.press("enter", "s")  # Enter, then the next note's first key
        typed = time.perf_counter() - started
        entry = screen.query_one(NoteEntry)
        assert entry.value == "s"
        assert typed < 0.35, f"typing waited for the disk: {typed:.2f} s"
        assert "first saving…" in _notes_text(screen)
        await pilot.press(*"econd note", "enter", *"3b: third")
        started = time.perf_counter()
        await pilot.press("enter", "x")
        assert time.perf_counter() - started < 0.35  # a second sync under way: still at once
        await pilot.press("backspace")
        await _until(pilot, lambda: len(screen.live.record.state().notes) == 3)
    texts = [note.text for note in load_state(screen.live.folder).notes]
    assert texts == ["first", "second note", "third"]  # in the order typed


@pytest.mark.ui_flow  # a longer Pilot flow: never-syncs and saving-then-saved stay in test-fast
async def test_a_refused_write_is_shown_kept_and_retried_in_order(
    screen_app: tuple[DiscussionScreen, HostApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    screen, app = screen_app
    full = threading.Event()
    full.set()
    log_fd = screen.live.record.log._fd
    real_write = os.write

    def write(fd: int, data: bytes) -> int:
        if fd == log_fd and full.is_set():
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(os, "write", write)
        await pilot.press(*"3a: one", "enter", *"two", "enter")
        await _until(pilot, lambda: "note_not_saved" in screen.alarms)
        assert "free disk space" in screen.alarms["note_not_saved"]
        assert "No space left" in screen.alarms["note_not_saved"]
        await _until(pilot, lambda: _notes_text(screen).count("not saved yet: retrying") == 2)
        assert "free disk space" in str(screen.query_one(AlarmBanner).render())
        full.clear()  # space freed: the next retry (at most a second later) saves both
        await _until(pilot, lambda: "note_not_saved" not in screen.alarms, timeout=5)
        assert "✔ saved" in _status(screen)
    notes = load_state(screen.live.folder).notes
    assert [n.text for n in notes] == ["one", "two"]
    assert scan_log((screen.live.folder / "events.jsonl").read_bytes()).problem is None


@pytest.mark.ui_flow  # a longer Pilot flow: never-syncs and saving-then-saved stay in test-fast
async def test_the_writer_dying_is_an_alarm_and_a_new_one_saves_the_next_note(
    screen_app: tuple[DiscussionScreen, HostApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    screen, app = screen_app
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        writer = screen.live.start_writer()
        real_step = writer._step
        broke = {"done": False}

        def step_once_broken() -> bool:
            if not broke["done"]:
                broke["done"] = True
                raise MemoryError("simulated")
            return real_step()

        monkeypatch.setattr(writer, "_step", step_once_broken)
        await pilot.press(*"3a: before the death", "enter")
        await _until(pilot, lambda: "record_writer" in screen.alarms)
        assert "MemoryError" in screen.alarms["record_writer"]
        assert "end the discussion and resume" in screen.alarms["record_writer"]
        await pilot.press(*"3a: after the death", "enter")
        await _until(pilot, lambda: len(screen.live.record.state().notes) == 2)
        await _until(pilot, lambda: "#2" in _status(screen))
        assert writer.deaths == 1
    texts = [n.text for n in load_state(screen.live.folder).notes]
    assert texts == ["before the death", "after the death"]


def test_writes_waiting_together_share_one_sync_in_submission_order(tmp_path: Path) -> None:
    live = notes_only_session(tmp_path)
    gate = threading.Event()
    batches: list[int] = []

    def commit(items: list[tuple[EventData, float | None]]) -> list[Event]:
        gate.wait(5)  # the first batch holds the disk while the others arrive
        batches.append(len(items))
        return live.record.append_many(items)

    outcomes: list[WriteOutcome] = []
    writer = RecordWriter(commit)
    writer.start()
    for index in range(6):
        data = NoteData(text=f"n{index}", criteria=[], raw_offset=float(index), lag_s=0.0)
        writer.submit(data, None, outcomes.append)
        if index == 0:
            time.sleep(0.1)  # the first is taken alone
    syncs_before = live.record.log.fsync_stats.count
    gate.set()
    assert writer.flush(5)
    writer.close()
    assert batches == [1, 5]
    assert live.record.log.fsync_stats.count - syncs_before == 2
    assert [o.key for o in outcomes] == list(range(6))
    assert all(o.saved for o in outcomes)
    scan = scan_log((live.folder / "events.jsonl").read_bytes())
    assert scan.problem is None and scan.torn is None
    assert [e.data["text"] for e in scan.events if e.type == "note"] == [f"n{i}" for i in range(6)]
    live.release()


def test_a_failed_group_commit_leaves_none_of_its_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = notes_only_session(tmp_path)
    before = (live.folder / "events.jsonl").read_bytes()

    real = os.fdatasync
    calls: list[int] = []

    def failing(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 1:  # the group's sync fails; the roll-back's succeeds
            raise OSError(errno.EIO, "Input/output error")
        real(fd)

    monkeypatch.setattr(os, "fdatasync", failing)
    items: list[tuple[EventData, float | None]] = [
        (NoteData(text=f"n{i}", criteria=[], raw_offset=1.0, lag_s=0.0), None) for i in range(3)
    ]
    with pytest.raises(RecordWriteError, match="Input/output"):
        live.record.append_many(items)
    assert (live.folder / "events.jsonl").read_bytes() == before
    monkeypatch.undo()
    assert [e.seq for e in live.record.append_many(items)] == [1, 2, 3]
    live.release()


def test_close_saves_what_was_submitted_before_sealing(tmp_path: Path) -> None:
    live = notes_only_session(tmp_path)
    told: list[WriteOutcome] = []
    for index in range(20):
        live.submit_note(f"n{index}", [], float(index), told.append)
    live.close("test")
    state = load_state(live.folder)
    assert [n.text for n in state.notes] == [f"n{i}" for i in range(20)]
    assert state.closed is not None
    assert len(told) == 20 and all(o.saved for o in told)


def test_waiting_in_the_writer_never_blocks_a_reader_of_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = notes_only_session(tmp_path)
    release = threading.Event()
    real = os.fdatasync

    def held(fd: int) -> None:
        release.wait(5)
        real(fd)

    monkeypatch.setattr(os, "fdatasync", held)
    live.submit_note("slow", [], 1.0, lambda _o: None)
    time.sleep(0.1)  # the writer is inside the sync now
    started = time.perf_counter()
    state = live.state()  # what the screen reads on every redraw
    assert time.perf_counter() - started < 0.05
    assert state.notes == []
    release.set()
    assert live.flush_writes(5)
    assert [n.text for n in live.state().notes] == ["slow"]
    live.release()


def test_the_stall_watch_says_where_the_record_writer_was() -> None:
    from scripts.bench_stalls import StallWatch

    def in_sync() -> None:
        time.sleep(0.3)  # a slow sync, as seen from the sampler

    writer = threading.Thread(target=in_sync, name="record-writer")
    with StallWatch(threshold_s=0.05, others=("record-writer",)) as watch:
        writer.start()
        watch.begin("note 0")
        time.sleep(0.15)  # the UI thread waits meanwhile
        watch.finish()
        writer.join()
    report = "\n".join(watch.report())
    assert "record-writer" in report and "in_sync" in report, report


@pytest.mark.ui_flow  # a longer Pilot flow: never-syncs and saving-then-saved stay in test-fast
async def test_a_note_refused_for_good_goes_back_in_the_box_with_its_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from discussion.record import SessionClosedError

    clock = Clock(12.0)
    screen, app = discussion_screen(notes_only_session(tmp_path), clock)

    def refused(_items: object) -> list[Event]:
        raise SessionClosedError("the session record is no longer open for writing")

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(screen.live.record, "append_many", refused)
        await pilot.press("3")
        clock.now = 40.0
        await pilot.press(*"a: kept anyway", "enter")
        await _until(pilot, lambda: "note_not_saved" in screen.alarms)
        entry = screen.query_one(NoteEntry)
        assert entry.value == "3a: kept anyway"
        assert entry.first_keystroke == 12.0  # its own moment, not the retry's
        assert "press Enter to retry" in screen.alarms["note_not_saved"]
        assert "kept anyway" not in _notes_text(screen)


async def test_threads_hand_over_the_gil_often_while_the_screen_is_up(
    screen_app: tuple[DiscussionScreen, HostApp],
) -> None:
    import sys

    _screen, app = screen_app
    before = sys.getswitchinterval()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert sys.getswitchinterval() <= 0.0005 + 1e-9  # the writer's news is not held up
        app.pop_screen()
        await pilot.pause()
        assert sys.getswitchinterval() == pytest.approx(before)
