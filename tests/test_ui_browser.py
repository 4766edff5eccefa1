"""The standard and question-bank browser, driven by keys through Textual's Pilot."""

from __future__ import annotations

import pytest
from tests_support_text import markdown_text
from textual.widgets import Input, TabbedContent
from ui_helpers import make_app

from discussion.bank import Question
from discussion.ui.screens.browser import BrowserScreen
from discussion.ui.screens.help import HelpScreen
from discussion.ui.widgets.bank_tree import BankTree
from discussion.ui.widgets.criterion_detail import CriterionDetail
from discussion.ui.widgets.question_detail import QuestionDetail


async def test_opens_on_the_discussion_criteria() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        await pilot.press("down", "down")  # component, module, first criterion
        await pilot.pause()
        text = markdown_text(app.screen.query_one(CriterionDetail))
        assert "1A" in text
        assert "internal and external customers" in text


@pytest.mark.ui_flow
async def test_bank_tab_lists_questions_with_probes_and_look_fors() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert app.screen.query_one(TabbedContent).active == "bank"
        await pilot.press("enter", "down")  # open 1A, first question
        await pilot.pause()
        tree = app.screen.query_one(BankTree)
        node = tree.cursor_node
        assert node is not None and isinstance(node.data, Question)
        question = node.data
        text = markdown_text(app.screen.query_one(QuestionDetail))
        assert question.text.split()[0] in text
        assert "Probes" in text and "Look for" in text
        assert question.probes[0][:20] in text


@pytest.mark.ui_flow
async def test_set_filter_cycles_and_hides_the_other_set() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "s")
        await pilot.pause()
        tree = app.screen.query_one(BankTree)
        assert tree.set_filter == "assessment"
        shown = [leaf.data for node in tree.root.children for leaf in node.children]
        assert shown and all(isinstance(q, Question) and q.set == "assessment" for q in shown)
        await pilot.press("s")
        await pilot.pause()
        shown = [leaf.data for node in tree.root.children for leaf in node.children]
        assert shown and all(isinstance(q, Question) and q.set == "practice" for q in shown)
        await pilot.press("s")
        assert tree.set_filter == "all"


@pytest.mark.ui_flow
async def test_text_filter_narrows_the_tree_and_escape_clears_it() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        await pilot.press(*"equality")
        await pilot.pause()
        tree = app.screen.query_one(BankTree)
        shown = [leaf.data for node in tree.root.children for leaf in node.children]
        assert shown, "the bank has questions about equality law"
        total = len(app.screen.query_one(BankTree).bank.questions)
        assert len(shown) < total
        for question in shown:
            assert isinstance(question, Question)
            blob = " ".join([question.text, *question.probes, *question.look_fors]).lower()
            assert "equality" in blob
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#bank-filter", Input).value == ""


@pytest.mark.slow  # a long Pilot flow: make test runs it, test-fast keeps a shorter one
async def test_help_lists_the_screen_keys_and_closes() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = [row[0] for row in app.screen.bindings_text]
        assert "s" in keys and "f1" in keys
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)


@pytest.mark.slow  # a long Pilot flow: make test runs it, test-fast keeps a shorter one
async def test_command_palette_jumps_to_a_question() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Question D-3A-02")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        node = screen.query_one(BankTree).cursor_node
        assert node is not None and isinstance(node.data, Question)
        assert node.data.id == "D-3A-02"
