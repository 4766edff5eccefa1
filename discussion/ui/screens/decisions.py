"""After the discussion: decide each criterion, met or not met, with a rationale and its notes."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from discussion.arrangements import adjustments_in_place
from discussion.live import LiveSession
from discussion.notes import format_clock
from discussion.record import RecordWriteError, SessionState
from discussion.standard import Standard
from discussion.ui.widgets.criteria_board import status_text
from discussion.ui.widgets.toggles import TickList


class DecisionsScreen(Screen[bool]):
    """Dismisses with True to go on to the grade (every criterion decided), False to go back."""

    BINDINGS = [
        Binding(
            "f2,ctrl+y",
            "decide(True)",
            "Met",
            id="decisions.met",
            tooltip="Decide the selected criterion is met, resting on the ticked notes",
        ),
        Binding(
            "f3,ctrl+n",
            "decide(False)",
            "Not met",
            id="decisions.not_met",
            tooltip="Decide the selected criterion is not met",
        ),
        Binding(
            "f4,ctrl+l",
            "toggle_all_notes",
            "All notes",
            id="decisions.all_notes",
            tooltip="Show every note, not only those tagged with this criterion",
        ),
        Binding(
            "f10,ctrl+s",
            "to_grade",
            "Grade",
            id="decisions.grade",
            tooltip="Go on to the other components and the overall grade",
        ),
    ]

    DEFAULT_CSS = """
    DecisionsScreen #criteria { width: 30; height: 1fr; }
    DecisionsScreen #detail { width: 1fr; height: 1fr; padding: 0 1; }
    DecisionsScreen #wording { height: auto; max-height: 4; }
    /* Wrapped, not cut: at 80 columns the assessor must read the whole note to rest on it. */
    DecisionsScreen #notes { height: 1fr; text-wrap: wrap; text-overflow: fold; }
    DecisionsScreen #rationale { height: 3; }
    DecisionsScreen #progress { height: 1; padding: 0 1; background: $panel; }
    """

    def __init__(self, live: LiveSession, standard: Standard) -> None:
        super().__init__()
        self.live = live
        self.component = standard.component("discussion")
        self.state: SessionState = live.state()  # updated in place, event by event
        self.selected = self.component.criteria[0].id
        self.all_notes = False
        # A second reassessment: distinction criteria are decided but do not count (rules.toml).
        attempt = self.state.info.attempt
        self.capped_note = (
            ""
            if attempt in standard.rules.distinction_counts_on_attempts
            else f"⚠ Attempt {attempt}: distinctions will not count"
        )

    def compose(self) -> ComposeResult:
        yield Static(id="progress")
        with Horizontal():
            yield OptionList(id="criteria")
            with Vertical(id="detail"):
                yield Static(id="wording")
                yield TickList(id="notes")
                yield Input(
                    placeholder="rationale: why it is met or not met (required)", id="rationale"
                )
        yield Footer()

    def on_mount(self) -> None:
        """Start on the first undecided criterion."""
        self._refresh_criteria()
        undecided = self._undecided()
        self._select(undecided[0] if undecided else self.selected)
        self._highlight(self.selected)
        self.query_one("#rationale", Input).focus()
        adjustments = adjustments_in_place(self.live.record.events)
        if adjustments:  # recorded at set-up: context for the decisions
            self.notify("; ".join(adjustments), title="Adjustments in place", timeout=20)

    def _highlight(self, criterion_id: str) -> None:
        ids = [c.id for c in self.component.criteria]
        self.query_one("#criteria", OptionList).highlighted = ids.index(criterion_id)

    # ------------------------------------------------------------------ drawing
    def _undecided(self) -> list[str]:
        return [
            c.id
            for c in self.component.criteria
            if (e := self.state.criteria.get(c.id)) is None or e.decision is None
        ]

    def _refresh_criteria(self) -> None:
        self.state = self.live.state()
        options = []
        for criterion in self.component.criteria:
            evidence = self.state.criteria.get(criterion.id)
            count = evidence.note_count if evidence else 0
            decision = evidence.decision if evidence else None
            status = (
                "—"
                if decision is None
                else ("[green]met[/]" if decision.met else "[red]not met[/]")
            )
            level = "D" if criterion.level == "distinction" else "P"
            options.append(
                Option(
                    f"{criterion.id} {level} {count:>2} {'note ' if count == 1 else 'notes'}"
                    f"  {status}",
                    id=criterion.id,
                )
            )
        option_list = self.query_one("#criteria", OptionList)
        highlighted = option_list.highlighted
        option_list.clear_options()
        option_list.add_options(options)
        if highlighted is not None:
            option_list.highlighted = highlighted
        left = len(self._undecided())
        progress = (
            f"{left} of {len(self.component.criteria)} criteria still to decide"
            if left
            else "Every criterion decided: F10 for the grade"
        )
        if self.capped_note:
            progress += f" · {self.capped_note}"
        self.query_one("#progress", Static).update(progress)

    def _select(self, criterion_id: str) -> None:
        self.selected = criterion_id
        criterion = self.component.criterion(criterion_id)
        if criterion is None:
            return
        evidence = self.state.criteria.get(criterion_id)
        decision = evidence.decision if evidence else None
        level = "Distinction" if criterion.level == "distinction" else "Pass"
        if criterion.level == "distinction" and self.capped_note:
            level += ", will not count on this attempt"
        verdict = ""
        if decision is not None:
            verdict = f"\nDecided: {'MET' if decision.met else 'NOT MET'} · {decision.rationale}"
        if criterion_id in self.state.statuses:  # the assessor's own mark during the discussion
            marked = status_text(self.state.status_of(criterion_id))
            verdict = f"\nMarked during the discussion: {marked}{verdict}"
        self.query_one("#wording", Static).update(
            f"[b]{criterion.id}[/b] ({level}) {criterion.text}{verdict}"
        )
        tagged = set(evidence.note_seqs) if evidence else set()
        chosen = set(decision.note_seqs) if decision else tagged
        # A marked moment is a bookmark, not evidence: never a row a decision can rest on.
        marks = sum(1 for n in self.state.notes if n.is_mark)
        notes = [
            n for n in self.state.notes if not n.is_mark and (self.all_notes or n.seq in tagged)
        ]
        selections = [
            Selection(
                f"{format_clock(n.offset)} #{n.number} {','.join(n.criteria) or '-'}: {n.text}",
                n.seq,
                n.seq in chosen,
            )
            for n in notes
        ]
        notes_list = self.query_one("#notes", SelectionList)
        notes_list.clear_options()
        notes_list.add_options(selections)
        notes_list.border_title = (
            "All notes (F4: only tagged)" if self.all_notes else "Notes tagged (F4: all notes)"
        )
        left_out = f"{marks} mark{'s' if marks != 1 else ''} left out: not evidence"
        notes_list.border_subtitle = left_out if self.all_notes and marks else ""
        self.query_one("#rationale", Input).value = decision.rationale if decision else ""

    @on(OptionList.OptionHighlighted, "#criteria")
    def _criterion_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None and event.option.id != self.selected:
            self._select(event.option.id)

    # ------------------------------------------------------------------ actions
    def action_toggle_all_notes(self) -> None:
        """Show all notes (to link an untagged one) or only the tagged ones."""
        self.all_notes = not self.all_notes
        self._select(self.selected)

    def action_decide(self, met: bool) -> None:
        """Record the decision on the selected criterion; move to the next undecided one."""
        rationale = self.query_one("#rationale", Input).value.strip()
        if not rationale:
            self.notify("Write the rationale first: it is what a verifier reads.", severity="error")
            self.query_one("#rationale", Input).focus()
            return
        seqs = [int(s) for s in self.query_one("#notes", SelectionList).selected]
        if met and not seqs:
            self.notify(
                "Met with no notes ticked: the record will show no evidence for it "
                "(F4 shows all notes).",
                severity="warning",
                timeout=8,
            )
        try:
            self.live.decide(self.selected, met, rationale, seqs)
        except RecordWriteError as error:
            self.notify(f"Decision NOT saved: {error}", severity="error", timeout=15)
            return
        self.notify(f"{self.selected}: {'met' if met else 'not met'} (saved)", timeout=2)
        self._refresh_criteria()
        undecided = self._undecided()
        if undecided:
            self._select(undecided[0])
            self._highlight(undecided[0])
            self.query_one("#rationale", Input).focus()
        else:
            self._select(self.selected)

    def action_to_grade(self) -> None:
        """Go on to the grade; refused while a criterion is undecided."""
        undecided = self._undecided()
        if undecided:
            self.notify(f"Still to decide: {' '.join(undecided)}", severity="error")
            return
        self.dismiss(True)
