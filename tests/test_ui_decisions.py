"""The decisions screen: every criterion decided with a rationale and the notes it rests on."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import catalog
from ui_live_helpers import HostApp, notes_only_session

from discussion.record import load_state
from discussion.ui.screens.decisions import DecisionsScreen


def _result(app: HostApp) -> object:
    return app.result


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Decisions are saved on the record writer's thread: wait for what follows a save."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        await pilot.pause(0.02)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    return tmp_path


@pytest.mark.slow  # a long Pilot flow: make test runs it, test-fast keeps a shorter one
async def test_decide_all_then_go_to_grade(home: Path) -> None:
    live = notes_only_session(home)
    first = live.note("colleagues in finance are internal customers", ["1A"], 10.0)
    live.note("untagged remark about the weather", [], 20.0)
    screen = DecisionsScreen(live, catalog().standard)
    app = HostApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f10")  # refused: nothing decided yet
        await pilot.pause()
        assert _result(app) == "not dismissed"
        await pilot.press(*"clear example of both kinds", "f2")  # 1A met, resting on its note
        await until(pilot, lambda: not screen.deciding)  # saved on the record writer's thread
        state = load_state(live.folder)
        decision = state.criteria["1A"].decision
        assert decision is not None and decision.met
        assert decision.note_seqs == [first.seq]
        assert decision.rationale == "clear example of both kinds"
        for _ in range(10):  # the other ten: not met
            await pilot.press(*"no evidence heard", "f3")
            await pilot.pause()
        await until(pilot, lambda: not screen.deciding)
        tally = load_state(live.folder).tally()
        assert tally.achieved == ["1A"]
        assert len(tally.not_met) == 10
        await pilot.press("f10")
        await pilot.pause()
        assert _result(app) is True


async def test_rationale_is_required(home: Path) -> None:
    live = notes_only_session(home)
    screen = DecisionsScreen(live, catalog().standard)
    app = HostApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        assert all(e.type != "criterion_decided" for e in live.record.events)


@pytest.mark.ui_flow
async def test_all_notes_lets_an_untagged_note_support_a_decision(home: Path) -> None:
    live = notes_only_session(home)
    untagged = live.note("described her monthly call-handling targets", [], 30.0)
    screen = DecisionsScreen(live, catalog().standard)
    app = HostApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("shift+tab", "shift+tab")  # to the criteria list
        for _ in range(7):  # 1A 2A 2B 3A 3B 3C 4A -> 5A
            await pilot.press("down")
        await pilot.press("f4", "tab", "down", "space")  # show all notes, tick the only one
        await pilot.press("tab", *"targets explained with an example", "f2")
        await until(pilot, lambda: not screen.deciding)
        decision = load_state(live.folder).criteria["5A"].decision
        assert decision is not None and decision.met
        assert decision.note_seqs == [untagged.seq]
