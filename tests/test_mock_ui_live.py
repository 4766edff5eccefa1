"""The live mock screen's faults found when it was tried (issue 12), each through the real app in
Pilot: the level meter shows the microphone while listening (not -∞ dB), the voice makes the
question's probes ready while it is answered, typed answers are marked typed (no words per
minute in the readiness report) and sit on the record's timeline, a replay in the self-check
is silenced before the next answer can begin, and what was said to a question stays in view
while its follow-ups are answered.

The listener is the real AnswerListener over a fake input stream (steady loud blocks at
real-time pace) with a fake recogniser; the voice is a fake that finishes each utterance at once;
the replay's output is playback_helpers' fake output.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from audio_helpers import FakeStreamFactory
from mock_ui_helpers import SIZE, end_mock, mock_app, open_mock, wait_until
from playback_helpers import FakeOutputFactory
from textual.widgets import DataTable, TextArea
from ui_helpers import catalog

from discussion.mock.listener import AnswerListener, ListenerConfig
from discussion.mock.readiness import load_mock_records
from discussion.notes import format_clock
from discussion.transcript.engine import FloatArray
from discussion.transcript.model import EngineInfo, Segment, Word
from discussion.ui.screens.mock_flow import MockParts
from discussion.ui.screens.mock_readiness import MockReadinessScreen
from discussion.ui.screens.mock_self_check import MockSelfCheckScreen
from discussion.ui.screens.mock_setup import Devices
from discussion.ui.widgets.level_meter import LevelMeter
from discussion.ui.widgets.mock_answers_so_far import MockAnswersSoFar
from discussion.voice import SpeechFinished

LOUD = 3000  # about -21 dBFS
MIC_NO_VOICE = Devices("fake microphone", "", False, "no audio output")
VOICE_NO_MIC = Devices(None, "no microphone found", True, "")


class SteadyWords:
    """A recogniser hearing one word per half second of sound."""

    @property
    def info(self) -> EngineInfo:
        return EngineInfo(name="fake", version="0", model="steady words", model_sha256="0")

    def transcribe(self, samples: FloatArray) -> Iterator[Segment]:
        step = 8000
        words = [
            Word(start=i / 16000, end=i / 16000 + 0.5, word=f" word{n}", probability=1)
            for n, i in enumerate(range(0, len(samples) - step + 1, step))
            if np.abs(samples[i : i + step]).min() > 0.01
        ]
        if words:
            yield Segment(start=words[0].start, end=words[-1].end, text="", words=words)


class FakeSpeaker:
    """The voice: each say() is over at once (SpeechFinished); prepare() calls are kept."""

    def __init__(self, report: Callable[[object], None]) -> None:
        self.report = report
        self.said: list[str] = []
        self.prepared: list[list[str]] = []

    def say(self, text: str) -> None:
        self.said.append(text)
        self.report(SpeechFinished(text, False, time.monotonic()))

    def prepare(self, texts: Iterable[str]) -> None:
        self.prepared.append(list(texts))

    def stop(self) -> None:
        pass

    def close(self, timeout: float = 5.0) -> None:
        pass


def speaker_factory(speakers: list[FakeSpeaker]) -> Callable[[Callable[[object], None]], Any]:
    def make(report: Callable[[object], None]) -> FakeSpeaker:
        speakers.append(FakeSpeaker(report))
        return speakers[-1]

    return make


class WatchedListener(AnswerListener):
    """The real listener, noting at each begin_answer() whether any replay output is open."""

    outputs: FakeOutputFactory | None = None
    open_at_begin: list[bool]

    def begin_answer(self) -> float:
        outputs = self.outputs.outputs if self.outputs is not None else []
        self.open_at_begin.append(any(not o.closed for o in outputs))
        return super().begin_answer()


def listener_factory(
    outputs: FakeOutputFactory | None = None,
    made: list[WatchedListener] | None = None,
    value: int = LOUD,
) -> Any:
    def make(record: Any, _setup: object, report: Callable[[object], None]) -> AnswerListener:
        listener = WatchedListener(
            record.audio_path,
            report,
            config=ListenerConfig(end_silence_s=30.0, chunk_s=0.5),
            engine_factory=SteadyWords,
            stream_factory=FakeStreamFactory(value=value),
        )
        listener.outputs, listener.open_at_begin = outputs, []
        listener.start()
        if made is not None:
            made.append(listener)
        return listener

    return make


@pytest.mark.slow
async def test_the_level_meter_shows_the_microphone_while_the_answer_is_heard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = MockParts(probe=lambda: MIC_NO_VOICE, listener_factory=listener_factory(), seed=1)
    app = mock_app(monkeypatch, tmp_path, parts)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot, app)
        assert screen.listener is not None
        assert await wait_until(pilot, lambda: screen.phase == "answering", 5)
        meter = screen.query_one(LevelMeter)
        assert meter.display
        assert await wait_until(pilot, lambda: meter.rms_dbfs > -30, 5), meter.rms_dbfs
        assert meter.rms_dbfs == pytest.approx(20 * np.log10(LOUD / 32768), abs=1.0)
        assert "-∞" not in str(meter.render())
        await end_mock(pilot)


@pytest.mark.slow
async def test_the_voice_makes_the_questions_probes_ready_while_it_is_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    speakers: list[FakeSpeaker] = []
    parts = MockParts(probe=lambda: VOICE_NO_MIC, speaker_factory=speaker_factory(speakers), seed=1)
    app = mock_app(monkeypatch, tmp_path, parts)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot, app)
        [voice] = speakers
        first = screen.prompt
        question = catalog().bank.get(first.question_id)
        assert question is not None and question.probes
        assert await wait_until(pilot, lambda: screen.phase == "answering", 5)
        # The question was said, then its probes were given to the voice to make ready.
        assert voice.said and voice.prepared == [list(question.probes)]
        screen.query_one("#mock-answer", TextArea).insert("I am not sure.")
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: screen.prompt.kind == "probe", 5)
        assert voice.said[-1] == screen.prompt.text in voice.prepared[0]  # said ready-made
        await end_mock(pilot)


@pytest.mark.slow
async def test_typed_answers_are_typed_on_the_records_timeline_with_no_words_per_minute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_devices = Devices(None, "no microphone found", False, "no audio output")
    parts = MockParts(probe=lambda: no_devices, seed=1, tick_seconds=3600)  # the real clock
    app = mock_app(monkeypatch, tmp_path, parts)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot, app)
        opened = time.monotonic()
        for _ in range(2):
            # Pasted at once: a typed answer has no speaking time to make a rate of.
            screen.query_one("#mock-answer", TextArea).insert("word " * 40)
            await pilot.pause(0.3)
            await pilot.press("ctrl+s")
            await pilot.pause()
        answered = time.monotonic() - opened
        await pilot.press("ctrl+o", "y")
        assert await wait_until(pilot, lambda: isinstance(app.screen, MockReadinessScreen), 10)
        readiness = app.screen
        assert isinstance(readiness, MockReadinessScreen)
        question = catalog().bank.get(screen.done[0].question_id)
        assert question is not None
        row = readiness.report.criterion(question.primary)
        assert row.practised and row.answers == 2 and row.words_per_minute is None
        table = readiness.query_one(DataTable)
        assert await wait_until(pilot, lambda: table.row_count > 0, 5)
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells[0] == question.primary and cells[-1] == "–", cells
    [record], _ = load_mock_records([tmp_path / "sessions"])
    answers = record.state.answers
    assert [a.ended_by for a in answers] == ["typed", "typed"]
    # On the record's clock, as the events around them: after the mock's start (offset 0), in
    # order, and no further from it than the time the mock has run.
    assert 0 <= answers[0].start <= answers[0].end <= answers[1].start <= answers[1].end
    assert answers[1].end <= answered + 1.0
    assert 0.25 <= answers[0].end - answers[0].start <= answered  # first key to ctrl+s
    events = record.state
    assert events.mock is not None and events.mock.answers_by == "typing"


@pytest.mark.slow
async def test_a_replay_in_the_self_check_is_silenced_before_the_next_answer_begins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = FakeOutputFactory()
    made: list[WatchedListener] = []
    parts = MockParts(
        probe=lambda: MIC_NO_VOICE,
        listener_factory=listener_factory(outputs, made),
        open_stream=outputs,
        seed=1,
    )
    app = mock_app(monkeypatch, tmp_path, parts)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot, app)
        first = screen.prompt.question_id
        while not isinstance(app.screen, MockSelfCheckScreen):  # the question and its probes
            assert await wait_until(pilot, lambda: screen.phase == "answering", 5)
            await pilot.pause(1.2)  # a second or so of (loud) answer
            await pilot.press("ctrl+s")
            assert await wait_until(
                pilot,
                lambda: screen.phase == "answering" or isinstance(app.screen, MockSelfCheckScreen),
                5,
            )
        check = app.screen
        assert isinstance(check, MockSelfCheckScreen)
        assert await wait_until(pilot, lambda: bool(check.query("#check-replay")), 5)
        assert "no answer is being taken" in str(check.query_one("#check-replay").render())
        assert await wait_until(pilot, lambda: check.player is not None, 5)
        await pilot.press("r")  # replay the answers
        assert await wait_until(pilot, lambda: bool(outputs.outputs), 5)
        await pilot.pause(0.3)
        await pilot.press("ctrl+s")  # carry on while it plays
        assert await wait_until(pilot, lambda: screen.prompt.question_id != first, 5)
        assert await wait_until(pilot, lambda: screen.phase == "answering", 5)
        [listener] = made
        # Every answer began with no replay output open: the last, after the replay, too.
        assert len(listener.open_at_begin) >= 2
        assert listener.open_at_begin == [False] * len(listener.open_at_begin)
        assert all(o.closed for o in outputs.outputs)
        await end_mock(pilot)


MIC_AND_VOICE = Devices("fake microphone", "", True, "")


@pytest.mark.slow
@pytest.mark.parametrize("speaking", [False, True], ids=["before speaking", "while speaking"])
async def test_the_question_is_not_read_out_into_an_answer_being_spoken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, speaking: bool
) -> None:
    speakers: list[FakeSpeaker] = []
    made: list[WatchedListener] = []
    parts = MockParts(
        probe=lambda: MIC_AND_VOICE,
        speaker_factory=speaker_factory(speakers),
        listener_factory=listener_factory(made=made, value=LOUD if speaking else 0),
        seed=1,
    )
    app = mock_app(monkeypatch, tmp_path, parts)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot, app)
        [voice], [listener] = speakers, made
        assert await wait_until(pilot, lambda: screen.phase == "answering", 5)
        assert await wait_until(pilot, lambda: listener.heard_speech == speaking, 5)
        if speaking:
            await pilot.pause(0.5)
        await pilot.press("ctrl+r")
        await pilot.pause(0.3)
        if speaking:  # refused, said why; the answer goes on
            assert voice.said == [voice.said[0]] and screen.phase == "answering"
            assert any("microphone would take it" in n.message for n in app._notifications)
            assert listener.answering and len(listener.open_at_begin) == 1
        else:  # the question again, then the answer starts afresh (the empty one dropped)
            assert len(voice.said) == 2 and voice.said[1] == voice.said[0]
            assert await wait_until(pilot, lambda: len(listener.open_at_begin) == 2, 5)
            assert screen.phase == "answering" and screen.current.answers == []
        await end_mock(pilot)


@pytest.mark.slow
async def test_a_follow_up_is_answered_with_what_was_said_to_the_question_in_view(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_devices = Devices(None, "no microphone found", False, "no audio output")
    app = mock_app(monkeypatch, tmp_path, MockParts(probe=lambda: no_devices, seed=1))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot, app)
        question = catalog().bank.get(screen.prompt.question_id)
        assert question is not None and len(question.probes) >= 2
        so_far = screen.query_one(MockAnswersSoFar)
        assert not so_far.display  # a new question: nothing said to it yet
        said = ["I am not sure.", "I would ask my team leader."]
        for count, text in enumerate(said, start=1):
            screen.query_one("#mock-answer", TextArea).insert(text)
            await pilot.pause()
            await pilot.press("ctrl+s")  # typed: taken, and the follow-up asked, at once
            await pilot.pause()
            assert len(screen.current.answers) == count
            assert screen.prompt.kind == "probe"  # nothing covered: a follow-up each time
            assert screen.query_one("#mock-answer", TextArea).text == ""  # ready for it
            shown = str(so_far.render())
            assert so_far.display and all(t in shown for t in said[:count]), shown
        assert "to the question" in shown and "to follow-up 1" in shown
        assert shown.index(said[0]) < shown.index(said[1])
        screen.query_one("#mock-answer", TextArea).insert("That is all.")
        await pilot.pause()
        await pilot.press("ctrl+s")  # two follow-ups: the self-check, then the next question
        assert await wait_until(pilot, lambda: isinstance(app.screen, MockSelfCheckScreen), 5)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: screen.prompt.question_id != question.id, 5)
        assert not so_far.display  # the next question starts with nothing said to it
        await end_mock(pilot)


@pytest.mark.slow
async def test_a_spoken_answer_stays_in_view_while_its_follow_up_is_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = MockParts(probe=lambda: MIC_NO_VOICE, listener_factory=listener_factory(), seed=1)
    app = mock_app(monkeypatch, tmp_path, parts)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot, app)
        assert await wait_until(pilot, lambda: screen.phase == "answering", 5)
        assert await wait_until(pilot, lambda: "word0" in screen.live_text, 10)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: screen.prompt.kind == "probe", 10)
        [given] = screen.current.answers
        assert given.text.startswith("word0")
        shown = str(screen.query_one(MockAnswersSoFar).render())
        assert f"to the question ({format_clock(given.end_s - given.start_s)}): " in shown
        assert given.text in shown, shown
        await end_mock(pilot)
