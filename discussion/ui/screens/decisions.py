"""After the discussion: decide each criterion, met or not met, with a rationale and its notes.

A decision is saved on the record writer's thread (`RecordSaves`): the screen moves on at once,
shows the criterion as saving until its sync completed, and says so (with the fix) while the
record refuses it; the grade waits until every decision is on disk.
"""

from __future__ import annotations

from rich.text import Text
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
from discussion.record import SessionState
from discussion.record.events import CriterionDecidedData
from discussion.standard import Standard
from discussion.ui.screens.record_saves import RETRY_FIX, RecordSaves
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
        self.deciding: dict[int, CriterionDecidedData] = {}  # submitted, not on disk yet
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
        yield RecordSaves(self.live)
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
        """Criteria with no decision, saved or being saved."""
        saving = {d.criterion for d in self.deciding.values()}
        return [
            c.id
            for c in self.component.criteria
            if c.id not in saving
            and ((e := self.state.criteria.get(c.id)) is None or e.decision is None)
        ]

    def _saving(self, criterion_id: str) -> CriterionDecidedData | None:
        """The latest decision on `criterion_id` submitted and not on disk yet."""
        found = [d for d in self.deciding.values() if d.criterion == criterion_id]
        return found[-1] if found else None

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
            if (saving := self._saving(criterion.id)) is not None:
                status = f"[yellow]{'met' if saving.met else 'not met'}…[/]"
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
        if self.deciding:
            count = len(self.deciding)
            what = f"{count} decision{'s' if count != 1 else ''}"
            problem = self.query_one(RecordSaves).problem
            if problem:  # plain text: an error may hold brackets
                shown = Text(f"⚠ {what} NOT saved yet: {problem}. {RETRY_FIX}", "bold red")
                self.query_one("#progress", Static).update(shown)
                return
            progress = f"saving {what}… · {progress}"
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
        if (saving := self._saving(criterion_id)) is not None:
            verdict = f"\nSaving: {'MET' if saving.met else 'NOT MET'} · {saving.rationale}"
        if criterion_id in self.state.statuses:  # the assessor's own mark during the discussion
            marked = status_text(self.state.status_of(criterion_id))
            verdict = f"\nMarked during the discussion: {marked}{verdict}"
        self.query_one("#wording", Static).update(
            f"[b]{criterion.id}[/b] ({level}) {criterion.text}{verdict}"
        )
        tagged = set(evidence.note_seqs) if evidence else set()
        chosen = set(decision.note_seqs) if decision else tagged
        if saving is not None:
            chosen = set(saving.note_seqs)
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
        rationale = saving or decision
        self.query_one("#rationale", Input).value = rationale.rationale if rationale else ""

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
        """Submit the decision on the selected criterion (saved on the writer's thread); move
        to the next undecided one at once."""
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
        data = CriterionDecidedData(
            criterion=self.selected, met=met, rationale=rationale, note_seqs=seqs
        )
        self.deciding[self.query_one(RecordSaves).submit(data)] = data
        self._refresh_criteria()
        undecided = self._undecided()
        if undecided:
            self._select(undecided[0])
            self._highlight(undecided[0])
            self.query_one("#rationale", Input).focus()
        else:
            self._select(self.selected)

    def on_record_saves_settled(self, message: RecordSaves.Settled) -> None:
        """A decision's save: shown as saved; refused for now (kept, said); or given up (back
        in the form, to decide again)."""
        outcome = message.outcome
        data = self.deciding.get(outcome.key)
        if data is None or not isinstance(outcome.data, CriterionDecidedData):
            return
        verdict = "met" if data.met else "not met"
        if outcome.retrying:
            self.notify(
                f"{data.criterion}: decision NOT saved yet ({outcome.error}). {RETRY_FIX}",
                severity="error",
                timeout=15,
                markup=False,
            )
        else:
            del self.deciding[outcome.key]
            if outcome.saved:
                self.notify(f"{data.criterion}: {verdict} (saved)", timeout=2)
            else:  # nothing is lost: the decision is back in the form
                self.notify(
                    f"{data.criterion}: decision NOT saved ({outcome.error}). It is back in "
                    "the form: press the key again to save it.",
                    severity="error",
                    timeout=20,
                    markup=False,
                )
                self._back_in_the_form(data)
        self._refresh_criteria()
        rationale = self.query_one("#rationale", Input).value.strip()
        if outcome.saved and data.criterion == self.selected and rationale == data.rationale:
            self._select(self.selected)  # "Decided", unless the assessor is typing anew

    def _back_in_the_form(self, data: CriterionDecidedData) -> None:
        self._select(data.criterion)
        self._highlight(data.criterion)
        notes_list = self.query_one("#notes", SelectionList)
        notes_list.deselect_all()
        for seq in data.note_seqs:
            notes_list.select(seq)
        self.query_one("#rationale", Input).value = data.rationale

    def action_to_grade(self) -> None:
        """Go on to the grade; refused while a criterion is undecided or a decision is still
        being saved."""
        undecided = self._undecided()
        if undecided:
            self.notify(f"Still to decide: {' '.join(undecided)}", severity="error")
            return
        if self.deciding:
            problem = self.query_one(RecordSaves).problem
            self.notify(
                f"Wait: {len(self.deciding)} decision(s) still being saved"
                + (f" ({problem}). {RETRY_FIX}" if problem else "."),
                severity="error",
                markup=False,
            )
            return
        self.dismiss(True)
