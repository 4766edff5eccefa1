"""Command palette: jump to screens, criteria and questions by typing."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from discussion.ui.messages import BrowserRequested, NewDiscussionRequested


class AppCommands(Provider):
    """Commands available on every screen: start a discussion, open the browser."""

    def _commands(self) -> list[tuple[str, str, object]]:
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

    async def discover(self) -> Hits:
        """Shown before anything is typed."""
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        """Fuzzy-match the app commands."""
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)  # type: ignore[arg-type]


class BrowserCommands(Provider):
    """Criteria and questions of the bank, and the browser's own actions."""

    def _commands(self) -> list[tuple[str, str, object]]:
        # Imported here: the browser (Markdown, pygments) is not needed for the first frame.
        from discussion.ui.screens.browser import BrowserScreen

        screen = self.screen
        if not isinstance(screen, BrowserScreen):
            return []
        commands: list[tuple[str, str, object]] = [
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

    async def discover(self) -> Hits:
        """The screen-level commands, shown before anything is typed."""
        for name, help_text, callback in self._commands()[:3]:
            yield DiscoveryHit(name, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        """Fuzzy-match criteria, questions and actions."""
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = max(matcher.match(name), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)  # type: ignore[arg-type]


class DiscussionCommands(Provider):
    """On the discussion screen: jump to a criterion (its next question) or pick a question."""

    def _commands(self) -> list[tuple[str, str, object]]:
        # Imported here: commands.py is loaded before any screen (first frame).
        from discussion.ui.screens.discussion import DiscussionScreen

        screen = self.screen
        if not isinstance(screen, DiscussionScreen):
            return []
        commands: list[tuple[str, str, object]] = []
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

    async def search(self, query: str) -> Hits:
        """Fuzzy-match criteria (by id, e.g. `3B`) and questions (by id or words)."""
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = max(matcher.match(name), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)  # type: ignore[arg-type]
