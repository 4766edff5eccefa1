"""The header never stops the app when its title child is already gone (a screen dismissed as
it mounts): Textual's own Header raises NoMatches there."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets._header import HeaderTitle

from discussion.ui.widgets.screen_header import ScreenHeader


class Titled(App[None]):
    TITLE = "first"

    def compose(self) -> ComposeResult:
        yield ScreenHeader()


async def test_the_title_is_shown_and_follows_the_app() -> None:
    app = Titled()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert "first" in str(app.query_one(HeaderTitle).render())
        app.title = "second"
        await pilot.pause()
        assert "second" in str(app.query_one(HeaderTitle).render())


async def test_a_title_change_after_the_title_is_gone_does_not_stop_the_app() -> None:
    app = Titled()
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.query_one(HeaderTitle).remove()
        app.title = "changed while going away"
        await pilot.pause()
        assert app.is_running
    assert app.return_code in (None, 0)
