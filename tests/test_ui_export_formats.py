"""The app's export screen offers every format `discussion export` has (one list:
discussion.export.formats), writes each through the CLI's `write_export`, and each file is read
back with the library that format's users use (webvtt-py, srt, pympi-ling, csv, html.parser)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pympi
import pytest
import srt
import webvtt
from screen_host import ScreenHost
from test_media_export import build
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from discussion.export.formats import EXPORT_FORMATS, FORMAT_NAMES, ExportOptions
from discussion.record import verify
from discussion.ui.app import DiscussionApp
from discussion.ui.screens.confirm import ConfirmScreen
from discussion.ui.screens.grade_export import GradeExport
from discussion.ui.screens.record_view import RecordViewScreen
from discussion.verification.judge import Judgement, judge

SAMPLE = Path(__file__).resolve().parent.parent / "transcripts" / "sample-discussion"
SIZE = (80, 24)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    return tmp_path


def sample_copy(home: Path, *, judged: bool) -> Path:
    """A copy of the sealed sample record in `home`'s sessions, judged by a verifier if asked."""
    folder = home / "sessions" / SAMPLE.name
    shutil.copytree(SAMPLE, folder)
    if judged:
        judge(folder, "Kim Verifier", judgement=Judgement("1A", True, "sound example", "1"))
        judge(folder, "Kim Verifier", outcome="confirmed")
    return folder


def on_top(app: ScreenHost) -> object:
    """The screen shown now (a function, so a type check does not narrow it for good)."""
    return app.screen


def status(screen: GradeExport) -> str:
    return str(screen.query_one("#export-status", Static).render())


async def loaded(pilot: Pilot[None], app: ScreenHost) -> GradeExport:
    """The export screen once its worker has read the session's segments."""
    for _ in range(200):
        screen = app.screen
        if isinstance(screen, GradeExport) and screen.options is not None:
            await pilot.pause()
            return screen
        await pilot.pause(0.02)
    raise AssertionError(f"the export screen never loaded its options: {app.screen!r}")


async def choose(pilot: Pilot[None], screen: GradeExport, fmt: str) -> None:
    """Move to `fmt` with the arrow keys from the file name box, as a user does."""
    step = "down" if FORMAT_NAMES.index(fmt) > FORMAT_NAMES.index(screen.fmt) else "up"
    for _ in range(len(FORMAT_NAMES)):
        if screen.fmt == fmt:
            return
        before = screen.fmt
        await pilot.press(step)
        for _ in range(100):  # the highlight reaches the screen as a message
            await pilot.pause()
            if screen.fmt != before:
                break
    if screen.fmt == fmt:
        return
    raise AssertionError(f"the arrows never reached {fmt} (at {screen.fmt})")


async def written(pilot: Pilot[None], app: ScreenHost, count: int) -> Path:
    """The path the screen was dismissed with, once it has been `count` times."""
    for _ in range(400):
        if len(app.results) >= count:
            result = app.results[count - 1]
            assert isinstance(result, Path), result
            return result
        await pilot.pause(0.02)
    screen = app.screen
    said = status(screen) if isinstance(screen, GradeExport) else repr(screen)
    raise AssertionError(f"nothing was written: {said}")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    parser.close()
    return " ".join(parser.text)


def check_parses(fmt: str, path: Path) -> None:
    """The file reads back as its format's users read it, with the sample's content."""
    text = path.read_text(encoding="utf-8")
    note = "warehouse colleague as internal customer"
    if fmt == "md":
        assert text.startswith("# ") and "Alex Example (fictional)" in text
    elif fmt in ("html", "verification-html"):
        assert text.startswith("<!DOCTYPE html>")
        assert "Alex Example (fictional)" in html_text(text)
        if fmt == "verification-html":
            assert "sound example" in html_text(text)
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert any(note in " ".join(row.values()) for row in rows)
    elif fmt == "vtt":
        assert any(note in c.text for c in webvtt.from_string(text).captions)
    elif fmt == "srt":
        assert any(note in s.content for s in srt.parse(text))
    elif fmt == "audacity":
        labels = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
        assert all(len(row) == 3 and float(row[0]) <= float(row[1]) for row in labels)
        assert any(note in row[2] for row in labels)
    elif fmt == "eaf":
        eaf = pympi.Elan.Eaf(str(path))
        values = [a[2] for t in eaf.get_tier_names() for a in eaf.get_annotation_data_for_tier(t)]
        assert any(note in value for value in values)
        relative = eaf.get_linked_files()[0]["RELATIVE_MEDIA_URL"]
        assert (path.parent / relative).resolve().name == "segment-001.wav"
    elif fmt == "transcript":  # the sample's signed transcript: one timed line per segment
        lines = text.splitlines()
        assert lines and all(re.fullmatch(r"\[\d\d:\d\d:\d\d\] \S.*", line) for line in lines)
        assert lines[0].startswith("[00:00:00] Before we start")
    elif fmt == "transcript-vtt":
        captions = webvtt.from_string(text).captions
        assert captions and all(c.start_in_seconds <= c.end_in_seconds for c in captions)
        assert "Before we start" in captions[0].text
    elif fmt == "verification":
        assert "## Verification 1" in text and "sound example" in text
    else:
        raise AssertionError(f"no check for {fmt}: add one")


