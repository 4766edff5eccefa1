"""The sessions screen, driven by keys (Pilot): the list, the filter boxes, a bad date, back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from screen_host import ScreenHost
from sessions_helpers import PASS_CRITERIA, make_closed, make_declined, make_interrupted
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from discussion.ui.screens.sessions import SessionsScreen


@pytest.fixture
def sessions(tmp_path: Path) -> Path:
    folder = tmp_path / "sessions"
    folder.mkdir()
    make_closed(folder, "pass01", date(2026, 3, 2), met=PASS_CRITERIA, apprentice_name="Ada Pass")
    make_closed(
        folder, "fail01", date(2026, 3, 4), apprentice_name="Fay Fail", assessor="Pat Checker"
    )
    make_interrupted(folder, "intr01", date(2026, 3, 5), apprentice_name="Ian Interrupted")
    make_declined(folder, "decl01", date(2026, 3, 6), apprentice_name="Dan Declined")
    broken = folder / "2026-03-08T0900-broken"
    broken.mkdir()
    (broken / "session.json").write_text("{not json", encoding="utf-8")
    return folder


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown(app: ScreenHost) -> list[tuple[str, str, str]]:
    """(apprentice, state, grade) of each row."""
    table = app.screen.query_one("#sessions-table", DataTable)
    rows = [table.get_row_at(i) for i in range(table.row_count)]
    return [(str(row[1]), str(row[4]), str(row[5])) for row in rows]


def status(app: ScreenHost) -> str:
    return str(app.screen.query_one("#sessions-status", Static).render())


@pytest.mark.ui_flow
async def test_lists_every_session_and_filters_as_you_type(sessions: Path) -> None:
    app = ScreenHost(lambda: SessionsScreen(sessions))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert shown(app) == [
            ("Ada Pass", "closed", "pass"),
            ("Fay Fail", "closed", "fail"),
            ("Ian Interrupted", "interrupted", "—"),
            ("Dan Declined", "did not go ahead", "—"),
            ("—", "broken", "—"),
        ]
        assert status(app) == "5 of 5 sessions shown."
        await pilot.click("#filter-assessor")
        await pilot.press(*"zz")
        await pilot.pause()
        assert shown(app) == []
        await pilot.press("backspace", "backspace", *"pat ch")
        await pilot.pause()
        assert shown(app) == [("Fay Fail", "closed", "fail")]  # part of the name is enough
        assert status(app) == "1 of 5 sessions shown."
        for _ in "pat ch":
            await pilot.press("backspace")
        await pilot.click("#filter-state")
        await pilot.press(*"did")
        await pilot.pause()
        assert shown(app) == [("Dan Declined", "did not go ahead", "—")]


@pytest.mark.ui_flow
async def test_a_bad_date_is_named_and_the_list_stays(sessions: Path) -> None:
    app = ScreenHost(lambda: SessionsScreen(sessions))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.click("#filter-from")
        await pilot.press(*"2026-03-04")
        await pilot.pause()
        assert [row[0] for row in shown(app)] == ["Fay Fail", "Ian Interrupted", "Dan Declined"]
        await pilot.press("backspace", "backspace", *"40")
        await pilot.pause()
        assert "From '2026-03-40' is not a date: write it as YYYY-MM-DD." in status(app)
        assert app.screen.query_one("#sessions-status").has_class("-problem")
        assert len(shown(app)) == 3  # the last good filter's rows stay
        await pilot.press("backspace", "backspace", *"05")
        await pilot.pause()
        assert not app.screen.query_one("#sessions-status").has_class("-problem")
        assert [row[0] for row in shown(app)] == ["Ian Interrupted", "Dan Declined"]
        await pilot.click("#filter-state")
        await pilot.press(*"zzz")
        await pilot.pause()
        assert "State 'zzz': type one of open, interrupted" in status(app)


async def test_broken_row_says_what_is_wrong_and_escape_goes_back(sessions: Path) -> None:
    app = ScreenHost(lambda: SessionsScreen(sessions))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#sessions-table", DataTable)
        problem = str(table.get_row_at(4)[7])
        assert "session.json" in problem
        table.focus()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SessionsScreen)
        assert app.results == [None]


async def test_s_on_home_opens_the_sessions_screen(sessions: Path) -> None:
    from ui_helpers import catalog

    from discussion.ui.screens.home import HomeScreen

    closed_only = sessions.parent / "closed-only"
    closed_only.mkdir()
    make_closed(closed_only, "pass02", date(2026, 3, 2), apprentice_name="Ada Pass")
    app = ScreenHost(lambda: HomeScreen(catalog(), closed_only, offer_recovery=False))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        assert shown(app) == [("Ada Pass", "closed", "fail")]
        app.screen.query_one("#sessions-table").focus()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.ui_flow
async def test_sample_box_shows_the_same_sample_as_the_command(sessions: Path) -> None:
    from fractions import Fraction

    from discussion.sampling import draw_sample, list_entries

    make_closed(sessions, "pass03", date(2026, 3, 9), met=PASS_CRITERIA, apprentice_name="Al Two")
    make_closed(sessions, "pass04", date(2026, 3, 10), apprentice_name="Bo Three")
    app = ScreenHost(lambda: SessionsScreen(sessions))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SessionsScreen)
        await pilot.click("#filter-sample")
        await pilot.press(*"50")
        await pilot.pause()
        expected = draw_sample(list_entries(sessions), Fraction(50), screen.seed, per_assessor=True)
        names = [e.apprentice for e in expected.sessions]
        assert [row[0] for row in shown(app)] == names
        # Half of Sam Assessor's 3 closed assessments, rounded up, is 2; of Pat's 1 it is 1.
        assert len(names) == 3
        assert "Dan Declined" not in names and "Ian Interrupted" not in names
        assert "Sample: 3 of 4 closed assessments (50% of each assessor's" in status(app)
        assert f"seed {screen.seed}." in status(app)
        await pilot.press("backspace", "backspace", *"0")
        await pilot.pause()
        assert "Sample % '0': give a percentage more than 0" in status(app)


@pytest.mark.ui_flow  # a longer Pilot flow: this screen keeps shorter tests in test-fast
async def test_a_wrong_box_is_named_and_the_list_still_refreshes(sessions: Path) -> None:
    """A verifier mid-way through typing a date still sees new sessions (F5) and the other
    boxes filter; the wrong box is marked and keeps its last good value until it is right."""
    app = ScreenHost(lambda: SessionsScreen(sessions))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.click("#filter-to")
        await pilot.press(*"2026-03-4")  # not a date yet: To has no good value, so none
        await pilot.pause()
        to_box = app.screen.query_one("#filter-to")
        assert to_box.has_class("-invalid")
        assert "To '2026-03-4' is not a date: write it as YYYY-MM-DD." in status(app)
        assert "Meanwhile the list uses that box's last good value: 5 of 5" in status(app)
        assert app.screen.query_one("#sessions-status").has_class("-problem")
        make_closed(sessions, "new01", date(2026, 3, 9), apprentice_name="Nia New")
        await pilot.press("f5")
        await settle(pilot)
        assert "Nia New" in [row[0] for row in shown(app)]  # the refresh is shown
        assert "6 of 6 sessions" in status(app) and "To '2026-03-4'" in status(app)
        await pilot.click("#filter-assessor")
        await pilot.press(*"pat")
        await pilot.pause()
        assert shown(app) == [("Fay Fail", "closed", "fail")]  # the other boxes still filter
        await pilot.click("#filter-to")
        await pilot.press("end", "backspace", *"04")  # 2026-03-04: a date again
        await pilot.pause()
        assert not to_box.has_class("-invalid")
        assert status(app) == "1 of 6 sessions shown."
        await pilot.press("backspace")  # 2026-03-0: To keeps 2026-03-04 meanwhile
        await pilot.click("#filter-assessor")
        await pilot.press("end", *["backspace"] * 3)
        await pilot.pause()
        assert [row[0] for row in shown(app)] == ["Ada Pass", "Fay Fail"]
        assert "To '2026-03-0'" in status(app) and "2 of 6 sessions shown." in status(app)
