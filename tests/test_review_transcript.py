"""The review's transcript pane through Pilot, on a copy of the committed sample record (real,
sealed, with audio) given a hand-made transcript signed through the real model
(tests/transcript_helpers.py) and checked by the real verify: the lines with the notes and
questions between them, unsure words dim, altered or missing said in one line, hidden at 80
columns until `t`; following playback through the screen's (coalesced) playback messages;
Enter plays from a line; `/` search with its hit count; a note selected in the list shown in
the pane; `j` on a line opens the judgement form resting on its time. Playback goes to a fake
output (tests/test_playback_audio.py plays into the real test sink)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playback_helpers import FakeOutputFactory
from screen_host import ScreenHost
from test_review_screen import listing, loaded, recording_seeks, sample  # noqa: F401 (fixture)
from textual.widgets import Input
from transcript_helpers import edit_raw, make_transcript, write_signed
from ui_helpers import catalog

from discussion.playback import PlaybackStatus
from discussion.transcript.model import Segment, Word
from discussion.ui.screens.help import HelpScreen
from discussion.ui.screens.review import ReviewScreen
from discussion.ui.screens.review_judge import JudgeScreen
from discussion.ui.screens.review_messages import PlaybackReported
from discussion.ui.widgets.review_search import SearchBox
from discussion.ui.widgets.review_transcript import HIT_STYLE, WORD_STYLE, TranscriptPane

# (start, text, probability of each word); notes of the sample are at 20, 44, 66 … s.
SPOKEN: list[tuple[float, str, float]] = [
    (2.0, "Before we start this discussion is recorded", 0.9),
    (12.0, "Describe a time a colleague came to you for help", 0.9),
    (20.0, "The warehouse colleague needed a Customer address fixed", 0.9),
    (44.0, "I slow down and offer another channel to the customer", 0.9),
    (66.0, "A deaf customer came to the counter", 0.9),
    (90.0, "mumbled customer promises", 0.2),
]


def spoken_segment(start: float, text: str, probability: float) -> Segment:
    words = [
        Word(start=start + i, end=start + i + 0.8, word=" " + w, probability=probability)
        for i, w in enumerate(text.split())
    ]
    return Segment(start=start, end=words[-1].end, text=" " + text, words=words)


@pytest.fixture
def transcribed(sample: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:  # noqa: F811
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path / "home"))  # the signing key's home
    segments = [spoken_segment(*spoken) for spoken in SPOKEN]
    write_signed(sample, make_transcript(sample, segments), signer="Vera Verifier")
    return sample


def host(folder: Path) -> ScreenHost:
    output = FakeOutputFactory(pace=1.0)
    return ScreenHost(lambda: ReviewScreen(folder, catalog(), preroll_s=5.0, open_stream=output))


def pane_of(screen: ReviewScreen) -> TranscriptPane:
    return screen.query_one(TranscriptPane)


def prompt(pane: TranscriptPane, row: int) -> str:
    return str(pane.box.get_option_at_index(row).prompt)


def styles_over(pane: TranscriptPane, row: int, word: str) -> set[str]:
    """The styles the row's prompt puts on the characters of `word`."""
    text = pane.prompt_of(pane.rows[row])
    at = text.plain.index(word)
    return {str(s.style) for s in text.spans if s.start <= at and s.end >= at + len(word)}


def line_row(pane: TranscriptPane, start: float) -> int:
    return next(i for i, row in enumerate(pane.rows) if row.line is not None and row.start == start)


async def test_the_pane_shows_lines_with_the_notes_between_and_unsure_words_dim(
    transcribed: Path,
) -> None:
    async with host(transcribed).run_test(size=(160, 45)) as pilot:
        screen = await loaded(pilot)
        pane = pane_of(screen)
        assert pane.display and listing(screen).display  # beside each other at 160 columns
        assert pane.status == "intact" and len(pane.lines) == len(SPOKEN)
        shown = [prompt(pane, i) for i in range(len(pane.rows))]
        assert "[00:02] Before we start this discussion is recorded" in shown[0]
        starts = [row.start for row in pane.rows]
        assert starts == sorted(starts)  # lines and moments in time order
        # The question asked at 00:12.4 comes after the line said at 12 s; note #1 (20.3 s)
        # after the line at 20 s and before the one at 44 s.
        q = next(i for i, s in enumerate(shown) if s.startswith("▸ [00:12] Q"))
        assert "[00:12] Describe a time" in shown[q - 1]
        n1 = next(i for i, s in enumerate(shown) if s.startswith("▸ [00:20] #1"))
        assert "[00:20] The warehouse" in shown[n1 - 1]
        assert "[00:44] I slow down" in shown[n1 + 2]  # after the question at 34 s
        assert sum(1 for s in shown if s.startswith("▸")) == sum(
            1 for item in screen.moments if item.kind in ("note", "question")
        )
        unsure = line_row(pane, 90.0)
        assert "dim" in styles_over(pane, unsure, "mumbled")
        assert "dim" not in styles_over(pane, line_row(pane, 66.0), "deaf")


