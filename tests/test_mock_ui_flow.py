"""The whole mock with typed answers (no audio): set-up, a question, a follow-up chosen for what
the answer left out (and why, on screen), the self-check with the cue matches, the record, and
the readiness screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import TextArea
from ui_helpers import catalog

from discussion.mock.cues import match_look_fors
from discussion.mock.readiness import load_mock_records
from discussion.settings import Settings
from discussion.ui.screens.mock_app import MockApp
from discussion.ui.screens.mock_discussion import MockDiscussionScreen
from discussion.ui.screens.mock_flow import MockParts
from discussion.ui.screens.mock_readiness import MockReadinessScreen
from discussion.ui.screens.mock_self_check import MockSelfCheckScreen
from discussion.ui.screens.mock_setup import Devices, MockSetupScreen
from discussion.ui.widgets.mock_look_fors import MockLookFors
from discussion.ui.widgets.mock_prompt import MockPrompt

NO_DEVICES = Devices(None, "no microphone found", False, "no audio output")


class Clock:
    """A settable clock (seconds)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def _wait_for(pilot: object, app: MockApp, kind: type) -> None:
    for _ in range(100):
        await pilot.pause(0.05)  # type: ignore[attr-defined]
        if isinstance(app.screen, kind):
            return
    raise AssertionError(f"no {kind.__name__}: {app.screen!r}")


def _cover(question_id: str, leave_out: int) -> str:
    """An answer that says the first cue of every look-for but `leave_out` (1-based)."""
    question = catalog().bank.get(question_id)
    assert question is not None and question.cues
    parts = [cues[0].rstrip("*") for i, cues in enumerate(question.cues, 1) if i != leave_out]
    return "I would look at the " + ", then the ".join(parts) + "."


@pytest.mark.slow
async def test_typed_mock_probes_what_was_left_out_then_self_check_and_readiness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    clock = Clock()
    app = MockApp(
        catalog(),
        settings=Settings(),
        cursor_blink=False,
        parts=MockParts(probe=lambda: NO_DEVICES, clock=clock, seed=1, tick_seconds=3600),
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await _wait_for(pilot, app, MockSetupScreen)
        await pilot.press("ctrl+s")  # 15 minutes, all criteria, typed
        await _wait_for(pilot, app, MockDiscussionScreen)
        screen = app.screen
        assert isinstance(screen, MockDiscussionScreen)
        first = screen.prompt
        assert first.kind == "question"
        shown = str(screen.query_one(MockPrompt).render())
        assert first.text in shown and "Question 1 of" in shown
        # An answer covering every look-for but the second: the follow-up targets it.
        answer = _cover(first.question_id, leave_out=2)
        question = catalog().bank.get(first.question_id)
        assert question is not None
        covered = [m.covered for m in match_look_fors(question, answer)]
        assert covered[1] is False
        clock.now = 10.0
        screen.query_one("#mock-answer", TextArea).insert(answer)
        await pilot.pause()  # the first key typed starts the answer's time
        clock.now = 70.0
        await pilot.press("ctrl+s")
        await pilot.pause()
        probe = screen.prompt
        assert probe.kind == "probe" and probe.question_id == first.question_id
        assert probe.look_for_index == 2
        shown = str(screen.query_one(MockPrompt).render())
        assert "Why this follow-up:" in shown and probe.text in shown
        # An empty answer is refused with a hint; then an answer that covers the rest.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.prompt is probe
        screen.query_one("#mock-answer", TextArea).insert(_cover(first.question_id, leave_out=0))
        clock.now = 100.0
        await pilot.press("ctrl+s")
        await _wait_for(pilot, app, MockSelfCheckScreen)
        check = app.screen
        assert isinstance(check, MockSelfCheckScreen)
        rows = check.query_one(MockLookFors).rows
        assert all(row.matched for row in rows)  # every look-for heard across both answers
        assert check.query_one(MockLookFors).ticked == []  # the matches never tick a box
        await pilot.press("space")  # the apprentice ticks the first one
        await pilot.press("ctrl+s")
        await _wait_for(pilot, app, MockDiscussionScreen)
        assert screen.prompt.kind == "question" and screen.prompt.question_id != first.question_id
        await pilot.press("ctrl+o")  # end the mock here
        await pilot.pause()
        await pilot.click("#yes") if app.screen.query("#yes") else await pilot.press("enter")
        await _wait_for(pilot, app, MockReadinessScreen)
        readiness = app.screen
        assert isinstance(readiness, MockReadinessScreen)
        row = readiness.report.criterion(question.primary)
        assert row.practised and row.ticked == 1 and row.matched == len(question.look_fors)
    records, _skipped = load_mock_records([tmp_path / "sessions"])
    [record] = records
    answers = record.state.answers
    assert [a.prompt for a in answers] == ["question", "probe"]
    assert (answers[0].start, answers[0].end) == (10.0, 70.0)
