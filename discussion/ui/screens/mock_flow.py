"""The mock from set-up to readiness, as one coroutine awaiting each screen.

`start_mock(app)` runs it as a worker of any app with `catalog`, `settings` and `home` (the full
app from home's `m`, or `discussion mock`'s own). Set-up → the plan (discussion.mock.plan) →
the practice record (discussion.mock.practice_record) → the mock discussion (its self-checks
come up inside it) → the record finished with the ticks → the readiness screen over every
practice record in the data folder. Blocking record work runs in a thread; only this coroutine
creates and finishes the record. A failure is one notification, never a traceback.

Each answer is submitted to the record's writer thread (the screen never waits for a sync);
`AnswerWrites` turns the writer's news, posted to the app from that thread, into notifications
on the UI thread: an answer not saved (disk full: kept and retried) is said once per problem,
and the writer's death is an error notice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import App

from discussion.errors import UserError
from discussion.record.writer import WriteOutcome
from discussion.settings import Settings
from discussion.ui.catalog import Catalog
from discussion.ui.screens.mock_answers import (
    Answer,
    Clock,
    ListenerLike,
    QuestionDone,
    Report,
    SpeakerLike,
)
from discussion.ui.screens.mock_discussion import MockDiscussionScreen
from discussion.ui.screens.mock_self_check import MockSelfCheckScreen
from discussion.ui.screens.mock_setup import DevicesProbe, MockSetup, MockSetupScreen
from discussion.ui.widgets.mock_look_fors import LookForRow

log = logging.getLogger(__name__)

SpeakerFactory = Callable[[Report], "SpeakerLike | None"]
ListenerFactory = Callable[[Any, MockSetup, Report], ListenerLike]


@dataclass
class MockParts:
    """What tests replace: the device probe, the voice, the listener, the clock, the seed."""

    probe: DevicesProbe | None = None
    speaker_factory: SpeakerFactory | None = None  # None: the voice of the settings
    listener_factory: ListenerFactory | None = None  # None: the real AnswerListener
    clock: Clock | None = None  # None: the record's (the audio sample clock when recording)
    seed: int | None = None
    open_stream: Any = None  # the replay's output (tests)
    tick_seconds: float = 0.25


class AnswerWrites:
    """What the mock's record writer says, told to the apprentice.

    `done` and `died` are called on the writer thread and only post to the app (`call_later`
    queues a message); `_told` and `_died` then run on the UI thread. A problem is said once:
    at the first write it keeps from the disk, not for each write or retry; a save after it
    ends it (and says so). While the record is being finished (`finishing`) nothing is said:
    `finish` itself says what could not be saved.
    """

    FIX = "free some disk space"

    def __init__(self, app: App[Any], restart: Callable[[], object]) -> None:
        self.app = app
        self.restart = restart  # a new writer thread for what waits
        self.problem: str | None = None  # said, and no save since
        self.finishing = False

    def done(self, outcome: WriteOutcome) -> None:
        """On the writer thread: an answer's event saved, waiting for a retry, or given up."""
        self.app.call_later(self._told, outcome)

    def died(self, message: str) -> None:
        """On the dying writer thread."""
        self.app.call_later(self._died, message)

    def _told(self, outcome: WriteOutcome) -> None:
        if outcome.saved:
            if self.problem is not None:
                self.problem = None
                if not self.finishing:
                    self.app.notify("Your answers are being saved again.", timeout=8)
            return
        if self.finishing or self.problem is not None:
            return
        self.problem = error = outcome.error or "not saved"
        if outcome.retrying:
            text = (
                f"Your answer is not saved yet: {error}. It is kept and saved as soon as the disk "
                f"takes it (tried again every second): {self.FIX}."
            )
        else:
            text = (
                f"An answer could not be saved: {error}. The mock goes on; that answer will be "
                "missing from its record."
            )
        self.app.notify(text, title="Answer not saved", severity="error", timeout=30)

    def _died(self, message: str) -> None:
        if self.finishing:
            return  # finish starts a writer for what waits, or says what was lost
        self.app.notify(
            f"{message}. A new one saves your answers; if this repeats, end the mock.",
            title="Answers",
            severity="error",
            timeout=30,
        )
        try:
            self.restart()
        except Exception:  # the next answer starts one anyway
            log.exception("restarting the mock's record writer failed")


def start_mock(
    app: App[Any], parts: MockParts | None = None, on_end: Callable[[], object] | None = None
) -> None:
    """Run the mock flow on `app` (one at a time); `on_end` is called when it is over."""
    for worker in app.workers:
        if worker.group == "mock" and not worker.is_finished:
            app.notify("A mock is already open.")
            return
    app.run_worker(
        _flow(app, parts or MockParts(), on_end), group="mock", exit_on_error=False, name="mock"
    )


async def _flow(app: App[Any], parts: MockParts, on_end: Callable[[], object] | None) -> None:
    catalog: Catalog = app.catalog  # type: ignore[attr-defined]
    settings: Settings = app.settings  # type: ignore[attr-defined]
    home: Path | None = getattr(app, "home", None)
    try:
        setup = await app.push_screen(
            MockSetupScreen(catalog, settings, probe=parts.probe), wait_for_dismiss=True
        )
        if setup is not None:
            await _run(app, catalog, settings, home, parts, setup)
    except UserError as error:
        app.notify(error.message, severity="error", timeout=20)
    except Exception as error:  # last resort: said, logged; the record stays on disk
        log.exception("the mock failed")
        app.notify(
            f"The mock stopped: {type(error).__name__}: {error}", severity="error", timeout=30
        )
    finally:
        if on_end is not None:
            on_end()


