"""The live discussion: recording state, time, the question, the criteria board and notes."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Callable, Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Label

from discussion.arrangements import adjustments_in_place
from discussion.audio import Alarm, AlarmCleared, Level
from discussion.bank import Question
from discussion.guide import Advice
from discussion.live import LiveSession
from discussion.notes import parse_note
from discussion.record import SessionState
from discussion.record.events import TimeWarningData
from discussion.record.writer import WriterClosedError
from discussion.settings import Settings
from discussion.ui.catalog import Catalog
from discussion.ui.commands import DiscussionCommands
from discussion.ui.messages import EventLogged, RecorderReported
from discussion.ui.screens.amend_note import AmendNoteScreen
from discussion.ui.screens.confirm import ConfirmScreen
from discussion.ui.screens.discussion_collector import QuietCollector
from discussion.ui.screens.discussion_writes import NoteWritesScreen
from discussion.ui.screens.pause_reason import PauseReasonScreen
from discussion.ui.widgets.alarm_banner import AlarmBanner
from discussion.ui.widgets.criteria_board import CriteriaBoard
from discussion.ui.widgets.note_entry import NoteEntry
from discussion.ui.widgets.question_panel import QuestionPanel
from discussion.ui.widgets.recent_notes import RecentNotes, UnsavedNote
from discussion.ui.widgets.recording_status import RecordingStatus

log = logging.getLogger(__name__)


def tags_label(tags: list[str], others: Sequence[tuple[str, str]] = ()) -> str:
    """The label beside the note box: the criteria the next note gets, then the question's
    other criteria with the key that adds each, e.g. "tags: 3A (+3B: alt+5)"."""
    label = "tags: " + (" ".join(tags) if tags else "none")
    if others:
        label += " (" + ", ".join(f"+{cid}: {key}" for cid, key in others) + ")"
    return label


Clock = Callable[[], float]
# Notes kept in the scrolling notes pane (the newest; older ones are in the amend list).
NOTES_KEPT = 200
SWITCH_INTERVAL_S = 0.0005  # how often threads hand over the GIL while the screen is up


class DiscussionScreen(NoteWritesScreen):
    """Dismisses with True when the assessor ends the discussion (recording stopped)."""

    COMMANDS = {DiscussionCommands}
    AUTO_FOCUS = "NoteEntry"  # not the board, the first focusable widget

    BINDINGS = [
        Binding(
            "f2,ctrl+y",
            "mark_asked",
            "Asked",
            id="discussion.asked",
            tooltip="Record that the current question has been asked",
        ),
        Binding(
            "f3,ctrl+n",
            "next_question",
            "Next",
            id="discussion.next",
            tooltip="Show the guide's next question",
        ),
        Binding(
            "f4,ctrl+o",
            "choose_question",
            "Choose",
            id="discussion.choose",
            tooltip="Pick any question of the assessment set",
        ),
        Binding(
            "f5,ctrl+l",
            "mark_moment",
            "Mark",
            show=False,  # the footer's room at 80 columns: Enter on an empty line does the same
            id="discussion.mark",
            tooltip="Mark this moment on the recording (a note with no text)",
        ),
        Binding(
            "f6,ctrl+r",
            "toggle_pause",
            "Pause",
            id="discussion.pause",
            tooltip="Pause or resume the recording",
        ),
        Binding(
            "f7,ctrl+f",
            "amend",
            "Amend",
            id="discussion.amend",
            tooltip="Correct a past note (the original is kept)",
        ),
        Binding(
            "f8,ctrl+j",
            "cycle_status",
            "Status",
            id="discussion.status",
            tooltip="Set the status of the note's (first) criterion: none → partial → sufficient."
            " Tab to the board for any other",
        ),
        Binding(
            "f10,ctrl+s",
            "end",
            "End",
            id="discussion.end",
            tooltip="End the discussion and go to the decisions",
        ),
        Binding(
            "ctrl+t",
            "clear_tags",
            "Clear tags",
            show=False,
            id="discussion.clear_tags",
            tooltip="Remove the criterion tags the next note would get",
        ),
        # The tag keys (alt+1 … alt+-, Esc then a place) come from TagKeysScreen.
    ]

    DEFAULT_CSS = """
    DiscussionScreen #middle { height: 1fr; min-height: 13; }
    DiscussionScreen #notes-scroll {
        height: 1fr; min-height: 5; border-top: solid $primary-background;
    }
    DiscussionScreen RecentNotes { max-height: 1000; border-top: none; }
    DiscussionScreen #question-scroll { width: 1fr; height: 1fr; }
    DiscussionScreen #entry-row { height: 3; }
    DiscussionScreen #tags { width: auto; min-width: 8; padding: 1 1 0 1; color: $accent; }
    DiscussionScreen NoteEntry { width: 1fr; }
    DiscussionScreen #save-status { width: 19; height: 3; padding: 1 0 0 1; }
    """

    def __init__(
        self,
        live: LiveSession,
        catalog: Catalog,
        settings: Settings,
        *,
        clock: Clock | None = None,
        tick_seconds: float = 0.25,
    ) -> None:
        super().__init__()
        self.live = live
        self.catalog = catalog
        self.settings = settings
        self.component = catalog.standard.component("discussion")
        self.limit_minutes = catalog.standard.discussion_conduct.max_minutes
        self.clock: Clock = clock or live.offset_now
        self.tick_seconds = tick_seconds
        self.tags: list[str] = []
        self.alarms: dict[str, str] = {}
        self.state: SessionState = live.state()  # updated in place, event by event
        self.alarms.update(self.state.active_alarms)
        self.current: Question | None = None
        self.current_reason = ""
        self.skipped: set[str] = set()  # skipped for now: the guide brings them back
        self._statuses_set = {}
        self._asked_here = []
        self._asked_before = len(self.state.questions)
        self._notified: set[str] = set()  # guide warnings already notified
        self.advice = Advice(None, None, "")  # asked on mount
        self._advised_at = -1  # the half-minute the advice was last asked for
        self.warned: set[int] = set(self.state.time_warnings)
        self._pausing = False
        self._redraw_pending = False
        self._unsaved: dict[int, UnsavedNote] = {}  # typed, not on disk yet (writer key)
        self._switch_interval = sys.getswitchinterval()  # given back on unmount
        self._advice_asked_for: tuple[object, ...] | None = None  # inputs of `self.advice`
        self._alarms_shown: dict[str, str] | None = None  # what the banner shows
        self._tags_shown: str | None = None  # what the tags label shows
        self._collector = QuietCollector()  # full collections only when nobody types

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield RecordingStatus()
        yield AlarmBanner()
        with Horizontal(id="middle"):
            yield CriteriaBoard()
            with VerticalScroll(id="question-scroll"):
                yield QuestionPanel()
        with VerticalScroll(id="notes-scroll"):  # spare height goes to the notes
            yield RecentNotes()
        with Horizontal(id="entry-row"):
            yield Label("", id="tags")
            yield NoteEntry(
                self.clock, placeholder="type a note · 3a: tags · Enter saves", id="note"
            )
            yield Label("", id="save-status")
        # Compact, without the palette key: at 80 columns every key is shown with its label.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        """Pick the first question (a resumed session's current one), draw everything and
        start the clock tick."""
        resumed = self._resumed_question()
        if resumed is not None:
            self._show_question(resumed)
        else:
            self._choose_suggested()
        self.refresh_all()
        self.set_interval(self.tick_seconds, self._tick)
        adjustments = adjustments_in_place(self.live.record.events)
        if adjustments:  # recorded at set-up: a reminder as the discussion starts
            self.notify("; ".join(adjustments), title="Adjustments in place", timeout=30)
        self.query_one(NoteEntry).focus()
        # Notes are saved on the record writer's thread: typing never waits for the disk.
        self.live.start_writer(on_died=self._writer_died)
        # The writer's report of a sync (and the recorder) need the GIL while the UI thread
        # renders: hand it over every 0.5 ms, not 5 (halves Enter-to-saved, scripts/bench_ui.py).
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, SWITCH_INTERVAL_S))
        # Everything loaded so far (catalog, widgets, the log) lives as long as the app: out of
        # the collector's sight; full collections wait for a quiet moment (never mid-note).
        self._collector.hold()

    def on_unmount(self) -> None:
        """Hand the frozen objects back to the collector (garbage among them is freed); the
        record writer saves what is left and is joined off the UI thread (and by the session's
        close or release, which wait for it)."""
        self._collector.release()
        sys.setswitchinterval(self._switch_interval)
        threading.Thread(target=self.live.stop_writer, name="record-writer-stop").start()

    # ------------------------------------------------------------------ drawing
    def redraw_soon(self) -> None:
        """Redraw once the messages already queued are handled: a note and the `EventLogged`
        it causes (or a burst of recorder news) cost one redraw, not one each."""
        if not self._redraw_pending:
            self._redraw_pending = True
            self.call_later(self._redraw)

    def _redraw(self) -> None:
        self._redraw_pending = False
        self.refresh_all()

    def refresh_all(self) -> None:
        """Bring the session state up to date and redraw what changed (board, question, notes,
        alarms); widgets whose text is unchanged are not touched."""
        self.state = self.live.state()
        self._advised_at = int(self.clock() // 30)
        # The guide is asked again only when what it reads changed (a note changes nothing it
        # reads) or a half-minute passed: not on each note's redraw.
        asked_for = (self._advice_inputs(), self._advised_at)
        if asked_for != self._advice_asked_for:
            self._advice_asked_for = asked_for
            self.update_advice()
        advice = self.advice
        self.query_one(CriteriaBoard).show(
            self.component,
            self.state,
            self.tags,
            distinctions_count=self.state.info.attempt
            in self.catalog.standard.rules.distinction_counts_on_attempts,
        )
        self.query_one(QuestionPanel).show(
            self.current, self._asked(self.current), advice, self.current_reason
        )
        self._show_notes()
        if self.alarms != self._alarms_shown:  # an unchanged banner costs no layout
            self._alarms_shown = dict(self.alarms)
            self.query_one(AlarmBanner).show(self.alarms)
        tags = tags_label(self.tags, self._other_criteria())
        if tags != self._tags_shown:
            self._tags_shown = tags
            self.query_one("#tags", Label).update(tags)
        self._tick()

    def _advice_inputs(self) -> tuple[object, ...]:
        """What the guide's advice depends on, besides the time (see `_advise`)."""
        state = self.state
        return (
            tuple(sorted(self._statuses_now().items())),
            tuple(self._asked_now()),
            frozenset(self.skipped),
            None if self.current is None else self.current.id,
            state.info.attempt,
        )

    def _show_notes(self) -> None:
        """The notes pane scrolls: many notes, newest at the bottom, kept in view."""
        notes = self.query_one(RecentNotes)
        count = max(self.settings.recent_notes, NOTES_KEPT)
        if notes.show(self.state, count, list(self._unsaved.values())):
            self.query_one("#notes-scroll", VerticalScroll).scroll_end(animate=False)

    def _tick(self) -> None:
        elapsed = self.clock()
        state = self.live.recorder_state.value if self.live.has_audio else "notes only"
        self.query_one(RecordingStatus).show(
            state, elapsed, self.limit_minutes, self.settings.warn_at_minutes
        )
        self._time_marks(elapsed)
        self._collector.collect_if_quiet(bool(self._unsaved))
        if int(elapsed // 30) != self._advised_at:  # the guide's warnings and close come in time
            self._advised_at = int(elapsed // 30)
            self.refresh_all()

    def _time_marks(self, elapsed: float) -> None:
        """Warn once at each configured minute and at the limit; each warning is logged."""
        for minutes in sorted({*self.settings.warn_at_minutes, self.limit_minutes}):
            if minutes in self.warned or elapsed < minutes * 60:
                continue
            self.warned.add(minutes)
            if minutes >= self.limit_minutes:
                message = (
                    f"{minutes} minutes reached: the discussion is now over its limit. "
                    "You may finish the point in hand; the overrun is recorded."
                )
            else:
                left = self.limit_minutes - minutes
                message = f"{minutes} minutes gone, {left} left."
            self.notify(message, title="Time", severity="warning", timeout=10)
            self._submit(TimeWarningData(minutes=minutes), None, "time mark")

    # ------------------------------------------------------------------ notes
    @on(Input.Changed, "#note")
    def _note_changed(self, event: Input.Changed) -> None:
        # The box as it is now, not as the event saw it: a note put back after the write was
        # refused arrives after the emptying's Changed, and keeps its own stamp.
        self._collector.typed()
        entry = self.query_one(NoteEntry)
        if not entry.value:
            entry.first_keystroke = None

    @on(Input.Submitted, "#note")
    def _note_submitted(self) -> None:
        entry = self.query_one(NoteEntry)
        line, stamp = entry.take()
        if stamp is None:
            stamp = self.clock()
        self._save_note(line, stamp, entry)

    def action_mark_moment(self) -> None:
        """A note with no text at this moment, tagged with the current tags."""
        self._save_note("", self.clock(), None)

    def _save_note(self, line: str, stamp: float, entry: NoteEntry | None) -> None:
        ids = [c.id for c in self.component.criteria]
        parsed = parse_note(line, ids)
        criteria = list(parsed.criteria) if parsed.criteria else list(self.tags)
        if parsed.unknown:
            self.notify(
                f"Unknown criterion {', '.join(parsed.unknown)}: note saved untagged, as typed.",
                severity="warning",
            )
            criteria = []
        offset = max(0.0, stamp - self.live.record.info.reaction_lag_s)
        try:
            key = self.live.submit_note(parsed.text, criteria, stamp, self._written)
        except WriterClosedError as error:
            if entry is not None:  # nothing typed is lost: back in the box, original stamp
                entry.restore(line, stamp)
            self._alarm("note_not_saved", f"{error}: end the discussion and resume the session.")
            return
        # On screen at once, "saving…"; saved once the writer says its sync completed.
        self._unsaved[key] = UnsavedNote(key, line, parsed.text, criteria, offset, stamp)
        self._show_notes()
        # The label's size is fixed: a new text needs no layout of the screen.
        self.query_one("#save-status", Label).update("[yellow]saving…[/]", layout=False)
        self._note_shown(key)

    def action_toggle_tag(self, index: int) -> None:
        """Add or remove the criterion at `index` on the board from the next note's tags."""
        if index >= len(self.component.criteria):
            return
        cid = self.component.criteria[index].id
        if cid in self.tags:
            self.tags.remove(cid)
        else:
            self.tags.append(cid)
        self.refresh_all()

    def action_clear_tags(self) -> None:
        """The next note is untagged (until a tag is chosen or the question changes)."""
        self.tags = []
        self.refresh_all()

    def action_amend(self) -> None:
        """Correct a past note."""
        if not self.state.notes:
            self.notify("No notes to amend yet.")
            return

        def amended(result: tuple[int, str] | None) -> None:
            if result is None:
                return
            seq, line = result
            parsed = parse_note(line, [c.id for c in self.component.criteria])
            note = self.state.note(seq)
            criteria = list(parsed.criteria) if parsed.criteria else (note.criteria if note else [])
            try:  # "amended" is said once it is on disk (NoteSaved)
                self.live.submit_amend(seq, parsed.text, criteria, self._written)
            except (ValueError, WriterClosedError) as error:
                self._alarm("note_not_saved", f"amendment not saved: {error}")

        self.app.push_screen(AmendNoteScreen(self.state), amended)

    # ------------------------------------------------------------------ recording
    def action_toggle_pause(self) -> None:
        """Pause or resume the recording (both logged)."""
        if not self.live.has_audio or self.live.recorder is None:
            self.notify("Nothing is recording.")
            return
        if self._pausing:  # the last press is still being carried out: never a silent key
            self.notify("The recorder is still carrying out the last pause or resume: press again.")
            return
        self._pausing = True
        if self.live.recorder_state.value == "paused":
            self._toggle_pause(True)
        else:  # the reason is asked first: the pause event keeps it
            screen = PauseReasonScreen.for_session(self.catalog.standard, self.live.record.events)
            self.app.push_screen(screen, self._pause_for)

    def _pause_for(self, reason: str | None) -> None:
        if reason is None:  # Escape: keep recording
            self._pausing = False
        else:
            self._toggle_pause(False, reason)

    @work(exit_on_error=False, group="pause")
    async def _toggle_pause(self, paused: bool, reason: str = "paused by the assessor") -> None:
        """The recorder call runs on a thread (it may wait for the writer)."""
        try:
            if paused:
                await asyncio.to_thread(self.live.resume_recording)
                self.notify("Recording resumed.")
            else:
                await asyncio.to_thread(self.live.pause, reason)
                self.notify("Recording paused: the clock stands still.", severity="warning")
        finally:
            self._pausing = False
        self._tick()

    def action_end(self) -> None:
        """Ask, then stop the recording and hand over to the decisions."""

        def answered(yes: bool | None) -> None:
            if yes:
                self._stop_and_finish()

        open_pass = [
            c.id for c in self.component.pass_criteria() if self._status_now(c.id) != "sufficient"
        ]
        detail = "The recording stops. You then decide each criterion."
        if open_pass:
            detail += f"\nPass criteria not marked sufficient: {' '.join(open_pass)}."
        self.app.push_screen(ConfirmScreen("End the discussion?", detail), answered)

    @work(exit_on_error=False, group="stop")
    async def _stop_and_finish(self) -> None:
        """Stop the recorder on a thread (it joins the writer); dismiss on the UI thread."""
        while self._pausing:  # a pause or resume still under way is logged first
            await asyncio.sleep(0.05)
        await asyncio.to_thread(self.live.flush_writes)  # the notes typed so far come first
        await asyncio.to_thread(self.live.stop_recording, reason="discussion ended")
        self.dismiss(True)

    # ------------------------------------------------------------------ recorder events
    def on_recorder_reported(self, message: RecorderReported) -> None:
        """Level to the meter; alarms to the banner; the rest triggers a redraw."""
        event = message.event
        if isinstance(event, Level):
            self.query_one(RecordingStatus).set_level(event.rms_dbfs, event.peak_dbfs)
            return
        if isinstance(event, Alarm):
            self._alarm(event.kind, event.message)
        elif isinstance(event, AlarmCleared):
            self.alarms.pop(event.kind, None)
        self.redraw_soon()

    def on_event_logged(self, _message: EventLogged) -> None:
        """Something was written to the log (here, or from a recorder thread)."""
        self.redraw_soon()

    def _alarm(self, kind: str, message: str) -> None:
        self.alarms[kind] = message
        self._alarms_shown = dict(self.alarms)
        self.query_one(AlarmBanner).show(self.alarms)
        self.app.bell()
