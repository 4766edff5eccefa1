"""The review: a verifier hears the evidence behind each decision, keys only.

At the top the verify verdict, then the transport line, a level strip of the audio with a
cursor that follows playback, and the list of the recording's moments (questions, notes by
criterion, marks, pauses, gaps, alarms, consent, time marks, then the decisions). Enter plays
the selected moment from a few seconds before it (the pre-roll); `f` narrows the list to one
criterion: its decision and rationale, the notes it rests on, the other notes tagged with it.
The list follows playback (`l` stops it; a cursor the verifier moved is left alone until they
play something). `j` records the verifier's judgement of the highlighted decision, `o` the
overall outcome, which ends the round signed by the verifier's key (`review_judge`). Beside
the list, what was said (`widgets/review_transcript`; `t`); it posts, this screen plays.
On a mock's practice record the answers pane (`review_answers`) takes the transcript's place:
each question, what was said, the probes asked and why, the self-check (`m` switches).

Threads: the record is read and verified in a thread worker (`ReviewLoaded`), the levels in
another (`LevelsRead`); the `Player` owns its playback thread and reports through a callback
that only posts `PlaybackReported`. Every state change happens in the handlers, on the UI
thread. Only the verifier's forms write, to verification.jsonl, through the domain in their
own worker.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, OptionList

from discussion.errors import UserError, os_error_message
from discussion.export.report import Report, build_report
from discussion.playback import (
    DEFAULT_PREROLL_S,
    AudioTimeline,
    OutputFactory,
    PlaybackStatus,
    Player,
    PlayerAlarm,
    second_levels,
)
from discussion.playback.gc_quiet import QuietCollections
from discussion.playback.items import (
    ReviewItem,
    criteria_with_evidence,
    criterion_items,
    parse_time,
    timeline_items,
)
from discussion.record import RecordError
from discussion.transcript.lines import time_ref
from discussion.ui.catalog import Catalog
from discussion.ui.screens.review_answers import AnswersPane
from discussion.ui.screens.review_bindings import REVIEW_BINDINGS
from discussion.ui.screens.review_judge import Recorded
from discussion.ui.screens.review_messages import (
    LevelsRead,
    PlaybackReported,
    ReviewLoaded,
    ReviewLoadFailed,
)
from discussion.ui.screens.review_prompt import ReviewPrompt
from discussion.ui.screens.review_verifier import judge_form, outcome_form, recorded_text
from discussion.ui.widgets.review_levels import ReviewLevels, minutes_seconds
from discussion.ui.widgets.review_list import ReviewList
from discussion.ui.widgets.review_palette import CriterionPalette
from discussion.ui.widgets.review_status import (
    ReviewStatus,
    shown_round,
    transport_text,
    verdict_text,
    verification_text,
)
from discussion.ui.widgets.review_transcript import TranscriptPane
from discussion.ui.widgets.screen_header import ScreenHeader
from discussion.verification.report import read_rounds
from discussion.verification.state import Round

PREROLL_MAX_S = 30.0  # as the review_preroll_s setting allows
WIDE_COLUMNS = 120  # narrower: the transcript pane replaces the list on `t` instead of beside


class ReviewScreen(Screen[None]):
    """The review of one session folder; dismisses when the verifier goes back."""

    TITLE = "Review"

    BINDINGS = REVIEW_BINDINGS

    DEFAULT_CSS = """
    ReviewScreen #review-transport { height: auto; }
    ReviewScreen #review-body { height: 1fr; }
    ReviewScreen.narrow #review-transcript { display: none; }
    ReviewScreen.narrow.transcript #review-transcript { display: block; width: 1fr; }
    ReviewScreen.narrow.transcript #review-list { display: none; }
    ReviewScreen #review-answers { display: none; }
    ReviewScreen.answers #review-transcript { display: none; }
    ReviewScreen.answers #review-answers { display: block; }
    ReviewScreen.narrow.answers #review-list { display: none; }
    """

    def __init__(
        self,
        folder: Path,
        catalog: Catalog,
        *,
        preroll_s: float = DEFAULT_PREROLL_S,
        open_stream: OutputFactory | None = None,
        start_player: bool = True,
    ) -> None:
        """`start_player=False` shows everything but plays nothing (the snapshots)."""
        super().__init__()
        self.folder = folder
        self.catalog = catalog
        self.preroll_s = preroll_s
        self._open_stream = open_stream
        self.report: Report | None = None
        self.failed: str | None = None
        self.player: Player | None = None
        self._quiet = QuietCollections()  # short full collections while it plays (gc_quiet.py)
        self.status: PlaybackStatus | None = None
        self.criterion: str | None = None  # the filter, None: everything
        self.alarms: list[str] = []
        self.moments: list[ReviewItem] = []  # the whole recording's, made once
        self.start_player = start_player
        self.rounds: list[Round] = []
        self.verification_problem: str | None = None
        self.following = True
        self._anchor: int | None = None  # the row follow (or a play) last put the cursor on
        self._passed: int | None = None  # the row of the moment the playhead last passed
        self.palette = CriterionPalette.of(catalog.standard.component("discussion").criteria)
        self.sub_title = folder.name

    def compose(self) -> ComposeResult:
        yield ScreenHeader()
        yield ReviewStatus("Reading and verifying the record…", id="review-verdict")
        yield ReviewStatus("", id="review-transport")
        yield ReviewLevels(id="review-levels")
        with Horizontal(id="review-body"):
            yield ReviewList(id="review-list")
            yield TranscriptPane(id="review-transcript")
            yield AnswersPane(id="review-answers")
        yield ReviewStatus("", id="review-verification")
        yield Footer()

    def on_mount(self) -> None:
        """Read the record in a worker."""
        self.query_one("#review-list", ReviewList).palette = self.palette
        self._show_transport()
        self._load()

    def on_unmount(self) -> None:
        """Stop the player (its thread closes the output on its own: no wait here)."""
        if self.player is not None:
            self.player.stop(wait=False)
        self._quiet.thaw()

    # ------------------------------------------------------------------ loading
    @work(thread=True, exit_on_error=False, group="review-load")
    def _load(self) -> None:
        try:
            report = build_report(self.folder, self.catalog.standard)
            timeline = AudioTimeline.from_state(self.folder, report.state)
            rounds, problem, _hashes = read_rounds(self.folder)
        except UserError as error:
            self.post_message(ReviewLoadFailed(error.message))
        except RecordError as error:
            self.post_message(ReviewLoadFailed(str(error)))
        except OSError as error:
            self.post_message(ReviewLoadFailed(os_error_message(error)))
        else:
            self.post_message(ReviewLoaded(report, timeline, rounds, problem))

    @work(thread=True, exit_on_error=False, group="review-levels")
    def _read_levels(self, timeline: AudioTimeline) -> None:
        try:
            levels = second_levels(timeline)
        finally:
            timeline.close()
        self.post_message(LevelsRead(levels))

    @on(ReviewLoadFailed)
    def _load_failed(self, message: ReviewLoadFailed) -> None:
        self.failed = message.reason
        text = f"Cannot review {self.folder.name}: {message.reason}"
        self.query_one("#review-verdict", ReviewStatus).update(Text(text, "bold red"))
        self.notify(text, severity="error", timeout=15)

    @on(ReviewLoaded)
    def _loaded(self, message: ReviewLoaded) -> None:
        report = self.report = message.report
        info = report.info
        self.sub_title = f"{info.apprentice_name} · attempt {info.attempt}"
        self.query_one("#review-verdict", ReviewStatus).update(verdict_text(report))
        self.moments = timeline_items(report, self.catalog.bank)
        self.rounds, self.verification_problem = message.rounds, message.problem
        self._show_list()
        self._show_judgements()
        pane = self.query_one(TranscriptPane)
        pane.show(report.verify.transcript, self.moments, self.folder)
        if report.state.mock is not None:  # a mock: its answers in place of the transcript
            self.query_one(AnswersPane).show(report, self.catalog.bank)
            self.set_class(not self.has_class("narrow"), "answers")
            self.refresh_bindings()  # `m` in the footer
        levels = self.query_one("#review-levels", ReviewLevels)
        timeline = message.timeline
        levels.set_marks(self.moments, timeline.duration_s)
        if timeline.has_audio:
            # Its own timeline: the player's thread reads the other one.
            self._read_levels(AudioTimeline.from_state(self.folder, report.state))
        else:
            levels.set_note("No audio: " + ("; ".join(timeline.problems) or "notes only"))
        self.query_one("#review-list", ReviewList).focus()
        if not self.start_player:
            timeline.close()
            return
        self.player = Player(
            timeline, self._from_player, preroll_s=self.preroll_s, open_stream=self._open_stream
        )
        self.player.start()
        self.call_after_refresh(self._quiet.freeze)  # once the record is shown

    def _from_player(self, report: PlaybackStatus | PlayerAlarm) -> None:
        """The player's listener (its thread or this one): only posts."""
        self.post_message(PlaybackReported(report))

    @on(LevelsRead)
    def _levels_read(self, message: LevelsRead) -> None:
        self.query_one("#review-levels", ReviewLevels).set_levels(message.levels.tolist())

    @on(PlaybackReported)
    def _reported(self, message: PlaybackReported) -> None:
        report = message.report
        if isinstance(report, PlayerAlarm):
            self.alarms.append(report.message)
            self.notify(report.message, severity="error", timeout=20)
            return
        self.status = report
        self._show_transport()
        self.query_one("#review-levels", ReviewLevels).set_position(report.position_s)
        if report.playing:
            self._follow(report.position_s)
            self.query_one(TranscriptPane).follow(report.position_s, self.following)

    def _follow(self, position_s: float) -> None:
        """Highlight the moment the playhead has just passed, unless the verifier has moved the
        cursor since (theirs until they next play something) or follow is off."""
        box = self.query_one("#review-list", ReviewList)
        if not self.following or box.highlighted != self._anchor:
            return
        index = box.index_near(position_s)
        if index is None or index == self._passed:
            return
        self._passed = self._anchor = index
        box.highlighted = index

    def _anchor_here(self) -> None:
        """A play command: follow resumes from the cursor and the playhead as they are now."""
        box = self.query_one("#review-list", ReviewList)
        self._anchor = box.highlighted
        position = self.player.position_s if self.player is not None else 0.0
        self._passed = box.index_near(position)
        self.query_one(TranscriptPane).anchor_here()

    def _show_transport(self) -> None:
        where = f"criterion {self.criterion} (f: all)" if self.criterion else ""
        text = transport_text(
            self.status,
            where,
            preroll_s=self.preroll_s,
            following=self.following,
            started=self.start_player,
        )
        self.query_one("#review-transport", ReviewStatus).update(text)

    def _show_judgements(self) -> None:
        """The shown round's judgements under the decisions and in the legend; the round."""
        current = shown_round(self.rounds)
        judgements = dict(current.judgements) if current is not None else {}
        who = f"{current.role} {current.verifier}" if current is not None else "verifier"
        self.query_one("#review-list", ReviewList).set_judgements(judgements, who)
        rows = self.report.decisions if self.report is not None else []
        decided = sum(1 for row in rows if row.decision is not None)
        text = verification_text(self.rounds, self.verification_problem, decided)
        self.query_one("#review-verification", ReviewStatus).update(text)

    def _show_list(self) -> None:
        if self.report is None:
            return
        box = self.query_one("#review-list", ReviewList)
        bank = self.catalog.bank
        if self.criterion is None:
            box.show(self.moments, "The recording (Enter plays from it)")
        else:
            criterion = self.criterion
            text = self.report.criterion_text(criterion)
            box.show(criterion_items(self.report, criterion, bank), f"{criterion}: {text}")
        self._anchor_here()
        self._show_transport()

    # ------------------------------------------------------------------ keys
    @on(OptionList.OptionSelected, "#review-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        box = self.query_one("#review-list", ReviewList)
        self._play_item(box.items[event.option_index])

    @on(OptionList.OptionHighlighted, "#review-list")
    def _list_moved(self, event: OptionList.OptionHighlighted) -> None:
        """The verifier (not follow) moved to a moment: the transcript shows its words."""
        box = self.query_one("#review-list", ReviewList)
        if event.option_index != self._anchor and event.option_index < len(box.items):
            self.query_one(TranscriptPane).show_near(box.items[event.option_index])

    @on(TranscriptPane.PlayFrom)
    def _play_line(self, message: TranscriptPane.PlayFrom) -> None:
        if self.player is not None:
            self.player.play_from(message.seconds)
            self._anchor_here()
            self._say_no_sound()

    def on_resize(self) -> None:
        """Narrower than `WIDE_COLUMNS`: the pane is shown on `t` instead of beside."""
        self.set_class(self.app.size.width < WIDE_COLUMNS, "narrow")

    def action_transcript(self) -> None:
        """To the transcript pane (narrow: instead of the list) and back."""
        pane = self.query_one(TranscriptPane)
        to_pane = not pane.has_focus_within
        self.set_class(to_pane, "transcript")
        (pane.box if to_pane else self.query_one("#review-list", ReviewList)).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`m` (answers) only on a mock's practice record: elsewhere not in the footer."""
        if action == "answers":
            return self.report is not None and self.report.state.mock is not None
        return True

    def action_answers(self) -> None:
        """A mock's answers in place of the transcript pane, and back (narrow: of the list)."""
        shown = not self.has_class("answers")
        self.set_class(shown, "answers")
        self.remove_class("transcript")
        (
            self.query_one(AnswersPane) if shown else self.query_one("#review-list", ReviewList)
        ).focus()

    def _play_item(self, item: ReviewItem) -> None:
        if self.player is None:
            return
        if item.offset is None:  # a decision: heard through the notes under it
            self.notify("A decision is not a moment of the recording: select a note under it.")
            return
        self.player.play_from(item.offset)
        self._anchor_here()
        self._say_no_sound()

    def _say_no_sound(self) -> None:
        if self.player is not None and self.player.reason is not None:
            self.notify(f"No sound: {self.player.reason}", severity="warning", timeout=8)

    def action_play_pause(self) -> None:
        """Pause, or play on from 2 s before the pause."""
        if self.player is not None:
            self.player.toggle()
            self._anchor_here()
            self._say_no_sound()

    def action_skip(self, seconds: float) -> None:
        """Move back or forward."""
        if self.player is not None:
            self.player.skip(seconds)
            self._anchor_here()

    def action_step_note(self, forward: bool) -> None:
        """The next (previous) note in the list, played from its pre-roll."""
        item = self.query_one("#review-list", ReviewList).step_note(forward)
        if item is None:
            self.notify("No more notes that way.")
            return
        self._play_item(item)

    def action_loop_a(self) -> None:
        """Start of the A–B loop."""
        if self.player is not None:
            self.player.mark_a()

    def action_loop_b(self) -> None:
        """End of the loop (or stop looping)."""
        if self.player is not None and not self.player.mark_b():
            self.notify("Set the loop's start with a first, at an earlier moment.")

    def action_speed(self, steps: int) -> None:
        """Faster or slower, same pitch."""
        if self.player is not None:
            self.player.step_speed(steps)

    def action_go_to(self) -> None:
        """Ask for a time and go there."""

        def check(text: str) -> str | None:
            try:
                parse_time(text)
            except ValueError as error:
                return str(error)
            return None

        def answered(text: str | None) -> None:
            if text is not None and self.player is not None:
                seconds = parse_time(text)
                self.player.seek(seconds)
                self.query_one("#review-list", ReviewList).highlight_near(seconds)
                self._anchor_here()

        end = minutes_seconds(self.status.duration_s) if self.status else "the end"
        self.app.push_screen(ReviewPrompt(f"Go to (MM:SS, up to {end}):", "45:00", check), answered)

    def action_filter(self) -> None:
        """Ask for a criterion (empty: everything)."""
        if self.report is None:
            return
        known = [c.id for c in self.report.standard.component("discussion").criteria]
        with_evidence = criteria_with_evidence(self.report)

        def check(text: str) -> str | None:
            value = text.strip().upper()
            if value and value not in known:
                return f"{text.strip()} is not a discussion criterion: one of {', '.join(known)}"
            return None

        def answered(text: str | None) -> None:
            if text is not None:
                self.criterion = text.strip().upper() or None
                self._show_list()

        question = "Criterion (empty: everything). With evidence: " + (
            ", ".join(with_evidence) or "none"
        )
        self.app.push_screen(ReviewPrompt(question, "3B", check), answered)

    # ------------------------------------------------------------------ the verifier
    def action_judge(self) -> None:
        """The judgement form for the highlighted criterion (or the filter's)."""
        if self.report is not None:
            item = self.query_one("#review-list", ReviewList).current
            form = judge_form(self.folder, self.report, self.rounds, self.criterion, item)
            self.app.push_screen(form, self._recorded)

    @on(TranscriptPane.JudgeFrom)
    def _judge_line(self, message: TranscriptPane.JudgeFrom) -> None:
        """The judgement form resting on a transcript line's time."""
        if self.report is not None:
            item = self.query_one("#review-list", ReviewList).current
            refs = time_ref(message.seconds)
            form = judge_form(self.folder, self.report, self.rounds, self.criterion, item, refs)
            self.app.push_screen(form, self._recorded)

    def action_outcome(self) -> None:
        """The outcome form: ends the round, signed."""
        if self.report is not None:
            form = outcome_form(self.folder, self.report, self.rounds)
            self.app.push_screen(form, self._recorded)

    def _recorded(self, recorded: Recorded | None) -> None:
        """A form wrote: show the rounds as they are now and say what was recorded."""
        if recorded is None:
            return
        self.rounds, self.verification_problem = recorded.rounds, recorded.problem
        self._show_judgements()
        self.notify(recorded_text(recorded.written), timeout=8)

    def action_follow(self) -> None:
        """The list follows playback, or stops."""
        self.following = not self.following
        self._anchor_here()
        self._show_transport()

    def action_preroll(self, step: int) -> None:
        """A second more or less played before a note (0 to 30 s)."""
        self.preroll_s = min(max(self.preroll_s + step, 0.0), PREROLL_MAX_S)
        if self.player is not None:
            self.player.preroll_s = self.preroll_s
        self._show_transport()

    def action_back(self) -> None:
        """Back to where the review was opened from."""
        self.dismiss(None)