@pytest.mark.ui_flow
async def test_an_altered_transcript_is_one_red_line_and_none_says_how(
    transcribed: Path,
) -> None:
    def change_a_word(data: dict[str, object]) -> None:
        data["segments"][0]["words"][0]["word"] = " Later"  # type: ignore[index]

    edit_raw(transcribed, change_a_word)
    async with host(transcribed).run_test(size=(160, 45)) as pilot:
        pane = pane_of(await loaded(pilot))
        assert pane.status == "altered" and pane.box.option_count == 1
        assert "ALTERED" in prompt(pane, 0) and "Later" not in prompt(pane, 0)
        assert pane.box.get_option_at_index(0).prompt.style == "bold red"  # type: ignore[union-attr]
    (transcribed / "transcript.json").unlink()
    async with host(transcribed).run_test(size=(160, 45)) as pilot:
        pane = pane_of(await loaded(pilot))
        assert pane.status == "missing" and pane.box.option_count == 1
        assert "discussion transcribe FOLDER" in prompt(pane, 0)


@pytest.mark.ui_flow
async def test_at_80_columns_t_shows_the_pane_instead_of_the_list(transcribed: Path) -> None:
    async with host(transcribed).run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        pane, box = pane_of(screen), listing(screen)
        assert not pane.display and box.display and box.has_focus
        await pilot.press("down")  # the list is usable
        assert box.highlighted == 1
        await pilot.press("t")
        assert pane.display and not box.display and pane.box.has_focus
        await pilot.press("t")
        assert not pane.display and box.display and box.has_focus


@pytest.mark.ui_flow
async def test_the_pane_follows_playback_line_and_word(transcribed: Path) -> None:
    async with host(transcribed).run_test(size=(160, 45)) as pilot:
        screen = await loaded(pilot)
        pane = pane_of(screen)
        assert screen.player is not None
        base = screen.player.status()

        def at(seconds: float) -> PlaybackReported:
            return PlaybackReported(
                PlaybackStatus(
                    seconds, base.duration_s, True, 1.0, None, None, True, None, False, 0, 0.0
                )
            )

        # Several at once: the newest replaces the older ones not yet handled.
        for seconds in (3.0, 13.0, 46.4):
            screen.post_message(at(seconds))
        await pilot.pause()
        row = line_row(pane, 44.0)
        assert pane.playing == 3 and pane.word == 2  # "down", said from 46.0
        assert pane.box.highlighted == row  # the cursor follows
        assert prompt(pane, row).startswith("▶ [00:44]")
        assert WORD_STYLE in styles_over(pane, row, "down")
        assert WORD_STYLE not in styles_over(pane, row, "slow")
        pane.box.highlighted = 0  # the verifier moves the cursor: left alone
        screen.post_message(at(67.0))
        await pilot.pause()
        assert pane.playing == 4 and pane.box.highlighted == 0
        assert not prompt(pane, row).startswith("▶")  # the mark moved on


@pytest.mark.ui_flow
async def test_enter_on_a_line_plays_from_it_less_the_pre_roll(transcribed: Path) -> None:
    async with host(transcribed).run_test(size=(160, 45)) as pilot:
        screen = await loaded(pilot)
        pane = pane_of(screen)
        assert screen.player is not None
        targets = recording_seeks(screen.player)
        await pilot.press("t")
        assert pane.box.has_focus
        pane.box.highlighted = line_row(pane, 44.0)
        await pilot.press("enter")
        assert targets == [pytest.approx(44.0 - 5.0)]
        assert screen.player.playing


