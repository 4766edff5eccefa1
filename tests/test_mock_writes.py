"""A mock's answers are saved on the record writer's thread (issue 12), through the real mock app
in Pilot with typed answers: the UI thread never syncs while answers are given and the sealed
record holds every one in order; a slow disk leaves the screen answering keys and asking the
follow-up at once; a refused write (a full disk) is said once with the fix, never as a
traceback, and the answer is on disk once the disk takes it again; and a record whose answers
could not be saved is left unsealed and intact, with an error that says how many and the fix.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from mock_ui_helpers import SIZE, mock_app, open_mock, wait_until
from sync_spy import Sync, patch_syncs, spy_sync_threads
from test_mock_examiner import BANK, plan_of
from textual.pilot import Pilot
from textual.widgets import TextArea

from discussion.mock.examiner import Examiner
from discussion.mock.practice_record import WRITER_THREAD, PracticeRecord
from discussion.mock.readiness import load_mock_records
from discussion.record import RecordWriteError, load_state
from discussion.record.events import Event, EventData
from discussion.record.log import scan_log
from discussion.record.session import SessionRecord, is_owned_by_running_process
from discussion.record.writer import RecordWriter
from discussion.standard import load_standard
from discussion.ui.screens.mock_app import MockApp
from discussion.ui.screens.mock_discussion import MockDiscussionScreen
from discussion.ui.screens.mock_flow import MockParts
from discussion.ui.screens.mock_readiness import MockReadinessScreen
from discussion.ui.screens.mock_self_check import MockSelfCheckScreen
from discussion.ui.screens.mock_setup import Devices

NO_DEVICES = Devices(None, "no microphone found", False, "no audio output")
FULL = "cannot write the event log: No space left on device"
FIX = "free some disk space"


def _parts() -> MockParts:
    return MockParts(probe=lambda: NO_DEVICES, seed=1, tick_seconds=3600)


def _folder(home: Path) -> Path:
    [log] = list((home / "sessions").rglob("events.jsonl"))
    return log.parent


def _answers_on_disk(home: Path) -> list[str]:
    return [a.text for a in load_state(_folder(home)).answers]


def _notices(app: MockApp, part: str) -> list[str]:
    return [n.message for n in app._notifications if part in n.message]


async def _type(pilot: Pilot[None], text: str) -> None:
    """Type `text` key by key into the answer box (the first key starts the answer)."""
    await pilot.press(*text)


async def _give(pilot: Pilot[None], app: MockApp, screen: MockDiscussionScreen, text: str) -> None:
    """Type an answer and finish it; wait for what comes next (a follow-up or the self-check)."""
    before = screen.prompt
    await _type(pilot, text)
    await pilot.press("ctrl+s")
    assert await wait_until(
        pilot,
        lambda: screen.prompt is not before or isinstance(app.screen, MockSelfCheckScreen),
        5,
    )


async def _end(pilot: Pilot[None], app: MockApp) -> None:
    await pilot.press("ctrl+o", "y")
    assert await wait_until(pilot, lambda: isinstance(app.screen, MockReadinessScreen), 10)


@pytest.mark.slow
async def test_the_ui_thread_never_syncs_while_typed_answers_are_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = mock_app(monkeypatch, tmp_path, _parts())
    ui_thread = threading.current_thread().name
    given: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot, app)
        first = screen.prompt.question_id
        syncing = spy_sync_threads(monkeypatch)
        while not isinstance(app.screen, MockSelfCheckScreen):  # the question, its follow-ups
            given.append(f"answer {len(given) + 1}")
            await _give(pilot, app, screen, given[-1])
        await pilot.press("ctrl+s")  # the self-check: the next question
        assert await wait_until(pilot, lambda: screen.prompt.question_id != first, 5)
        given.append("the next question's answer")
        await _give(pilot, app, screen, given[-1])
        assert await wait_until(pilot, lambda: _answers_on_disk(tmp_path) == given, 5)
        while_answering = list(syncing)
        await _end(pilot, app)
    assert len(given) >= 3
    assert while_answering, "nothing was synced"
    assert ui_thread not in while_answering, while_answering
    assert set(while_answering) == {WRITER_THREAD}, while_answering
    [record], _ = load_mock_records([tmp_path / "sessions"])
    assert record.state.closed is not None  # sealed
    assert [a.text for a in record.state.answers] == given  # every answer, in order
    assert [a.ended_by for a in record.state.answers] == ["typed"] * len(given)
    assert [q.question_id for q in record.state.questions][:1] == [first]


@pytest.mark.slow
async def test_a_slow_disk_leaves_the_screen_answering_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = threading.Event()
    synced: list[str] = []

    def wrap(real: Sync) -> Sync:
        def held(fd: int) -> None:
            if slow.is_set():
                time.sleep(1.0)  # the disk takes a second for every sync
            real(fd)
            synced.append(threading.current_thread().name)

        return held

    app = mock_app(monkeypatch, tmp_path, _parts())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot, app)
        patch_syncs(monkeypatch, wrap)
        slow.set()
        await _type(pilot, "I am not sure.")
        started = time.perf_counter()
        await pilot.press("ctrl+s", "x")  # finished; then the follow-up's first key
        waited = time.perf_counter() - started
        assert screen.prompt.kind == "probe"  # asked without waiting for the disk
        assert screen.query_one("#mock-answer", TextArea).text == "x"
        assert waited < 0.5, f"the screen waited for the disk: {waited:.2f} s"
        assert synced == []  # the answer's sync is still under way
        assert await wait_until(pilot, lambda: _answers_on_disk(tmp_path) == ["I am not sure."], 5)
        slow.clear()
        await pilot.press("backspace")
        await _end(pilot, app)
    [record], _ = load_mock_records([tmp_path / "sessions"])
    assert [a.text for a in record.state.answers] == ["I am not sure."]


@pytest.mark.slow
async def test_a_refused_write_is_said_once_and_the_answer_saved_when_the_disk_takes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = threading.Event()
    real_append_many = SessionRecord.append_many

    def append_many(
        self: SessionRecord, items: list[tuple[EventData, float | None]]
    ) -> list[Event]:
        if full.is_set():
            raise RecordWriteError(FULL)
        return real_append_many(self, items)

    app = mock_app(monkeypatch, tmp_path, _parts())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot, app)
        monkeypatch.setattr(SessionRecord, "append_many", append_many)
        full.set()
        await _type(pilot, "I am not sure.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.prompt.kind == "probe"  # the mock goes on
        assert await wait_until(pilot, lambda: _notices(app, FIX) != [], 5)
        [said] = _notices(app, FIX)
        assert "No space left on device" in said and "not saved yet" in said
        await _give(pilot, app, screen, "I would ask my team leader.")
        await pilot.pause(2.5)  # two more retries refused, the second answer's too
        assert len(_notices(app, FIX)) == 1  # once for the problem, not per answer or retry
        assert _answers_on_disk(tmp_path) == []
        full.clear()  # space freed: the next retry (at most a second later) saves both
        given = ["I am not sure.", "I would ask my team leader."]
        assert await wait_until(pilot, lambda: _answers_on_disk(tmp_path) == given, 5)
        assert await wait_until(pilot, lambda: _notices(app, "saved again") != [], 2)
        assert len(_notices(app, FIX)) == 1
        assert _notices(app, "The mock stopped") == []  # no traceback, no failure
        await _end(pilot, app)
    [record], _ = load_mock_records([tmp_path / "sessions"])
    assert record.state.closed is not None
    scan = scan_log((_folder(tmp_path) / "events.jsonl").read_bytes())
    assert scan.problem is None and scan.torn is None
    assert [e.data["text"] for e in scan.events if e.type == "answer_given"] == given


@pytest.mark.slow
async def test_the_writer_dying_is_an_error_notice_and_a_new_one_saves_the_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_step = RecordWriter._step
    broke: list[str] = []

    def step_once_broken(self: RecordWriter) -> bool:
        if self.name == WRITER_THREAD and not broke:
            broke.append(self.name)
            raise MemoryError("simulated")
        return real_step(self)

    app = mock_app(monkeypatch, tmp_path, _parts())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot, app)
        monkeypatch.setattr(RecordWriter, "_step", step_once_broken)
        await _give(pilot, app, screen, "I am not sure.")
        assert await wait_until(pilot, lambda: _notices(app, "MemoryError") != [], 5)
        [said] = _notices(app, "MemoryError")
        assert "record writer stopped" in said and "end the mock" in said
        assert await wait_until(pilot, lambda: _answers_on_disk(tmp_path) == ["I am not sure."], 5)
        await _end(pilot, app)
    [record] = load_mock_records([tmp_path / "sessions"])[0]
    assert [a.text for a in record.state.answers] == ["I am not sure."]


def test_finish_with_answers_the_disk_never_took_leaves_the_record_unsealed_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = plan_of("P-6A-03")
    record = PracticeRecord.create(load_standard(), BANK, plan, tmp_path)
    prompt = Examiner(plan).prompt()
    assert prompt is not None

    def refused(_items: object) -> list[Event]:
        raise RecordWriteError(FULL)

    monkeypatch.setattr(record.record, "append_many", refused)
    told: list[bool] = []
    record.submit_answer(prompt, "one", 1.0, 2.0, done=lambda o: told.append(o.saved))
    record.submit_answer(prompt, "two", 3.0, 4.0, done=lambda o: told.append(o.saved))
    with pytest.raises(RecordWriteError, match=r"2 answer\(s\).*No space left.*free some disk"):
        record.finish({"P-6A-03": [1]})
    assert told and not any(told)
    scan = scan_log((record.folder / "events.jsonl").read_bytes())
    assert scan.problem is None and scan.torn is None
    assert [e.type for e in scan.events] == ["created", "mock_started"]  # unsealed, intact
    assert not is_owned_by_running_process(record.folder)  # released: recover can take it


def test_a_submitted_answer_is_logged_as_answer_logs_it(tmp_path: Path) -> None:
    plan = plan_of("P-6A-03")
    prompt = Examiner(plan).prompt()
    assert prompt is not None
    logged: list[list[tuple[str, dict[str, object], float]]] = []
    for name, submit in (("direct", False), ("writer", True)):
        record = PracticeRecord.create(load_standard(), BANK, plan, tmp_path / name)
        for text, start in (("first", 1.0), ("second", 5.0)):
            if submit:
                record.submit_answer(prompt, text, start, start + 2, reason="typed")
            else:
                record.answer(prompt, text, start, start + 2, reason="typed")
        folder = record.finish()
        events = scan_log((folder / "events.jsonl").read_bytes()).events
        logged.append([(e.type, e.data, e.offset) for e in events if e.type != "created"][:-1])
    assert logged[0] == logged[1]
    assert [kind for kind, _data, _offset in logged[1]] == [
        "mock_started",
        "question_asked",
        "answer_given",
        "answer_given",
    ]