@pytest.mark.slow
async def test_every_format_from_the_screen_parses(home: Path) -> None:
    folder = sample_copy(home, judged=True)
    app = ScreenHost(lambda: GradeExport(folder, folder.name), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        count = 0
        for spec in EXPORT_FORMATS:
            count += 1
            if count > 1:
                app.push_screen(GradeExport(folder, folder.name), app.results.append)
            screen = await loaded(pilot, app)
            assert screen.options is not None
            if screen.options.reason(spec.name) is not None:  # e.g. no transcript yet
                formats = screen.query_one("#export-formats", OptionList)
                assert formats.get_option(spec.name).disabled
                assert spec.name in str(screen.query_one("#export-unavailable", Static).render())
                await pilot.press("escape")
                await pilot.pause()
                assert app.results.pop() is None
                count -= 1
                continue
            await choose(pilot, screen, spec.name)
            box = screen.query_one(Input)
            assert box.value == str(home / "exports" / f"{folder.name}.{spec.suffix}")
            await pilot.press("enter")
            path = await written(pilot, app, count)
            assert path == home / "exports" / f"{folder.name}.{spec.suffix}"
            check_parses(spec.name, path)
            assert path.stat().st_mode & 0o777 == 0o600
    assert verify(folder).ok  # nothing was added to the sealed record


async def test_verification_is_disabled_with_the_reason_without_a_judgement(home: Path) -> None:
    folder = sample_copy(home, judged=False)
    app = ScreenHost(lambda: GradeExport(folder, folder.name), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        formats = screen.query_one("#export-formats", OptionList)
        for name in ("verification", "verification-html"):
            assert formats.get_option(name).disabled
        assert not formats.get_option("eaf").disabled
        note = str(screen.query_one("#export-unavailable", Static).render())
        assert "verification, verification-html: no verification.jsonl yet" in note
        assert "verification.jsonl" in note
        await choose(pilot, screen, "eaf")
        await pilot.press("down")  # past the disabled ones, to the sample's transcript
        await pilot.pause()
        assert screen.fmt == "transcript"
        await pilot.press("up")
        await pilot.pause()
        assert screen.fmt == "eaf"
        await choose(pilot, screen, "transcript-vtt")
        await pilot.press("down")  # the last one: round to the first
        await pilot.pause()
        assert screen.fmt == "md"
    assert not (home / "exports" / f"{folder.name}.verification.md").exists()


@pytest.mark.ui_flow
async def test_an_existing_file_is_replaced_only_after_confirming(home: Path) -> None:
    folder = sample_copy(home, judged=False)
    target = home / "exports" / f"{folder.name}.vtt"
    target.parent.mkdir()
    target.write_text("keep me")
    app = ScreenHost(lambda: GradeExport(folder, folder.name), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        await choose(pilot, screen, "vtt")
        await pilot.press("enter")
        for _ in range(200):
            if isinstance(app.screen, ConfirmScreen):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert on_top(app) is screen and app.results == []
        assert "Not written" in status(screen) and str(target) in status(screen)
        assert target.read_text() == "keep me"
        await pilot.press("enter")
        for _ in range(200):
            if isinstance(app.screen, ConfirmScreen):
                break
            await pilot.pause(0.02)
        await pilot.press("y")
        assert await written(pilot, app, 1) == target
    assert webvtt.from_string(target.read_text(encoding="utf-8")).captions


@pytest.mark.ui_flow  # test-fast keeps a shorter one of this screen
async def test_refused_paths_are_one_line_and_nothing_is_written(home: Path) -> None:
    folder = sample_copy(home, judged=False)
    app = ScreenHost(lambda: GradeExport(folder, folder.name), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        await choose(pilot, screen, "srt")
        box = screen.query_one(Input)
        for path, said in (
            (str(folder / "audio" / "inside.srt"), "never written inside a session folder"),
            ("/dev/null", "exports are written only to regular files"),
            (str(home / "no-such" / "x.srt"), "no such folder"),
            (str(home), "is a folder: give a file name"),
            ("  ", "give a file name to export to"),
        ):
            box.value = path
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert said in status(screen) and "\n" not in status(screen).strip()
            assert screen.query_one("#export-status").has_class("error")
        assert app.results == []
    assert verify(folder).ok and not (folder / "audio" / "inside.srt").exists()


@pytest.mark.ui_flow
async def test_several_segments_pick_one_and_elan_needs_one(home: Path) -> None:
    record = build(home / "sessions", segments=2)
    record.close()
    folder = record.folder
    sid = folder.name
    app = ScreenHost(lambda: GradeExport(folder, sid), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        segments = screen.query_one("#export-segments", OptionList)
        assert not segments.display  # html: no segments
        await choose(pilot, screen, "vtt")
        assert segments.display and screen.segment is None  # the CLI's default: whole
        box = screen.query_one(Input)
        assert box.value.endswith(f"{sid}.vtt")
        segments.focus()
        await pilot.press("down", "down")  # whole → 1 → 2
        await pilot.pause()
        assert screen.segment == 2 and box.value.endswith(f"{sid}.segment-002.vtt")
        await pilot.press("enter")  # enter on the list: on to the file name
        await pilot.pause()
        assert screen.focused is box
        await pilot.press("enter")
        second = await written(pilot, app, 1)
        texts = [c.text for c in webvtt.read(str(second)).captions]
        assert texts == ["#5 [5A] In segment 2"]  # notes keep their record numbers
        # ELAN: the whole session cannot be chosen; segment 1 is the default
        app.push_screen(GradeExport(folder, sid), app.results.append)
        screen = await loaded(pilot, app)
        await choose(pilot, screen, "eaf")
        segments = screen.query_one("#export-segments", OptionList)
        assert segments.get_option("whole").disabled and screen.segment == 1
        assert screen.query_one(Input).value.endswith(f"{sid}.segment-001.eaf")
        await pilot.press("up")  # back to audacity: the whole session again
        await pilot.pause()
        assert screen.fmt == "audacity" and screen.segment is None
        await pilot.press("down")
        await pilot.pause()
        await pilot.press("enter")
        eaf_path = await written(pilot, app, 2)
    eaf = pympi.Elan.Eaf(str(eaf_path))
    assert eaf.get_linked_files()[0]["MEDIA_URL"].endswith("audio/segment-001.wav")
    assert verify(folder).ok


@pytest.mark.ui_flow
async def test_the_record_views_e_key_offers_every_format(home: Path) -> None:
    from ui_helpers import catalog

    sessions = sample_copy(home, judged=False).parent
    app = DiscussionApp(catalog(), home=sessions, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if getattr(app.screen, "rows", None):
                break
            await pilot.pause(0.02)
        await pilot.press("enter")
        for _ in range(200):
            view = app.screen
            if isinstance(view, RecordViewScreen) and view.report is not None:
                break
            await pilot.pause(0.02)
        await pilot.press("e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GradeExport)
        formats = screen.query_one("#export-formats", OptionList)
        assert [option.id for option in formats.options] == list(FORMAT_NAMES)


async def test_the_file_is_written_off_the_ui_thread_and_a_fault_is_one_line(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import discussion.export as export_package
    import discussion.ui.screens.grade_export as screen_module

    folder = sample_copy(home, judged=False)
    threads: list[threading.Thread] = []
    real_write = export_package.write_export

    def spy(text: str, path: Path, session_folder: Path | None = None, **kw: bool) -> Path:
        threads.append(threading.current_thread())
        return real_write(text, path, session_folder, **kw)

    monkeypatch.setattr(export_package, "write_export", spy)
    app = ScreenHost(lambda: GradeExport(folder, folder.name), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("enter")
        path = await written(pilot, app, 1)
        assert threads and threads[0] is not threading.main_thread()

        def broken(*_args: object, **_kw: object) -> str:
            raise RuntimeError("renderer fault")

        monkeypatch.setattr(screen_module, "render_export", broken)
        app.push_screen(GradeExport(folder, folder.name), app.results.append)
        screen = await loaded(pilot, app)
        screen.query_one(Input).value = str(home / "other.html")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = status(screen)
        assert "could not export (RuntimeError: renderer fault)" in said and "\n" not in said
        assert on_top(app) is screen
    assert path.is_file() and not (home / "other.html").exists()


async def test_enter_before_the_record_is_read_writes_once_it_is(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import discussion.ui.screens.grade_export as screen_module

    folder = sample_copy(home, judged=False)
    from discussion.export.formats import export_options as real

    gate = threading.Event()

    def slow(where: Path) -> ExportOptions:
        assert gate.wait(10)
        return real(where)

    monkeypatch.setattr(screen_module, "export_options", slow)
    app = ScreenHost(lambda: GradeExport(folder, folder.name), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GradeExport) and screen.options is None
        await pilot.press("enter")
        await pilot.pause()
        assert status(screen) == "Reading the record…" and app.results == []
        gate.set()
        path = await written(pilot, app, 1)
    assert path == home / "exports" / f"{folder.name}.html" and path.is_file()


async def test_a_folder_that_is_not_a_session_is_one_line(home: Path) -> None:
    folder = home / "not-a-session"
    folder.mkdir()
    app = ScreenHost(lambda: GradeExport(folder, folder.name), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            screen = app.screen
            if isinstance(screen, GradeExport) and screen.load_error is not None:
                break
            await pilot.pause(0.02)
        assert isinstance(screen, GradeExport)
        assert "is not a session folder" in status(screen)
        await pilot.press("enter")
        await pilot.pause()
        assert "is not a session folder" in status(screen) and app.results == []
    assert not (home / "exports" / "not-a-session.html").exists()
