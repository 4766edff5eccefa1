"""Set-up's arrangements block: the employer's agreement to the mode (required) and the
reasonable adjustments in place (any, or none), from the standard's conduct data."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from discussion.standard.conduct import Adjustment, Conduct
from discussion.ui.widgets.checklist import WrappingCheckbox
from discussion.ui.widgets.toggles import TickList

AGREEMENT = "mode agreed with the employer"
# Kept short enough for the record (setup_confirmed's mode_agreed_by is at most 200 characters).
NAME_MAX = 200
DETAIL_MAX = 200


class ArrangementsForm(Vertical):
    """The employer's agreement (a tick and who agreed) and the adjustments (a tick list, with
    a description for those that need one). `missing()` names what stops the start."""

    DEFAULT_CSS = """
    ArrangementsForm { height: auto; }
    ArrangementsForm > .arrangements--title { text-style: bold; margin-top: 1; color: $accent; }
    ArrangementsForm > .arrangements--hint { color: $text-muted; }
    ArrangementsForm > Checkbox {
        width: 1fr; height: auto; border: none; padding: 0 0 0 1; background: transparent;
    }
    ArrangementsForm > Checkbox:focus { border: none; background: $boost; }
    ArrangementsForm > Horizontal { height: auto; }
    ArrangementsForm .label { width: 14; padding: 0 1 0 0; }
    ArrangementsForm #adjustments { height: auto; border: none; padding: 0; }
    ArrangementsForm #adjustments:focus { border: none; background: $boost; }
    ArrangementsForm #adjustment-notes { color: $warning; padding: 0 0 0 1; height: auto; }
    """

    def __init__(self, conduct: Conduct, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.conduct = conduct

    def compose(self) -> ComposeResult:
        yield Label("Arrangements", classes="arrangements--title")
        yield WrappingCheckbox(self.conduct.mode_agreement, id="mode-agreed")
        with Horizontal():
            yield Label("Agreed by", classes="label")
            yield Input(
                placeholder=self.conduct.mode_agreement_by, id="mode-agreed-by", max_length=NAME_MAX
            )
        yield Label(
            "Reasonable adjustments in place (space ticks; leave all unticked for none):",
            classes="arrangements--hint",
        )
        yield TickList(
            *[Selection(a.label, index) for index, a in enumerate(self.conduct.adjustments)],
            id="adjustments",
        )
        with Horizontal():
            yield Label("Describe", classes="label")
            yield Input(
                placeholder="the other adjustment, e.g. large-print question cards",
                id="adjustment-detail",
                disabled=True,
                max_length=DETAIL_MAX,
            )
        yield Static("", id="adjustment-notes")

    # ------------------------------------------------------------------ reading
    def _ticked(self) -> list[Adjustment]:
        selected = set(self.query_one("#adjustments", TickList).selected)
        return [a for index, a in enumerate(self.conduct.adjustments) if index in selected]

    def _detail(self) -> str:
        return self.query_one("#adjustment-detail", Input).value.strip()

    @property
    def agreed_by(self) -> str:
        """Who agreed the mode for the employer ("" until ticked and named)."""
        if not self.query_one("#mode-agreed", WrappingCheckbox).value:
            return ""
        return self.query_one("#mode-agreed-by", Input).value.strip()

    def adjustments(self) -> list[str]:
        """The adjustments ticked, as the record words them."""
        return [a.recorded(self._detail() if a.detail else "") for a in self._ticked()]

    def missing(self) -> list[str]:
        """What stops the start, in the block's order."""
        problems = []
        ticked = self.query_one("#mode-agreed", WrappingCheckbox).value
        named = bool(self.query_one("#mode-agreed-by", Input).value.strip())
        if not (ticked or named):
            problems.append(f"{AGREEMENT}: tick it once agreed and name who agreed")
        elif not ticked:
            problems.append(f"{AGREEMENT}: tick it once agreed")
        elif not named:
            problems.append(f"{AGREEMENT}: name who agreed it for the employer")
        for adjustment in self._ticked():
            if adjustment.detail and not self._detail():
                problems.append(f"adjustment {adjustment.label!r}: describe it")
        return problems

    def first_problem(self) -> Widget | None:
        """The field to fix first, or None."""
        if not self.query_one("#mode-agreed", WrappingCheckbox).value:
            return self.query_one("#mode-agreed")
        if not self.query_one("#mode-agreed-by", Input).value.strip():
            return self.query_one("#mode-agreed-by")
        if any(a.detail for a in self._ticked()) and not self._detail():
            return self.query_one("#adjustment-detail")
        return None

    # ------------------------------------------------------------------ writing
    def fill(self, agreed_by: str, adjustments: tuple[str, ...] | list[str]) -> None:
        """Show a set-up's arrangements again (back from consent)."""
        self.query_one("#mode-agreed", WrappingCheckbox).value = bool(agreed_by)
        self.query_one("#mode-agreed-by", Input).value = agreed_by
        ticks = self.query_one("#adjustments", TickList)
        for index, adjustment in enumerate(self.conduct.adjustments):
            for recorded in adjustments:
                if recorded == adjustment.label or recorded.startswith(adjustment.label + ": "):
                    ticks.select(index)
                    if adjustment.detail:
                        detail = recorded.removeprefix(adjustment.label).removeprefix(": ")
                        self.query_one("#adjustment-detail", Input).value = detail
        self._adjustments_changed()

    @on(SelectionList.SelectedChanged, "#adjustments")
    def _adjustments_changed(self) -> None:
        """A description only where one is asked for; notes of what is ticked shown below."""
        ticked = self._ticked()
        self.query_one("#adjustment-detail", Input).disabled = not any(a.detail for a in ticked)
        notes = [f"⚠ {a.label}: {a.note}" for a in ticked if a.note]
        self.query_one("#adjustment-notes", Static).update("\n".join(notes))
