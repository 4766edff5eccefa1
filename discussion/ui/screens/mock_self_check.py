"""After a question of the mock: what was said (its transcript), a replay, and the look-fors as
a self-check list the apprentice ticks, with the automatic cue matches shown beside.

The apprentice's ticks are theirs: the matches never tick a box. Dismissed with the ticked
look-fors' indexes (from 0). The replay plays the answers' span of the mock's recording
through `discussion.playback.Player`, which owns its thread and reports by posting
`ReplayReported`. The mock's recording runs on meanwhile but no answer is being taken; a replay
is silenced (its output closed) before the screen goes, so none of it can reach the microphone
in the next answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from discussion.notes import format_clock
from discussion.ui.screens.mock_answers import QuestionDone
from discussion.ui.widgets.mock_look_fors import LookForRow, MockLookFors
from discussion.ui.widgets.screen_header import ScreenHeader


class ReplayReported(Message, bubble=False):
    """The player's news (posted from its thread): a status or an alarm."""

    def __init__(self, report: object) -> None:
        super().__init__()
        self.report = report


class ReplayStopped(Message, bubble=False):
    """The player's thread has ended and its output is closed: nothing more comes out."""


class ReplayReady(Message, bubble=False):
    """The recording was opened for replay (or `problem` says why it cannot be)."""

    def __init__(self, timeline: object | None, problem: str = "") -> None:
        super().__init__()
        self.timeline = timeline
        self.problem = problem


def transcript_text(done: QuestionDone) -> Text:
    """Each answer of the question: what was asked (short), when, and what was said."""
    text = Text()
    for answer in done.answers:
        prompt = answer.prompt
        label = "Question" if prompt.kind == "question" else "Follow-up"
        text.append(f"{label}: ", style="bold")
        text.append(f"{prompt.text}\n", style="italic")
        took = format_clock(max(0.0, answer.end_s - answer.start_s))
        words = len(answer.text.split())
        text.append(f"You ({took}, {words} words): ", style="bold cyan")
        text.append((answer.text or "(nothing heard)") + "\n\n")
    return text


