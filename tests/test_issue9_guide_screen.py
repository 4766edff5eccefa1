"""Issue 9, the planned-hour guide on the live screen: the reason of each suggestion, F3 skips a
question for now (it comes back), the minute-40 warning, and the close prompt when the time or
the assessor's statuses say so."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sync_spy import Sync, patch_syncs
from textual.widgets import Static
from ui_helpers import catalog
from ui_live_helpers import Clock, discussion_screen, notes_only_session, saved

from discussion.guide import guide_data
from discussion.ui.screens.confirm import ConfirmScreen
from discussion.ui.screens.discussion import DiscussionScreen
from discussion.ui.widgets.question_panel import QuestionPanel


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    return tmp_path


def _panel(screen: DiscussionScreen) -> str:
    return " ".join(str(screen.query_one(QuestionPanel).render()).split())


def _close_data() -> tuple[str, tuple[str, ...]]:
    close = guide_data(catalog().standard.component("discussion")).close
    return close.title, tuple(close.steps)


async def test_first_question_is_the_warm_up_with_its_reason(home: Path) -> None:
    screen, app = discussion_screen(notes_only_session(home), Clock(0.0))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert screen.current is not None and screen.current.kind == "warm-up"
        panel = _panel(screen)
        assert f"Why: {screen.current_reason}" in panel and screen.current_reason, panel
        # The guide's next question, and why, are beside it.
        assert screen.advice.question is not None
        assert f"Guide next (ctrl+n, F3): {screen.advice.question.id}: " in panel, panel
        assert screen.advice.reason in panel


@pytest.mark.ui_flow
async def test_f3_skips_for_now_and_the_question_comes_back(home: Path) -> None:
    screen, app = discussion_screen(notes_only_session(home), Clock(60.0))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        first = screen.current
        assert first is not None
        await pilot.press("f3")
        await pilot.pause()
        assert screen.current is not None and screen.current.id != first.id
        assert first.id in screen.skipped
        assert screen.advice.question is None or screen.advice.question.id != first.id
        shown = [screen.current.id]
        for _ in range(60):  # skip everything: the first one is offered again, not lost
            await pilot.press("ctrl+n")
            await pilot.pause()
            if screen.current is None:
                break
            shown.append(screen.current.id)
            if screen.current.id == first.id:
                break
        assert first.id in shown, shown
        assert not screen.live.state().questions  # skipping asks nothing


async def test_minute_40_warning_names_the_pass_criteria_never_asked(home: Path) -> None:
    live = notes_only_session(home)
    live.ask("D-4A-04", ["4A"])  # the warm-up only
    clock = Clock(39 * 60.0)
    screen, app = discussion_screen(live, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert "no question asked yet for pass criteria" not in _panel(screen)
        clock.now = 40 * 60.0 + 5
        await pilot.pause(0.5)  # the clock tick brings the warning without a keypress
        panel = _panel(screen)
        assert "⚠ Minute 40: no question asked yet for pass criteria 1A 3A 3B" in panel, panel
        notices = [n.message for n in app._notifications]
        assert any("no question asked yet for pass criteria" in m for m in notices), notices
        clock.now = 41 * 60.0 + 5
        await pilot.pause(0.5)
        notices = [n.message for n in app._notifications]
        assert sum("no question asked yet" in m for m in notices) == 1, notices  # notified once


async def test_close_prompt_when_the_time_for_it_comes(home: Path) -> None:
    live = notes_only_session(home)
    live.ask("D-4A-04", ["4A"])
    clock = Clock(50 * 60.0)
    screen, app = discussion_screen(live, clock)
    title, steps = _close_data()
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        assert title not in _panel(screen)
        clock.now = 57 * 60.0
        await pilot.press("f3")
        await pilot.pause()
        panel = _panel(screen)
        assert f"▶ {title}" in panel, panel
        for number, step in enumerate(steps, 1):
            assert f"{number}. {' '.join(step.split())}" in panel, (step, panel)
        assert screen.current is None  # nothing more is proposed


async def test_close_prompt_once_the_assessor_marks_the_pass_criteria_sufficient(
    home: Path,
) -> None:
    live = notes_only_session(home, attempt=3)  # distinctions do not count: pass only
    live.ask("D-4A-04", ["4A"])
    for criterion in catalog().standard.component("discussion").pass_criteria():
        live.note(f"answer on {criterion.id}", [criterion.id], 30.0)
    screen, app = discussion_screen(live, Clock(20 * 60.0))
    title, _steps = _close_data()
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        assert title not in _panel(screen)  # notes alone never make a criterion covered
        assert not screen.advice.all_sufficient
        for criterion in catalog().standard.component("discussion").pass_criteria():
            screen._set_status(criterion.id, "sufficient")
        await pilot.press("f3")
        await pilot.pause()
        assert screen.advice.all_sufficient
        assert f"▶ {title}" in _panel(screen), _panel(screen)


@pytest.mark.slow  # about 15 s: a whole hour of questions, typed
async def test_a_simulated_hour_with_one_note_per_question_never_declares_coverage(
    home: Path,
) -> None:
    """The review's simulation: the guide's questions in turn, one note each, no status set."""
    live = notes_only_session(home)
    clock = Clock(3 * 60.0)  # after the opening
    screen, app = discussion_screen(live, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        asked: list[str] = []
        while screen.current is not None and clock.now < 60 * 60:
            asked.append(screen.current.id)
            await pilot.press("f2", *"gave an answer", "enter")
            clock.now += screen.current.minutes * 60
            await pilot.press("f3")
            await pilot.pause()
            assert not screen.advice.all_sufficient
            assert "marked sufficient and" not in screen.advice.reason, screen.advice.reason
        await saved(pilot, live)
        assert len(asked) >= 8, asked
        state = live.state()
        assert len(state.notes) == len(asked) and not state.statuses
        for criterion in catalog().standard.component("discussion").criteria:
            assert state.status_of(criterion.id) == "none"


def _held_disk(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Every sync waits until the returned event is set (at most 10 s): what is entered
    meanwhile is on its way to the record, however long the keys take under load."""
    release = threading.Event()

    def held(real: Sync) -> Sync:
        def sync(fd: int) -> None:
            release.wait(10)
            real(fd)

        return sync

    patch_syncs(monkeypatch, held)
    return release


