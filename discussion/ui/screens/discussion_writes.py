"""What the record writer says to the discussion screen (past tense: it has happened).

The screen submits notes, marks, amendments, questions asked, statuses and time marks to the
live session's record writer (discussion/record/writer.py), which saves them on its own thread;
its callbacks, on that thread, only post these messages, and the screen's handlers change the
screen. A note is shown at once as "saving…" and as saved only on `NoteSaved`, which comes once
its sync has completed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

from textual.message import Message
from textual.widgets import Label

from discussion.notes import format_clock
from discussion.record.events import NoteAmendedData
from discussion.record.writer import WriteOutcome
from discussion.ui.screens.discussion_questions import QuestionsScreen
from discussion.ui.widgets.note_entry import NoteEntry
from discussion.ui.widgets.recent_notes import UnsavedNote


class NoteSaved(Message, bubble=False):
    """A note (or a mark, or an amendment) is on disk: `outcome.event` is its event."""

    def __init__(self, outcome: WriteOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class WriteNotSaved(Message, bubble=False):
    """A submitted event is not on disk: waiting for a retry (`outcome.retrying`), or given up."""

    def __init__(self, outcome: WriteOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class RecordWriterDied(Message, bubble=False):
    """The record writer's thread stopped unexpectedly (the next write starts a new one)."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class NoteWritesHost(Protocol):
    """What the screen these handlers are part of (`DiscussionScreen`) draws for them."""

    def _show_notes(self) -> None: ...

    def redraw_soon(self) -> None:
        """Redraw once queued messages are handled."""
        ...


if TYPE_CHECKING:
    from discussion.ui.screens.discussion import DiscussionScreen

    def _the_screen_is_a_host(screen: DiscussionScreen) -> NoteWritesHost:
        return screen  # mypy checks that the discussion screen provides what is drawn here


class NoteWritesScreen(QuestionsScreen):
    """What the discussion screen does with the record writer's news (see the module doc)."""

    alarms: dict[str, str]
    _unsaved: dict[int, UnsavedNote]

    @property
    def _host(self) -> NoteWritesHost:
        return cast(NoteWritesHost, self)  # always a DiscussionScreen (checked above)

    def _note_shown(self, key: int) -> None:
        """The note `key` is on screen, not yet saved (a hook for the benchmark)."""

    def _note_saved(self, key: int) -> None:
        """The note `key` is shown as saved (a hook for the benchmark)."""

    def on_note_saved(self, message: NoteSaved) -> None:
        """A note is on disk: it is shown as saved (with its number) from now on."""
        outcome = message.outcome
        event = outcome.event
        assert event is not None
        self._unsaved.pop(outcome.key, None)
        if not any(note.problem for note in self._unsaved.values()):
            self.alarms.pop("note_not_saved", None)
        self.state = self.live.state()  # folds the new event: the note's number
        if isinstance(outcome.data, NoteAmendedData):
            now = self.state.note(outcome.data.amends)  # a mark given text has a number now
            name = "note" if now is None else now.label if now.is_mark else f"note #{now.number}"
            self.notify(f"{name} amended (original kept)")
        else:
            saved = self.state.note(event.seq)
            label = saved.label if saved is not None else "#?"  # "#3", or "mark 2" for a mark
            self.query_one("#save-status", Label).update(
                f"[green]✔ saved[/] {label} {format_clock(event.offset)}"
            )
        self._host._show_notes()
        self._note_saved(outcome.key)
        self._host.redraw_soon()

    def on_write_not_saved(self, message: WriteNotSaved) -> None:
        """Not on disk: kept and retried in order (shown), or given up (back in the box)."""
        outcome = message.outcome
        error = outcome.error or "not saved"
        unsaved = self._unsaved.get(outcome.key)
        if outcome.retrying:
            if unsaved is not None:
                unsaved.problem = error
            self._alarm(
                "note_not_saved" if unsaved is not None else "write_error",
                f"{error}. Kept in order and retried every second: free disk space.",
            )
        elif unsaved is not None:
            del self._unsaved[outcome.key]
            entry = self.query_one(NoteEntry)
            if not entry.value:  # nothing typed is lost: back in the box
                entry.restore(unsaved.line, unsaved.stamp)
                where = "It is back in the box: press Enter to retry."
            else:
                where = f"Type it again: {unsaved.line!r}."
            self._alarm("note_not_saved", f"note not saved ({error}). {where}")
        else:
            self._alarm("write_error", f"{outcome.data.TYPE} not logged: {error}")
        self._host._show_notes()

    def _writer_died(self, message: str) -> None:
        """On the dying writer thread: tell the screen."""
        self.post_message(RecordWriterDied(message))

    def on_record_writer_died(self, message: RecordWriterDied) -> None:
        """An alarm, never silent; a new writer takes over what was waiting."""
        self._alarm(
            "record_writer",
            f"{message.message}. A new writer took over; if this repeats, end the discussion "
            "and resume the session.",
        )
        self.live.start_writer()
