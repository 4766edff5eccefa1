"""Issue 8, the live discussion screen: tags of the question on screen, the guide never runs
dry, a resume restores the question, the palette jumps to criteria and questions."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Label
from ui_helpers import catalog
from ui_live_helpers import Clock, HostApp, discussion_screen, notes_only_session, saved

from discussion.guide import Asked, Status, advise
from discussion.ui.screens.discussion import DiscussionScreen
from discussion.ui.widgets.recent_notes import RecentNotes


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    return tmp_path


def _tags(screen: DiscussionScreen) -> str:
    return str(screen.query_one("#tags", Label).render())


async def test_a_note_gets_the_tags_of_the_question_on_screen_not_the_last_asked(
    home: Path,
) -> None:
    screen, app = discussion_screen(notes_only_session(home), Clock(60.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = screen.current
        assert first is not None
        assert _tags(screen).startswith(f"tags: {first.primary}")
        await pilot.press("f2", "f3")  # asked, then the guide's next question
        await pilot.pause()
        shown = screen.current
        assert shown is not None and shown.id != first.id
        assert _tags(screen).startswith(f"tags: {shown.primary}")
        await pilot.press(*"said she would call back", "enter")
        await saved(pilot, screen.live)
        # The main criterion only: the question's other criteria are one key away.
        assert screen.live.record.state().notes[-1].criteria == [shown.primary]


async def test_tags_toggled_by_hand_last_until_the_question_changes(home: Path) -> None:
    screen, app = discussion_screen(notes_only_session(home), Clock(60.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t", "alt+1")  # only 1A
        await pilot.pause()
        assert _tags(screen).split(" (+")[0] == "tags: 1A"  # then the keys for the others
        await pilot.press("f2")  # asking the question on screen keeps the hand-made tags
        await pilot.press(*"x", "enter")
        await saved(pilot, screen.live)
        assert screen.live.record.state().notes[-1].criteria == ["1A"]
        await pilot.press("f3")
        await pilot.pause()
        assert screen.current is not None
        assert screen.tags == [screen.current.primary]
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert _tags(screen).split(" (+")[0] == "tags: none"


async def test_a_resumed_session_shows_its_last_asked_question_and_tags(home: Path) -> None:
    live = notes_only_session(home)
    live.ask("D-3A-02", ["3A", "3B"])
    screen, app = discussion_screen(live, Clock(300.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert screen.current is not None and screen.current.id == "D-3A-02"
        assert _tags(screen) == "tags: 3A (+3B: alt+5)"
        await pilot.press(*"asked about a complaint", "enter")
        await saved(pilot, live)
        assert live.record.state().notes[-1].criteria == ["3A"]
        await pilot.press("alt+5", *"and adapted her tone", "enter")  # the secondary: one key
        await saved(pilot, live)
        assert _tags(screen) == "tags: 3A 3B"
        assert live.record.state().notes[-1].criteria == ["3A", "3B"]


# ------------------------------------------------------------------ the guide never runs dry
def _all_partial() -> dict[str, Status]:
    """Every criterion marked partial by the assessor (attempted, not yet enough)."""
    return {c.id: "partial" for c in catalog().standard.component("discussion").criteria}


def test_guide_with_every_criterion_partial_and_time_left_suggests_a_question() -> None:
    cat = catalog()
    asked = [Asked("D-4A-04", 3.0)]
    advice = advise(cat.standard, cat.bank, status=_all_partial(), asked=asked, minutes_elapsed=4)
    assert advice.question is not None, advice.reason
    assert advice.question.id != "D-4A-04" and advice.close is None
    assert "partial" in advice.reason, advice.reason  # brought back: not yet sufficient


def test_guide_with_every_question_asked_says_probe_then_close_and_at_the_end_close() -> None:
    cat = catalog()
    asked = [Asked(q.id, 1.0) for q in cat.bank.questions if q.set == "assessment"]
    status = _all_partial()
    advice = advise(cat.standard, cat.bank, status=status, asked=asked, minutes_elapsed=20)
    assert advice.question is None
    assert "probe, then close" in advice.reason, advice.reason
    late = advise(cat.standard, cat.bank, status=status, asked=asked, minutes_elapsed=61)
    assert late.close is not None and "time to close" in late.reason, late.reason


async def test_screen_after_four_minutes_with_all_evidence_still_shows_a_question(
    home: Path,
) -> None:
    live = notes_only_session(home)
    for criterion in catalog().standard.component("discussion").criteria:
        live.note(f"evidence for {criterion.id}", [criterion.id], 10.0)
    screen, app = discussion_screen(live, Clock(4 * 60.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert screen.current is not None
        await pilot.press("f2", "f3")
        await pilot.pause()
        assert screen.current is not None
        assert screen.advice.close is None, screen.advice.reason  # notes never close it


# ------------------------------------------------------------------ layout
@pytest.mark.parametrize("size", [(200, 50), (100, 30)])
async def test_spare_height_goes_to_the_notes_newest_at_the_bottom(
    home: Path, size: tuple[int, int]
) -> None:
    live = notes_only_session(home)
    for number in range(1, 31):
        live.note(f"remark {number}", ["3A"], 10.0 + number)
    screen, app = discussion_screen(live, Clock(60.0))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        pane = screen.query_one("#notes-scroll")
        rows = pane.content_region.height
        assert rows >= (15 if size[0] == 200 else 7), rows  # was 4 at any size
        await pilot.press(*"one more", "enter")
        await pilot.pause(0.2)
        assert pane.scroll_y == pane.max_scroll_y  # the newest note is in view
        lines = str(screen.query_one(RecentNotes).render()).splitlines()
        assert "one more" in lines[-1]


# ------------------------------------------------------------------ attempt 3
async def test_attempt_3_board_and_decisions_say_distinctions_will_not_count(home: Path) -> None:
    from discussion.ui.screens.decisions import DecisionsScreen
    from discussion.ui.widgets.criteria_board import CriteriaBoard

    live = notes_only_session(home, attempt=3)
    screen, app = discussion_screen(live, Clock(60.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = str(screen.query_one(CriteriaBoard).render())
        assert "Attempt 3: D won't count" in board, board
    decisions = DecisionsScreen(live, catalog().standard)
    host = HostApp(decisions)
    async with host.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        progress = str(decisions.query_one("#progress").render())
        assert "Attempt 3: distinctions will not count" in progress, progress
        decisions._select("2A")  # a distinction criterion
        wording = str(decisions.query_one("#wording").render())
        assert "will not count on this attempt" in wording, wording


async def test_attempt_1_board_keeps_its_header(home: Path) -> None:
    from discussion.ui.widgets.criteria_board import CriteriaBoard

    screen, app = discussion_screen(notes_only_session(home), Clock(60.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = str(screen.query_one(CriteriaBoard).render())
        assert "Criteria status  notes" in board and "won't count" not in board
