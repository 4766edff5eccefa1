"""A small host app for testing one live screen, and sessions to feed it."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input
from ui_helpers import catalog

from discussion.live import LiveSession
from discussion.record import SessionInfo
from discussion.settings import Settings
from discussion.ui.messages import EventLogged, RecorderReported
from discussion.ui.screens.discussion import DiscussionScreen
from discussion.ui.screens.setup import SetupScreen


def session_info(**overrides: Any) -> SessionInfo:
    """A valid assessment SessionInfo on the bundled standard and bank (fictional apprentice)."""
    cat = catalog()
    fields: dict[str, Any] = {
        "apprentice_name": "Alex Example",
        "uln": "9276308686",
        "assessor": "Sam Assessor",
        "mode": "virtual",
        "attempt": 1,
        "epa_window_start": date.today(),
        "standard_version": cat.standard.version,
        "standard_hash": cat.standard.content_hash,
        "bank_version": cat.bank.version,
        "bank_hash": cat.bank.content_hash,
        "reaction_lag_s": 0.0,
    }
    fields.update(overrides)
    return SessionInfo(**fields)


def notes_only_session(home: Path, **overrides: Any) -> LiveSession:
    """A notes-only session (explicitly chosen: audio False with a reason)."""
    info = session_info(audio=False, no_audio_reason="test without a microphone", **overrides)
    return LiveSession.create(info, home)


class Clock:
    """A settable session clock for screens under test."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class HostApp(App[None]):
    """Pushes one screen and forwards live-session news to it, as DiscussionApp does."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.first = screen
        self.result: object = "not dismissed"

    def on_mount(self) -> None:
        """Show the screen under test; keep what it dismisses with."""

        def done(result: object) -> None:
            self.result = result

        self.push_screen(self.first, done)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Stable snapshots: the text cursor does not blink (a blink phase is a timing)."""
        if isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    def listener(self, item: object) -> None:
        """A LiveSession listener posting like the real app."""
        from discussion.record import Event

        if isinstance(item, Event):
            self.post_message(EventLogged(item))
        else:
            self.post_message(RecorderReported(item))  # type: ignore[arg-type]

    def on_recorder_reported(self, message: RecorderReported) -> None:
        """Forward to the screen on top."""
        if self.screen_stack:
            self.screen.post_message(RecorderReported(message.event))

    def on_event_logged(self, message: EventLogged) -> None:
        """Forward to the screen on top."""
        if self.screen_stack:
            self.screen.post_message(EventLogged(message.event))


def discussion_screen(live: LiveSession, clock: Clock) -> tuple[DiscussionScreen, HostApp]:
    """The discussion screen on `live` (no reaction lag, the given clock) in a HostApp that
    forwards the session's news to it."""
    screen = DiscussionScreen(live, catalog(), Settings(reaction_lag_s=0.0), clock=clock)
    app = HostApp(screen)
    live.listener = app.listener
    return screen, app


def fill_setup_values(setup: SetupScreen) -> None:
    """Set-up's details and every checklist item, set directly (tests that are not about the
    form): Alex Apprentice, ULN 9276308686, the first mode, today's window; the arrangements are
    left to the caller."""
    from textual.widgets import Input, RadioButton

    from discussion.ui.widgets.checklist import Checklist

    setup.query_one("#apprentice", Input).value = "Alex Apprentice"
    setup.query_one("#uln", Input).value = "9276308686"
    setup.query_one("#mode RadioButton", RadioButton).value = True
    setup.query_one("#window-start", Input).value = date.today().isoformat()
    for checklist in setup.query(Checklist):
        for item in checklist.items:
            checklist.box(item.key).value = True


async def saved(pilot: Pilot[Any], live: LiveSession, timeout: float = 10.0) -> None:
    """Let the keys' handlers run, wait until the record writer has on disk everything they
    submitted, then until the app has handled the writer's news (and redrawn from it).

    The screens hand every record event to the record writer, which saves it on its own thread
    (discussion/record/writer.py): after `pilot.pause()` the record (`live.state()`) and what a
    screen shows once a save is reported (board rows, "note #1 amended", a form's "Saved") may
    not reflect the key yet when the sync is slow. Read those only after this."""
    await pilot.pause()
    assert live.flush_writes(timeout), f"the record writer did not save within {timeout} s"
    await quiet(pilot, timeout)


async def quiet(pilot: Pilot[Any], timeout: float = 10.0) -> None:
    """Pause until no message waits in the app or in any screen's widgets.

    One `pilot.pause()` handles the messages queued when it starts: the writer's news hops
    (thread -> app -> screen -> redraw), each hop queued while the one before is handled."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        nodes = [app, *(n for s in app.screen_stack for n in s.walk_children(with_self=True))]
        if not any(node.message_queue_size for node in nodes):
            return
        assert time.monotonic() < deadline, f"the app was still busy after {timeout} s"
