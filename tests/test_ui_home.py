"""The home screen, driven by keys: listing, opening, resuming, recovering, the recovery offer."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from screen_host import ScreenHost
from session_factory import make_session_info
from textual.pilot import Pilot
from textual.widgets import Static
from ui_helpers import catalog

from discussion.record import SessionInfo, SessionRecord, SessionSummary, list_sessions
from discussion.record.listing import ListedStatus
from discussion.record.session import read_log
from discussion.ui.messages import (
    BrowserRequested,
    NewDiscussionRequested,
    SessionOpenRequested,
    SessionResumeRequested,
)
from discussion.ui.screens.confirm import ConfirmScreen
from discussion.ui.screens.home import HomeScreen
from discussion.ui.widgets.session_table import SessionRow, SessionTable

SnapCompare = Callable[..., bool]
SNAPSHOT_HOME = Path("/home/assessor/.local/share/discussion/sessions")


def make_info(name: str, created: datetime, **changes: Any) -> SessionInfo:
    """A valid SessionInfo with made-up values."""
    fields: dict[str, Any] = {
        "session_id": created.strftime("%Y-%m-%dT%H%M") + "-" + name.lower().replace(" ", "")[:6],
        "created_at": created,
        "apprentice_name": name,
        "assessor": "Test Assessor",
        "epa_window_start": date(2026, 3, 1),
    }
    return make_session_info(**{**fields, **changes})


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data home (DISCUSSION_HOME) and its sessions folder."""
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    folder = tmp_path / "sessions"
    folder.mkdir()
    return folder


@pytest.fixture
def populated(home: Path) -> Iterator[dict[str, Path]]:
    """One closed, one interrupted, one open (held by this process) and one broken session."""
    closed = SessionRecord.create(
        make_info("Closed Carla", datetime(2026, 3, 2, 9, tzinfo=UTC)), home
    )
    closed.close("done")
    interrupted = SessionRecord.create(
        make_info("Interrupted Ivan", datetime(2026, 3, 4, 9, tzinfo=UTC), attempt=2), home
    )
    interrupted.release()
    held = SessionRecord.create(make_info("Open Olga", datetime(2026, 3, 3, 9, tzinfo=UTC)), home)
    broken = home / "2026-03-01T0900-broken"
    broken.mkdir()
    (broken / "session.json").write_text("{not json", encoding="utf-8")
    try:
        yield {
            "closed": closed.folder,
            "interrupted": interrupted.folder,
            "open": held.folder,
            "broken": broken,
        }
    finally:
        held.release()


def host(home: Path) -> ScreenHost:
    return ScreenHost(lambda: HomeScreen(catalog(), home))


