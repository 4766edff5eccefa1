"""A closed session's record, read-only: details, grade, criteria, notes and the recording.

Opened from the home screen on a closed session (until the review screen replaces it). The
record is read and verified in a thread worker (hashing the audio takes a moment on a long
session), which posts `RecordLoaded` or `RecordLoadFailed`; the handlers draw on the UI thread.
Nothing here writes to the session folder; export writes a file elsewhere.

Keys only: the view's parts scroll with the arrows and page keys, letters jump to a part. Under
120 columns the parts are one scrolling page; from 120 they are columns that scroll on their
own (details and grade; the criteria; the notes and the recording), from 180 side by side; tab
or ←/→ chooses the column the scroll keys move.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from discussion.errors import UserError, os_error_message
from discussion.export.report import Report, build_report
from discussion.record import RecordError
from discussion.ui.catalog import Catalog
from discussion.ui.screens.transcribe import (
    EngineSource,
    TranscriptState,
    transcript_state,
    transcriptions_of,
)
from discussion.ui.widgets import record_sections as sections
from discussion.ui.widgets.grade_summary import GRADE_STYLE
from discussion.ui.widgets.record_sections import RecordSection
from discussion.ui.widgets.screen_header import ScreenHeader
from discussion.ui.widgets.transcript_progress import TranscriptProgress, state_line

# From these widths the record is laid out in columns (three: two side by side, the first
# beside the other two; then all three side by side).
WIDE_FROM = 120
WIDEST_FROM = 180

# Which column holds each part, in order (the narrow layout stacks the columns in this order).
COLUMNS = {
    "left": ("session", "grade"),
    "criteria": ("criteria",),
    "notes": ("notes", "recording"),
}
PARTS = tuple(part for parts in COLUMNS.values() for part in parts)
TITLES = {
    "session": "Session (d)",
    "grade": "Grade (g)",
    "recording": "Recording and checks (r)",
    "criteria": "Criteria decided (c)",
    "notes": "Notes in time order (n)",
}


class _Body(ScrollableContainer, can_focus=False):
    """The scrolling body (narrow layout: the whole record; wide: two columns side by side)."""


class _Column(VerticalScroll, can_focus=False):
    """One column of the wide layout (in the narrow layout it grows to its content)."""


class RecordViewScreen(Screen[None]):
    """The record of one closed session; dismisses when the assessor goes back."""

    TITLE = "Record"

    BINDINGS = [
        Binding("escape", "back", "Back", id="record.back", tooltip="Back to the sessions"),
        Binding("e", "export", "Export", id="record.export",
                tooltip="Write the assessment record (md, html or csv) to a file"),
        Binding("v", "review", "Review", id="record.review",
                tooltip="Review: hear the recording from any note, the evidence per criterion"),
        # Not in the footer (no room at 80 columns): the transcript line names the key.
        Binding("t", "transcribe", "Transcribe", show=False, id="record.transcribe",
                tooltip="Transcribe the recording in the background (or continue a stopped run)"),
        Binding("x", "stop_transcribing", "Stop transcribing", show=False,
                id="record.stop_transcribing",
                tooltip="Stop the transcription under way; the work done is kept for t"),
        Binding("c", "jump('criteria')", "Criteria", id="record.criteria",
                tooltip="The criteria: decision, rationale and the notes each rests on"),
        Binding("n", "jump('notes')", "Notes", id="record.notes",
                tooltip="The notes (and questions asked) in time order"),
        Binding("g", "jump('grade')", "Grade", id="record.grade",
                tooltip="The grade, with the Showcase and Observation results"),
        Binding("d", "jump('session')", "Details", show=False, id="record.details",
                tooltip="The session's details: apprentice, assessor, consent, the seal"),
        Binding("r", "jump('recording')", "Recording", show=False, id="record.recording",
                tooltip="Verification, corrections, gaps, alarms and recoveries"),
        Binding("tab,right", "other_column", "Next column", show=False, id="record.column",
                tooltip="Wide layout: the scroll keys move the next column"),
        Binding("shift+tab,left", "other_column(True)", "Previous column", show=False,
                id="record.column_back",
                tooltip="Wide layout: the scroll keys move the previous column"),
        Binding("down", "scroll('down')", "Down", show=False, id="record.down",
                tooltip="Scroll down a line"),
        Binding("up", "scroll('up')", "Up", show=False, id="record.up",
                tooltip="Scroll up a line"),
        Binding("pagedown,space", "scroll('page_down')", "Page down", show=False,
                id="record.page_down", tooltip="Scroll down a page"),
        Binding("pageup", "scroll('page_up')", "Page up", show=False, id="record.page_up",
                tooltip="Scroll up a page"),
        Binding("home", "scroll('home')", "Top", show=False, id="record.top",
                tooltip="To the top"),
        Binding("end", "scroll('end')", "Bottom", show=False, id="record.bottom",
                tooltip="To the bottom"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    RecordViewScreen #record-bar { height: auto; padding: 0 1; background: $panel; }
    RecordViewScreen #record-body { height: 1fr; layout: vertical; overflow-y: auto; }
    RecordViewScreen .record-column { height: auto; overflow-y: hidden; padding: 0 1; }
    RecordViewScreen.-wide #record-body {
        layout: grid; grid-size: 2 2; grid-columns: 3fr 5fr; grid-rows: 1fr 1fr;
        overflow-y: hidden;
    }
    RecordViewScreen.-wide #record-left { row-span: 2; }
    RecordViewScreen.-widest #record-body { grid-size: 3 1; grid-columns: 5fr 6fr 6fr; }
    RecordViewScreen.-widest #record-left { row-span: 1; }
    RecordViewScreen.-wide .record-column {
        width: 1fr; height: 1fr; overflow-y: auto; border-top: hkey $panel;
    }
    RecordViewScreen.-wide .record-column.-active { border-top: hkey $accent; }
    RecordViewScreen #record-loading { padding: 1 2; height: auto; }
    RecordViewScreen.-loaded #record-loading { display: none; }
    RecordViewScreen RecordSection { display: none; }
    RecordViewScreen.-loaded RecordSection { display: block; }
    """

    class RecordLoaded(Message):
        """The worker read and verified the record."""

        def __init__(self, report: Report, transcript: TranscriptState | None = None) -> None:
            super().__init__()
            self.report = report
            self.transcript = transcript

    class RecordLoadFailed(Message):
        """The record could not be read; `reason` says why (and the fix)."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, folder: Path, catalog: Catalog) -> None:
        super().__init__()
        self.folder = folder
        self.catalog = catalog
        self.report: Report | None = None
        self.failed: str | None = None
        self.column = "criteria"  # what the assessor comes for
        self.transcript: TranscriptState | None = None
        self.sub_title = folder.name

    def compose(self) -> ComposeResult:
        yield ScreenHeader()
        yield Static("Reading and verifying the record…", id="record-bar")
        yield TranscriptProgress(self.folder, id="record-transcript")
        with _Body(id="record-body"):
            yield Static("Reading and verifying the record…", id="record-loading")
            for column, parts in COLUMNS.items():
                with _Column(id=f"record-{column}-column", classes="record-column"):
                    for name in parts:
                        yield RecordSection(TITLES[name], id=f"record-{name}")
        yield Footer()

    def on_mount(self) -> None:
        """Lay out for the terminal's width and read the record."""
        self._layout(self.size.width)
        self._load(self._engine_source())

    def on_resize(self, event: events.Resize) -> None:
        """Two columns when there is room, one otherwise."""
        self._layout(event.size.width)

    def _layout(self, width: int) -> None:
        self.set_class(width >= WIDE_FROM, "-wide")
        self.set_class(width >= WIDEST_FROM, "-widest")
        self._show_active()

    @property
    def wide(self) -> bool:
        """The record is shown in two columns."""
        return self.has_class("-wide")

    # ------------------------------------------------------------------ loading
    def _engine_source(self) -> EngineSource | None:
        transcriptions = transcriptions_of(self.app)
        return transcriptions.source if transcriptions is not None else None

    @work(thread=True, exit_on_error=False, group="record-load")
    def _load(self, source: EngineSource | None) -> None:
        try:
            report = build_report(self.folder, self.catalog.standard)
            transcript = transcript_state(self.folder, report.verify, source)
        except UserError as error:
            self.post_message(self.RecordLoadFailed(error.message))
        except RecordError as error:
            self.post_message(self.RecordLoadFailed(str(error)))
        except OSError as error:
            self.post_message(self.RecordLoadFailed(os_error_message(error)))
        else:
            self.post_message(self.RecordLoaded(report, transcript))

    @on(RecordLoadFailed)
    def _load_failed(self, message: RecordLoadFailed) -> None:
        self.failed = message.reason
        text = f"Cannot show the record of {self.folder.name}: {message.reason}"
        self.query_one("#record-loading", Static).update(Text(text))
        self.query_one("#record-bar", Static).update(Text("Not shown: see below", "bold red"))
        self.notify(text, severity="error", timeout=15)

    @on(RecordLoaded)
    def _loaded(self, message: RecordLoaded) -> None:
        report = self.report = message.report
        info = report.info
        self.sub_title = f"{info.apprentice_name} · attempt {info.attempt}"
        self.query_one("#record-bar", Static).update(self._bar(report))
        self._section("session").show(sections.details(report), sections.corrections(report))
        held = sections.not_held(report)
        if held is not None:  # no grade for a discussion that never took place
            self._section("grade").show(held)
        else:
            self._section("grade").show(
                sections.grade_line(report),
                sections.grade_reasons(report),
                Text(""),
                sections.other_components(report),
            )
        if held is not None:
            self._section("criteria").show(
                Text("Nothing was assessed: the discussion did not go ahead.", style="italic")
            )
        else:
            self._section("criteria").show(sections.criteria(report))
        self._section("notes").show(sections.timeline(report, self.catalog.bank))
        self._section("recording").show(sections.recording(report))
        self.add_class("-loaded")
        self._show_active()
        self._show_transcript(message.transcript)

    # ------------------------------------------------------------------ the transcript
    def _show_transcript(self, state: TranscriptState | None) -> None:
        self.transcript = state
        if state is None:
            return
        transcriptions = transcriptions_of(self.app)
        estimate = transcriptions.estimate_text(state.audio_s) if transcriptions else None
        self.query_one(TranscriptProgress).set_idle(state_line(state, estimate))

    @on(TranscriptProgress.Ended)
    def _transcript_ended(self, message: TranscriptProgress.Ended) -> None:
        """A run wrote the transcript or stopped: read (and verify) the record again."""
        if message.job.status in ("finished", "cancelled"):
            self._load(self._engine_source())

    def action_transcribe(self) -> None:
        """Transcribe the sealed recording in the background, or continue a stopped run."""
        transcriptions = transcriptions_of(self.app)
        state = self.transcript
        if transcriptions is None or state is None:
            self.notify("Transcribing is not available here.", severity="warning")
            return
        refused = {
            "done": "Already transcribed: the transcript is intact.",
            "altered": f"The transcript does not verify ({state.problem}): move transcript.json "
            "out of the folder (keep it if it may matter), then transcribe again.",
            "unsealed": "A transcript is made only of a sealed record.",
        }.get(state.kind)
        if refused is None and state.audio_s <= 0:
            refused = "The session has no recording to transcribe."
        if refused is None and state.engine_problem is not None:
            refused = f"Cannot transcribe here: {state.engine_problem}"
        if refused is None:
            refused = transcriptions.start(self.folder)
        if refused is not None:
            self.notify(refused, severity="warning", timeout=15)

    def action_stop_transcribing(self) -> None:
        """Stop this record's transcription after the part being decoded; the work is kept."""
        transcriptions = transcriptions_of(self.app)
        if transcriptions is None or not transcriptions.cancel(self.folder):
            self.notify("No transcription of this record is under way.", timeout=5)

    def _section(self, name: str) -> RecordSection:
        return self.query_one(f"#record-{name}", RecordSection)

    def _bar(self, report: Report) -> Text:
        """One line: sealed and intact or not, practice or not, the grade (or no grade)."""
        bar = Text()
        if report.verify.ok and report.verify.sealed:
            bar.append("SEALED", "bold green")
            bar.append(" · record intact")
        elif report.verify.ok:  # a log cut short looks the same: only a seal says it is whole
            bar.append("NOT SEALED", "bold red")
            bar.append(" · intact so far, may be incomplete", "red")
            cut = report.verify.transcript
            if cut is not None and cut.status == "seal_missing":  # it was sealed once
                bar.append(" · WAS SEALED, CUT SHORT: r to see why", "bold red")
        else:
            bar.append("RECORD NOT INTACT", "bold red")
            bar.append(f" · {len(report.verify.problems)} problem(s): r to see them")
        if report.info.kind == "practice":
            bar.append(" · PRACTICE", "bold yellow")
        if report.state.not_held is not None:
            bar.append(" · the discussion did not go ahead: no grade", "bold yellow")
        elif report.grade is not None:
            bar.append(" · grade: ")
            bar.append(report.grade.grade.upper(), GRADE_STYLE[report.grade.grade])
        else:
            bar.append(" · grade cannot be computed", "bold red")
        if report.state.corrections:
            bar.append(f" · {len(report.state.corrections)} correction(s)", "yellow")
        return bar

    @property
    def plain_text(self) -> str:
        """The whole record as shown (every part, also those scrolled out of sight)."""
        bar = self.query_one("#record-bar", Static)
        parts = [str(bar.render())]
        for name in PARTS:
            section = self._section(name)
            parts.append(f"{section.border_title}\n{section.plain_text}")
        return "\n\n".join(parts)

    # ------------------------------------------------------------------ keys
    def _scroller(self) -> ScrollableContainer:
        """What the scroll keys move: the active column (wide) or the whole body (narrow)."""
        if self.wide:
            return self.query_one(f"#record-{self.column}-column", _Column)
        return self.query_one("#record-body", _Body)

    def _show_active(self) -> None:
        """Mark the column the scroll keys move (in words too: colour is not enough)."""
        wide = self.wide
        for name in COLUMNS:
            column = self.query_one(f"#record-{name}-column", _Column)
            active = name == self.column
            column.set_class(active, "-active")
            column.border_title = ("▼ ↑↓ PgUp PgDn scroll" if active else "tab") if wide else ""

    def action_scroll(self, how: str) -> None:
        """Scroll the record a line, a page, or to an end."""
        scroller = self._scroller()
        moves = {
            "down": scroller.scroll_down,
            "up": scroller.scroll_up,
            "page_down": scroller.scroll_page_down,
            "page_up": scroller.scroll_page_up,
            "home": scroller.scroll_home,
            "end": scroller.scroll_end,
        }
        moves[how](animate=False)

    def action_jump(self, name: str) -> None:
        """Bring a part of the record to the top of the view."""
        self.column = next(column for column, parts in COLUMNS.items() if name in parts)
        self._show_active()
        self._scroller().scroll_to_widget(self._section(name), animate=False, top=True)

    def action_other_column(self, backwards: bool = False) -> None:
        """Wide layout: the scroll keys move the next column (the previous with shift+tab, ←)."""
        if not self.wide:
            return
        names = list(COLUMNS)
        step = -1 if backwards else 1
        self.column = names[(names.index(self.column) + step) % len(names)]
        self._show_active()

    def action_export(self) -> None:
        """Write the record to a file the assessor chooses (never into the session folder)."""
        from discussion.ui.screens.grade_export import GradeExport

        session_id = self.report.info.session_id if self.report else self.folder.name

        def written(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Exported to {path}", timeout=10)

        self.app.push_screen(GradeExport(self.folder, session_id), written)

    def action_review(self) -> None:
        """Open the review (playback from the notes) over this record."""
        from discussion.ui.screens.review import ReviewScreen  # numpy: loaded on demand

        settings = getattr(self.app, "settings", None)
        preroll = settings.review_preroll_s if settings is not None else 5.0
        self.app.push_screen(ReviewScreen(self.folder, self.catalog, preroll_s=preroll))

    def action_back(self) -> None:
        """Back to where the record was opened from."""
        self.dismiss(None)
