"""The spoken mock in the real app, through the private PulseAudio (issue 12).

The question is spoken by espeak-ng into the test sink, whose monitor is the microphone, so the
mock's own recording holds the examiner's voice before the answer; the apprentice's answer is
espeak-ng speech played into the same sink; the listener transcribes it, ends it on the
configured silence, and the examiner's follow-up is shown with why it was chosen.
"""

from __future__ import annotations

import time
from pathlib import Path

import audio_helpers as ah
import numpy as np
import pytest
import soundfile as sf
from textual.pilot import Pilot
from ui_helpers import catalog

from discussion.mock.cues import match_look_fors
from discussion.settings import Settings
from discussion.ui.screens.mock_app import MockApp
from discussion.ui.screens.mock_discussion import MockDiscussionScreen
from discussion.ui.screens.mock_flow import MockParts
from discussion.ui.screens.mock_setup import MockSetupScreen
from discussion.ui.widgets.mock_prompt import MockPrompt


async def wait_until(pilot: Pilot[None], condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        await pilot.pause(0.1)
    return bool(condition())  # type: ignore[operator]


async def test_a_spoken_mock_hears_the_answer_and_follows_up_on_what_it_left_out(
    pulse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path / "home"))
    settings = Settings(voice_engine="espeak-ng", mock_end_silence_s=1.5)
    app = MockApp(catalog(), settings=settings, cursor_blink=False, parts=MockParts(seed=1))
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(pilot, lambda: isinstance(app.screen, MockSetupScreen), 10)
        setup = app.screen
        assert isinstance(setup, MockSetupScreen)
        # The device probe (a thread) finds the sink's monitor and the voice.
        assert await wait_until(pilot, lambda: setup.devices is not None, 20)
        await pilot.pause()
        await pilot.press("ctrl+s")  # 15 minutes, all criteria, spoken (a microphone was found)
        assert await wait_until(pilot, lambda: isinstance(app.screen, MockDiscussionScreen), 10)
        screen = app.screen
        assert isinstance(screen, MockDiscussionScreen)
        assert screen.listener is not None, "spoken answers: the listener records"
        question = catalog().bank.get(screen.prompt.question_id)
        assert question is not None and question.cues
        # The examiner speaks, then listens.
        assert await wait_until(pilot, lambda: screen.phase == "answering", 30), screen.phase
        # An answer that says the first cue of every look-for but the last.
        left_out = len(question.look_fors)
        said = [cues[0].rstrip("*") for cues in question.cues[:-1]]
        answer = "Well, " + ", and ".join(said) + ". That is most of it."
        assert not match_look_fors(question, answer)[left_out - 1].covered
        ah.play_wav(ah.speech_wav(answer, tmp_path / "answer.wav"))
        # The silence ends the answer; the follow-up is chosen and shown with its reason.
        assert await wait_until(pilot, lambda: screen.prompt.kind == "probe", 30), screen.phase
        given = screen.current.answers[0]
        assert given.reason == "silence"
        # Its speaking time leaves out the wait before it and the silence that ended it.
        span = given.end_s - given.start_s
        assert given.speaking_s is not None and 0.5 < given.speaking_s < span, given
        heard = set(given.text.casefold().replace(",", " ").replace(".", " ").split())
        spoken = set(answer.casefold().replace(",", " ").replace(".", " ").split())
        assert len(heard & spoken) >= len(spoken) // 2, given.text
        matched = match_look_fors(question, given.text)
        target = screen.prompt.look_for_index
        assert target is not None and not matched[target - 1].covered  # aimed at a gap
        shown = str(screen.query_one(MockPrompt).render())
        assert "Why this follow-up" in shown and screen.prompt.why in shown
        start = given.start_s
        listener = screen.listener
        await pilot.press("ctrl+o", "y")  # end the mock here
        await pilot.pause(1.0)
    # The mock's own recording holds the examiner's voice before the answer started.
    wavs = list((tmp_path / "home").rglob("segment-001.wav"))
    assert listener is not None and len(wavs) == 1
    samples, rate = sf.read(wavs[0])
    before = samples[: int(start * rate)]
    assert before.size and 20 * np.log10(np.abs(before).max() + 1e-9) > -30  # the question