async def test_f3_straight_after_f2_counts_the_question_just_asked_while_the_disk_is_slow(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F2 then F3 before the writer has saved the F2: the guide's next question is chosen with
    the warm-up asked (not a second warm-up), and the warm-up is not "skipped for now"."""
    live = notes_only_session(home)
    release = _held_disk(monkeypatch)
    screen, app = discussion_screen(live, Clock(60.0))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        first = screen.current
        assert first is not None and first.kind == "warm-up"
        await pilot.press("f2", "f3")
        await pilot.pause()
        assert live.unsaved_writes() == 1  # the F2, not on disk yet
        assert first.id not in screen.skipped  # it was asked, not skipped
        assert screen.current is not None and screen.current.kind != "warm-up", screen.current
        release.set()
        await saved(pilot, live)
        assert [q.question_id for q in live.state().questions] == [first.id]
        assert first.id not in screen.skipped


async def test_the_guide_and_the_end_count_statuses_just_set_while_the_disk_is_slow(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every pass criterion marked sufficient, then F3 and F10 before the writer has saved the
    marks: the guide prompts to close, and the end does not list them as not sufficient."""
    live = notes_only_session(home, attempt=3)  # distinctions do not count: pass only
    live.ask("D-4A-04", ["4A"])
    passes = [c.id for c in catalog().standard.component("discussion").pass_criteria()]
    for criterion in passes:
        live.note(f"answer on {criterion}", [criterion], 30.0)
    release = _held_disk(monkeypatch)
    screen, app = discussion_screen(live, Clock(20 * 60.0))
    title, _steps = _close_data()
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        for criterion in passes:
            screen._set_status(criterion, "sufficient")
        await pilot.press("f3")
        await pilot.pause()
        assert live.unsaved_writes() == len(passes)  # the marks, not on disk yet
        assert screen.advice.all_sufficient
        assert f"▶ {title}" in _panel(screen), _panel(screen)
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        body = str(app.screen.query_one("#confirm-body", Static).render())
        assert "not marked sufficient" not in body, body
        await pilot.press("escape")
        release.set()
        await saved(pilot, live)
        assert all(live.state().status_of(c) == "sufficient" for c in passes)
