"""The review screen on a mock's practice record (Pilot): each answer under its question, the
probes asked with their text and why, the apprentice's ticks beside the cue matches; `m` switches
between the answers and the transcript. An assessment record has no answers pane."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from screen_host import ScreenHost
from test_mock_examiner import BANK
from test_mock_practice_record import SCRIPT_IDS, TICKS, run_scripted_mock
from test_review_screen import SAMPLE
from textual.pilot import Pilot
from ui_helpers import catalog

from discussion.export.mock_answers import PRACTICE_NOTE
from discussion.ui.screens.review import ReviewScreen
from discussion.ui.screens.review_answers import AnswersPane
from discussion.ui.widgets.review_transcript import TranscriptPane


async def _loaded(pilot: Pilot[None]) -> ReviewScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    for _ in range(200):
        if screen.report is not None or screen.failed:
            await pilot.pause()
            return screen
        await pilot.pause(0.05)
    raise AssertionError("the review never loaded")


async def test_the_review_of_a_mock_shows_each_answer_probe_why_and_tick(tmp_path: Path) -> None:
    folder = run_scripted_mock(tmp_path / "sessions")
    host = ScreenHost(lambda: ReviewScreen(folder, catalog(), start_player=False))
    async with host.run_test(size=(160, 60)) as pilot:
        screen = await _loaded(pilot)
        assert screen.failed is None
        pane = screen.query_one(AnswersPane)
        assert screen.has_class("answers") and pane.display
        assert not screen.query_one(TranscriptPane).display  # the answers in its place
        shown = pane.text.plain
        assert PRACTICE_NOTE in shown
        for qid in SCRIPT_IDS:
            question = BANK.get(qid)
            assert question is not None
            assert f"{qid} {question.text}" in shown
            checked = shown[shown.index(f"{qid} {question.text}") :]
            for n, look_for in enumerate(question.look_fors, 1):
                tick = "[✓]" if n in TICKS[qid] else "[ ]"
                assert f"{tick} {n}. {look_for}" in checked, (qid, n)
        assert state_answers_shown(folder, shown)
        # P-7A-02 got two probes: their texts and reasons.
        question = BANK.get("P-7A-02")
        assert question is not None
        assert f"Probe 1 00:01:45-00:02:15: {question.probes[0]}" in shown
        assert "why: You have not yet described a system or routine you use" in shown
        assert "(no cue match)" in shown and "(cue match)" in shown
        await pilot.press("m")  # the transcript again
        assert not screen.has_class("answers") and not pane.display
        assert screen.query_one(TranscriptPane).display
        await pilot.press("m")
        assert screen.has_class("answers") and pane.has_focus


def state_answers_shown(folder: Path, shown: str) -> bool:
    """Whether every answer of the record is in the pane, in the record's order."""
    from discussion.record.session import load_state

    place = 0
    for answer in load_state(folder).answers:
        found = shown.find("  " + answer.text, place)
        if found < 0:
            return False
        place = found
    return True


@pytest.mark.ui_flow  # a longer Pilot flow: this screen keeps shorter tests in test-fast
async def test_an_assessment_record_has_no_answers(tmp_path: Path) -> None:
    folder = tmp_path / "sessions" / SAMPLE.name
    shutil.copytree(SAMPLE, folder)
    host = ScreenHost(lambda: ReviewScreen(folder, catalog(), start_player=False))
    async with host.run_test(size=(160, 60)) as pilot:
        screen = await _loaded(pilot)
        assert not screen.has_class("answers")
        assert not screen.query_one(AnswersPane).display
        await pilot.press("m")
        assert not screen.has_class("answers")


async def test_a_narrow_terminal_shows_the_answers_instead_of_the_list_on_m(
    tmp_path: Path,
) -> None:
    folder = run_scripted_mock(tmp_path / "sessions")
    host = ScreenHost(lambda: ReviewScreen(folder, catalog(), start_player=False))
    async with host.run_test(size=(100, 40)) as pilot:
        screen = await _loaded(pilot)
        pane = screen.query_one(AnswersPane)
        listing = screen.query_one("#review-list")
        assert screen.has_class("narrow") and not pane.display and listing.display
        await pilot.press("m")
        await pilot.pause()
        assert pane.display and not listing.display and pane.has_focus
        await pilot.press("m")
        await pilot.pause()
        assert not pane.display and listing.display
