"""Issue 8: set-up → consent → `d` → `y` in the real app leaves a session that did not go ahead.

The home list says "did not go ahead" (not "closed") and the export says why, with no FAIL and
no attempt used. The recorder is the real one on a fake stream (test_ui_threads' slow one), so
the decline is logged on the recording's sample clock.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_ui_threads import SLOW, SlowRecorder, fill_setup, make_flow_app, until

from discussion import live as live_module
from discussion.audio import RecorderState
from discussion.export import export_text
from discussion.record import load_state, verify
from discussion.ui.screens.confirm import ConfirmScreen
from discussion.ui.screens.consent import ConsentScreen
from discussion.ui.screens.home import HomeScreen
from discussion.ui.widgets.session_table import SessionTable


@pytest.mark.slow
async def test_declining_consent_in_the_app_lists_and_exports_did_not_go_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_module, "Recorder", SlowRecorder)
    SLOW.reset()
    app = make_flow_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        setup = await fill_setup(pilot)
        setup.action_start()
        await until(pilot, lambda: isinstance(app.screen, ConsentScreen), "consent")
        live = app.live
        assert live is not None
        await until(pilot, lambda: live.recorder_state is RecorderState.RECORDING, "recording")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.live is None, "home")
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one(SessionTable)

        def state_shown() -> str:
            return str(table.get_row_at(0)[2]) if table.row_count == 1 else ""

        # The app refreshes the list itself on the way home: the row never stays "open".
        await until(pilot, lambda: state_shown() not in {"", "open"}, "the row", state_shown)
        row = table.get_row_at(0)
        assert str(row[0]) == "Alex Apprentice"
        assert str(row[2]) == "did not go ahead"  # not "closed": it was never an attempt
        folder = live.folder

    assert verify(folder).ok
    state = load_state(folder)
    assert state.declined is not None and state.declined.recording is True
    assert state.not_held is not None and "did not agree" in state.not_held
    text = export_text(folder, "md")
    assert "DID NOT GO AHEAD" in text
    assert "Consent:** DECLINED at" in text
    assert "Overall grade: FAIL" not in text and "attempt(s) left" not in text
    assert "did not go ahead: the apprentice did not agree to the discussion being recorded" in (
        text
    )
    assert "no attempt is used" in text
