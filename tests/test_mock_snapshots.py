"""SVG snapshots of the mock's screens with a frozen clock, a fixed seed and fixed records: the
set-up, the discussion showing its first question, the self-check after a probe, and the
readiness report over three scripted mocks at fixed dates. Update with `pytest
--snapshot-update`, then look at the SVGs."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from screen_host import ScreenHost
from test_mock_practice_record import run_scripted_mock
from textual.pilot import Pilot
from textual.widgets import TextArea
from ui_helpers import catalog

from discussion.mock.readiness import MockRecord, load_mock_records, readiness
from discussion.settings import Settings
from discussion.ui.screens.mock_app import MockApp
from discussion.ui.screens.mock_discussion import MockDiscussionScreen
from discussion.ui.screens.mock_flow import MockParts
from discussion.ui.screens.mock_readiness import MockReadinessScreen
from discussion.ui.screens.mock_self_check import MockSelfCheckScreen
from discussion.ui.screens.mock_setup import Devices, MockSetupScreen

SnapCompare = Callable[..., bool]
NO_DEVICES = Devices(None, "no microphone found", False, "no audio output")
SIZE = (100, 30)


class FrozenClock:
    """The mock's clock, stopped at 2 min 5 s (it moves only when a test says so)."""

    def __init__(self) -> None:
        self.now = 125.0

    def __call__(self) -> float:
        return self.now


class SnapshotMockApp(MockApp):
    """The mock app, keeping the screenshot the snapshot's exit returns (the mock flow's own
    exit, as its worker is cancelled, would replace it with None)."""

    def exit(self, result: Any = None, *args: Any, **kwargs: Any) -> None:
        """Exit once with the first result given."""
        if self.return_value is None:
            super().exit(result, *args, **kwargs)


@pytest.fixture
def mock_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SnapshotMockApp:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    parts = MockParts(probe=lambda: NO_DEVICES, clock=FrozenClock(), seed=3, tick_seconds=3600)
    return SnapshotMockApp(
        catalog(), settings=Settings(), home=tmp_path / "sessions", cursor_blink=False, parts=parts
    )


async def _until(pilot: Pilot[Any], kind: type) -> Any:
    for _ in range(200):
        await pilot.pause(0.02)
        if isinstance(pilot.app.screen, kind):
            await pilot.pause()
            return pilot.app.screen
    raise AssertionError(f"no {kind.__name__}: {pilot.app.screen!r}")


def test_mock_setup(snap_compare: SnapCompare, mock_app: MockApp) -> None:
    async def ready(pilot: Pilot[Any]) -> None:
        screen = await _until(pilot, MockSetupScreen)
        for _ in range(100):  # the device probe's answer is shown
            if screen.devices is not None:
                break
            await pilot.pause(0.02)
        await pilot.pause()

    assert snap_compare(mock_app, terminal_size=SIZE, run_before=ready)


async def _first_question(pilot: Pilot[Any]) -> MockDiscussionScreen:
    await _until(pilot, MockSetupScreen)
    await pilot.press("ctrl+s")  # 15 minutes, all criteria, typed
    screen: MockDiscussionScreen = await _until(pilot, MockDiscussionScreen)
    return screen


def test_mock_discussion_with_a_question(snap_compare: SnapCompare, mock_app: MockApp) -> None:
    async def asked(pilot: Pilot[Any]) -> None:
        screen = await _first_question(pilot)
        assert screen.prompt is not None and screen.prompt.kind == "question"
        screen.query_one("#mock-answer", TextArea).insert("I would say what my job is.")
        await pilot.pause()

    assert snap_compare(mock_app, terminal_size=SIZE, run_before=asked)


def test_mock_self_check_after_a_probe(snap_compare: SnapCompare, mock_app: MockApp) -> None:
    async def checked(pilot: Pilot[Any]) -> None:
        screen = await _first_question(pilot)
        for answer in ("I answer the phones.", "I am not sure.", "I work with the team."):
            if not isinstance(pilot.app.screen, MockDiscussionScreen):
                break
            screen.query_one("#mock-answer", TextArea).insert(answer)
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause()
        await _until(pilot, MockSelfCheckScreen)
        await pilot.press("space")  # the apprentice ticks the first look-for

    assert snap_compare(mock_app, terminal_size=(100, 40), run_before=checked)


def test_mock_readiness(snap_compare: SnapCompare, tmp_path: Path) -> None:
    home = tmp_path / "sessions"
    for _ in range(3):
        run_scripted_mock(home)
    records, _skipped = load_mock_records([home])
    start = datetime(2026, 11, 2, 18, 30, tzinfo=UTC)
    fixed = []
    for n, record in enumerate(records):  # fixed dates, a week apart, for the chart's labels
        info = record.state.info.model_copy(update={"created_at": start + timedelta(days=7 * n)})
        fixed.append(MockRecord(record.folder, dataclasses.replace(record.state, info=info)))
    report = readiness(fixed, catalog().bank)
    host = ScreenHost(lambda: MockReadinessScreen(report))
    assert snap_compare(host, terminal_size=(100, 52))
