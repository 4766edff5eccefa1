"""Quitting while a discussion is open: ask first, and say the session can be resumed."""

from __future__ import annotations

from discussion.ui.screens.confirm import ConfirmScreen


class QuitConfirm(ConfirmScreen):
    """Asked before the app quits with a live session (yes: quit; ctrl+q again: quit)."""

    def __init__(self, recording: bool) -> None:
        what = "The recording stops. " if recording else ""
        body = (
            f"{what}Everything saved so far is kept and the session can be resumed: open the "
            "app again and it offers to resume it."
        )
        super().__init__("Quit while a discussion is open?", body, yes="Quit", no="Stay")
