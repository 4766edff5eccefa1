"""The mock discussion: the examiner asks (shown and spoken), the apprentice answers (spoken and
transcribed as they speak, or typed), and the examiner follows up on what was left out.

The examiner (`discussion.mock.examiner`) decides what comes next; this screen only shows it.
The voice (`Speaker`) and the answer listener (`AnswerListener`) own their threads: they are
made in on_mount and closed in on_unmount, and their callbacks only post `VoiceReported` and
`ListenerReported`; every change of state happens in the handlers, on the UI thread. When a
question is finished (its answer and any follow-ups) the self-check screen comes up; at the
end the screen dismisses with the questions' results.

Without a microphone the answer is typed (ctrl+s when finished) and matched the same way;
without a voice the questions are only shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from discussion.notes import format_clock
from discussion.ui.screens.confirm import ConfirmScreen
from discussion.ui.screens.mock_answers import (
    Answer,
    Clock,
    ListenerLike,
    ListenerReported,
    QuestionDone,
    Report,
    SpeakerLike,
    VoiceReported,
    speaking_s,
)
from discussion.ui.widgets.alarm_banner import AlarmBanner
from discussion.ui.widgets.level_meter import LevelMeter
from discussion.ui.widgets.mock_answers_so_far import MockAnswersSoFar
from discussion.ui.widgets.mock_live_answer import MockLiveAnswer
from discussion.ui.widgets.mock_prompt import MockPrompt
from discussion.ui.widgets.recording_status import RecordingStatus

SelfCheck = Callable[[QuestionDone], Screen[list[int]]]


class MockDiscussionScreen(Screen[list[QuestionDone] | None]):
    """One mock discussion; dismisses with the finished questions (None: left at once)."""

    TITLE = "Mock discussion"
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding(
            "f2,ctrl+s",
            "done",
            "Finished answering",
            id="mock.done",
            tooltip="Your answer is complete (a spoken answer also ends after a pause)",
        ),
        Binding(
            "f3,ctrl+r",
            "repeat",
            "Repeat",
            id="mock.repeat",
            tooltip="Hear the question again (your answer so far is kept)",
        ),
        Binding(
            "f10,ctrl+o",
            "end",
            "End mock",
            id="mock.end",
            tooltip="Stop the mock here and see how it went",
        ),
    ]

    DEFAULT_CSS = """
    MockDiscussionScreen #mock-prompt-scroll { height: auto; max-height: 50%; }
    MockDiscussionScreen #mock-answer {
        height: 1fr; min-height: 4; border: round $primary-background;
    }
    MockDiscussionScreen #mock-answer:focus { border: round $accent; }
    MockDiscussionScreen #mock-answer.-hidden { display: none; }
    MockDiscussionScreen MockLiveAnswer.-hidden { display: none; }
    MockDiscussionScreen #mock-state { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(
        self,
        examiner: Any,
        *,
        length_min: int,
        warn_at_minutes: list[int],
        clock: Clock,
        total_questions: int,
        make_self_check: SelfCheck,
        speaker_factory: Callable[[Report], SpeakerLike | None] | None = None,
        listener_factory: Callable[[Report], ListenerLike] | None = None,
        end_silence_s: float = 2.5,
        on_answer: Callable[[Answer], None] | None = None,
        tick_seconds: float = 0.25,
        probes_of: Callable[[str], Sequence[str]] | None = None,
    ) -> None:
        """`speaker_factory` None: questions as text only; `listener_factory` None: typed
        answers. `on_answer` is called (UI thread) with each answer as given (the record).
        `probes_of(question_id)`: the question's probes, which the voice makes ready while the
        apprentice answers (so the follow-up starts at once)."""
        super().__init__()
        self.examiner = examiner
        self.length_min = length_min
        self.warn_at = sorted(warn_at_minutes)
        self.clock = clock
        self.total_questions = total_questions
        self.make_self_check = make_self_check
        self.speaker_factory = speaker_factory
        self.listener_factory = listener_factory
        self.end_silence_s = end_silence_s
        self.on_answer = on_answer
        self.tick_seconds = tick_seconds
        self.probes_of = probes_of
        self.speaker: SpeakerLike | None = None
        self.listener: ListenerLike | None = None
        self.prompt: Any = None
        self.phase = "starting"  # speaking | answering | waiting | checking | over
        self.started_at: float | None = None  # typed: the answer's start
        self.answer_start: float | None = None  # spoken: the open span's start (its events)
        self.live_text = ""
        self.done: list[QuestionDone] = []
        self.current = QuestionDone("")
        self.question_ids: list[str] = []
        self.warned: set[int] = set()
        self.alarms: dict[str, str] = {}

    @property
    def typed(self) -> bool:
        """Answers are typed (no listener)."""
        return self.listener is None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield RecordingStatus()
        yield AlarmBanner()
        yield MockAnswersSoFar()
        with VerticalScroll(id="mock-prompt-scroll"):
            yield MockPrompt()
        yield Static("", id="mock-state")
        yield MockLiveAnswer(classes="-hidden")
        yield TextArea(id="mock-answer", soft_wrap=True, show_line_numbers=False)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        """Start the voice and the listener (their threads are theirs), then the first question."""
        if self.speaker_factory is not None:
            try:
                self.speaker = self.speaker_factory(self._from_voice)
            except Exception as error:  # no voice: text only, said once
                self.notify(f"No voice: {error}. The questions are shown as text.", timeout=10)
        if self.listener_factory is not None:
            try:
                self.listener = self.listener_factory(self._from_listener)
            except Exception as error:
                self.notify(
                    f"The microphone could not start: {error}. Type your answers instead.",
                    severity="warning",
                    timeout=15,
                )
        self.query_one(MockLiveAnswer).set_class(self.typed, "-hidden")
        # Typed: no sound level to show (a "-∞ dB" meter only puzzles the apprentice).
        self.query_one(RecordingStatus).query_one(LevelMeter).display = not self.typed
        self.query_one("#mock-answer").set_class(not self.typed, "-hidden")
        self.set_interval(self.tick_seconds, self._tick)
        self._tick()
        self._ask(self.examiner.prompt())

    def on_unmount(self) -> None:
        """Close the voice and the listener (each joins its own thread)."""
        for part in (self.speaker, self.listener):
            if part is not None:
                try:
                    part.close()
                except Exception:
                    self.log.error("closing a mock part failed")
        self.speaker = self.listener = None

    # ------------------------------------------------------------------ threads → messages
    def _from_voice(self, event: object) -> None:
        self.post_message(VoiceReported(event))

    def _from_listener(self, event: object) -> None:
        self.post_message(ListenerReported(event))

    # ------------------------------------------------------------------ the clock
    def _tick(self) -> None:
        elapsed = self.clock()
        state = "recording" if not self.typed else "typed answers"
        self.query_one(RecordingStatus).show(state, elapsed, self.length_min, self.warn_at)
        for minutes in [*self.warn_at, self.length_min]:
            if minutes in self.warned or elapsed < minutes * 60:
                continue
            self.warned.add(minutes)
            if minutes >= self.length_min:
                text = (
                    f"{minutes} minutes reached: the mock is over its time. In the real "
                    "discussion the assessor would close now; finish your point."
                )
            else:
                text = f"{minutes} minutes gone, {self.length_min - minutes} left."
            self.notify(text, title="Time", severity="warning", timeout=10)

    # ------------------------------------------------------------------ asking
    def _place(self, prompt: Any) -> str:
        if prompt.question_id not in self.question_ids:
            self.question_ids.append(prompt.question_id)
        number = self.question_ids.index(prompt.question_id) + 1
        return f"Question {number} of {max(self.total_questions, number)}"

    def _ask(self, prompt: Any) -> None:
        """Show (and speak) the next prompt; None: the mock is over."""
        if prompt is None:
            self._finish()
            return
        if prompt.question_id != self.current.question_id:
            self.current = QuestionDone(prompt.question_id)
        self.prompt = prompt
        self._show_answers_so_far()
        self.query_one(MockPrompt).show(
            kind=prompt.kind,
            place=self._place(prompt),
            text=prompt.text,
            reminder=prompt.reminder if prompt.kind == "question" else None,
            why=prompt.why if prompt.kind == "probe" else None,
        )
        self.live_text = ""
        self.query_one(MockLiveAnswer).show("", False)
        box = self.query_one("#mock-answer", TextArea)
        box.text = ""
        if self.speaker is not None:
            self.phase = "speaking"
            self._state("The examiner is asking… (ctrl+s to answer straight away)")
            self.speaker.say(self._spoken(prompt))
            self._prepare_probes(prompt)
        else:
            self._listen()

    def _prepare_probes(self, prompt: Any) -> None:
        """Have the voice make the question's probes while it is answered (after the prompt's
        own speech, which goes first): whichever the examiner picks then plays at once."""
        if self.speaker is None or self.probes_of is None:
            return
        try:
            probes = [p for p in self.probes_of(prompt.question_id) if p != prompt.text]
        except Exception:  # no probes known: each is made when it is asked
            self.log.error("the probes of %s could not be found", prompt.question_id)
            return
        if probes:
            self.speaker.prepare(probes)

    def _show_answers_so_far(self) -> None:
        """The question's answers so far (none for a new question): a follow-up is answered
        with what was said to the question in view."""
        shown: list[tuple[str, str, str]] = []
        follow_ups = 0
        for answer in self.current.answers:
            if answer.prompt.kind == "probe":
                follow_ups += 1
                to = f"follow-up {follow_ups}"
            else:
                to = "the question"
            shown.append((to, format_clock(max(0.0, answer.end_s - answer.start_s)), answer.text))
        self.query_one(MockAnswersSoFar).show(shown)

    @staticmethod
    def _spoken(prompt: Any) -> str:
        reminder = prompt.reminder if prompt.kind == "question" else None
        return f"{reminder} {prompt.text}" if reminder else str(prompt.text)

    def _listen(self) -> None:
        """Take the answer: the listener starts its span, or the typing box opens."""
        self.phase = "answering"
        if self.listener is not None:
            begun = self.listener.begin_answer()
            self.answer_start = float(begun) if isinstance(begun, int | float) else None
            self.query_one(MockLiveAnswer).show("", True)
            self._state(
                f"Listening. Pause for {self.end_silence_s:g} s, or press ctrl+s, when you have "
                "finished."
            )
            return
        self.started_at = None  # from the first key typed
        box = self.query_one("#mock-answer", TextArea)
        box.disabled = False
        box.focus()
        self._state("Type your answer; ctrl+s when you have finished.")

    def _state(self, text: str) -> None:
        self.query_one("#mock-state", Static).update(text)

    @on(TextArea.Changed, "#mock-answer")
    def _typing(self, event: TextArea.Changed) -> None:
        if self.started_at is None and event.text_area.text:
            self.started_at = self.clock()

    # ------------------------------------------------------------------ the voice
    @on(VoiceReported)
    def _voice(self, message: VoiceReported) -> None:
        name = type(message.event).__name__
        if name == "SpeechFinished" and self.phase == "speaking":
            self._listen()
        elif name == "SpeechFailed":
            text = getattr(message.event, "message", "the voice failed")
            self.notify(f"{text}. The questions are shown as text.", severity="warning")
            self.speaker = None
            if self.phase == "speaking":
                self._listen()

    # ------------------------------------------------------------------ the listener
    @on(ListenerReported)
    def _heard(self, message: ListenerReported) -> None:
        event = message.event
        name = type(event).__name__
        start = getattr(event, "start_s", None)
        if start is not None and self.answer_start is not None and start != self.answer_start:
            return  # an answer dropped (the question repeated before it was begun), not this one
        if name == "Level":
            self.query_one(RecordingStatus).set_level(
                float(event.rms_dbfs),  # type: ignore[attr-defined]
                float(event.peak_dbfs),  # type: ignore[attr-defined]
            )
        elif name == "Alarm":
            self.alarms[str(event.kind)] = str(event.message)  # type: ignore[attr-defined]
            self.query_one(AlarmBanner).show(self.alarms)
        elif name == "AlarmCleared":
            self.alarms.pop(str(event.kind), None)  # type: ignore[attr-defined]
            self.query_one(AlarmBanner).show(self.alarms)
        elif name == "AnswerTextGrew" and self.phase == "answering":
            self.live_text = str(getattr(event, "text", ""))
            self.query_one(MockLiveAnswer).show(self.live_text, True)
        elif name == "AnswerEnded" and self.phase in ("answering", "waiting"):
            self._answered(
                Answer(
                    self.prompt,
                    str(event.text),  # type: ignore[attr-defined]
                    float(event.start_s),  # type: ignore[attr-defined]
                    float(event.end_s),  # type: ignore[attr-defined]
                    str(getattr(event, "reason", "key")),
                    speaking_s(getattr(event, "words", ())),
                )
            )
        elif name in ("ListenerFailed", "AnswerFailed"):
            text = getattr(event, "message", "the microphone stopped")
            self.alarms["recorder_failed"] = f"{text}. Type your answer instead."
            self.query_one(AlarmBanner).show(self.alarms)
            self.listener = None
            self.query_one(MockLiveAnswer).set_class(True, "-hidden")
            self.query_one("#mock-answer").set_class(False, "-hidden")
            if self.phase in ("answering", "waiting"):
                self._listen()
                self.query_one("#mock-answer", TextArea).text = self.live_text

    # ------------------------------------------------------------------ actions
    def action_done(self) -> None:
        """The answer is complete (while the question is being spoken: answer now)."""
        if self.phase == "speaking":
            if self.speaker is not None:
                self.speaker.stop()
            self._listen()
            return
        if self.phase != "answering":
            return
        if self.listener is not None:
            self.phase = "waiting"  # the listener's AnswerEnded follows
            self._state("Finishing your answer…")
            self.listener.end_answer()
            return
        box = self.query_one("#mock-answer", TextArea)
        text = box.text.strip()
        if not text:
            self.notify("Type your answer first (or a word or two if you would pass).")
            return
        end = self.clock()
        start = self.started_at if self.started_at is not None else end
        self._answered(Answer(self.prompt, text, start, end, reason="typed"))

    def action_repeat(self) -> None:
        """Say the question again (and show it: it is always on screen)."""
        if self.prompt is None:
            return
        if self.speaker is None:
            self.notify("The question is on the screen (no voice here).")
            return
        if self.phase in ("answering", "waiting") and self.listener is not None:
            # The microphone would take the examiner's voice into the answer: before any
            # speech the answer starts again after the question; once speaking, no repeat.
            if self.phase == "waiting" or getattr(self.listener, "heard_speech", True):
                self.notify(
                    "The question stays on the screen. It is not read out again while you "
                    "answer: the microphone would take it into your answer.",
                    timeout=8,
                )
                return
            self.listener.end_answer()  # nothing said yet: dropped (not an answer)
            self.phase = "speaking"
            self.query_one(MockLiveAnswer).show("", False)
            self._state("The examiner is asking again… (ctrl+s to answer straight away)")
        self.speaker.say(self._spoken(self.prompt))

    def action_end(self) -> None:
        """Ask, then stop the mock where it is: what was answered counts."""

        def answered(yes: bool | None) -> None:
            if yes:
                self._finish()

        self.app.push_screen(
            ConfirmScreen(
                "End the mock here?",
                "The answers given so far are kept and shown in your readiness report.",
                yes="End",
                no="Carry on",
            ),
            answered,
        )

    # ------------------------------------------------------------------ after an answer
    def _answered(self, answer: Answer) -> None:
        """Hand the answer to the examiner; a follow-up, or the self-check, comes next."""
        self.phase = "checking"
        self.query_one("#mock-answer", TextArea).disabled = True
        self.current.answers.append(answer)
        if not self.typed:  # the text as taken, no longer "…" (it stays until the next prompt)
            self.query_one(MockLiveAnswer).show(answer.text, False)
        if self.on_answer is not None:
            self.on_answer(answer)
        following = self.examiner.answered(answer.text, answer.start_s, answer.end_s)
        heard = format_clock(answer.end_s - answer.start_s)
        self._state(f"Answer taken ({heard}).")
        if following is not None and following.question_id == self.current.question_id:
            self._ask(following)
            return
        self._self_check(following)

    @work(exit_on_error=False, group="mock-check")
    async def _self_check(self, following: Any) -> None:
        """The self-check of the question just finished, then the next prompt."""
        finished = self.current
        ticked = await self.app.push_screen(self.make_self_check(finished), wait_for_dismiss=True)
        finished.ticked = list(ticked or [])
        self.done.append(finished)
        if self.phase == "over":
            return
        self._ask(following)

    def _finish(self) -> None:
        if self.phase == "over":
            return
        if self.current.answers and self.current not in self.done:
            self.done.append(self.current)
        self.phase = "over"
        if self.speaker is not None:
            self.speaker.stop()
        self.dismiss(self.done)
