"""Issue 8: a closed session opens as its record, read-only (until the review screen of [7/10]).

Driven through the real app from the home screen on the committed sample record (a real sealed
session), and through a small host on records built here (marks, amendments, corrections,
gaps, alarms, a declined consent, a damaged folder).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from screen_host import ScreenHost
from textual.app import App
from textual.pilot import Pilot
from ui_helpers import catalog
from ui_live_helpers import notes_only_session

from discussion.live import LiveSession
from discussion.record import AlarmData, AudioGapData, ComponentResultData, DetailsCorrectedData
from discussion.record.events import ConsentDeclinedData
from discussion.ui.app import DiscussionApp
from discussion.ui.screens.grade_export import GradeExport
from discussion.ui.screens.help import HelpScreen
from discussion.ui.screens.home import HomeScreen
from discussion.ui.screens.record_view import RecordViewScreen

SAMPLE = Path(__file__).resolve().parent.parent / "transcripts" / "sample-discussion"
SAMPLE_NOTES = [
    "warehouse colleague as internal customer; fixed address same day; links to external",
    "spots unspoken needs; slows down, offers another channel",
    "adapted for a deaf customer: wrote down, faced her, email follow-up",
    "positive rephrasing example, focuses on what will happen",
    "keeps promises: diary for call backs, calls even without an answer",
    "named a target but no practical actions to improve",
]


@pytest.fixture
def sessions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data home whose sessions folder holds a copy of the sealed sample record."""
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    folder = tmp_path / "sessions"
    folder.mkdir()
    shutil.copytree(SAMPLE, folder / SAMPLE.name)
    return folder


