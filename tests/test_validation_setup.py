"""The set-up screen shows what the domain refuses through the one formatter (field and fix)."""

from __future__ import annotations

import pytest
from screen_host import ScreenHost
from test_ui_setup import fill_form, screen_of, settle, stub_screen
from textual.widgets import Input, Static


@pytest.mark.slow
async def test_a_name_the_domain_refuses_is_shown_with_its_field() -> None:
    app = ScreenHost(stub_screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await fill_form(pilot)
        # Pasted text can carry an ESC that the form's own checks do not look for.
        screen_of(app).query_one("#assessor", Input).value = "Sam\x1b[2JAssessor"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.results == []
        shown = str(screen_of(app).query_one("#setup-missing", Static).render())
        assert "assessor: contains ESC (U+001B): a name is one line of text" in shown, shown
