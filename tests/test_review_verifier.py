"""The verifier's part of the review through Pilot, on a copy of the committed (signed) sample
record: judgements and the signed outcome written to a real verification.jsonl and then
checked by `discussion verify`'s own code; the criteria's colours; the pre-roll keys; the list
following playback (a fake output at 20× real time) without fighting the verifier's cursor."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from playback_helpers import FakeOutputFactory
from rich.text import Text
from screen_host import ScreenHost
from test_review_screen import SAMPLE, listing, loaded, recording_seeks
from textual.pilot import Pilot
from textual.widgets import Input
from ui_helpers import catalog

from discussion.record.verify import verify
from discussion.signing.keys import existing_key
from discussion.ui.screens.review import ReviewScreen
from discussion.ui.screens.review_judge import JudgeScreen, OutcomeScreen
from discussion.ui.widgets.review_palette import CriterionPalette
from discussion.verification.events import VERIFICATION_JSONL
from discussion.verification.judge import Judgement, judge
from discussion.verification.report import read_rounds

VERIFIER = "Kim Verifier"


@pytest.fixture
def record(tmp_path: Path) -> Path:
    folder = tmp_path / "sessions" / SAMPLE.name
    shutil.copytree(SAMPLE, folder)
    return folder


def host(folder: Path, pace: float = 1.0) -> ScreenHost:
    output = FakeOutputFactory(pace=pace)
    return ScreenHost(lambda: ReviewScreen(folder, catalog(), preroll_s=5.0, open_stream=output))


def row_of(screen: ReviewScreen, kind: str, criterion: str = "", offset: float = -1) -> int:
    for index, item in enumerate(listing(screen).items):
        if item.kind != kind:
            continue
        if criterion and (not item.criteria or item.criteria[0] != criterion):
            continue
        if offset >= 0 and (item.offset is None or abs(item.offset - offset) > 1.0):
            continue
        return index
    raise AssertionError(f"no {kind} row {criterion} {offset}")


async def until_closed(pilot: Pilot[None], form: type) -> None:
    for _ in range(200):  # the worker verifies the record and fsyncs
        if not isinstance(pilot.app.screen, form):
            return
        await pilot.pause(0.05)
    error = pilot.app.screen.query_one("#form-error").render()
    raise AssertionError(f"the form stayed open: {error}")


def rendered_row(screen: ReviewScreen, index: int) -> str:
    return str(listing(screen).get_option_at_index(index).prompt)


def legend(screen: ReviewScreen) -> str:
    """The colours' key (the list's bottom edge) and the verification line."""
    key = listing(screen).border_subtitle or ""
    return f"{Text.from_markup(key).plain} | {screen.query_one('#review-verification').render()}"


async def type_into(pilot: Pilot[None], selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)


@pytest.mark.slow  # the record is verified twice and the round signed (about 5 s)
async def test_a_judgement_then_the_signed_outcome_are_recorded_and_verify(record: Path) -> None:
    async with host(record).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        decision = row_of(screen, "decision", "3B")
        listing(screen).highlighted = decision
        await pilot.press("j")
        assert isinstance(pilot.app.screen, JudgeScreen)
        assert pilot.app.screen.query_one("#judge-criterion", Input).value == "3B"
        assert "Specific adaptation" in str(pilot.app.screen.query_one("#judge-decision").render())
        await pilot.press("right", "space")  # the stance: Disagree
        await type_into(pilot, "#judge-comment", "only one channel heard")
        await type_into(pilot, "#judge-refs", "3,1:06")
        await type_into(pilot, "#form-verifier", VERIFIER)
        await pilot.press("enter")
        await until_closed(pilot, JudgeScreen)
        await pilot.pause()

        rounds, problem, _ = read_rounds(record)
        assert problem is None and len(rounds) == 1 and rounds[0].is_open
        judged = rounds[0].judgements["3B"]
        assert (judged.agree, judged.comment, judged.notes, judged.times) == (
            False, "only one channel heard", [3], [66.0],
        )  # fmt: skip
        assert rounds[0].verifier == VERIFIER and rounds[0].role == "IQA"
        assert "DISAGREES: only one channel heard" in rendered_row(screen, decision)
        assert "3B✗" in legend(screen) and "1 of 6 decisions judged, open" in legend(screen)

        await pilot.press("o")
        assert isinstance(pilot.app.screen, OutcomeScreen)
        form = pilot.app.screen
        assert form.query_one("#form-verifier", Input).value == VERIFIER  # the open round's
        assert "not judged: 1A, 3A, 5A, 6B, 7A" in str(form.query_one("#outcome-summary").render())
        await pilot.press("space")  # the first choice: confirmed
        await pilot.press("ctrl+s")
        await until_closed(pilot, OutcomeScreen)
        await pilot.pause()
        assert "decision confirmed, finished" in legend(screen)

    check = verify(record)  # what `discussion verify` runs: both chains and both signatures
    assert check.ok, check.problems
    summary = check.verification
    assert summary is not None and summary["ok"]
    (entry,) = summary["rounds"]
    assert entry["finished"] and entry["outcome"] == "confirmed" and entry["signature_ok"]
    assert entry["signed_by"]["name"] == VERIFIER
    lines = [json.loads(line) for line in (record / VERIFICATION_JSONL).read_text().splitlines()]
    assert [line["type"] for line in lines] == [
        "started", "judgement", "outcome", "finished",
    ]  # fmt: skip
    # Signed with this data folder's verifier key (DISCUSSION_HOME), as `discussion judge` does.
    key = existing_key("verifier")
    assert key is not None
    assert lines[-1]["data"]["signature"]["public_key"] == key.public_key


@pytest.mark.ui_flow
async def test_a_disagreement_without_a_comment_is_refused_in_one_line(record: Path) -> None:
    async with host(record).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        listing(screen).highlighted = row_of(screen, "decision", "1A")
        await pilot.press("j", "right", "space")
        await type_into(pilot, "#form-verifier", VERIFIER)
        await pilot.press("enter")
        for _ in range(100):
            error = str(pilot.app.screen.query_one("#form-error").render())
            if error.startswith("Not recorded"):
                break
            await pilot.pause(0.05)
        assert isinstance(pilot.app.screen, JudgeScreen)  # still open, nothing lost
        assert "needs a comment" in error and "\n" not in error
        assert pilot.app.screen.query_one("#form-verifier", Input).value == VERIFIER
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, ReviewScreen)
    assert not (record / VERIFICATION_JSONL).exists()


@pytest.mark.ui_flow  # a longer Pilot flow: this screen keeps shorter tests in test-fast
async def test_reopening_the_review_shows_the_judgements_recorded(record: Path) -> None:
    judge(record, VERIFIER, judgement=Judgement("1A", agree=True, comment="clear", refs="1"))
    async with host(record).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        row = rendered_row(screen, row_of(screen, "decision", "1A"))
        assert f"✓ IQA {VERIFIER} agrees: clear (rests on #1)" in row
        assert "1A✓" in legend(screen) and "IQA Kim Verifier: 1 of 6" in legend(screen)
        # j on it again offers the judgement to change (a later one supersedes)
        listing(screen).highlighted = row_of(screen, "decision", "1A")
        await pilot.press("j")
        form = pilot.app.screen
        assert isinstance(form, JudgeScreen)
        assert form.query_one("#judge-comment", Input).value == "clear"
        assert form.query_one("#judge-refs", Input).value == "1"


@pytest.mark.ui_flow
async def test_each_criterion_has_its_own_colour_and_the_legend_names_them(record: Path) -> None:
    criteria = catalog().standard.component("discussion").criteria
    palette = CriterionPalette.of(criteria)
    assert palette == CriterionPalette.of(criteria)  # the same data, the same colours
    assert len(set(palette.colours.values())) == len(criteria)
    assert "italic underline" in palette.tag_style("2A")  # distinction
    assert "italic" not in palette.tag_style("1A")  # pass
    async with host(record).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        box = listing(screen)
        for criterion in ("1A", "3B", "6B"):
            index = row_of(screen, "note", criterion)
            prompt = box.get_option_at_index(index).prompt
            styles = {str(span.style) for span in prompt.spans}  # type: ignore[union-attr]
            assert palette.tag_style(criterion) in styles
        text = legend(screen)
        assert text.index("Pass") < text.index("1A") < text.index("Distinction") < text.index("2A")
        assert all(c.id in text for c in criteria)


@pytest.mark.ui_flow
async def test_the_pre_roll_is_shown_and_changed_by_keys(record: Path) -> None:
    async with host(record).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        transport = screen.query_one("#review-transport")
        assert "pre-roll 5 s" in str(transport.render())
        await pilot.press("right_curly_bracket", "right_curly_bracket")
        assert screen.preroll_s == 7.0
        assert "pre-roll 7 s" in str(transport.render())
        note = row_of(screen, "note", "3B", offset=-1)
        assert screen.player is not None
        targets = recording_seeks(screen.player)  # playback runs on after: a load-free check
        listing(screen).highlighted = note
        await pilot.press("enter")
        offset = listing(screen).items[note].offset
        assert offset is not None
        assert targets == [pytest.approx(offset - 7.0)]
        await pilot.press(*["left_curly_bracket"] * 10)
        assert screen.preroll_s == 0.0  # not below nothing
        assert "pre-roll 0 s" in str(transport.render())


async def until(pilot: Pilot[None], condition: object, what: str) -> None:
    for _ in range(300):
        if condition():  # type: ignore[operator]
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never: {what}")


@pytest.mark.slow  # about 10 s of playback (the player fills at about 5× real time here)
async def test_the_list_follows_playback_but_not_over_the_verifiers_cursor(record: Path) -> None:
    async with host(record, pace=20.0).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        box = listing(screen)
        player = screen.player
        assert player is not None
        await pilot.press(*["left_curly_bracket"] * 5)  # no pre-roll: straight from each moment
        box.highlighted = row_of(screen, "note", offset=44.0)  # #2
        await pilot.press("enter")
        question = row_of(screen, "question", offset=57.0)
        await until(pilot, lambda: box.highlighted == question, "the list reached the 00:57 Q")
        # The verifier moves the cursor: it stays theirs while playback goes on past #3.
        await pilot.press("up", "up")
        mine = box.highlighted
        assert mine == row_of(screen, "question", offset=34.0)
        await until(pilot, lambda: player.position_s > 67.0, "playback passed #3 at 01:06")
        await pilot.pause(0.1)
        assert box.highlighted == mine
        # Playing from their row: following resumes from there (#2 at 00:44 next).
        await pilot.press("enter")
        second = row_of(screen, "note", offset=44.0)
        await until(pilot, lambda: box.highlighted == second, "the list followed to #2")
        # l: stop following; playback passes the 00:57 Q and the list stays.
        await pilot.press("l")
        assert "not following" in str(screen.query_one("#review-transport").render())
        await until(pilot, lambda: player.position_s > 58.0, "playback passed the 00:57 Q")
        await pilot.pause(0.1)
        assert box.highlighted == second
        assert box.index_near(player.position_s) != second  # it would have moved
