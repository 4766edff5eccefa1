"""The home screen's hub commands in the command palette (ctrl+p): hand in, the hub's sessions,
retry the queue. Offered only while a hub is configured."""

from __future__ import annotations

from discussion.ui.commands import Command, CommandList


class HubCommands(CommandList):
    """Hub commands of the home screen (none while no hub is configured)."""

    def commands(self) -> list[Command]:
        """Hand in, the hub's sessions, retry now; none without a hub."""
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
