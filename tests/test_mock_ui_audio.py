"""The spoken mock in the real app, through the private PulseAudio (issue 12).

The question is spoken by espeak-ng into the test sink, whose monitor is the microphone, so the
mock's own recording holds the examiner's voice before the answer; the apprentice's answer is
espeak-ng speech played into the same sink; the listener transcribes it, ends it on the
configured silence, and the examiner's follow-up is shown with why it was chosen.
"""

from __future__ import annotations

from pathlib import Path

import audio_helpers as ah
import numpy as np
import pytest
import soundfile as sf
from mock_ui_helpers import SIZE, end_mock, mock_app, open_mock, wait_until
from ui_helpers import catalog

from discussion.mock.cues import match_look_fors
from discussion.settings import Settings
from discussion.ui.screens.mock_flow import MockParts
from discussion.ui.widgets.mock_answers_so_far import MockAnswersSoFar
from discussion.ui.widgets.mock_prompt import MockPrompt


async def test_a_spoken_mock_hears_the_answer_and_follows_up_on_what_it_left_out(
    pulse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(voice_engine="espeak-ng", mock_end_silence_s=1.5)
    app = mock_app(monkeypatch, tmp_path / "home", MockParts(seed=1), settings)
    async with app.run_test(size=SIZE) as pilot:
        # The device probe (a thread) finds the sink's monitor and the voice: spoken answers.
        screen = await open_mock(pilot, app, devices_timeout=20)
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
        # What was said to the question stays in view while the follow-up is answered.
        assert given.text in str(screen.query_one(MockAnswersSoFar).render())
        start = given.start_s
        listener = screen.listener
        await end_mock(pilot, 1.0)  # end the mock here
    # The mock's own recording holds the examiner's voice before the answer started.
    wavs = list((tmp_path / "home").rglob("segment-001.wav"))
    assert listener is not None and len(wavs) == 1
    samples, rate = sf.read(wavs[0])
    before = samples[: int(start * rate)]
    assert before.size and 20 * np.log10(np.abs(before).max() + 1e-9) > -30  # the question
