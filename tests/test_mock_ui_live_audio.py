"""The live mock screen through the private PulseAudio (issue 12): while the apprentice's spoken
answer comes in, the level meter shows it; the follow-up chosen when the answer ends was made
ready while it was answered (the product's hibari voice, prepared by the screen, not by the test),
so it starts without synthesis.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import audio_helpers as ah
import pytest
from mock_ui_helpers import SIZE, end_mock, mock_app, open_mock, wait_until
from ui_helpers import catalog

from discussion.mock.cues import match_look_fors
from discussion.settings import Settings
from discussion.ui.screens.mock_flow import MockParts
from discussion.ui.widgets.level_meter import LevelMeter
from discussion.voice import Speaker, SpeechStarted


@pytest.mark.slow
async def test_the_meter_shows_the_spoken_answer_and_the_follow_up_was_made_ready(
    pulse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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
    app = mock_app(monkeypatch, tmp_path / "home", parts, settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot, app, devices_timeout=20)  # spoken answers, the voice on
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
        await end_mock(pilot, 1.0)
