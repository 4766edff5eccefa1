"""In the full build (both sets installed), no assessment-set text reaches anything a mock shows
or writes, whatever the options: the mock screens driven by keys at every length and focus
(all criteria, pass criteria, one chosen criterion, every criterion chosen), every prompt, probe,
reason, self-check and readiness screen; then the practice records' Markdown and HTML exports,
the review's answers pane, the readiness report (md and html) and every file in the data folder.

The texts searched for are those the apprentice wheel's check searches for
(`scripts/apprentice_wheel.py`: every assessment question text, probe and look-for, read from
the TOML), less wording both sets share on purpose, and the assessment question ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_inprocess import run_in_process
from screen_host import ScreenHost
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, OptionList, SelectionList, TextArea
from ui_helpers import catalog

from discussion.export import export_text
from discussion.mock.plan import LENGTHS
from discussion.mock.readiness import load_mock_records
from discussion.settings import Settings
from discussion.ui.screens.mock_app import MockApp
from discussion.ui.screens.mock_discussion import MockDiscussionScreen
from discussion.ui.screens.mock_flow import MockParts
from discussion.ui.screens.mock_readiness import MockReadinessScreen
from discussion.ui.screens.mock_self_check import MockSelfCheckScreen
from discussion.ui.screens.mock_setup import Devices, MockSetupScreen
from discussion.ui.screens.review import ReviewScreen
from discussion.ui.screens.review_answers import AnswersPane
from scripts import apprentice_wheel as aw

NO_DEVICES = Devices(None, "no microphone found", False, "no audio output")
BANK = catalog().bank
_PRACTICE = {
    aw.normalise(text)
    for q in BANK.in_set("practice")
    for text in (q.text, *q.probes, *q.look_fors)
}
SECRETS = sorted(
    {aw.normalise(text) for _qid, _field, text in aw.assessment_texts()} - _PRACTICE, key=len
)
ASSESSMENT_ID = re.compile(r"\bD-[0-9][A-Z]-[0-9]{2,3}\b")
FOCUS_INDEX = {"all": 0, "pass": 1, "chosen": 2}  # the set-up's focus choices, in order
Focus = str | tuple[str, ...]  # "all", "pass" or the chosen criterion ids
ANSWERS = ("I am not sure.", "I checked the case history, then I rang them back.")


def leaks(text: str) -> list[str]:
    """The assessment texts and ids in `text` (compared as the wheel's check compares)."""
    flat = aw.normalise(text)
    return [s for s in SECRETS if s in flat] + ASSESSMENT_ID.findall(text)


def shown_text(app: App[Any]) -> str:
    """Everything the current screen shows, unwrapped, and the notifications."""
    parts: list[str] = [str(n.message) for n in app._notifications]
    parts.append(str(app.screen.title or "") + " " + str(app.screen.sub_title or ""))
    for widget in app.screen.walk_children(Widget, with_self=False):
        parts.extend(_widget_text(widget))
    return "\n".join(parts)


def _widget_text(widget: Widget) -> Iterator[str]:
    if isinstance(widget, TextArea):
        yield widget.text
    elif isinstance(widget, Input):
        yield widget.value
    elif isinstance(widget, Button):
        yield str(widget.label)
    elif isinstance(widget, OptionList):  # SelectionList too
        yield from (str(option.prompt) for option in widget.options)
    elif isinstance(widget, DataTable):
        for key in widget.rows:
            yield " | ".join(str(cell) for cell in widget.get_row(key))
    else:
        try:
            yield str(widget.render())
        except Exception:  # a container with nothing of its own to render
            return


async def _until(pilot: Pilot[Any], app: App[Any], *kinds: type) -> object:
    """The screen on top once it is one of `kinds` and mounted (its text drawn: a screen just
    pushed has none yet, and leaving the app before its mount fails it)."""
    for _ in range(200):
        await pilot.pause(0.02)
        screen = app.screen
        if isinstance(screen, kinds) and screen.is_mounted:
            return screen
        if app._exit_renderables or not app.is_running:
            return screen
    raise AssertionError(f"none of {kinds}: {app.screen!r}")


async def _set_up(pilot: Pilot[Any], screen: MockSetupScreen, length: int, focus: object) -> None:
    """Length and focus by keys, as the apprentice would; chosen criteria ticked in the list."""
    name = focus if isinstance(focus, str) else "chosen"
    for group, index in (
        ("#mock-length", LENGTHS.index(length)),
        ("#mock-focus", FOCUS_INDEX[name]),
    ):
        screen.query_one(group).focus()
        await pilot.pause()
        await pilot.press(*["right"] * index, "enter")
        await pilot.pause()
    if isinstance(focus, tuple):
        box = screen.query_one("#mock-criteria", SelectionList)
        for cid in focus:
            box.select(cid)
        await pilot.pause()


async def _run_mock(home: Path, length: int, focus: Focus, seed: int) -> list[str]:
    """One whole mock through the app, typed; every screen's text on the way."""
    clock = Clock()
    app = MockApp(
        catalog(),
        settings=Settings(),
        home=home,
        cursor_blink=False,
        parts=MockParts(probe=lambda: NO_DEVICES, clock=clock, seed=seed, tick_seconds=3600),
    )
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        setup = await _until(pilot, app, MockSetupScreen)
        assert isinstance(setup, MockSetupScreen)
        await _set_up(pilot, setup, length, focus)
        seen.append(shown_text(app))
        await pilot.press("ctrl+s")
        answers = 0
        for _ in range(400):
            screen = await _until(
                pilot, app, MockDiscussionScreen, MockSelfCheckScreen, MockReadinessScreen
            )
            seen.append(shown_text(app))
            if isinstance(screen, MockReadinessScreen):
                break
            if isinstance(screen, MockSelfCheckScreen):
                await pilot.press("space", "ctrl+s")
                continue
            assert isinstance(screen, MockDiscussionScreen)
            if screen.prompt is None:
                await pilot.pause(0.05)
                continue
            clock.now += 5
            screen.query_one("#mock-answer", TextArea).insert(ANSWERS[answers % 2])
            answers += 1
            await pilot.pause()
            clock.now += 20
            await pilot.press("ctrl+s")
            await pilot.pause()
            if isinstance(app.screen, MockDiscussionScreen):
                seen.append(shown_text(app))  # the probe and its reason, or the next question
            await _until(pilot, app, MockDiscussionScreen, MockSelfCheckScreen, MockReadinessScreen)
            if isinstance(app.screen, MockSelfCheckScreen):
                seen.append(shown_text(app))
        else:
            raise AssertionError("the mock never reached the readiness screen")
        assert answers >= 2
    return seen


class Clock:
    """A settable clock (seconds)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def _review_text(folder: Path) -> str:
    host = ScreenHost(lambda: ReviewScreen(folder, catalog(), start_player=False))
    async with host.run_test(size=(140, 50)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen)
        for _ in range(200):
            if screen.report is not None or screen.failed:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert screen.failed is None
        pane = screen.query_one(AnswersPane)
        assert pane.text.plain.strip()
        return pane.text.plain + "\n" + shown_text(pilot.app)


def test_the_leak_check_finds_assessment_text() -> None:
    qid, _field, text = aw.assessment_texts()[0]
    assert len(SECRETS) > 100
    assert leaks(f"Next:\n  {text.upper()}") and leaks(f"asked {qid}") == [qid]
    practice = BANK.in_set("practice")[0]
    assert leaks(" ".join((practice.text, *practice.probes, *practice.look_fors))) == []


CHOSEN = [c.id for c in catalog().standard.component("discussion").criteria]
OPTIONS: list[tuple[int, Focus]] = [
    (15, "all"),
    (30, "pass"),
    (15, (CHOSEN[-1],)),  # one chosen criterion (a distinction)
    (60, tuple(CHOSEN)),  # every criterion chosen: the whole practice set that fits
]


@pytest.mark.slow
async def test_no_assessment_text_reaches_the_mock_screens_exports_or_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert BANK.in_set("assessment")  # the full build: the secrets are installed
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    home = tmp_path / "sessions"
    shown: list[str] = []
    for seed, (length, focus) in enumerate(OPTIONS, 1):
        shown += await _run_mock(home, length, focus, seed)
    records, skipped = load_mock_records([home])
    assert len(records) == len(OPTIONS) and not skipped
    started = [(r.state.mock.length_min, r.state.mock.focus) for r in records if r.state.mock]
    assert sorted(started) == sorted(
        (length, [focus] if isinstance(focus, str) else list(focus)) for length, focus in OPTIONS
    )  # every option reached the record as chosen
    asked = {a.question_id for r in records for a in r.state.answers}
    probed = [a for r in records for a in r.state.answers if a.prompt == "probe"]
    assert len(asked) >= 15 and len(probed) >= 15  # questions and probes were really shown
    # The collector sees what the screens show: every question asked, every probe and reason.
    on_screen = aw.normalise("\n".join(shown))
    for record in records:
        for answer in record.state.answers:
            question = BANK.get(answer.question_id)
            assert question is not None and question.set == "practice"
            assert aw.normalise(question.text) in on_screen
            if answer.probe_index is not None:
                assert aw.normalise(question.probes[answer.probe_index - 1]) in on_screen
                assert aw.normalise(answer.why) in on_screen
    written: list[str] = []
    for record in records:
        for fmt in ("md", "html"):
            written.append(export_text(record.folder, fmt))
        shown.append(await _review_text(record.folder))
    for fmt in ("md", "html"):
        result = run_in_process(["readiness", str(home), "--format", fmt])
        assert result.returncode == 0, result.stderr
        written.append(result.stdout)
    for path in sorted(p for p in tmp_path.rglob("*") if p.is_file()):
        written.append(path.read_bytes().decode("utf-8", "replace"))
    assert any("Mock discussion answers" in text for text in written)
    for text in shown + written:
        assert leaks(text) == []
