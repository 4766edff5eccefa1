"""The deferred catalog: the standard and the bank load after the home screen's first frame."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import catalog

from discussion.bank import QuestionBank
from discussion.errors import UserError
from discussion.standard import Standard
from discussion.ui.app import DiscussionApp
from discussion.ui.catalog import Catalog
from discussion.ui.screens.home import HomeScreen


async def _until(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    """Let the app run until `done()` (a bound on the wait, not a timing check)."""
    for _ in range(200):
        if done():
            return
        await pilot.pause(0.05)


def test_a_deferred_catalog_loads_once_however_many_threads_ask() -> None:
    calls: list[str] = []
    real = catalog()

    def loader() -> tuple[Standard, QuestionBank]:
        calls.append(threading.current_thread().name)
        return real.standard, real.bank

    deferred = Catalog(loader=loader)
    assert calls == []  # nothing loaded until asked
    threads = [threading.Thread(target=deferred.preload) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert deferred.standard is real.standard
    assert deferred.bank is real.bank
    assert len(calls) == 1


def test_the_real_deferred_catalog_is_the_bundled_one() -> None:
    deferred = Catalog.deferred()
    assert deferred.bank.questions == catalog().bank.questions
    assert deferred.standard.component("discussion").criteria


def test_a_catalog_needs_data_or_a_loader() -> None:
    with pytest.raises(ValueError, match="loader"):
        Catalog(standard=catalog().standard)


async def test_the_app_loads_a_deferred_catalog_after_the_home_screen(tmp_path: Path) -> None:
    real = catalog()
    loaded = threading.Event()

    def loader() -> tuple[Standard, QuestionBank]:
        loaded.set()
        return real.standard, real.bank

    app = DiscussionApp(Catalog(loader=loader), home=tmp_path, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await _until(pilot, loaded.is_set)
        assert loaded.is_set()
        assert app.start_error is None


async def test_broken_bundled_data_stops_the_app_with_the_one_line_error(tmp_path: Path) -> None:
    def loader() -> tuple[Standard, QuestionBank]:
        raise UserError("rules.toml: max_attempts: must be a number; reinstall discussion")

    app = DiscussionApp(Catalog(loader=loader), home=tmp_path, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: app.start_error is not None)
    assert app.start_error is not None
    assert app.start_error.message.startswith("rules.toml: max_attempts")
    assert app.return_code == app.start_error.exit_code != 0


def test_run_app_prints_the_start_error_on_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from discussion.ui import app as app_module

    def stopped_by_broken_data(self: DiscussionApp) -> None:
        self.start_error = UserError("bank.yaml: q1: no text; reinstall discussion")

    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path))
    monkeypatch.setattr(app_module.DiscussionApp, "run", stopped_by_broken_data)
    status = app_module.run_app()
    assert status == UserError("x").exit_code != 0
    assert capsys.readouterr().err == (
        "discussion: error: bank.yaml: q1: no text; reinstall discussion\n"
    )
