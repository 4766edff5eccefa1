"""The live mock screen through the private PulseAudio (issue 12): while the apprentice's spoken
answer comes in, the level meter shows it; the follow-up chosen when the answer ends was made
ready while it was answered (the product's hibari voice, prepared by the screen, not by the test),
so it starts without synthesis.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import audio_helpers as ah
import pytest
from textual.pilot import Pilot
from ui_helpers import catalog

from discussion.mock.cues import match_look_fors
from discussion.settings import Settings
from discussion.ui.screens.mock_app import MockApp
from discussion.ui.screens.mock_discussion import MockDiscussionScreen
from discussion.ui.screens.mock_flow import MockParts
from discussion.ui.screens.mock_setup import MockSetupScreen
from discussion.ui.widgets.level_meter import LevelMeter
from discussion.voice import Speaker, SpeechStarted


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


@pytest.mark.slow
async def test_the_meter_shows_the_spoken_answer_and_the_follow_up_was_made_ready(
    pulse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path / "home"))
    voice = ah.EventCollector()

    def speaker(report: Callable[[object], None]) -> Speaker:
        def both(event: object) -> None:
            voice(event)
            report(event)

        made = Speaker(both, engine="hibari")
        made.start()
        return made

    settings = Settings(mock_end_silence_s=1.5)
    parts = MockParts(seed=1, speaker_factory=speaker)
    app = MockApp(catalog(), settings=settings, cursor_blink=False, parts=parts)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(pilot, lambda: isinstance(app.screen, MockSetupScreen), 10)
        setup = app.screen
        assert isinstance(setup, MockSetupScreen)
        assert await wait_until(pilot, lambda: setup.devices is not None, 20)
        await pilot.pause()
        await pilot.press("ctrl+s")  # spoken answers, the voice on
        assert await wait_until(pilot, lambda: isinstance(app.screen, MockDiscussionScreen), 10)
        screen = app.screen
        assert isinstance(screen, MockDiscussionScreen)
        assert await wait_until(pilot, lambda: screen.prompt is not None, 10)
        assert screen.listener is not None
        question = catalog().bank.get(screen.prompt.question_id)
        assert question is not None and question.cues
        assert await wait_until(pilot, lambda: screen.phase == "answering", 60), screen.phase
        meter = screen.query_one(LevelMeter)
        said = [cues[0].rstrip("*") for cues in question.cues[:-1]]
        answer = "Well, " + ", and ".join(said) + ". That is most of it."
        assert not match_look_fors(question, answer)[-1].covered
        player = ah.play_wav(ah.speech_wav(answer, tmp_path / "answer.wav"), wait=False)
        loudest = -200.0
        while player.poll() is None:
            loudest = max(loudest, meter.rms_dbfs)
            await pilot.pause(0.05)
        assert loudest > -40, loudest  # the answer on the meter, not -∞ dB
        assert await wait_until(pilot, lambda: screen.prompt.kind == "probe", 30), screen.phase
        probe = screen.prompt.text

        def probe_started() -> list[SpeechStarted]:
            return [e for e in voice.of_type(SpeechStarted) if e.text == probe]

        assert await wait_until(pilot, lambda: bool(probe_started()), 20)
        assert probe_started()[0].prepared, (
            "the follow-up was synthesised when asked, not while answering"
        )
        await pilot.press("ctrl+o", "y")
        await pilot.pause(1.0)
