"""The home screen's hub commands in the command palette (ctrl+p): hand in, the hub's sessions,
retry the queue. Offered only while a hub is configured."""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider


class HubCommands(Provider):
    """Hub commands of the home screen (none while no hub is configured)."""

    def _commands(self) -> list[tuple[str, str, object]]:
        from discussion.ui.screens.home import HomeScreen
        from discussion.ui.widgets.hub_status import HubStatusLine

        screen = self.screen
        if not isinstance(screen, HomeScreen):
            return []
        lines = screen.query(HubStatusLine)
        if not lines or not lines.first().configured:
            return []
        line = lines.first()
        return [
            (
                "Hand in the selected record",
                "Push the sealed record to the organisation's hub (queued if it is away)",
                screen.action_hand_in,
            ),
            (
                "Hub sessions",
                "Every record handed in to the hub: filter, sample, pull and review (verifiers)",
                screen.action_hub_sessions,
            ),
            ("Retry hand-ins now", "Try every queued hand-in again now", line.retry_now),
        ]

    async def discover(self) -> Hits:
        """Shown before anything is typed."""
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        """Fuzzy-match the hub commands."""
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = max(matcher.match(name), matcher.match(help_text) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)  # type: ignore[arg-type]