async def _run(
    app: App[Any],
    catalog: Catalog,
    settings: Settings,
    home: Path | None,
    parts: MockParts,
    setup: MockSetup,
) -> None:
    from discussion.mock.examiner import Examiner
    from discussion.mock.plan import MockOptions, plan_mock

    options = MockOptions(length_min=setup.length_min, focus=setup.focus)  # type: ignore[arg-type]
    plan = plan_mock(catalog.bank, options, parts.seed or 0, standard=catalog.standard)
    record = await asyncio.to_thread(_open_record, catalog, plan, setup, home)
    examiner = Examiner(plan)
    speaker_factory = (parts.speaker_factory or _speaker_factory(settings)) if setup.voice else None
    listener_factory = None
    listeners: list[Any] = []
    if setup.spoken_answers:
        make_listener = parts.listener_factory or _listener(settings)

        def listener_factory(report: Report) -> ListenerLike:
            listeners.append(make_listener(record, setup, report))
            return listeners[-1]  # type: ignore[no-any-return]

    def clock() -> float:
        # Spoken: the listener's recorder sample clock; typed: the record's own.
        if parts.clock is not None:
            return parts.clock()
        if listeners:
            return float(listeners[-1].offset_seconds())
        return float(record.offset_now())

    audio = record.folder if setup.spoken_answers else None

    def self_check(done: QuestionDone) -> MockSelfCheckScreen:
        return _self_check(catalog, examiner, done, audio, parts.open_stream)

    writes = AnswerWrites(app, restart=record.start_writer)
    record.start_writer(on_died=writes.died)

    def answered(answer: Answer) -> None:
        # On the UI thread: queued for the writer thread, never synced here.
        record.submit_answer(
            answer.prompt,
            answer.text,
            answer.start_s,
            answer.end_s,
            reason=answer.reason,
            speaking_s=answer.speaking_s,
            done=writes.done,
        )

    screen = MockDiscussionScreen(
        examiner,
        length_min=setup.length_min,
        warn_at_minutes=list(plan.warn_at_minutes),
        clock=clock,
        total_questions=len(plan.questions),
        make_self_check=self_check,
        speaker_factory=speaker_factory,
        listener_factory=listener_factory,
        end_silence_s=settings.mock_end_silence_s,
        on_answer=answered,
        tick_seconds=parts.tick_seconds,
        probes_of=lambda qid: _practice_probes(catalog, qid),
    )
    done = await app.push_screen(screen, wait_for_dismiss=True)
    for listener in listeners:  # the recording ends before the record is sealed
        await asyncio.to_thread(listener.close)
    ticks = {q.question_id: q.ticked for q in done or []}
    writes.finishing = True  # from here `finish` says what could not be saved
    folder = await asyncio.to_thread(record.finish, ticks)
    await _readiness(app, catalog, home, folder)


def _practice_probes(catalog: Catalog, question_id: str) -> list[str]:
    """The probes of a practice question (none for anything else: never an assessment text)."""
    question = catalog.bank.get(question_id)
    if question is None or question.set != "practice":
        return []
    return list(question.probes)


def _open_record(catalog: Catalog, plan: Any, setup: MockSetup, home: Path | None) -> Any:
    """The practice record of this mock (blocking: creates the folder, fsync)."""
    from discussion.mock.practice_record import PracticeRecord

    return PracticeRecord.create(
        catalog.standard,
        catalog.bank,
        plan,
        home,
        audio=setup.spoken_answers,
        device=setup.device,
    )


def _speaker_factory(settings: Settings) -> SpeakerFactory:
    def make(report: Report) -> SpeakerLike | None:
        from discussion.voice.speaker import Speaker

        speaker = Speaker.from_settings(settings, report)
        if not speaker.available():
            return None
        speaker.start()  # loads and warms the voice in its own thread
        return speaker

    return make


def _listener(settings: Settings) -> ListenerFactory:
    def make(record: Any, setup: MockSetup, report: Report) -> ListenerLike:
        from discussion.mock.listener import AnswerListener, ListenerConfig

        listener = AnswerListener(
            record.audio_path,
            report,
            config=ListenerConfig.from_settings(settings),
            device=setup.device,
        )
        listener.start()  # AudioUnavailable: the screen falls back to typed answers
        return listener

    return make


def _self_check(
    catalog: Catalog,
    examiner: Any,
    done: QuestionDone,
    audio: Path | None,
    open_stream: Any,
) -> MockSelfCheckScreen:
    """The self-check of a finished question: its look-fors with the cue matches of all its
    answers (the examiner's, so the matches shown are the ones the follow-ups were chosen by)."""
    from discussion.mock.cues import match_look_fors

    question = catalog.bank.get(done.question_id)
    if question is None or question.set != "practice":  # never an assessment question
        raise UserError(f"{done.question_id} is not a practice question")
    said = " ".join(answer.text for answer in done.answers)
    rows = [
        LookForRow(m.index, m.look_for, m.covered, tuple(m.matched))
        for m in match_look_fors(question, said)
    ]
    return MockSelfCheckScreen(
        done,
        rows,
        question_text=question.text,
        sufficient=question.sufficient,
        audio_folder=audio,
        open_stream=open_stream,
    )


async def _readiness(app: App[Any], catalog: Catalog, home: Path | None, folder: Path) -> None:
    """The readiness screen over every practice record (this one among them)."""
    from discussion.ui.screens.mock_readiness import MockReadinessScreen, load_readiness

    report = await asyncio.to_thread(load_readiness, catalog, home, folder)
    await app.push_screen(MockReadinessScreen(report), wait_for_dismiss=True)
