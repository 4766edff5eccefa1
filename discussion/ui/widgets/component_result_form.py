"""Entry of another component's result: attempt, criteria achieved and (observation) modes.

An observation result starts with the modes observed: only the criteria that apply to the modes
ticked are offered (P11 only when non-face-to-face was observed), in the wording of the mode when
one was, and nothing can be ticked or saved before a mode is.

The form shows one attempt at a time. Changing the attempt of an untouched form shows what is
saved for that attempt; changing it while ticks are unsaved keeps them (the entry is being
typed for that attempt). Nothing is written here: the screen saves `entry()` on request.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Checkbox, Label, RadioButton, RadioSet, SelectionList, Static
from textual.widgets.selection_list import Selection

from discussion.record import ComponentResultData
from discussion.standard import Component, Criterion, load_standard
from discussion.ui.widgets.toggles import Choice, Tick

PROMPT_WIDTH = 68


def criterion_prompt(criterion: Criterion, modes: frozenset[str] = frozenset()) -> Text:
    """One line: id, level and the wording cut to fit (mode limits said in brackets).

    With one mode observed, a criterion worded per mode shows that mode's wording.
    """
    level = "dist" if criterion.level == "distinction" else "pass"
    wording = criterion.text
    only = next(iter(modes)) if len(modes) == 1 else None
    own = next((w.text for w in criterion.wordings if w.mode == only), None)
    if own is not None:
        wording = own
    elif criterion.modes:
        wording = f"({' / '.join(criterion.modes)} only) {wording}"
    room = PROMPT_WIDTH - 10
    if len(wording) > room:
        wording = wording[: room - 1].rstrip() + "…"
    style = "bold" if criterion.level == "distinction" else ""
    return Text.assemble((f"{criterion.id:<4}", "bold"), (f"{level:<5} ", style), wording)


class ComponentResultForm(Vertical):
    """The Showcase or Observation result being entered (or, read-only, as saved)."""

    DEFAULT_CSS = """
    ComponentResultForm { height: 1fr; }
    ComponentResultForm .form-bar { height: 1; margin-bottom: 0; }
    ComponentResultForm .form-bar Label { width: auto; padding: 0 1 0 0; }
    ComponentResultForm RadioSet { layout: horizontal; border: none; height: 1; width: auto;
        padding: 0; background: transparent; }
    ComponentResultForm RadioSet:focus-within { background: $boost; }
    ComponentResultForm RadioSet > RadioButton { padding: 0 1 0 0; width: auto;
        background: transparent; }
    ComponentResultForm Checkbox { border: none; height: 1; padding: 0 1 0 0; width: auto;
        background: transparent; }
    ComponentResultForm Checkbox:focus { background: $boost; }
    ComponentResultForm SelectionList { height: 1fr; }
    ComponentResultForm .form-status { height: 1; padding: 0 1; }
    ComponentResultForm .form-status.unsaved { background: $warning 30%; }
    ComponentResultForm .form-status.error { background: $error 40%; }
    """

    class Changed(Message):
        """The entry shown in the form changed (by the assessor or by loading)."""

        def __init__(self, form: ComponentResultForm) -> None:
            super().__init__()
            self.form = form

    def __init__(
        self,
        component: Component,
        saved: list[ComponentResultData],
        max_attempts: int | None = None,
        *,
        read_only: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.component = component
        # The standard's rules (rules.toml max_attempts) unless the caller passes them.
        self.max_attempts = max_attempts or load_standard().rules.max_attempts
        self.read_only = read_only
        self.saved: dict[int, ComponentResultData] = {}
        self.attempt = 1
        self.baseline: ComponentResultData | None = None
        self._error: str | None = None
        self._set_saved(saved)
        latest = max(self.saved, default=None)
        if latest is not None:
            self.attempt, self.baseline = latest, self.saved[latest]

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        cid = self.component.id
        shown = self.baseline
        with Horizontal(classes="form-bar"):
            yield Label("Attempt")
            with RadioSet(id=f"{cid}-attempt", disabled=self.read_only):
                for n in range(1, self.max_attempts + 1):
                    yield Choice(str(n), value=n == self.attempt)
        if self.component.observation_modes:
            with Horizontal(classes="form-bar"):
                yield Label("Modes observed")
                for mode in self.component.observation_modes:
                    yield Tick(
                        mode,
                        value=bool(shown and mode in shown.modes),
                        id=f"{cid}-mode-{mode}",
                        disabled=self.read_only,
                    )
        achieved = set(shown.achieved) if shown else set()
        modes = frozenset(shown.modes) if shown else frozenset()
        yield SelectionList[str](
            *self._selections(modes, achieved), id=f"{cid}-criteria", disabled=self.read_only
        )
        yield Static(id=f"{cid}-status", classes="form-status")

    def on_mount(self) -> None:
        """Say what the form holds."""
        self._show_status()

    # ------------------------------------------------------------------ reading
    @property
    def criteria_list(self) -> SelectionList[str]:
        """The criteria achieved, as ticks."""
        return self.query_one(f"#{self.component.id}-criteria", SelectionList)

    def modes(self) -> list[str]:
        """The observation modes ticked (in the standard's order)."""
        return [
            mode
            for mode in self.component.observation_modes
            if self.query_one(f"#{self.component.id}-mode-{mode}", Checkbox).value
        ]

    @property
    def needs_modes(self) -> bool:
        """An observation result with no mode observed ticked yet."""
        return bool(self.component.observation_modes) and not self.modes()

    def offered(self, modes: frozenset[str], achieved: set[str]) -> list[Criterion]:
        """The criteria to offer when `modes` are ticked: those that apply to them; with no
        mode ticked (observation), none but any already achieved (an older record's)."""
        if not self.component.observation_modes:
            return list(self.component.criteria)
        if not modes:
            return [c for c in self.component.criteria if c.id in achieved]
        return [c for c in self.component.criteria if c.applies(modes)]

    def problem(self) -> str | None:
        """Why the entry cannot be saved as it stands (None: it can be checked and saved)."""
        if self.needs_modes:
            return "tick the modes observed first (f face-to-face, v non-face-to-face)"
        return None

    def achieved(self) -> list[str]:
        """The criteria ticked, in the standard's order."""
        ticked = set(self.criteria_list.selected)
        return [c.id for c in self.component.criteria if c.id in ticked]

    def entry(self) -> ComponentResultData:
        """What the form says now, as the event to save."""
        return ComponentResultData(
            component=self.component.id,
            attempt=self.attempt,
            achieved=self.achieved(),
            modes=self.modes(),
        )

    @property
    def touched(self) -> bool:
        """True when the form differs from what is saved for its attempt (or from blank)."""
        if self.read_only:
            return False
        now = self.entry()
        if self.baseline is None:
            return bool(now.achieved or now.modes)
        return (sorted(now.achieved), sorted(now.modes)) != (
            sorted(self.baseline.achieved),
            sorted(self.baseline.modes),
        )

    def draft(self) -> ComponentResultData | None:
        """The unsaved entry, or None when the form shows what is saved (or nothing)."""
        return self.entry() if self.touched else None

    def label(self) -> str:
        """`Practical Observation attempt 2`."""
        return f"{self.component.name} attempt {self.attempt}"

    # ------------------------------------------------------------------ changing
    def set_attempt(self, attempt: int) -> None:
        """Show `attempt`: its saved entry when the form is untouched, else keep the ticks.

        Read-only forms can still be switched between the attempts saved.
        """
        if not 1 <= attempt <= self.max_attempts:
            return
        keep = self.touched
        self.attempt = attempt
        self.baseline = self.saved.get(attempt)
        if not keep:
            self._apply(self.baseline)
        radio = self.query_one(RadioSet)
        buttons = list(radio.query(RadioButton))
        if not buttons[attempt - 1].value:
            buttons[attempt - 1].value = True
        self._error = None
        self._changed()

    def tick_all_pass(self) -> None:
        """Tick every pass criterion that applies to the modes ticked."""
        if self.read_only:
            return
        if self.needs_modes:  # "all" would include criteria of modes never observed (P11)
            self.show_error(self.problem() or "")
            return
        modes = set(self.modes()) or None
        for criterion in self.component.pass_criteria(modes):
            self.criteria_list.select(criterion.id)
        self._changed()

    def toggle_mode(self, mode: str) -> None:
        """Tick or untick an observation mode."""
        if self.read_only or mode not in self.component.observation_modes:
            return
        self.query_one(f"#{self.component.id}-mode-{mode}", Checkbox).toggle()

    def load(self, saved: list[ComponentResultData]) -> None:
        """New saved results (after a save or an import); an untouched form shows them."""
        keep = self.touched
        self._set_saved(saved)
        if not keep:
            latest = max(self.saved, default=None)
            if latest is not None and latest != self.attempt:
                self.set_attempt(latest)
                return
            self.baseline = self.saved.get(self.attempt)
            self._apply(self.baseline)
        else:
            self.baseline = self.saved.get(self.attempt)
        self._error = None
        self._changed()

    def show_error(self, message: str) -> None:
        """Show why the entry was not saved (kept until the next change)."""
        self._error = message
        self._show_status()

    # ------------------------------------------------------------------ internals
    def _set_saved(self, saved: list[ComponentResultData]) -> None:
        self.saved = {r.attempt: r for r in saved if r.component == self.component.id}

    def _apply(self, result: ComponentResultData | None) -> None:
        achieved = set(result.achieved) if result else set()
        for mode in self.component.observation_modes:
            box = self.query_one(f"#{self.component.id}-mode-{mode}", Checkbox)
            box.value = bool(result and mode in result.modes)
        self._offer(frozenset(result.modes) if result else frozenset(), achieved)

    def _selections(self, modes: frozenset[str], achieved: set[str]) -> list[Selection[str]]:
        return [
            Selection(criterion_prompt(c, modes), c.id, c.id in achieved)
            for c in self.offered(modes, achieved)
        ]

    def _offer(self, modes: frozenset[str], achieved: set[str]) -> None:
        """Offer the criteria of `modes`, keeping the ticks of those still offered."""
        selection = self.criteria_list
        wanted = self._selections(modes, achieved)
        shown = [selection.get_option_at_index(i) for i in range(selection.option_count)]
        if [(o.id, str(o.prompt)) for o in shown] == [(w.id, str(w.prompt)) for w in wanted]:
            for item in wanted:  # same rows: only the ticks change
                (selection.select if item.initial_state else selection.deselect)(item.value)
            return
        highlighted = selection.highlighted
        selection.clear_options()
        selection.add_options(wanted)
        if wanted:
            selection.highlighted = min(highlighted or 0, len(wanted) - 1)

    def _changed(self) -> None:
        self._show_status()
        self.post_message(self.Changed(self))

    def _show_status(self) -> None:
        status = self.query_one(f"#{self.component.id}-status", Static)
        status.set_class(False, "unsaved", "error")
        ticked = len(self.achieved())
        total = self.criteria_list.option_count  # the criteria offered for the modes ticked
        if self._error:
            status.update(Text(f"Not saved: {self._error}"))
            status.add_class("error")
        elif self.needs_modes and not self.read_only:
            status.update(
                "First tick the modes observed (f face-to-face, v non-face-to-face): "
                "their criteria are then offered"
            )
            status.add_class("unsaved")
        elif self.touched:
            status.update(
                f"NOT SAVED: attempt {self.attempt}, {ticked}/{total} ticked · ctrl+r saves"
            )
            status.add_class("unsaved")
        elif self.baseline is not None:
            status.update(f"Saved: attempt {self.attempt}, {ticked} of {total} achieved")
        elif self.read_only:
            status.update(f"Attempt {self.attempt}: nothing recorded")
        else:
            status.update(f"Attempt {self.attempt}: nothing entered · tick what was achieved")

    @on(RadioSet.Changed)
    def _attempt_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        attempt = event.index + 1
        if attempt != self.attempt:
            self.set_attempt(attempt)

    @on(Checkbox.Changed)
    def _mode_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._error = None
        self._offer(frozenset(self.modes()), set(self.criteria_list.selected))
        self._changed()

    @on(SelectionList.SelectedChanged)
    def _ticks_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        self._error = None
        self._changed()