def screen_text(app: App[None]) -> str:
    """What the terminal shows, as plain text (what a capture of the screen reads)."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), record=True, color_system=None
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


async def wait_loaded(pilot: Pilot[None], screen: RecordViewScreen) -> None:
    """Until the worker has read and verified the record (or said why it cannot)."""
    for _ in range(100):
        if screen.report is not None or screen.failed is not None:
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError("the record never loaded")


async def open_from_home(pilot: Pilot[None], app: DiscussionApp) -> RecordViewScreen:
    await pilot.pause()
    for _ in range(100):  # the list is read in a worker
        if isinstance(app.screen, HomeScreen) and app.screen.rows:
            break
        await pilot.pause(0.05)
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, RecordViewScreen), f"enter opened {screen!r}"
    await wait_loaded(pilot, screen)
    return screen


@pytest.mark.ui_flow
async def test_home_opens_the_sample_as_its_record(sessions: Path) -> None:
    app = DiscussionApp(catalog(), home=sessions, cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_from_home(pilot, app)
        text = screen.plain_text
        # the session details
        for shown in (
            "Alex Example (fictional)",
            "9999999904",
            "Sam Sample (fictional)",
            "virtual",
            "1 (first assessment)",
            "given (to the audio recording)",
            "2026-12-02",  # the sample was re-made (and signed) then
            "PRACTICE",
        ):
            assert shown in text, shown
        # the notes, numbered 1 to 6 in time order, with the questions asked between them
        notes = screen.query_one("#record-notes").plain_text  # type: ignore[attr-defined]
        positions = [notes.index(note[:40]) for note in SAMPLE_NOTES]
        assert positions == sorted(positions)
        for number in range(1, 7):
            assert f"\n#{number} " in f"\n{notes}"
        assert "asked P-1A-03" in notes
        # the decisions with their rationales and the notes they rest on (by number)
        criteria = screen.query_one("#record-criteria").plain_text  # type: ignore[attr-defined]
        one_a = criteria[criteria.index("1A  MET") : criteria.index("2A ")]
        assert "Clear internal customer example" in one_a
        assert "note 1" in one_a and "warehouse colleague" in one_a
        three_b = criteria[criteria.index("3B  MET") : criteria.index("3C ")]
        assert "note 2" in three_b and "note 3" in three_b
        assert "5A  NOT MET" in criteria and "2A  UNDECIDED" in criteria
        # the grade, the other components, the seal
        assert "Overall grade: FAIL" in text
        assert "Apprentice Showcase: not entered" in text
        assert "Practical Observation: not entered" in text
        assert "Verification: intact (sealed, 23 events)" in text
        assert text.startswith("SEALED · record intact · PRACTICE · grade: FAIL")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.ui_flow
async def test_at_80x24_the_key_facts_and_keys_are_on_screen(sessions: Path) -> None:
    app = DiscussionApp(catalog(), home=sessions, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_from_home(pilot, app)
        shown = screen_text(app)
        assert "SEALED · record intact · PRACTICE · grade: FAIL" in shown
        assert "Alex Example (fictional)" in shown and "9999999904" in shown
        for key in ("esc Back", "e Export", "c Criteria", "n Notes", "g Grade"):
            assert key in shown, key
        assert "Criteria decided" not in shown  # below: one key away
        await pilot.press("f1")  # help lists the view's own keys first
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        title, rows = help_screen.sections[0]
        assert title == "This screen"
        ids = {row.id_text() for row in rows}
        assert {"record.back", "record.export", "record.criteria", "record.down"} <= ids
        await pilot.press("f1")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("c")
        await pilot.pause()
        shown = screen_text(app)
        assert "1A  MET" in shown and "Rationale: Clear internal customer" in shown
        await pilot.press("pagedown")
        await pilot.pause()
        assert "1A  MET" not in screen_text(app)  # the page scrolled on
        await pilot.press("n")
        await pilot.pause()
        shown = screen_text(app)
        assert "Notes in time order" in shown
        assert "#1      00:00:20 1A" in shown and "warehouse colleague" in shown
        await pilot.press("end")
        await pilot.pause()
        assert "Recording and checks" in screen_text(app)
        await pilot.resize_terminal(200, 50)  # a terminal made wider: the columns come
        await pilot.pause()
        assert screen.wide and "Session (d)" in screen_text(app)


@pytest.mark.ui_flow
async def test_at_200x50_the_parts_stand_side_by_side(sessions: Path) -> None:
    app = DiscussionApp(catalog(), home=sessions, cursor_blink=False)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_from_home(pilot, app)
        shown = screen_text(app)
        for title in ("Session (d)", "Grade (g)", "Criteria decided (c)", "Notes in time order"):
            assert title in shown, title
        assert "Recording and checks" in shown
        # all six notes on the first screen, beside the criteria
        assert all(note[:30] in shown for note in SAMPLE_NOTES)
        row = next(line for line in shown.splitlines() if "Criteria decided" in line)
        assert "Session (d)" in row and "Notes in time order" in row
        # the scroll keys move the criteria column first; tab moves them to the notes
        criteria = screen.query_one("#record-criteria-column")
        await pilot.press("pagedown")
        await pilot.pause()
        assert criteria.scroll_y > 0
        await pilot.press("tab")
        await pilot.pause()
        assert screen.column == "notes"
        assert "▼ ↑↓ PgUp PgDn scroll" in screen_text(app)


@pytest.mark.ui_flow
async def test_export_from_the_record_view(sessions: Path, tmp_path: Path) -> None:
    app = DiscussionApp(catalog(), home=sessions, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_from_home(pilot, app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, GradeExport)
        await pilot.press("enter")
        for _ in range(100):
            if isinstance(app.screen, RecordViewScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, RecordViewScreen)
        written = tmp_path / "exports" / "sample-discussion.html"
        assert written.is_file()
        assert "Alex Example (fictional)" in written.read_text(encoding="utf-8")
        assert not (sessions / SAMPLE.name / "sample-discussion.html").exists()


def _closed_with_everything(home: Path) -> LiveSession:
    """A closed notes-only session with a mark, an amended note, a correction, a gap, an alarm,
    a decision that (from an old record) cites a mark, and an Observation result."""
    live = notes_only_session(home)
    live.consent("Agreed to notes being taken")
    first = live.note("internal customers: the warehouse team", ["1A"], 10.0)
    mark = live.note("", ["3A"], 20.0)  # F5: a marked moment
    live.amend(first.seq, "internal customers: warehouse and finance teams", ["1A"])
    live.append(AudioGapData(cause="device lost", duration_s=2.5), 30.0)
    live.append(AlarmData(kind="silence", message="no sound for 30 s"), 40.0)
    live.append(
        DetailsCorrectedData(
            field="assessor", previous="Sam Assessor", value="Sam Assessor-Jones",
            reason="surname missed at set-up",
        )
    )  # fmt: skip
    live.decide("1A", True, "named two internal teams", [first.seq])
    live.decide("3A", False, "only a moment was marked", [mark.seq])
    live.append(
        ComponentResultData(
            component="observation", attempt=1, achieved=["P1"], modes=["face-to-face"]
        )
    )
    live.close("closed by the assessor")
    return live


@pytest.mark.ui_flow  # a longer Pilot flow: this screen keeps shorter tests in test-fast
async def test_marks_amendments_corrections_gaps_and_alarms_are_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    live = _closed_with_everything(tmp_path / "sessions")
    screen = RecordViewScreen(live.folder, catalog())
    app = ScreenHost(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, screen)
        text = screen.plain_text
        notes = screen.query_one("#record-notes").plain_text  # type: ignore[attr-defined]
        assert "internal customers: warehouse and finance teams (amended; first written: " in (
            " ".join(notes.split())
        )
        mark_line = next(line for line in notes.splitlines() if line.startswith("mark 1 "))
        assert "moment marked (a bookmark, not evidence)" in mark_line
        assert "3A" not in mark_line, "a mark carries no tags as evidence"
        criteria = screen.query_one("#record-criteria").plain_text  # type: ignore[attr-defined]
        three_a = criteria[criteria.index("3A  NOT MET") : criteria.index("3B ")]
        assert "mark 1" in three_a and "moment marked (a bookmark, not evidence)" in three_a
        assert "assessor: 'Sam Assessor' → 'Sam Assessor-Jones'" in text
        assert "surname missed at set-up" in text
        assert "Sam Assessor-Jones (corrected from 'Sam Assessor'" in text
        assert "gap: 2.5 s of silence padded in (device lost)" in text
        assert "ALARM: silence: no sound for 30 s" in text
        assert "Practical Observation, attempt 1 (first assessment): achieved P1" in text
        assert "modes observed: face-to-face" in text
        assert "Apprentice Showcase: not entered" in text
        assert "1 correction(s)" in text.splitlines()[0]


@pytest.mark.parametrize("logged", [True, False], ids=["consent_declined", "older record"])
async def test_a_declined_consent_shows_it_did_not_go_ahead_not_a_grade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, logged: bool
) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    live = notes_only_session(tmp_path / "sessions")
    if logged:
        live.append(ConsentDeclinedData(recording=False, statement="Notes will be taken."))
    live.close("consent declined")  # as the app closes it when the apprentice says no
    screen = RecordViewScreen(live.folder, catalog())
    app = ScreenHost(lambda: screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        grade = screen.query_one("#record-grade").plain_text  # type: ignore[attr-defined]
        assert "The discussion did not go ahead." in grade
        assert "consent declined" in grade
        assert "Overall grade" not in grade and "FAIL" not in screen.plain_text
        assert "did not go ahead" in screen_text(app)
        criteria = screen.query_one("#record-criteria").plain_text  # type: ignore[attr-defined]
        assert "Nothing was assessed" in criteria and "UNDECIDED" not in criteria


@pytest.mark.ui_flow
async def test_a_tampered_record_says_it_is_not_intact(sessions: Path) -> None:
    wav = sessions / SAMPLE.name / "audio" / "segment-001.wav"
    data = bytearray(wav.read_bytes())
    data[-1] ^= 0xFF
    wav.write_bytes(bytes(data))
    app = DiscussionApp(catalog(), home=sessions, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_from_home(pilot, app)
        assert "RECORD NOT INTACT" in screen_text(app)
        assert "Verification: NOT INTACT" in screen.plain_text
        assert "segment-001.wav" in screen.query_one("#record-recording").plain_text  # type: ignore[attr-defined]


async def test_a_damaged_log_is_one_line_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    folder = tmp_path / "sessions" / SAMPLE.name
    shutil.copytree(SAMPLE, folder)
    lines = (folder / "events.jsonl").read_bytes().splitlines(keepends=True)
    lines[5] = b'{"not": "an event"}\n'
    (folder / "events.jsonl").write_bytes(b"".join(lines))
    screen = RecordViewScreen(folder, catalog())
    app = ScreenHost(lambda: screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        assert screen.failed is not None and "line 6" in screen.failed
        shown = screen_text(app)
        assert "Cannot show the record of sample-discussion" in shown
        assert "Traceback" not in shown
