"""The grade screen, driven by keys through Textual's Pilot, on real session records."""

from __future__ import annotations

import errno
import json
import os
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Static

from discussion.live import LiveSession
from discussion.record import (
    ComponentResultData,
    RecordWriteError,
    SessionInfo,
    load_state,
    verify,
)
from discussion.standard import load_standard
from discussion.ui.screens.grade import GradeScreen
from discussion.ui.screens.grade_confirm import GradeConfirm
from discussion.ui.screens.grade_export import GradeExport
from discussion.ui.screens.grade_sealed import GradeSealed
from discussion.ui.widgets import component_result_form
from discussion.ui.widgets.component_result_form import ComponentResultForm
from discussion.ui.widgets.grade_summary import GradeSummary

STANDARD = load_standard()
DISCUSSION = STANDARD.component("discussion")
OBS_PASS = [c.id for c in STANDARD.component("observation").pass_criteria({"face-to-face"})]
SnapCompare = Callable[..., bool]


class Host(App[None]):
    """Pushes one grade screen and keeps what it dismisses with."""

    def __init__(self, screen: GradeScreen) -> None:
        super().__init__()
        self.first = screen
        self.result: object = "not dismissed"

    def on_mount(self) -> None:
        def done(result: bool | None) -> None:
            self.result = result

        self.push_screen(self.first, done)


def make_live(home: Path, *, attempt: int = 1, leave: tuple[str, ...] = ()) -> LiveSession:
    """A notes-only session with a note and every discussion criterion decided but `leave`."""
    info = SessionInfo(
        apprentice_name="Alex Example",
        uln="9276308686",
        assessor="Sam Assessor",
        mode="virtual",
        attempt=attempt,
        epa_window_start=date(2026, 11, 1),
        standard_version=STANDARD.version,
        standard_hash=STANDARD.content_hash,
        bank_version="1",
        bank_hash="b" * 64,
        audio=False,
        no_audio_reason="test without a microphone",
    )
    live = LiveSession.create(info, home / "sessions")
    note = live.note("Named the warehouse team as internal customers", ["1A"], 12.0)
    for criterion in DISCUSSION.criteria:
        if criterion.id not in leave:
            live.decide(criterion.id, criterion.id != "3C", f"why {criterion.id}", [note.seq])
    return live


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    yield tmp_path


def top(app: App[None]) -> object:
    """The screen on top (typed loosely so mypy does not narrow across awaits)."""
    return app.screen


def bar(screen: GradeScreen) -> str:
    return str(screen.query_one("#grade-bar", Static).render())


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Results are saved on the record writer's thread: wait for what follows a save."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        await pilot.pause(0.02)


@pytest.mark.slow  # a long Pilot flow: make test runs it, test-fast keeps a shorter one
async def test_entering_observation_by_keys_updates_the_grade(home: Path) -> None:
    live = make_live(home)
    screen = GradeScreen(live, STANDARD)
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "INCOMPLETE" in bar(screen)
        await pilot.press("o", "f", "a")  # observation tab, face-to-face, tick all pass
        await pilot.pause()
        form = screen.query_one("#form-observation", ComponentResultForm)
        assert form.modes() == ["face-to-face"]
        assert form.achieved() == OBS_PASS
        assert form.touched and "1 unsaved" in bar(screen)
        assert screen.result is not None and screen.result.components["observation"].pass_met
        # untick the first criterion: the observation now fails, and so does the grade
        await pilot.press("space")
        await pilot.pause()
        assert "FAIL" in bar(screen)
        await pilot.press("space", "ctrl+r")
        await until(pilot, lambda: not form.touched)
        assert "Saved to the record: Practical Observation attempt 1" in screen.notice_text
        saved = load_state(live.folder).component_results
        assert [(r.component, r.attempt, r.achieved, r.modes) for r in saved] == [
            ("observation", 1, OBS_PASS, ["face-to-face"])
        ]
        # the showcase: attempt 2, every pass criterion: the grade is a pass
        await pilot.press("s", "2", "a", "ctrl+r")
        await until(pilot, lambda: "saving" not in bar(screen) and "unsaved" not in bar(screen))
        assert "PASS" in bar(screen) and "unsaved" not in bar(screen)
        assert screen.result is not None and screen.result.grade == "pass"
    live.release()


