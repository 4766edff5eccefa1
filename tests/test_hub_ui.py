"""The hub in the app, against a real SeaweedFS and PostgreSQL (tests/hub_fixtures.py): hand in
from home and see "handed in"; the index down → "queued", and the retrier hands it in once
PostgreSQL is back; the verifier's hub sessions screen lists, samples, pulls, opens the review
and hands the judgement in; a copy altered on the store shows its differences."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from cli_inprocess import run_in_process
from screen_host import ScreenHost
from sessions_helpers import PASS_CRITERIA, make_closed
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static
from ui_helpers import catalog

from discussion.hub.config import load_config
from discussion.hub.queue import items, status_of
from discussion.ui.screens.confirm import ConfirmScreen
from discussion.ui.screens.home import HomeScreen
from discussion.ui.screens.hub_sessions import HubSessionsScreen
from discussion.ui.screens.review import ReviewScreen
from discussion.ui.widgets.hub_pull_report import HubPullReport
from discussion.ui.widgets.hub_status import HubStatusLine
from discussion.ui.widgets.session_table import SessionTable
from scripts.hub_servers import HubServers

SAMPLE = Path(__file__).resolve().parent.parent / "transcripts" / "sample-discussion"
SID = "sample-discussion"


def hub(*args: str | Path) -> int:
    return run_in_process(["hub", *map(str, args)], env=dict(os.environ)).returncode


async def until(pilot: Pilot[None], done: Callable[[], bool], what: str, wait: float = 60) -> None:
    """Pause the app until `done()` (the workers and the retrier post from their threads)."""
    deadline = time.monotonic() + wait
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)


def hub_cell(app: ScreenHost) -> str:
    table = app.screen.query_one(SessionTable)
    if "hub" not in table.columns or not table.row_count:
        return ""
    return str(table.get_row_at(0)[-1])


def line_text(app: ScreenHost) -> str:
    return str(app.screen.query_one(HubStatusLine).render())


@pytest.fixture
def sessions(hub_env: dict[str, str], tmp_path: Path) -> Path:
    """The sample record in a sessions folder, and the hub initialised."""
    folder = tmp_path / "sessions"
    shutil.copytree(SAMPLE, folder / SID)
    assert hub("init") == 0
    return folder


@pytest.mark.slow
async def test_hand_in_the_sample_from_home(sessions: Path) -> None:
    app = ScreenHost(lambda: HomeScreen(catalog(), sessions))
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: hub_cell(app) == "no", "the Hub column")
        await until(pilot, lambda: line_text(app).startswith("Hub reachable"), "the hub check")
        assert line_text(app).startswith("Hub reachable · 0 queued · selected: not handed in")
        await pilot.press("h")
        await until(pilot, lambda: hub_cell(app) == "in", "the hand-in")
        assert "selected: handed in" in line_text(app)
    assert status_of(SID)[0] == "handed in"
    listed = json.loads(run_in_process(["hub", "list", "--json"], env=dict(os.environ)).stdout)
    assert [row["session_id"] for row in listed] == [SID]


@pytest.mark.slow
async def test_index_down_queues_then_the_retrier_hands_it_in(
    sessions: Path, hub_servers: HubServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each pass is a day later: every queued item is due (the queue's back-off is 30 s to 1 h).
    days = itertools.count(time.time(), 86400.0)
    monkeypatch.setattr(
        HubStatusLine,
        "retrier_options",
        {"interval_s": 0.3, "max_interval_s": 0.6, "clock": lambda: next(days)},
    )
    app = ScreenHost(lambda: HomeScreen(catalog(), sessions))
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await until(pilot, lambda: hub_cell(app) == "no", "the Hub column")
            hub_servers.pg.stop()
            await pilot.press("h")
            await until(pilot, lambda: hub_cell(app) == "queued", "the queued hand-in")
            assert [item.session_id for item in items()] == [SID]
            await until(pilot, lambda: "index unreachable" in line_text(app), "the failed check")
            text = line_text(app)
            assert "the index is unreachable" in text and "start PostgreSQL" in text
            assert "1 queued" in text
            hub_servers.pg.start()
            await until(pilot, lambda: hub_cell(app) == "in", "the retried hand-in")
            await until(
                pilot, lambda: line_text(app).startswith("Hub reachable · 0 queued"), "the status"
            )
            retrier = app.screen.query_one(HubStatusLine).retrier
            assert retrier is not None and retrier.alive
        assert not retrier.alive  # joined when the screen went away
    finally:
        if hub_servers.pg.process is None:
            hub_servers.pg.start()
    assert items() == [] and status_of(SID)[0] == "handed in"


def table_names(app: ScreenHost) -> list[str]:
    table = app.screen.query_one("#sessions-table", DataTable)
    return sorted(str(table.get_row_at(i)[1]) for i in range(table.row_count))


@pytest.mark.slow
async def test_verifier_lists_samples_pulls_reviews_and_hands_the_judgement_in(
    sessions: Path,
) -> None:
    for tag, name in (("ada", "Ada Pass"), ("bo", "Bo Pass")):
        folder = make_closed(sessions, tag, date(2026, 3, 2), PASS_CRITERIA, apprentice_name=name)
        assert hub("push", folder) == 0
    assert hub("push", sessions / SID) == 0
    app = ScreenHost(lambda: HubSessionsScreen(load_config(), catalog()))
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: len(table_names(app)) == 3, "the hub's list")
        assert table_names(app) == ["Ada Pass", "Alex Example (fictional)", "Bo Pass"]
        status = app.screen.query_one("#sessions-status", Static)
        assert str(status.render()) == "3 of 3 sessions shown."
        app.screen.query_one("#filter-sample", Input).focus()
        await pilot.press("1", "0")
        await until(pilot, lambda: "Sample:" in str(status.render()), "the sample")
        # 10% of each assessor's closed assessments, rounded up: one of the two (not the mock).
        assert "Sample: 1 of 2 closed assessments" in str(status.render())
        assert table_names(app)[0] in ("Ada Pass", "Bo Pass")
        await pilot.press("backspace", "backspace")
        table = app.screen.query_one("#sessions-table", DataTable)
        table.focus()
        row = next(
            i
            for i in range(table.row_count)
            if str(table.get_row_at(i)[1]) == "Alex Example (fictional)"
        )
        table.move_cursor(row=row)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        report = app.screen_stack[-2].query_one(HubPullReport)
        assert f"{SID}: intact, 5 files" in str(report.render())
        review = app.screen
        assert isinstance(review, ReviewScreen)
        pulled = review.folder
        assert pulled.parent.name == "pulled" and (pulled / "events.jsonl").is_file()
        judged = run_in_process(
            ["judge", str(pulled), "--verifier", "Kim Verifier", "--outcome", "confirmed"]
        )
        assert judged.returncode == 0, judged.stdout + judged.stderr
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the hand-in offer")
        await pilot.press("y")
        await until(pilot, lambda: "Judgement of" in str(report.render()), "the judgement")
        assert f"Judgement of {SID} by Kim Verifier (confirmed): handed in." in str(report.render())
        await until(
            pilot, lambda: "yes" in _verified(app, "Alex Example (fictional)"), "Verified column"
        )


def _verified(app: ScreenHost, name: str) -> str:
    table = app.screen.query_one("#sessions-table", DataTable)
    for i in range(table.row_count):
        row = table.get_row_at(i)
        if str(row[1]) == name:
            return str(row[6])
    return ""


@pytest.mark.slow
async def test_an_altered_copy_on_the_store_shows_its_differences(
    sessions: Path, hub_servers: HubServers, hub_env: dict[str, str]
) -> None:
    assert hub("push", sessions / SID) == 0
    key = f"records/{SID}/audio/segment-001.wav"
    client = hub_servers.s3.client()
    client.put_object(Bucket=hub_env["DISCUSSION_HUB_BUCKET"], Key=key, Body=b"RIFF not it")  # type: ignore[attr-defined]
    app = ScreenHost(lambda: HubSessionsScreen(load_config(), catalog()))
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: len(table_names(app)) == 1, "the hub's list")
        app.screen.query_one("#sessions-table", DataTable).focus()
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the altered dialog")
        body = str(app.screen.query_one("#confirm-body", Static).render())
        assert f"{key} has 2 versions on the store" in body
        assert "audio/segment-001.wav differs from the manifest" in body
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, HubSessionsScreen)  # no review unless asked for
        shown = str(app.screen.query_one(HubPullReport).render())
        assert f"{SID}: ALTERED on the hub" in shown and "differs from the manifest" in shown