@pytest.mark.ui_flow
async def test_search_counts_and_steps_through_the_matches(transcribed: Path) -> None:
    async with host(transcribed).run_test(size=(160, 45)) as pilot:
        screen = await loaded(pilot)
        pane = pane_of(screen)
        await pilot.press("t", "slash")
        search_box = screen.query_one(SearchBox)
        assert search_box.display and search_box.has_focus
        await pilot.press(*"CUSTOMER")
        assert len(pane.hits) == 4  # any case: Customer, customer ×3
        assert pane.hit_text == "1 of 4"
        assert pane.box.highlighted == line_row(pane, 20.0)
        assert HIT_STYLE in styles_over(pane, line_row(pane, 66.0), "customer")
        assert "1 of 4" in str(screen.query_one("#transcript-hits").render())
        await pilot.press("enter")
        assert pane.hit_text == "2 of 4" and pane.box.highlighted == line_row(pane, 44.0)
        await pilot.press("escape")  # closes the box, not the review
        assert isinstance(pilot.app.screen, ReviewScreen)
        assert not search_box.display and pane.box.has_focus
        await pilot.press("greater_than_sign", "greater_than_sign")
        assert pane.hit_text == "4 of 4" and pane.box.highlighted == line_row(pane, 90.0)
        await pilot.press("greater_than_sign")
        assert pane.hit_text == "1 of 4"  # round again
        await pilot.press("less_than_sign")
        assert pane.hit_text == "4 of 4"
        await pilot.press("slash")
        await pilot.press(*"zebra")
        assert screen.query_one(SearchBox, Input).value == "zebra"  # reopened: typing replaces
        assert pane.hits == [] and pane.hit_text == "no matches"


@pytest.mark.ui_flow
async def test_a_note_selected_in_the_list_shows_its_words(transcribed: Path) -> None:
    # A line every 1.5 s as well: more than the pane shows at once, so it has to scroll.
    filler = [(t * 1.5, f"filler {t}", 0.9) for t in range(90) if int(t * 1.5) % 22 > 2]
    spoken = sorted(SPOKEN + filler)
    write_signed(transcribed, make_transcript(transcribed, [spoken_segment(*s) for s in spoken]))
    async with host(transcribed).run_test(size=(160, 45)) as pilot:
        screen = await loaded(pilot)
        pane, box = pane_of(screen), listing(screen)
        note = next(i for i, item in enumerate(box.items) if item.label == "#3")
        box.highlighted = note
        await pilot.pause()
        row = pane.box.highlighted
        assert row is not None and pane.rows[row].moment == box.items[note]
        assert "[01:06] A deaf customer" in prompt(pane, row - 1)  # the note at 66.4 s
        top = pane.box.scroll_offset.y
        assert top > 0 and top <= pane.row_y(row) < top + pane.box.size.height


@pytest.mark.ui_flow
async def test_j_on_a_line_opens_the_judgement_resting_on_its_time(transcribed: Path) -> None:
    async with host(transcribed).run_test(size=(160, 45)) as pilot:
        screen = await loaded(pilot)
        pane, box = pane_of(screen), listing(screen)
        box.highlighted = next(
            i
            for i, item in enumerate(box.items)
            if item.kind == "decision" and "3B" in item.criteria
        )
        await pilot.press("t")
        pane.box.highlighted = line_row(pane, 66.0)
        await pilot.press("j")
        form = pilot.app.screen
        assert isinstance(form, JudgeScreen)
        assert form.criterion == "3B"
        assert form.query_one("#judge-refs", Input).value == "1:06"


async def test_help_lists_the_transcript_keys(transcribed: Path) -> None:
    """What F1 lists (the help is made from the screen's active keys, the focused pane's too)."""
    async with host(transcribed).run_test(size=(160, 45)) as pilot:
        screen = await loaded(pilot)
        names = {name for _, name, _ in HelpScreen.of(screen).bindings_text}
        assert "Transcript" in names and "Search" not in names
        await pilot.press("t")
        names = {name for _, name, _ in HelpScreen.of(screen).bindings_text}
        assert {"Transcript", "Search", "Next match", "Prev match", "Judge line"} <= names


@pytest.mark.ui_flow
async def test_j_on_a_line_with_no_criterion_starts_on_the_criterion(transcribed: Path) -> None:
    async with host(transcribed).run_test(size=(160, 45)) as pilot:
        screen = await loaded(pilot)
        listing(screen).highlighted = 0  # the recording's row: no criterion
        await pilot.press("t")
        pane = pane_of(screen)
        pane.box.highlighted = line_row(pane, 66.0)
        await pilot.press("j")
        form = pilot.app.screen
        assert isinstance(form, JudgeScreen)
        assert form.criterion == ""
        await pilot.press("3", "a")  # typed straight away lands in the criterion
        assert form.query_one("#judge-criterion", Input).value == "3a"
        assert form.query_one("#judge-refs", Input).value == "1:06"