def offered_prompts(form: ComponentResultForm) -> dict[str, str]:
    """The criteria the form offers: id -> the prompt's text."""
    options = form.criteria_list
    found = {}
    for index in range(options.option_count):
        option = options.get_option_at_index(index)
        found[str(option.value)] = str(option.prompt)
    return found


@pytest.mark.ui_flow
async def test_observation_asks_for_the_modes_first_and_offers_only_theirs(home: Path) -> None:
    live = make_live(home)
    screen = GradeScreen(live, STANDARD)
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        form = screen.query_one("#form-observation", ComponentResultForm)
        status = screen.query_one("#observation-status", Static)
        assert "First tick the modes observed" in str(status.render())
        assert form.criteria_list.option_count == 0  # nothing to tick before a mode
        await pilot.press("a", "ctrl+r")  # "all pass" and save both refuse, saying why
        await pilot.pause()
        assert form.achieved() == [] and "tick the modes observed" in str(status.render())
        assert load_state(live.folder).component_results == []
        await pilot.press("f", "a")
        await pilot.pause()
        offered = offered_prompts(form)
        assert "P11" not in offered and "P1" in offered  # P11: non-face-to-face only
        assert form.achieved() == OBS_PASS and "P11" not in form.achieved()
        await pilot.press("f", "v")  # only non-face-to-face: P11 offered, in that mode's words
        await pilot.pause()
        offered = offered_prompts(form)
        assert "P11" in offered and "P11" not in form.achieved()
        assert "Adapt tone and behavior when" in offered["P5"]  # not "tone, behaviour and body"
        await pilot.press("f")  # both observed: the ticks made are kept
        await pilot.pause()
        assert "P11" in offered_prompts(form)
        assert "P11" not in form.achieved() and form.achieved() == OBS_PASS
        await pilot.press("ctrl+r")
        await until(pilot, lambda: len(load_state(live.folder).component_results) == 1)
        (saved,) = load_state(live.folder).component_results
        assert saved.modes == ["face-to-face", "non-face-to-face"] and "P11" not in saved.achieved
    live.release()


def test_the_form_reads_the_attempts_from_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = STANDARD.rules.model_copy(update={"max_attempts": 2})
    two = STANDARD.model_copy(update={"rules": rules})
    monkeypatch.setattr(component_result_form, "load_standard", lambda: two)
    form = ComponentResultForm(STANDARD.component("showcase"), [])
    assert form.max_attempts == 2


@pytest.mark.ui_flow
async def test_saving_a_result_the_engine_refuses_shows_why(home: Path) -> None:
    live = make_live(home)
    screen = GradeScreen(live, STANDARD)
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        # attempt 2 after a passed attempt 1 (saved first, though "2" shows a blank attempt 2
        # while attempt 1 is still on its way to the record as well)
        await pilot.press("o", "f", "a", "ctrl+r")
        await until(pilot, lambda: not screen.saving.waiting())
        await pilot.press("2", "f", "a", "ctrl+r")
        status = screen.query_one("#observation-status", Static)
        await until(pilot, lambda: "Not saved" in str(status.render()))
        assert "already passed" in str(status.render())  # checked with the one being saved
        await until(pilot, lambda: not screen.saving.waiting())
        assert len(load_state(live.folder).component_results) == 1
    live.release()


@pytest.mark.ui_flow
async def test_closing_is_refused_while_criteria_are_undecided(home: Path) -> None:
    live = make_live(home, leave=("6B", "2A"))
    screen = GradeScreen(live, STANDARD)
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, GradeConfirm)
        assert "Cannot close yet" in screen.notice_text and "2A, 6B" in screen.notice_text
        assert "undecided: 2A 6B" in bar(screen)
    assert not verify(live.folder).sealed
    live.release()