async def settle(pilot: Pilot[None]) -> None:
    """Let the list load (thread worker) and the screen redraw."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def rows_shown(app: ScreenHost) -> list[tuple[str, str]]:
    table = app.screen_stack[1].query_one(SessionTable)
    return [
        (str(table.get_row_at(i)[0]), str(table.get_row_at(i)[2])) for i in range(table.row_count)
    ]


async def test_empty_home_says_how_to_start(home: Path) -> None:
    app = host(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        assert screen.has_class("-empty")
        assert "Press n" in str(screen.query_one("#home-empty", Static).render())
        assert str(home) in str(screen.query_one("#home-folder", Static).render())
        await pilot.press("n")
        await pilot.pause()
        assert [type(m) for m in app.messages] == [NewDiscussionRequested]


async def test_lists_sessions_newest_first_and_offers_the_interrupted_one(
    populated: dict[str, Path],
) -> None:
    app = host(populated["closed"].parent)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        body = str(app.screen.query_one("#confirm-body", Static).render())
        assert "Interrupted Ivan" in body and "2026-03-04" in body
        await pilot.press("n")  # Later
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert rows_shown(app) == [
            ("Interrupted Ivan", "interrupted"),
            ("Open Olga", "open"),
            ("Closed Carla", "closed"),
            ("—", "broken"),
        ]
        assert app.messages == []


async def test_resume_offer_posts_resume(populated: dict[str, Path]) -> None:
    app = host(populated["closed"].parent)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert len(app.messages) == 1
        message = app.messages[0]
        assert isinstance(message, SessionResumeRequested)
        assert message.folder == populated["interrupted"]


async def test_enter_resumes_opens_or_explains(populated: dict[str, Path]) -> None:
    app = host(populated["closed"].parent)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")  # not now
        await pilot.press("enter")  # interrupted
        await pilot.press("down", "enter")  # open elsewhere
        await pilot.press("down", "enter")  # closed
        await pilot.press("down", "enter")  # broken
        await pilot.pause()
        kinds = [(type(m), getattr(m, "folder", None)) for m in app.messages]
        assert kinds == [
            (SessionResumeRequested, populated["interrupted"]),
            (SessionOpenRequested, populated["closed"]),
        ]
        notes = [n.message for n in app._notifications]
        assert any("in use by another process" in n for n in notes)
        assert any("broken" in n and "session.json" in n for n in notes)


@pytest.mark.ui_flow
async def test_b_asks_for_the_browser(home: Path) -> None:
    app = host(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        assert [type(m) for m in app.messages] == [BrowserRequested]


async def test_r_recovers_the_interrupted_session_in_place(populated: dict[str, Path]) -> None:
    app = host(populated["closed"].parent)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.press("r")
        await settle(pilot)
        events = read_log(populated["interrupted"]).events
        assert events[-1].type == "recovered"
        assert any(n.message.startswith("Recovered") for n in app._notifications)
        assert rows_shown(app)[0] == ("Interrupted Ivan", "interrupted")
        await pilot.press("down", "down", "r")  # a closed one: nothing to do
        await settle(pilot)
        assert any("Only interrupted" in n.message for n in app._notifications)


async def test_refresh_picks_up_new_sessions(home: Path) -> None:
    app = host(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.screen.has_class("-empty")
        record = SessionRecord.create(
            make_info("Later Lee", datetime(2026, 3, 5, tzinfo=UTC)), home
        )
        record.close()
        await pilot.press("f5")
        await settle(pilot)
        assert rows_shown(app) == [("Later Lee", "closed")]
        assert not app.screen.has_class("-empty")
        assert len(list_sessions(home)) == 1
        assert json.loads((record.folder / "session.json").read_text())["apprentice_name"]


# ---------------------------------------------------------------------------- snapshots
def fixed_rows() -> list[SessionRow]:
    """A stable session list: every state, dates fixed, shown in UTC."""

    def row(
        name: str | None, when: datetime | None, attempt: int | None, status: ListedStatus
    ) -> SessionRow:
        stamp = when.strftime("%Y-%m-%dT%H%M") if when else "2026-02-01T0000"
        folder = SNAPSHOT_HOME / f"{stamp}-{status}"
        summary = SessionSummary(
            folder,
            folder.name,
            name,
            when.date() if when else None,
            attempt,
            "assessment" if name else None,
            status,
            "session.json: not valid JSON" if status == "broken" else None,
        )
        return SessionRow(summary, when)

    return [
        row("Priya Patel", datetime(2026, 3, 14, 9, 30, tzinfo=UTC), 1, "interrupted"),
        row("Tom Okafor", datetime(2026, 3, 12, 14, 0, tzinfo=UTC), 2, "closed"),
        row("Jo Evans", datetime(2026, 3, 10, 10, 15, tzinfo=UTC), 1, "open"),
        row("Sam Lee", datetime(2026, 3, 2, 11, 45, tzinfo=UTC), 3, "closed"),
        row(None, None, None, "broken"),
    ]


def snapshot_home(offer: bool) -> ScreenHost:
    return ScreenHost(
        lambda: HomeScreen(
            catalog(), SNAPSHOT_HOME, rows_provider=fixed_rows, tz=UTC, offer_recovery=offer
        )
    )


def test_snapshot_home(snap_compare: SnapCompare) -> None:
    assert snap_compare(snapshot_home(False), terminal_size=(80, 24), run_before=settle)


def test_snapshot_home_recovery_offer(snap_compare: SnapCompare) -> None:
    assert snap_compare(snapshot_home(True), terminal_size=(80, 24), run_before=settle)


def test_snapshot_home_empty(snap_compare: SnapCompare) -> None:
    app = ScreenHost(lambda: HomeScreen(catalog(), SNAPSHOT_HOME, rows_provider=list, tz=UTC))
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


# ------------------------------------------- issue 14, fault 11: loading, broken folders
async def test_says_loading_until_the_list_arrives(home: Path) -> None:
    """A large home takes a while: the screen must not say "No discussions yet" meanwhile."""
    release = threading.Event()
    rows = fixed_rows()

    def slow_rows() -> list[SessionRow]:
        release.wait(10)
        return rows

    app = ScreenHost(lambda: HomeScreen(catalog(), home, rows_provider=slow_rows, tz=UTC))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HomeScreen) and not screen.loaded
        shown = str(screen.query_one("#home-empty", Static).render())
        assert "Loading" in shown and "No discussions yet" not in shown
        release.set()
        await settle(pilot)
        assert screen.loaded and len(rows_shown(app)) == len(rows)


@pytest.mark.ui_flow
async def test_a_bad_folder_is_a_row_with_its_reason(home: Path) -> None:
    """An events.jsonl that is a folder or a loop used to hide every session."""
    for day in range(1, 10):
        record = SessionRecord.create(
            make_info(f"Good {day}", datetime(2026, 3, day, 9, tzinfo=UTC)), home
        )
        record.close()
    for day, kind in ((20, "folder"), (21, "loop")):
        record = SessionRecord.create(
            make_info(f"Bad {kind}", datetime(2026, 3, day, 9, tzinfo=UTC)), home
        )
        record.release()
        log = record.folder / "events.jsonl"
        log.unlink()
        if kind == "folder":
            log.mkdir()
        else:
            log.symlink_to("events.jsonl")
    app = ScreenHost(lambda: HomeScreen(catalog(), home, offer_recovery=False))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = rows_shown(app)
        assert len(shown) == 11
        assert shown[:2] == [("Bad loop", "broken"), ("Bad folder", "broken")]
        assert all(state == "closed" for _, state in shown[2:])
        problem = app.screen.query_one("#home-problem", Static)
        assert "events.jsonl is a symbolic link, not a regular file" in str(problem.render())
        await pilot.press("down")
        await pilot.pause()
        assert "events.jsonl is a folder, not a regular file" in str(problem.render())
        await pilot.press("down")
        await pilot.pause()
        assert str(problem.render()) == ""  # a good session: nothing wrong to say


async def test_state_column_fits_80_columns_beside_a_long_name(home: Path) -> None:
    # Found in tmux: "did not go ahead" was cut to "did not go ahe" at 80 columns.
    record = SessionRecord.create(
        make_info("Alexandra Example-Longname", datetime(2026, 3, 2, 9, tzinfo=UTC)), home
    )
    record.close("consent declined")
    app = host(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(SessionTable)
        shown = "".join(str(strip.text) for strip in table.render_lines(table.region.reset_offset))
        assert "did not go ahead" in shown
