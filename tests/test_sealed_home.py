"""A sealed record reopened by hand is never offered for resuming on the home screen (issue 10)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from screen_host import ScreenHost
from test_sealed_stays_sealed import SAMPLE, _append_note_after_closed
from test_ui_home import make_info, rows_shown, settle
from textual.content import Content
from textual.widgets import Static
from ui_helpers import catalog

from discussion.record import SessionRecord, list_sessions, verify
from discussion.ui.screens.confirm import ConfirmScreen
from discussion.ui.screens.home import HomeScreen


@pytest.fixture
def sessions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    folder = tmp_path / "sessions"
    shutil.copytree(SAMPLE, folder / SAMPLE.name)
    return folder


def _damage(folder: Path, how: str) -> None:
    log = folder / "events.jsonl"
    if how == "appended":
        _append_note_after_closed(folder)
    elif how == "newline stripped":
        log.write_bytes(log.read_bytes()[:-1])
    else:  # closed line deleted
        log.write_bytes(b"".join(log.read_bytes().splitlines(keepends=True)[:-1]))


@pytest.mark.parametrize("how", ["appended", "newline stripped", "closed line deleted"])
async def test_home_does_not_offer_to_resume_a_reopened_seal(sessions: Path, how: str) -> None:
    sample = sessions / SAMPLE.name
    _damage(sample, how)
    (summary,) = list_sessions(sessions)
    assert summary.status == "broken" and summary.problem is not None
    app = ScreenHost(lambda: HomeScreen(catalog(), sessions))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen), "offered to resume a sealed record"
        assert rows_shown(app)[0][1] == "broken"
        problem = str(app.screen.query_one("#home-problem", Static).render())
        assert "closed line" in problem


@pytest.mark.ui_flow
async def test_a_real_interruption_is_still_offered(sessions: Path) -> None:
    record = SessionRecord.create(make_info("Ivan", datetime(2026, 3, 4, 9, tzinfo=UTC)), sessions)
    record.release()  # killed: the lock file stays, no closed line
    app = ScreenHost(lambda: HomeScreen(catalog(), sessions))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Resume it now?" in str(app.screen.query_one("#confirm-body", Static).render())


async def test_the_record_view_shows_a_log_cut_short_in_red(sessions: Path) -> None:
    from test_issue8_record_view import wait_loaded

    from discussion.ui.screens.record_view import RecordViewScreen

    sample = sessions / SAMPLE.name
    log = sample / "events.jsonl"
    log.write_bytes(b"".join(log.read_bytes().splitlines(keepends=True)[:8]))
    (sample / "recorder.lock").write_text("99999\n")
    screen = RecordViewScreen(sample, catalog())
    app = ScreenHost(lambda: screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot, screen)
        bar = screen.query_one("#record-bar", Static).render()
        assert str(bar).startswith("NOT SEALED · intact so far, may be incomplete")
        assert isinstance(bar, Content)
        first = bar.spans[0]
        assert (first.start, first.end) == (0, len("NOT SEALED"))
        assert "ansi=1" in repr(first.style)  # red (ANSI colour 1), not the sealed green
        assert "Verification: intact so far, NOT SEALED: may be incomplete" in screen.plain_text
        # Its transcript names the seal the log lacks: it was sealed once, and says so in red.
        plain = str(bar)
        start = plain.index("WAS SEALED, CUT SHORT")
        assert any(
            span.start <= start < span.end and "ansi=1" in repr(span.style) for span in bar.spans
        )
        seal = verify(SAMPLE).seal_hash
        assert seal is not None
        assert f"transcript.json names seal {seal[:12]} of this session" in screen.plain_text
        assert "the record was sealed and has been cut short" in screen.plain_text


async def test_the_home_screen_does_not_offer_a_cut_short_sample_with_its_transcript(
    sessions: Path,
) -> None:
    """The first 8 lines and a lock, as an interruption looks, but its transcript is there."""
    sample = sessions / SAMPLE.name
    log = sample / "events.jsonl"
    log.write_bytes(b"".join(log.read_bytes().splitlines(keepends=True)[:8]))
    (sample / "recorder.lock").write_text("99999\n")
    (summary,) = list_sessions(sessions)
    assert summary.status == "broken"
    assert summary.problem is not None and "transcript.json is there" in summary.problem
    app = ScreenHost(lambda: HomeScreen(catalog(), sessions))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen), "offered to resume a sealed record"
        assert rows_shown(app)[0][1] == "broken"


async def test_r_on_a_record_whose_closed_line_was_set_aside_says_not_recovered(
    sessions: Path,
) -> None:
    """Reopened by an older version (closed line in events.torn-1.jsonl, a lock planted)."""
    sample = sessions / SAMPLE.name
    (sample / "transcript.json").unlink()  # this sign alone (a transcript is its own proof)
    log = sample / "events.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join(lines[:-1]))
    (sample / "events.torn-1.jsonl").write_bytes(lines[-1].rstrip(b"\n"))
    (sample / "recorder.lock").write_text("99999\n")
    app = ScreenHost(lambda: HomeScreen(catalog(), sessions, offer_recovery=False))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Not recovered: ") and "events.torn-1.jsonl" in m for m in messages)
        assert not any(m.startswith("Recovered") for m in messages), messages
    assert log.read_bytes() == b"".join(lines[:-1])  # nothing appended


@pytest.mark.ui_flow
async def test_the_app_refuses_to_resume_a_record_whose_closed_line_was_set_aside(
    sessions: Path,
) -> None:
    """Through the real app: Enter on the row asks to resume; the app says why it cannot."""
    from discussion.ui.app import DiscussionApp

    sample = sessions / SAMPLE.name
    (sample / "transcript.json").unlink()  # else the list already shows it broken (see below)
    log = sample / "events.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join(lines[:-1]))
    (sample / "events.torn-1.jsonl").write_bytes(lines[-1].rstrip(b"\n"))
    (sample / "recorder.lock").write_text("99999\n")
    app = DiscussionApp(catalog(), home=sessions, cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        if isinstance(app.screen, ConfirmScreen):  # the offer: accept it, as an assessor might
            await pilot.press("y")
        else:
            await pilot.press("enter")
        for _ in range(50):
            await pilot.pause(0.05)
            messages = [n.message for n in app._notifications]
            if any(m.startswith("Could not resume: ") for m in messages):
                break
        assert any(
            m.startswith("Could not resume: ") and "never reopened" in m for m in messages
        ), messages
        assert isinstance(app.screen, HomeScreen)
    assert log.read_bytes() == b"".join(lines[:-1])  # nothing appended, nothing set aside
    assert sorted(p.name for p in sample.glob("events.torn-*")) == ["events.torn-1.jsonl"]
