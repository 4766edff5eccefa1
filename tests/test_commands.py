"""The command palette's providers: one list of (name, help, callback) each, one scoring rule
for all (a match in the help counts half a match in the name), driven in a real app (Pilot)."""

from __future__ import annotations

from datetime import UTC

import pytest
from screen_host import ScreenHost
from test_ui_home import SNAPSHOT_HOME, fixed_rows
from textual.command import DiscoveryHit, Hit, Provider
from textual.fuzzy import Matcher
from ui_helpers import catalog, make_app

from discussion.ui.commands import (
    HELP_WEIGHT,
    AppCommands,
    BrowserCommands,
    CommandList,
    command_score,
)
from discussion.ui.screens.home import HomeScreen
from discussion.ui.screens.hub_commands import HubCommands


async def search(provider: Provider, query: str) -> dict[str, float]:
    """What the provider offers for `query`: each hit's text and score."""
    return {
        str(hit.text): hit.score async for hit in provider.search(query) if isinstance(hit, Hit)
    }


async def discover(provider: Provider) -> list[str]:
    return [str(hit.text) async for hit in provider.discover() if isinstance(hit, DiscoveryHit)]


def test_a_help_match_counts_half_a_name_match() -> None:
    matcher = Matcher("queued")
    assert HELP_WEIGHT == 0.5
    in_help = command_score(matcher, "Retry now", "Try every queued hand-in")
    assert in_help == pytest.approx(matcher.match("Try every queued hand-in") * 0.5)
    assert in_help > 0
    # The same words in the name: the full score, above any match in help alone.
    assert command_score(matcher, "Try every queued hand-in", "") == pytest.approx(in_help * 2)
    assert command_score(matcher, "Retry now", "Open the browser") == 0


async def test_every_provider_scores_by_the_one_rule() -> None:
    app = make_app()  # opened on the browser
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        matcher = Matcher("record")
        app_hits = await search(AppCommands(app.screen), "record")
        # "record" is only in New discussion's help ("Set up and record a new ...").
        expected = matcher.match("Set up and record a new Professional Discussion") * HELP_WEIGHT
        assert app_hits["New discussion"] == pytest.approx(expected)
        browser = BrowserCommands(app.screen)
        name, help_text, _ = next(c for c in browser.commands() if c[0].startswith("Question"))
        words = help_text.split()[0]
        hits = await search(browser, words)
        assert hits[name] == pytest.approx(command_score(Matcher(words), name, help_text))
        assert hits[name] == pytest.approx(Matcher(words).match(help_text) * HELP_WEIGHT)
        # Before typing: the browser's own three actions, not every criterion and question.
        assert await discover(browser) == [
            "Show the standard",
            "Show the question bank",
            "Cycle question set",
        ]


async def test_hub_commands_share_the_list_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCUSSION_HUB_S3_ENDPOINT", "http://127.0.0.1:9")  # nothing listens
    monkeypatch.setenv("DISCUSSION_HUB_BUCKET", "epa-records")
    monkeypatch.setenv("DISCUSSION_HUB_DSN", "postgresql://epa@127.0.0.1:9/epa")
    assert issubclass(HubCommands, CommandList)
    app = ScreenHost(
        lambda: HomeScreen(
            catalog(), SNAPSHOT_HOME, rows_provider=fixed_rows, tz=UTC, offer_recovery=False
        )
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        provider = HubCommands(app.screen)
        assert await discover(provider) == [
            "Hand in the selected record",
            "Hub sessions",
            "Retry hand-ins now",
        ]
        hits = await search(provider, "queued")
        help_text = "Try every queued hand-in again now"
        assert hits["Retry hand-ins now"] == pytest.approx(
            Matcher("queued").match(help_text) * HELP_WEIGHT
        )
        await pilot.app.workers.wait_for_complete()
