"""Command palette: jump to screens, criteria and questions by typing."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.fuzzy import Matcher

from discussion.ui.messages import BrowserRequested, NewDiscussionRequested

# (name, help, callback): what the palette lists, what it says under it, what Enter runs.
Command = tuple[str, str, Callable[[], object]]
# A match in the help text counts half a match in the name, so typing a command's own name
# puts it above one that only mentions the words (every provider scores this one way).
HELP_WEIGHT = 0.5


def command_score(matcher: Matcher, name: str, help_text: str) -> float:
    """How well the typed text matches a command: its name, or its help at `HELP_WEIGHT`."""
    return max(matcher.match(name), matcher.match(help_text) * HELP_WEIGHT)


class CommandList(Provider):
    """A palette provider over a list of commands (`commands()`); `discovered()` says which are
    shown before anything is typed (default: all)."""

    def commands(self) -> list[Command]:
        """The commands on offer now (none by default)."""
        return []

    def discovered(self) -> list[Command]:
        """The commands listed before anything is typed."""
        return self.commands()

    async def discover(self) -> Hits:
        """Shown before anything is typed."""
        for name, help_text, callback in self.discovered():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Fuzzy-match the commands' names and help (`command_score`)."""
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = command_score(matcher, name, help_text)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class AppCommands(CommandList):
    """Commands available on every screen: start a discussion, open the browser."""

    def commands(self) -> list[Command]:
        """New discussion, the browser, help."""
        app = self.app
        return [
            (
                "New discussion",
                "Set up and record a new Professional Discussion",
                partial(app.post_message, NewDiscussionRequested()),
            ),
            (
                "Browse the standard and question bank",
                "Criteria, questions, probes, look-fors",
                partial(app.post_message, BrowserRequested()),
            ),
            ("Help", "Keys of this screen", app.action_help),  # type: ignore[attr-defined]
        ]


class BrowserCommands(CommandList):
    """Criteria and questions of the bank, and the browser's own actions."""

    def commands(self) -> list[Command]:
        """The browser's tabs and set, every criterion and every question shown."""
        # Imported here: the browser (Markdown, pygments) is not needed for the first frame.
        from discussion.ui.screens.browser import BrowserScreen

        screen = self.screen
        if not isinstance(screen, BrowserScreen):
            return []
        commands: list[Command] = [
            (
                "Show the standard",
                "Grade criteria of the three components",
                partial(screen.action_show_tab, "standard"),
            ),
            (
                "Show the question bank",
                "Questions by criterion",
                partial(screen.action_show_tab, "bank"),
            ),
            (
                "Cycle question set",
                "All, assessment or practice questions",
                screen.action_cycle_set,
            ),
        ]
        for criterion in screen.discussion.criteria:
            commands.append(
                (
                    f"Criterion {criterion.id}",
                    criterion.text,
                    partial(screen.select_criterion, criterion.id),
                )
            )
        for question in screen.catalog.bank.questions:
            if question.set in screen.sets:
                commands.append(
                    (
                        f"Question {question.id}",
                        question.text,
                        partial(screen.select_question, question.id),
                    )
                )
        return commands

    def discovered(self) -> list[Command]:
        """The screen-level commands (not every criterion and question)."""
        return self.commands()[:3]


class DiscussionCommands(CommandList):
    """On the discussion screen: jump to a criterion (its next question) or pick a question
    (typed by id, e.g. `3B`, or by words of its text)."""

    def commands(self) -> list[Command]:
        """Every criterion of the component and every assessment question."""
        # Imported here: commands.py is loaded before any screen (first frame).
        from discussion.ui.screens.discussion import DiscussionScreen

        screen = self.screen
        if not isinstance(screen, DiscussionScreen):
            return []
        commands: list[Command] = []
        for criterion in screen.component.criteria:
            commands.append(
                (
                    f"Criterion {criterion.id}",
                    f"Its next question · {criterion.text}",
                    partial(screen.jump_to_criterion, criterion.id),
                )
            )
        for question in screen.catalog.bank.questions:
            if question.set == "assessment":
                commands.append(
                    (
                        f"Question {question.id}",
                        question.text,
                        partial(screen.pick_question, question.id),
                    )
                )
        return commands