async def test_closing_seals_after_confirmation(home: Path) -> None:
    live = make_live(home)
    screen = GradeScreen(live, STANDARD)
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GradeConfirm)
        await pilot.press("escape")  # cancel first: nothing happens
        await pilot.pause()
        assert top(app) is screen and not verify(live.folder).sealed
        await pilot.press("ctrl+s", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, GradeSealed)
        report = verify(live.folder)
        assert report.ok and report.sealed
        head = app.screen.chain_head
        assert screen.chain_head == head
        last = (live.folder / "events.jsonl").read_text().splitlines()[-1]
        assert head == json.loads(last)["hash"]
        await pilot.press("enter")
        await pilot.pause()
    assert app.result is True


@pytest.mark.ui_flow
async def test_escape_goes_back_without_closing_and_guards_unsaved(home: Path) -> None:
    live = make_live(home)
    screen = GradeScreen(live, STANDARD)
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "a", "escape")
        await pilot.pause()
        assert isinstance(app.screen, GradeConfirm)  # unsaved showcase entry
        await pilot.press("y")
        await pilot.pause()
    assert app.result is False
    assert load_state(live.folder).status != "closed"
    live.release()


@pytest.mark.ui_flow
async def test_import_saves_results_and_reports_errors_inline(home: Path) -> None:
    live = make_live(home)
    good = home / "results.json"
    good.write_text(
        json.dumps(
            {
                "attempts": [
                    {
                        "component": "observation",
                        "attempt": 1,
                        "achieved": OBS_PASS,
                        "modes": ["face-to-face"],
                    }
                ]
            }
        )
    )
    bad = home / "bad.json"
    bad.write_text(
        json.dumps({"attempts": [{"component": "discussion", "attempt": 1, "achieved": []}]})
    )
    screen = GradeScreen(live, STANDARD)
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        box = screen.query_one("#import-path", Input)
        assert screen.app.focused is box
        box.value = str(bad)
        await pilot.press("enter")
        await pilot.pause()
        status = str(screen.query_one("#import-status", Static).render())
        assert "Not imported" in status and "discussion entry" in status
        box.value = str(home / "missing.json")
        await pilot.press("enter")
        await pilot.pause()
        assert "no such file" in str(screen.query_one("#import-status", Static).render())
        box.value = str(good)
        await pilot.press("enter")
        status_box = screen.query_one("#import-status", Static)
        await until(pilot, lambda: "Imported and saved 1" in str(status_box.render()))
        form = screen.query_one("#form-observation", ComponentResultForm)
        assert form.achieved() == OBS_PASS and not form.touched
    assert len(load_state(live.folder).component_results) == 1
    live.release()


async def test_attempt_three_is_shown_capped(home: Path) -> None:
    live = make_live(home, attempt=3)
    screen = GradeScreen(live, STANDARD)
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        summary = screen.query_one(GradeSummary).plain_text
        assert "Attempt 3 is capped at Pass" in summary
        assert "distinction criteria achieved on this attempt do not count" in summary
    live.release()


async def test_closed_session_opens_read_only_and_exports(home: Path) -> None:
    live = make_live(home)
    live.close()
    folder = live.folder
    screen = GradeScreen.for_closed(folder, STANDARD)
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "SEALED" in bar(screen)
        await pilot.press("o", "a", "ctrl+r", "ctrl+s")  # nothing editable
        await pilot.pause()
        assert screen.query_one("#form-observation", ComponentResultForm).achieved() == []
        assert app.screen is screen
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, GradeExport)
        box = app.screen.query_one(Input)
        assert box.value == str(home / "exports" / f"{folder.name}.html")
        box.value = str(folder / "inside.html")  # refused: would break the seal
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "never written inside" in str(
            app.screen.query_one("#export-status", Static).render()
        )
        box.value = str(home / "exports" / "record.html")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        assert "Exported to" in screen.notice_text
    assert (home / "exports" / "record.html").read_text().startswith("<!DOCTYPE html>")
    assert verify(folder).ok


@pytest.fixture
def snapshot_live(home: Path) -> Iterator[LiveSession]:
    """Fixed data: 6B undecided, a Showcase attempt 1 with only 1A (no clocks, no levels)."""
    live = make_live(home, leave=("6B",))
    live.append(ComponentResultData(component="showcase", attempt=1, achieved=["1A"]))
    yield live
    live.release()


