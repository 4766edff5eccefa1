"""A spoken mock's practice record opens in the existing review screen (Pilot): sealed, its
questions on the timeline, its one recording playable."""

from __future__ import annotations

from pathlib import Path

import soundfile
from playback_helpers import FakeOutputFactory
from screen_host import ScreenHost
from test_mock_practice_record import SCRIPT_IDS, run_scripted_mock
from test_review_screen import listing, loaded
from ui_helpers import catalog

from discussion.mock.practice_record import SEGMENT
from discussion.ui.screens.review import ReviewScreen


async def test_review_opens_a_spoken_mock(tmp_path: Path) -> None:
    folder = run_scripted_mock(tmp_path / "sessions", audio=True)
    data, rate = soundfile.read(folder / SEGMENT, dtype="int16")
    assert rate == 16000 and len(data) > 30 * rate
    factory = FakeOutputFactory(pace=1.0)
    host = ScreenHost(lambda: ReviewScreen(folder, catalog(), preroll_s=5.0, open_stream=factory))
    async with host.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        verdict = str(screen.query_one("#review-verdict").render())
        assert "INTACT · SEALED" in verdict
        items = listing(screen).items
        assert [i.kind for i in items if i.kind == "question"] == ["question"] * len(SCRIPT_IDS)
        assert any(i.kind == "segment" for i in items)
        assert not screen.failed
