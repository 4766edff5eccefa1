"""Ticked and unticked boxes (and chosen radio buttons) differ in plain text, not only colour."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import RadioSet
from textual.widgets.selection_list import Selection

from discussion.ui.widgets.toggles import Choice, Tick, TickList


class Toggles(App[None]):
    def compose(self) -> ComposeResult:
        yield Tick("off", id="off")
        yield Tick("on", value=True, id="on")
        with RadioSet():
            yield Choice("first", value=True, id="first")
            yield Choice("second", id="second")


def plain(app: Toggles, selector: str) -> str:
    rendered = app.query_one(selector).render()
    return str(getattr(rendered, "plain", rendered))


async def test_state_reads_without_colour() -> None:
    app = Toggles()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert "X" in plain(app, "#on") and "X" not in plain(app, "#off")
        assert "●" in plain(app, "#first") and "●" not in plain(app, "#second")
        app.query_one("#off", Tick).value = True
        app.query_one("#second", Choice).value = True
        await pilot.pause()
        assert "X" in plain(app, "#off")
        assert "●" in plain(app, "#second") and "●" not in plain(app, "#first")


async def test_toggling_still_posts_changed() -> None:
    seen: list[bool] = []

    class Watching(Toggles):
        def on_checkbox_changed(self, event: Tick.Changed) -> None:
            seen.append(event.value)

    app = Watching()
    async with app.run_test() as pilot:
        app.query_one("#off", Tick).focus()
        await pilot.press("space")
        await pilot.pause()
        assert seen == [True]
        assert "X" in plain(app, "#off")


class Listing(App[None]):
    def compose(self) -> ComposeResult:
        yield TickList(Selection("note 1", 1, True), Selection("note 2", 2), id="notes")


async def test_a_selection_list_shows_which_rows_are_ticked() -> None:
    app = Listing()
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        rows = [line for line in export_text(app) if "note" in line]
        assert "X" in rows[0] and "X" not in rows[1]
        app.query_one(TickList).select(2)
        app.query_one(TickList).deselect(1)
        await pilot.pause()
        rows = [line for line in export_text(app) if "note" in line]
        assert "X" not in rows[0] and "X" in rows[1]


def export_text(app: App[None]) -> list[str]:
    widget = app.query_one(TickList)
    return [
        "".join(segment.text for segment in widget.render_line(y))
        for y in range(widget.size.height)
    ]
