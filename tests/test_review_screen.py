"""The review screen through Pilot: the verdict, the moments, the level strip, and every
transport key, on the committed sample record (real, sealed, with audio). Playback goes to a
fake output here (tests/test_playback_audio.py plays into the real test sink); the player's
position is set by each command at once, so the keys' effects are checked exactly."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from playback_helpers import FakeOutputFactory
from screen_host import ScreenHost
from test_issue8_record_view import open_from_home
from textual.pilot import Pilot
from ui_helpers import catalog

from discussion.playback import Player
from discussion.record import derive_state
from discussion.record.session import load_info, read_log
from discussion.ui.app import DiscussionApp
from discussion.ui.screens.help import HelpScreen
from discussion.ui.screens.review import ReviewScreen
from discussion.ui.screens.review_prompt import ReviewPrompt
from discussion.ui.widgets.review_levels import ReviewLevels
from discussion.ui.widgets.review_list import ReviewList

SAMPLE = Path(__file__).resolve().parent.parent / "transcripts" / "sample-discussion"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    folder = tmp_path / "sessions" / SAMPLE.name
    shutil.copytree(SAMPLE, folder)
    return folder


def notes() -> list[float]:
    state = derive_state(load_info(SAMPLE), read_log(SAMPLE).events, owned=False)
    return [n.offset for n in state.evidence_notes]


def host(folder: Path, factory: FakeOutputFactory | None = None) -> ScreenHost:
    output = factory or FakeOutputFactory(pace=1.0)
    return ScreenHost(lambda: ReviewScreen(folder, catalog(), preroll_s=5.0, open_stream=output))


async def loaded(pilot: Pilot[None]) -> ReviewScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    for _ in range(200):
        levels = screen.query_one("#review-levels", ReviewLevels)
        player = screen.player
        if screen.failed or (player and player.ready.is_set() and levels.levels):
            await pilot.pause()
            return screen
        await pilot.pause(0.05)
    raise AssertionError("the review never loaded")


def recording_seeks(player: Player) -> list[float]:
    """Where each `play_from` sends playback (its time less the pre-roll), recorded as the
    player is asked: playback runs on after it, by a load-dependent amount."""
    targets: list[float] = []
    play_from = player.play_from

    def recording_play_from(seconds: float, preroll_s: float | None = None) -> None:
        targets.append(seconds - (player.preroll_s if preroll_s is None else preroll_s))
        play_from(seconds, preroll_s)

    player.play_from = recording_play_from  # type: ignore[method-assign]
    return targets


def listing(screen: ReviewScreen) -> ReviewList:
    return screen.query_one("#review-list", ReviewList)


async def test_review_shows_the_verdict_moments_and_levels(sample: Path) -> None:
    async with host(sample).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        verdict = str(screen.query_one("#review-verdict").render())
        assert "INTACT · SEALED" in verdict
        items = listing(screen).items
        kinds = {item.kind for item in items}
        assert {"question", "note", "decision", "consent", "segment"} <= kinds
        assert [i.offset for i in items if i.kind == "note"] == sorted(notes())
        assert sum(1 for i in items if i.kind == "decision") == 6
        levels = screen.query_one("#review-levels", ReviewLevels)
        rendered = str(levels.render())
        assert any(ch in rendered for ch in "▃▄▅▆▇█")  # speech is visible
        assert "00:00" in rendered and "00:10" in rendered  # the ruler


@pytest.mark.ui_flow
async def test_enter_on_a_note_plays_from_its_pre_roll(sample: Path) -> None:
    async with host(sample).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        box = listing(screen)
        index = next(i for i, item in enumerate(box.items) if item.kind == "note")
        player = screen.player
        assert player is not None
        targets = recording_seeks(player)
        box.highlighted = index
        await pilot.press("enter")
        assert player.playing
        offset = box.items[index].offset
        assert offset is not None
        # Where Enter sent playback (it plays on by as much as the machine's load takes).
        assert targets == [pytest.approx(offset - 5.0)]
        assert player.position_s >= offset - 5.0 - 1e-6
        await pilot.pause(0.3)
        assert "▶ playing" in str(screen.query_one("#review-transport").render())


@pytest.mark.ui_flow
async def test_transport_keys(sample: Path) -> None:
    async with host(sample).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        player = screen.player
        assert player is not None
        player.seek(60.0)
        await pilot.press("right")
        assert player.position_s == pytest.approx(65.0)
        await pilot.press("left", "left")
        assert player.position_s == pytest.approx(55.0)
        await pilot.press("shift+right")
        assert player.position_s == pytest.approx(85.0)
        await pilot.press("left_square_bracket")
        assert player.position_s == pytest.approx(55.0)
        await pilot.press("right_square_bracket")
        assert player.position_s == pytest.approx(85.0)
        await pilot.press("shift+left")
        assert player.position_s == pytest.approx(55.0)
        began = time.monotonic()
        await pilot.press("space")  # play
        assert player.playing
        # Resumes 2 s back, then runs on by at most the time the key took (at 1x).
        assert 53.0 - 0.05 <= player.position_s <= 53.0 + time.monotonic() - began + 0.05
        await pilot.pause(0.5)
        await pilot.press("space")  # pause
        assert not player.playing
        paused = player.position_s
        began = time.monotonic()
        await pilot.press("space")
        back = paused - 2.0
        assert back - 0.05 <= player.position_s <= back + time.monotonic() - began + 0.05
        await pilot.press("plus")
        assert player.speed == 1.25
        await pilot.press("minus", "minus")
        assert player.speed == 0.75
        await pilot.press("equals_sign", "equals_sign", "equals_sign")
        assert player.speed == 1.5
        await pilot.pause(0.2)
        assert "speed 1.5×" in str(screen.query_one("#review-transport").render())


@pytest.mark.ui_flow
async def test_next_and_previous_note_play_each_note(sample: Path) -> None:
    offsets = sorted(notes())
    async with host(sample).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        player = screen.player
        assert player is not None
        # Playback goes on after each jump, by as much as a loaded machine takes between the key
        # and the check: record where each jump went (the player's own seek is tested in
        # test_playback.py) and check only that playback is at or past it.
        targets = recording_seeks(player)
        listing(screen).highlighted = 0
        await pilot.press("n")
        assert targets == [pytest.approx(offsets[0] - 5.0)]
        assert player.position_s >= offsets[0] - 5.0 - 1e-6
        await pilot.press("n")
        assert targets[1:] == [pytest.approx(offsets[1] - 5.0)]
        assert player.position_s >= offsets[1] - 5.0 - 1e-6
        assert listing(screen).current is not None
        assert listing(screen).current.offset == offsets[1]  # type: ignore[union-attr]
        await pilot.press("p")
        assert targets[2:] == [pytest.approx(offsets[0] - 5.0)]
        assert offsets[0] - 5.0 - 1e-6 <= player.position_s < offsets[1] - 5.0


@pytest.mark.ui_flow
async def test_a_b_loop_keys(sample: Path) -> None:
    async with host(sample).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        player = screen.player
        assert player is not None
        player.seek(30.0)
        await pilot.press("a")
        player.seek(34.0)
        await pilot.press("b")
        assert player.status().loop == (30.0, 34.0)
        assert player.playing and 30.0 - 1e-6 <= player.position_s < 34.0  # inside the loop
        await pilot.pause(0.3)
        assert "loop 00:30–00:34" in str(screen.query_one("#review-transport").render())
        await pilot.press("b")
        assert player.status().loop is None


@pytest.mark.ui_flow
async def test_go_to_a_time(sample: Path) -> None:
    async with host(sample).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("g")
        assert isinstance(pilot.app.screen, ReviewPrompt)
        await pilot.press(*"1:75", "enter")  # refused: seconds go up to 59
        assert isinstance(pilot.app.screen, ReviewPrompt)
        assert "up to 59" in str(pilot.app.screen.query_one("#prompt-error").render())
        prompt_input = pilot.app.screen.query_one("#prompt-input")
        prompt_input.value = ""  # type: ignore[attr-defined]
        await pilot.press(*"01:10", "enter")
        assert not isinstance(pilot.app.screen, ReviewPrompt)
        assert screen.player is not None and screen.player.position_s == pytest.approx(70.0)
        await pilot.pause(0.2)
        levels = screen.query_one("#review-levels", ReviewLevels)
        assert int(levels.position) == 70
        marks_line = str(levels.render()).splitlines()[0]
        first, _ = levels.window(levels.content_size.width)
        assert marks_line[70 - first] in "▼•Q"  # the cursor's column (or the moment there)


@pytest.mark.ui_flow
async def test_filter_by_criterion_shows_its_decision_and_notes(sample: Path) -> None:
    async with host(sample).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("f", "3", "b", "enter")
        assert screen.criterion == "3B"
        items = listing(screen).items
        assert items[0].kind == "decision" and items[0].text.startswith("MET:")
        assert "deaf customer" in items[0].text
        cited = [i for i in items if i.text.startswith("rests on: ")]
        assert cited and all("3B" in i.criteria for i in cited)
        assert all(i.kind != "note" or "3B" in i.criteria for i in items)
        # each note playable: Enter on the first one plays from it
        index = items.index(cited[0])
        listing(screen).highlighted = index
        await pilot.press("enter")
        assert screen.player is not None
        assert screen.player.position_s == pytest.approx(cited[0].offset - 5.0, abs=0.3)  # type: ignore[operator]
        await pilot.press("f", "9", "z", "enter")  # not a criterion: said, and nothing changes
        assert "not a discussion criterion" in str(
            pilot.app.screen.query_one("#prompt-error").render()
        )
        await pilot.press("escape")
        assert screen.criterion == "3B"
        await pilot.press("f", "enter")  # empty: everything again
        assert screen.criterion is None
        assert len(listing(screen).items) > len(items)


async def test_no_output_device_still_shows_everything_and_says_why(sample: Path) -> None:
    why = "no output device found: start the sound server (PulseAudio)"
    async with host(sample, FakeOutputFactory(fail=why)).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.pause(0.2)
        transport = str(screen.query_one("#review-transport").render())
        assert f"No sound: {why}" in transport
        assert len(listing(screen).items) > 10
        await pilot.press("n")  # still moves to the note
        assert screen.player is not None and not screen.player.playing
        assert screen.player.position_s == pytest.approx(sorted(notes())[0] - 5.0, abs=0.05)


@pytest.mark.ui_flow
async def test_help_lists_the_review_keys(sample: Path) -> None:
    app = DiscussionApp(catalog(), home=sample.parent, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_home(pilot, app)
        await pilot.press("v")  # from the record view
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await loaded(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        names = {name for _, name, _ in app.screen.bindings_text}
        for name in ("Play/pause", "−5 s", "+30 s", "Next note", "Loop A", "Faster", "Go to",
                     "Judge", "Outcome", "Follow", "Pre-roll −", "Pre-roll +"):  # fmt: skip
            assert name in names
        await pilot.press("escape", "escape")
        assert not isinstance(app.screen, ReviewScreen)  # back to the record


def test_review_command_refuses_a_folder_that_is_not_a_session(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "discussion", "review", str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "is not a session folder" in result.stderr


async def test_review_command_app_opens_on_the_review_and_escape_leaves(sample: Path) -> None:
    from discussion.ui.screens.review_app import ReviewApp

    app = ReviewApp(catalog(), sample, cursor_blink=False, open_stream=FakeOutputFactory())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)  # not the home screen
        await loaded(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert app.return_code is not None or not app.is_running


def _fake_report(
    ok: bool, sealed: bool, extra: dict[str, object], transcript: object = None
) -> Any:
    verify = SimpleNamespace(
        ok=ok, sealed=sealed, problems=[] if ok else ["audio/segment-001.wav has been altered"],
        as_json=lambda: {"ok": ok, "sealed": sealed, **extra}, transcript=transcript,
    )  # fmt: skip
    info = SimpleNamespace(apprentice_name="A", assessor="B", attempt=1, kind="assessment")
    return SimpleNamespace(verify=verify, info=info)


@pytest.mark.parametrize(
    ("ok", "sealed", "extra", "shown", "not_shown"),
    [
        (True, True, {"signature_ok": True, "trusted": True,
                      "signed_by": {"name": "Sam", "fingerprint": "ab12 cd34"}},
         "INTACT · SEALED · signed by Sam (ab12 cd34)", "NOT in your trusted set"),
        (True, True, {"signature_ok": True, "trusted": False,
                      "signed_by": {"name": "Sam", "fingerprint": "ab12"}},
         "key NOT in your trusted set", "NOT SIGNED"),
        (False, True, {"signature_ok": False, "signature": "missing", "signed_by": None},
         "RECORD NOT INTACT · NOT SIGNED", "signed by"),
        (False, True, {"signature_ok": False, "signature": "invalid",
                       "signed_by": {"name": "Sam"}},
         "SIGNATURE NOT VALID", "signed by"),
        (True, False, {"signature_ok": False, "signature": "unsealed"},
         "NOT SEALED: this record may be incomplete", "SIGNATURE"),
        (True, True, {}, "INTACT · SEALED", "sign"),  # a verify without signatures
    ],
)  # fmt: skip
def test_the_verdict_line_says_who_signed_or_what_is_wrong(
    ok: bool, sealed: bool, extra: dict[str, object], shown: str, not_shown: str
) -> None:
    from discussion.ui.widgets.review_status import verdict_text

    text = verdict_text(_fake_report(ok, sealed, extra)).plain
    assert shown in text
    assert not_shown not in text


def test_the_verdict_line_says_a_transcript_names_a_seal_the_log_lacks() -> None:
    """Not sealed, but a transcript of it is there: it was sealed once and cut short (red)."""
    from discussion.transcript.seal import TranscriptCheck
    from discussion.ui.widgets.review_status import verdict_text

    cut = TranscriptCheck("seal_missing", named_seal="fb988a5578b2" + "0" * 52)
    text = verdict_text(_fake_report(True, False, {"signature": "unsealed"}, cut))
    assert text.plain.startswith("NOT SEALED: this record may be incomplete")
    line = next(part for part in text.plain.splitlines() if "fb988a5578b2" in part)
    assert "names seal fb988a5578b2 of this session" in line
    assert "has been cut short; ask for the copy handed in" in line
    start = text.plain.index("transcript.json names seal")
    assert any(span.start <= start < span.end and "red" in str(span.style) for span in text.spans)
    plain = verdict_text(_fake_report(True, False, {"signature": "unsealed"})).plain
    assert "cut short" not in plain  # an unsealed record without a transcript: no such line