def test_snapshot_result(snap_compare: SnapCompare, snapshot_live: LiveSession) -> None:
    app = Host(GradeScreen(snapshot_live, STANDARD))
    assert snap_compare(app, terminal_size=(80, 24))


@pytest.mark.ui_flow
def test_snapshot_observation_entry(snap_compare: SnapCompare, snapshot_live: LiveSession) -> None:
    app = Host(GradeScreen(snapshot_live, STANDARD))
    assert snap_compare(app, press=["o", "f", "a", "down"], terminal_size=(80, 24))


@pytest.mark.ui_flow
async def test_a_result_that_cannot_be_written_stays_on_screen(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = make_live(home)
    full = True
    log_fd = live.record.log._fd
    real_write = os.write

    def write(fd: int, data: bytes) -> int:
        if fd == log_fd and full:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    screen = GradeScreen(live, STANDARD)
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(os, "write", write)
        await pilot.press("o", "f", "a", "ctrl+r")
        await until(pilot, lambda: "NOT saved yet" in screen.notice_text)
        assert "No space left" in screen.notice_text and "free disk space" in screen.notice_text
        form = screen.query_one("#form-observation", ComponentResultForm)
        status = screen.query_one("#observation-status", Static)
        assert form.achieved() == OBS_PASS and not form.touched  # kept, as being saved
        assert "Saving: attempt 1" in str(status.render()) and "saving 1…" in bar(screen)
        await pilot.press("ctrl+s")  # not sealed while a result waits for the disk
        await pilot.pause()
        assert "Wait before closing" in screen.notice_text
        full = False  # space freed: the writer's next retry saves it
        await until(pilot, lambda: "Saved to the record" in screen.notice_text)
        assert "Saved: attempt 1" in str(status.render()) and "saving" not in bar(screen)
    assert len(load_state(live.folder).component_results) == 1
    live.release()


@pytest.mark.ui_flow
async def test_a_failed_seal_leaves_the_session_open(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = make_live(home)

    def broken_close(*_args: object, **_kwargs: object) -> object:
        raise RecordWriteError("I/O error")

    monkeypatch.setattr(live, "close", broken_close)
    screen = GradeScreen(live, STANDARD)
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert top(app) is screen and not screen.closing
        assert "NOT sealed: I/O error" in screen.notice_text
    assert app.result == "not dismissed"
    assert not verify(live.folder).sealed
    live.release()


async def test_plain_text_holds_the_grade_line(home: Path) -> None:
    """Fault 7: `plain_text` was taken before the grade line was appended, so it lacked it."""
    live = make_live(home)
    screen = GradeScreen(live, STANDARD)
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        summary = screen.query_one(GradeSummary).plain_text
        assert "Grade as it stands: INCOMPLETE" in summary
        assert screen.result is not None
        assert summary.rstrip().endswith(screen.result.reasons[-1])
    live.release()


@pytest.mark.ui_flow
async def test_a_set_up_detail_is_corrected_as_a_logged_event(home: Path) -> None:
    live = make_live(home)
    screen = GradeScreen(live, STANDARD)
    app = Host(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("d")  # correct details: the first is the apprentice's name
        await pilot.pause()
        value = app.screen.query_one("#correct-value", Input)
        assert value.value == "Alex Example"
        value.value = "Alex Exampleton"
        await pilot.press("ctrl+s")  # no reason yet: refused, nothing logged
        await pilot.pause()
        problem = str(app.screen.query_one("#correct-problem", Static).render())
        assert "say why" in problem
        app.screen.query_one("#correct-reason", Input).value = "surname cut short at set-up"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen)
        assert "Correction logged" in screen.notice_text
    state = load_state(live.folder)
    assert state.info.apprentice_name == "Alex Exampleton"
    (correction,) = state.corrections
    assert (correction.previous, correction.reason) == (
        "Alex Example",
        "surname cut short at set-up",
    )
    session = json.loads((live.folder / "session.json").read_text(encoding="utf-8"))
    assert session["apprentice_name"] == "Alex Example"  # never edited
    live.release()
