"""Browse the standard by component and the question bank by criterion and set."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, TabbedContent, TabPane, Tree

from discussion.bank import Question
from discussion.standard import Component, Criterion
from discussion.ui.catalog import Catalog
from discussion.ui.widgets.bank_tree import SETS, BankTree
from discussion.ui.widgets.criterion_detail import CriterionDetail
from discussion.ui.widgets.question_detail import QuestionDetail
from discussion.ui.widgets.screen_header import ScreenHeader
from discussion.ui.widgets.standard_tree import StandardTree


class BrowserScreen(Screen[None]):
    """The standard and the bank, side by side with full detail."""

    TITLE = "Standard and question bank"

    BINDINGS = [
        Binding(
            "1",
            "show_tab('standard')",
            "Standard",
            id="browser.standard",
            tooltip="Browse the grade criteria of the three components",
        ),
        Binding(
            "2",
            "show_tab('bank')",
            "Questions",
            id="browser.bank",
            tooltip="Browse the question bank by criterion",
        ),
        Binding(
            "s",
            "cycle_set",
            "Set",
            id="browser.cycle_set",
            tooltip="Show all questions, only the assessment set or only the practice set",
        ),
        Binding(
            "slash",
            "focus_filter",
            "Filter",
            id="browser.filter",
            tooltip="Filter questions by words in their text, probes or look-fors",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            id="browser.back",
            tooltip="Back to the screen before (in the filter box: clear the filter first)",
        ),
    ]

    DEFAULT_CSS = """
    BrowserScreen #bank-bar { height: 1; }
    BrowserScreen #bank-bar Label { width: auto; padding: 0 1; }
    BrowserScreen #bank-filter { border: none; height: 1; width: 1fr; padding: 0 1; }
    BrowserScreen #bank-filter:focus { background: $boost; }
    BrowserScreen .detail { width: 1fr; height: 1fr; }
    """

    def __init__(
        self, catalog: Catalog, *, sets: tuple[str, ...] = ("assessment", "practice")
    ) -> None:
        super().__init__()
        self.catalog = catalog
        self.sets = sets
        self.discussion = catalog.standard.component("discussion")
        self._set_filter = "all"

    def compose(self) -> ComposeResult:
        yield ScreenHeader()
        with TabbedContent(initial="standard"):
            with TabPane("Standard", id="standard"), Horizontal():
                yield StandardTree(self.catalog.standard, id="standard-tree")
                with VerticalScroll(classes="detail"):
                    yield CriterionDetail(id="criterion-detail")
            with TabPane("Questions", id="bank"), Vertical():
                with Horizontal(id="bank-bar"):
                    yield Label(self._set_label(), id="set-label")
                    yield Input(placeholder="/ to filter questions", id="bank-filter")
                with Horizontal():
                    yield BankTree(
                        self.catalog.bank, self.discussion, sets=self.sets, id="bank-tree"
                    )
                    with VerticalScroll(classes="detail"):
                        yield QuestionDetail(id="question-detail")
        yield Footer(compact=True)  # every key fits at 80 columns

    def on_mount(self) -> None:
        """Start on the discussion component's summary."""
        self.query_one(CriterionDetail).show_component(self.discussion)
        self.query_one(QuestionDetail).show_criterion(
            self.discussion, self.catalog.bank, self.discussion.criteria[0].id
        )
        self.query_one("#standard-tree").focus()

    def _set_label(self) -> str:
        return f"Set: {self._set_filter}"

    @on(Tree.NodeHighlighted, "#standard-tree")
    def _standard_node(self, event: Tree.NodeHighlighted[Criterion | Component]) -> None:
        data = event.node.data
        detail = self.query_one(CriterionDetail)
        if isinstance(data, Component):
            detail.show_component(data)
        elif data is not None:
            parent = event.node.parent
            while parent is not None and not isinstance(parent.data, Component):
                parent = parent.parent
            if parent is not None and isinstance(parent.data, Component):
                detail.show_criterion(parent.data, data)

    @on(Tree.NodeHighlighted, "#bank-tree")
    def _bank_node(self, event: Tree.NodeHighlighted[Question | str]) -> None:
        data = event.node.data
        detail = self.query_one(QuestionDetail)
        if isinstance(data, str):
            detail.show_criterion(self.discussion, self.catalog.bank, data)
        elif data is not None:
            detail.show_question(data)

    @on(Input.Changed, "#bank-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        tree = self.query_one(BankTree)
        tree.text_filter = event.value.strip()
        tree.rebuild()

    @on(Input.Submitted, "#bank-filter")
    def _filter_submitted(self) -> None:
        self.query_one(BankTree).focus()

    def action_show_tab(self, tab: str) -> None:
        """Switch between the standard and the bank."""
        self.query_one(TabbedContent).active = tab
        self.query_one("#standard-tree" if tab == "standard" else "#bank-tree").focus()

    def action_cycle_set(self) -> None:
        """All → assessment → practice → all, limited to the sets this user may see."""
        tree = self.query_one(BankTree)
        choices = [s for s in SETS if s == "all" or s in self.sets]
        tree.set_filter = choices[(choices.index(tree.set_filter) + 1) % len(choices)]
        self._set_filter = tree.set_filter
        self.query_one("#set-label", Label).update(self._set_label())
        tree.rebuild()
        self.action_show_tab("bank")

    def action_focus_filter(self) -> None:
        """Jump to the filter box on the bank tab."""
        self.query_one(TabbedContent).active = "bank"
        self.query_one("#bank-filter").focus()

    def action_back(self) -> None:
        """Clear the filter if it is in use, else go back to the screen the browser opened on."""
        box = self.query_one("#bank-filter", Input)
        if box.has_focus or box.value:
            self.action_clear_filter()
        elif len(self.app.screen_stack) > 2:  # the app's blank base screen, something, this
            self.app.pop_screen()
        else:
            self.notify("Nothing to go back to: ctrl+q leaves the app.")

    def action_clear_filter(self) -> None:
        """Empty the filter box and return to the tree."""
        box = self.query_one("#bank-filter", Input)
        if box.value:
            box.value = ""
        self.query_one(BankTree).focus()

    def select_criterion(self, criterion_id: str) -> None:
        """Open the bank on one criterion (used by the command palette)."""
        self.action_show_tab("bank")
        tree = self.query_one(BankTree)
        for node in tree.root.children:
            if node.data == criterion_id:
                node.expand()
                tree.move_cursor(node)
                break

    def select_question(self, question_id: str) -> None:
        """Open the bank on one question (used by the command palette)."""
        question = self.catalog.bank.get(question_id)
        if question is None:
            return
        self.select_criterion(question.criteria[0])
        tree = self.query_one(BankTree)
        for node in tree.root.children:
            for leaf in node.children:
                if isinstance(leaf.data, Question) and leaf.data.id == question_id:
                    node.expand()
                    tree.move_cursor(leaf)
                    return