class MockSelfCheckScreen(Screen[list[int]]):
    """The self-check of one finished question."""

    TITLE = "Self-check"

    BINDINGS = [
        Binding(
            "ctrl+s,f2",
            "carry_on",
            "Carry on",
            id="mock_check.carry_on",
            tooltip="Keep these ticks and go on to the next question",
        ),
        Binding(
            "r",
            "replay",
            "Replay",
            id="mock_check.replay",
            tooltip="Hear your answers to this question again (r again pauses)",
        ),
    ]

    DEFAULT_CSS = """
    MockSelfCheckScreen #check-body { padding: 0 1; }
    MockSelfCheckScreen .section { text-style: bold; color: $accent; margin-top: 1; }
    MockSelfCheckScreen #check-replay { color: $text-muted; }
    """

    def __init__(
        self,
        done: QuestionDone,
        rows: Sequence[LookForRow],
        *,
        question_text: str,
        sufficient: str | None = None,
        audio_folder: Path | None = None,
        open_stream: Any = None,
    ) -> None:
        """`rows`: the question's look-fors with the cue matches; `audio_folder`: the mock's
        record when answers were spoken (None: typed, no replay)."""
        super().__init__()
        self.done = done
        self.rows = list(rows)
        self.question_text = question_text
        self.sufficient = sufficient
        self.audio_folder = audio_folder
        self.open_stream = open_stream
        self.player: Any = None
        self.playing = False
        self.leaving = False
        self.span = (
            min((a.start_s for a in done.answers), default=0.0),
            max((a.end_s for a in done.answers), default=0.0),
        )

    def compose(self) -> ComposeResult:
        yield ScreenHeader()
        with VerticalScroll(id="check-body"):
            yield Static("What you said", classes="section")
            yield Static(transcript_text(self.done), id="check-transcript")
            yield Static(self._replay_text(), id="check-replay")
            yield Static("Did you cover these? Tick each one you did (space)", classes="section")
            yield MockLookFors(self.rows, id="check-list")
            # The bank's `sufficient` is written for assessors ("listen for…"): not shown here.
            yield Static(
                "“Heard” means some of the words that usually show that point came up in your "
                "answer; it is a hint, not a mark. Your ticks are what count here.",
                id="check-note",
            )
        yield Footer()

    def on_mount(self) -> None:
        """Focus the list; open the recording for replay when there is one."""
        self.query_one(MockLookFors).focus()
        if self.audio_folder is not None:
            self._open(self.audio_folder)

    def on_unmount(self) -> None:
        """Stop the player (its thread closes the output by itself)."""
        if self.player is not None:
            self.player.stop(wait=False)
            self.player = None

    def _replay_text(self, problem: str = "") -> str:
        if self.audio_folder is None:
            return "Typed answers: nothing to replay."
        if problem:
            return f"No replay: {problem}"
        start, end = self.span
        return (
            f"r: hear your answers again ({format_clock(start)}–{format_clock(end)}); no answer "
            "is being taken while you listen"
        )

    # ------------------------------------------------------------------ replay
    @work(thread=True, exit_on_error=False, group="check-open")
    def _open(self, folder: Path) -> None:
        try:
            from discussion.playback import AudioTimeline
            from discussion.record.session import load_state

            timeline = AudioTimeline.from_state(folder, load_state(folder))
        except Exception as error:  # a record that cannot be read: no replay, said why
            self.post_message(ReplayReady(None, str(error)))
            return
        problem = "" if timeline.has_audio else ("; ".join(timeline.problems) or "no audio")
        self.post_message(ReplayReady(timeline if not problem else None, problem))

    @on(ReplayReady)
    def _ready(self, message: ReplayReady) -> None:
        if message.timeline is None:
            self.query_one("#check-replay", Static).update(self._replay_text(message.problem))
            return
        from discussion.playback import Player

        self.player = Player(
            message.timeline,  # type: ignore[arg-type]
            self._from_player,
            preroll_s=0.0,
            open_stream=self.open_stream,
        )
        self.player.start()

    def _from_player(self, report: object) -> None:
        self.post_message(ReplayReported(report))

    @on(ReplayReported)
    def _reported(self, message: ReplayReported) -> None:
        from discussion.playback import PlayerAlarm

        report: Any = message.report
        if isinstance(report, PlayerAlarm):
            self.notify(report.message, severity="error", timeout=15)
            return
        if report.playing and report.position_s >= self.span[1] and self.player is not None:
            self.player.toggle()  # the end of the answers: stop there
            self.playing = False
        line = self.query_one("#check-replay", Static)
        if not report.sound and report.reason:
            line.update(f"No sound: {report.reason}")
        elif report.playing:
            line.update(f"Playing {format_clock(report.position_s)} (r pauses)")
        else:
            line.update(self._replay_text())

    def action_replay(self) -> None:
        """Play the answers from their start, or pause."""
        if self.leaving:
            return
        if self.player is None:
            self.notify(
                "No replay for these answers."
                if self.audio_folder
                else "Typed answers: nothing to replay."
            )
            return
        if self.playing:
            self.player.toggle()
            self.playing = False
        else:
            self.player.play_from(self.span[0], preroll_s=0.0)
            self.playing = True

    # ------------------------------------------------------------------ done
    def action_carry_on(self) -> None:
        """Keep the ticks and go on (a replay is silenced first: the next answer may begin as
        soon as this screen goes, and must not hear it)."""
        if self.leaving:
            return
        self.leaving = True
        if self.player is None:
            self.dismiss(self.query_one(MockLookFors).ticked)
            return
        player, self.player = self.player, None
        self.playing = False
        self.query_one("#check-replay", Static).update("Stopping the replay…")
        self._silence(player)

    @work(thread=True, exit_on_error=False, group="check-stop")
    def _silence(self, player: Any) -> None:
        try:
            player.stop(wait=True)  # joins its thread: the output is closed on return
        finally:
            self.post_message(ReplayStopped())

    @on(ReplayStopped)
    def _stopped(self, _message: ReplayStopped) -> None:
        self.dismiss(self.query_one(MockLookFors).ticked)
