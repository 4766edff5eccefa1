"""The apprentice edition: a bank with the practice set only (issue 12).

The bank of the apprentice build is the practice folder with the header and lint settings; here
it is made by copying those from the bundled bank, as the build does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_inprocess import run_in_process
from textual.widgets import Static

from discussion.bank import load_bank
from discussion.edition import NO_ASSESSMENT_SET, edition, no_assessment_set
from discussion.paths import bundled_bank_dir
from discussion.standard import load_standard
from discussion.ui.app import DiscussionApp
from discussion.ui.catalog import Catalog
from discussion.ui.screens.confirm import ConfirmScreen
from discussion.ui.screens.home import HomeScreen
from discussion.ui.screens.mock_setup import MockSetupScreen


@pytest.fixture
def practice_bank(tmp_path: Path) -> Path:
    source = bundled_bank_dir()
    bank = tmp_path / "question_bank"
    shutil.copytree(source / "practice", bank / "practice")
    for name in ("bank.toml", "lint.toml"):
        shutil.copy(source / name, bank / name)
    return bank


def test_a_source_checkout_is_neither_edition_and_has_both_sets() -> None:
    assert edition() == "source"
    bank = load_bank(None, load_standard())
    assert no_assessment_set(bank) is None


def test_a_practice_only_bank_loads_and_says_why_no_live_discussion(practice_bank: Path) -> None:
    bank = load_bank(practice_bank, load_standard())
    assert bank.in_set("assessment") == []
    assert bank.in_set("practice")
    assert no_assessment_set(bank) == NO_ASSESSMENT_SET
    assert "apprentice edition" in NO_ASSESSMENT_SET and "assessor's edition" in NO_ASSESSMENT_SET


async def test_new_discussion_in_the_apprentice_edition_explains_instead_of_setting_up(
    practice_bank: Path, tmp_path: Path
) -> None:
    app = DiscussionApp(Catalog.load(practice_bank), home=tmp_path / "home", cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        body = str(app.screen.query_one("#confirm-body", Static).render())
        assert "No assessment question set is installed" in body
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.live is None
        await pilot.press("n", "y")  # "Practise": the mock's set-up instead
        for _ in range(100):
            if isinstance(app.screen, MockSetupScreen):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, MockSetupScreen)


def test_plan_and_bank_check_of_a_practice_only_bank(practice_bank: Path) -> None:
    check = run_in_process(["bank", "check", str(practice_bank)])
    assert check.returncode == 0, check.stderr
    assert "0 assessment" in check.stdout and "practice set only" in check.stdout
    plan = run_in_process(["plan", "--bank", str(practice_bank)])
    assert plan.returncode == 2
    assert plan.stderr.count("\n") == 1 and "No assessment question set is installed" in plan.stderr
