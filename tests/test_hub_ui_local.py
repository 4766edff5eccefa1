"""The hub in the app where no server is needed: without a hub nothing hub-related is in the way;
a hub configured but down says which part and how to fix it, queues a hand-in and refuses an
unsealed record with the fix; the retrier's death is reported, never silent; a snapshot of
home with the hub away (fixed rows, UTC)."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

import pytest
from screen_host import ScreenHost
from session_factory import make_session_info
from test_ui_home import SNAPSHOT_HOME, fixed_rows
from textual.pilot import Pilot
from ui_helpers import catalog

from discussion.hub import queue
from discussion.hub.config import HubConfig
from discussion.hub.retrier import Retrier, hand_in
from discussion.record import SessionRecord
from discussion.ui.screens.home import HomeScreen
from discussion.ui.widgets.hub_status import NOT_CONFIGURED, HubStatusLine
from discussion.ui.widgets.session_table import SessionTable

SnapCompare = Callable[..., bool]
SAMPLE = Path(__file__).resolve().parent.parent / "transcripts" / "sample-discussion"
SID = "sample-discussion"
CONFIG = HubConfig("http://127.0.0.1:9", "epa-records", "eu-west-2", "postgresql://e@x/e", 1, "")


@pytest.fixture
def hub_away(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hub configured on ports nothing listens on (connections are refused at once)."""
    monkeypatch.setenv("DISCUSSION_HUB_S3_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("DISCUSSION_HUB_BUCKET", "epa-records")
    monkeypatch.setenv("DISCUSSION_HUB_DSN", "postgresql://epa@127.0.0.1:9/epa")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "not-a-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")


@pytest.fixture
def no_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISCUSSION_HUB_S3_ENDPOINT", "DISCUSSION_HUB_BUCKET", "DISCUSSION_HUB_DSN"):
        monkeypatch.delenv(name, raising=False)


async def until(pilot: Pilot[None], done: Callable[[], bool], what: str, wait: float = 30) -> None:
    deadline = time.monotonic() + wait
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)


def line(app: ScreenHost) -> HubStatusLine:
    return app.screen.query_one(HubStatusLine)


def notices(app: ScreenHost) -> list[str]:
    return [n.message for n in app._notifications]


def hub_column(app: ScreenHost) -> dict[str, str]:
    table = app.screen.query_one(SessionTable)
    if "hub" not in table.columns:
        return {}
    return {
        str(table.get_row_at(i)[0]): str(table.get_row_at(i)[-1]) for i in range(table.row_count)
    }


async def test_without_a_hub_nothing_is_in_the_way(no_hub: None) -> None:
    app = ScreenHost(
        lambda: HomeScreen(
            catalog(), SNAPSHOT_HOME, rows_provider=fixed_rows, tz=UTC, offer_recovery=False
        )
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert not line(app).display and line(app).retrier is None
        assert hub_column(app) == {}  # no Hub column
        await pilot.press("h")
        await pilot.press("v")
        await pilot.pause()
        assert notices(app) == [NOT_CONFIGURED, NOT_CONFIGURED]  # the one hint, when asked
        assert "DISCUSSION_HUB_BUCKET" in NOT_CONFIGURED and "docs/hub.md" in NOT_CONFIGURED


@pytest.mark.slow
async def test_a_hub_that_is_down_says_how_to_fix_it_and_queues(
    hub_away: None, tmp_path: Path
) -> None:
    sessions = tmp_path / "sessions"
    shutil.copytree(SAMPLE, sessions / SID)
    SessionRecord.create(make_session_info(apprentice_name="Una Unsealed"), sessions).release()
    app = ScreenHost(lambda: HomeScreen(catalog(), sessions, tz=UTC, offer_recovery=False))
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: "unreachable" in str(line(app).render()), "the check")
        text = str(line(app).render())
        assert "Hub store unreachable · 0 queued" in text
        assert "start it or set DISCUSSION_HUB_S3_ENDPOINT" in text
        assert line(app).has_class("-problem")
        assert hub_column(app) == {"Alex Example (fictional)": "no", "Una Unsealed": ""}
        table = app.screen.query_one(SessionTable)
        table.move_cursor(
            row=[str(r[0]) for r in map(table.get_row_at, range(2))].index("Una Unsealed")
        )
        await pilot.press("h")
        await pilot.pause()
        refused = notices(app)[-1]
        assert "is not sealed" in refused and "resume it (Enter)" in refused
        table.move_cursor(row=1 - table.cursor_row)
        await pilot.press("h")
        await until(pilot, lambda: hub_column(app)["Alex Example (fictional)"] == "queued", "queue")
        assert any("queued, will retry" in n for n in notices(app))
        assert [item.session_id for item in queue.items()] == [SID]
        await until(pilot, lambda: "1 queued" in str(line(app).render()), "the count")
    assert (sessions / SID / "events.jsonl").is_file()  # nothing lost: the record stays


def test_the_retriers_death_is_reported() -> None:
    died: list[BaseException] = []
    reported = threading.Event()

    def broken(_outcome: queue.RetryOutcome) -> None:
        raise RuntimeError("the report went wrong")

    def death(error: BaseException) -> None:
        died.append(error)
        reported.set()

    retrier = Retrier(CONFIG, broken, death, interval_s=0.01)
    retrier.start()
    assert reported.wait(10)
    assert [str(e) for e in died] == ["the report went wrong"]
    assert retrier.stop(5) and not retrier.alive


def test_the_retrier_passes_until_stopped_and_retry_now_wakes_it() -> None:
    passes: list[queue.RetryOutcome] = []
    woke = threading.Event()

    def passed(outcome: queue.RetryOutcome) -> None:
        passes.append(outcome)
        if len(passes) == 2:
            woke.set()

    retrier = Retrier(CONFIG, passed, lambda e: None, interval_s=60, max_interval_s=60)
    retrier.start()
    deadline = time.monotonic() + 10
    while not passes and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(passes) == 1 and passes[0].handed_in == []  # the first pass at once, then a wait
    retrier.retry_now()
    assert woke.wait(10)
    assert retrier.stop(5) and not retrier.alive


async def _settled_hub_line(pilot: Pilot[None]) -> None:
    app = pilot.app
    deadline = time.monotonic() + 30
    while "unreachable" not in str(app.screen.query_one(HubStatusLine).render()):
        assert time.monotonic() < deadline
        await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_snapshot_home_with_the_hub_away(snap_compare: SnapCompare, hub_away: None) -> None:
    app = ScreenHost(
        lambda: HomeScreen(
            catalog(), SNAPSHOT_HOME, rows_provider=fixed_rows, tz=UTC, offer_recovery=False
        )
    )
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settled_hub_line)


def test_a_record_marked_handed_in_is_not_queued_again_while_the_hub_is_away(
    tmp_path: Path,
) -> None:
    folder = Path(shutil.copytree(SAMPLE, tmp_path / SID))
    queue.mark_handed_in(SID, folder, "0" * 64)
    result = hand_in(folder, SID, CONFIG)  # CONFIG's store and index are not there
    assert (result.state, result.text) == ("handed in", f"{SID} is already handed in.")
    assert queue.items() == []
