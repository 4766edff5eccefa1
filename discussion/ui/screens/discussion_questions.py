"""The discussion screen's questions and criteria: the planned-hour guide, the question on
screen, skipping for now, and the assessor's status of each criterion.

`QuestionsScreen` is the base of `DiscussionScreen` (which lays the screen out and handles
notes, time and the recording): the guide is asked on every redraw with the assessor's statuses
(never the notes), the questions asked, those skipped for now and the minutes gone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from discussion.bank import Question
from discussion.guide import STATUSES, Advice, Asked, Status, advise
from discussion.live import LiveSession
from discussion.record import QuestionAskedData, SessionState
from discussion.record.events import CriterionStatusData, EventData
from discussion.record.writer import WriteOutcome, WriterClosedError
from discussion.standard import Component
from discussion.ui.catalog import Catalog
from discussion.ui.screens.question_picker import QuestionPicker
from discussion.ui.tag_keys import PLACE_LABELS, TagKeysScreen
from discussion.ui.widgets.criteria_board import CriteriaBoard, next_status, status_text

STATUS_VALUES: dict[str, Status] = {status: status for status in STATUSES}


def warning_key(text: str) -> str:
    """What stays the same in a guide warning as the minutes tick (it is notified once)."""
    return re.sub(r"[\d.]+", "#", text.split(":")[0])


class QuestionsScreen(TagKeysScreen):
    """The guide, the question on screen and the criterion statuses (see the module doc)."""

    live: LiveSession
    catalog: Catalog
    component: Component
    clock: Callable[[], float]
    state: SessionState
    tags: list[str]
    current: Question | None
    # Why the question on screen was proposed (empty when the assessor chose it).
    current_reason: str
    advice: Advice
    skipped: set[str]
    _notified: set[str]
    # The status last set here per criterion: the record shows it only once the writer has
    # saved it, and a second F8 before then must step on from it, not from the saved one.
    _statuses_set: dict[str, Status]
    # The questions marked asked here (F2), in order, and how many the record held before:
    # the record has each only once the writer has saved it, and F3 straight after F2 (or the
    # picker) must count it as asked already. The writer saves them in order.
    _asked_here: list[Asked]
    _asked_before: int

    def refresh_all(self) -> None:
        """Redraw everything (the screen does it)."""
        raise NotImplementedError

    def _alarm(self, kind: str, message: str) -> None:
        raise NotImplementedError

    def _written(self, outcome: WriteOutcome) -> None:
        """On the record writer's thread: tell the screen (the handlers change it)."""
        from discussion.ui.screens.discussion_writes import NoteSaved, WriteNotSaved

        if not outcome.saved:
            self.post_message(WriteNotSaved(outcome))
        elif outcome.data.TYPE in ("note", "note_amended"):
            self.post_message(NoteSaved(outcome))
        # Anything else saved redraws through its EventLogged.

    def _submit(self, data: EventData, offset: float | None, what: str) -> bool:
        """Hand `data` to the record writer (returns at once); False if it was refused."""
        try:
            self.live.submit(data, offset, self._written)
        except WriterClosedError as error:
            self._alarm("write_error", f"{what} not logged ({error}): end and resume the session")
            return False
        return True

    # ------------------------------------------------------------------ the guide
    def _asked_now(self) -> list[Asked]:
        """The questions asked, in order: the record's, then those marked here that it does
        not have yet (each minute as it will be saved)."""
        saved = [Asked(q.question_id, q.offset / 60) for q in self.state.questions]
        return saved + self._asked_here[len(saved) - self._asked_before :]

    def _statuses_now(self) -> dict[str, Status]:
        """Each criterion's status: the record's, or the one last set here (saved soon)."""
        saved = self.state.statuses.items()
        return {cid: STATUS_VALUES.get(v.status, "none") for cid, v in saved} | self._statuses_set

    def _asked_ids(self) -> set[str]:
        return {asked.question_id for asked in self._asked_now()}

    def _asked(self, question: Question | None) -> bool:
        return question is not None and question.id in self._asked_ids()

    def _advise(self, current: Question | None) -> Advice:
        """The guide's advice now; `current` (on screen) is never proposed as the next."""
        state = self.state
        return advise(
            self.catalog.standard,
            self.catalog.bank,
            status=self._statuses_now(),
            asked=self._asked_now(),
            skipped=frozenset(self.skipped),
            minutes_elapsed=self.clock() / 60,
            attempt=state.info.attempt,
            current=current.id if current is not None else None,
        )

    def update_advice(self) -> Advice:
        """Ask the guide again and notify each new warning and the close prompt once."""
        self.advice = advice = self._advise(self.current)
        for warning in advice.warnings:
            key = warning_key(warning)
            if key not in self._notified:
                self._notified.add(key)
                self.notify(warning, title="Guide", severity="warning", timeout=12)
        if advice.close is not None and "close" not in self._notified:
            self._notified.add("close")
            self.notify(advice.reason, title=advice.close.title, timeout=12)
        return advice

    def _resumed_question(self) -> Question | None:
        """The question current when the session was left: the last one asked."""
        for asked in reversed(self.state.questions):
            question = self.catalog.bank.get(asked.question_id)
            if question is not None:
                return question
        return None

    def _show_question(self, question: Question | None, reason: str = "") -> None:
        """Make `question` current; the next note's tag becomes its main criterion (its other
        criteria are one key away; tags toggled by hand last only until the question changes)."""
        changed = question is not self.current
        self.current = question
        self.current_reason = reason
        if changed or question is None:
            self.tags = [question.primary] if question is not None else []

    def _other_criteria(self) -> list[tuple[str, str]]:
        """The question's criteria not tagged yet, with the key that tags each."""
        if self.current is None:
            return []
        ids = [c.id for c in self.component.criteria]
        return [
            (cid, f"alt+{PLACE_LABELS[ids.index(cid)]}")
            for cid in self.current.criteria
            if cid not in self.tags and cid in ids and ids.index(cid) < len(PLACE_LABELS)
        ]

    def _choose_suggested(self) -> None:
        """Show the guide's next question; the one on screen, if not asked, is skipped for now
        (the guide brings it back when nothing better fits)."""
        if self.current is not None and not self._asked(self.current):
            self.skipped.add(self.current.id)
        advice = self._advise(self.current)
        self._show_question(advice.question, advice.reason)
        if advice.question is not None:
            self.skipped.discard(advice.question.id)

    def action_next_question(self) -> None:
        """Move on to the guide's next question (the one on screen is skipped for now)."""
        self._choose_suggested()
        self.refresh_all()

    def action_choose_question(self) -> None:
        """Open the question picker."""

        def chosen(question: Question | None) -> None:
            if question is not None:
                self._show_question(question)
                self.skipped.discard(question.id)
                self.refresh_all()

        self.app.push_screen(
            QuestionPicker(self.component, self.catalog.bank, self._asked_ids()), chosen
        )

    def pick_question(self, question_id: str) -> None:
        """Show the question `question_id` (the command palette's "Question D-3A-02")."""
        question = self.catalog.bank.get(question_id)
        if question is None:
            return
        self._show_question(question)
        self.skipped.discard(question.id)
        self.refresh_all()

    def jump_to_criterion(self, criterion_id: str) -> None:
        """Show the next question for `criterion_id` (unasked first, shortest first), put the
        board's cursor on it and say where it is (the palette's "Criterion 3B")."""
        ids = [c.id for c in self.component.criteria]
        if criterion_id not in ids:
            return
        asked = self._asked_ids()
        options = self.catalog.bank.for_criterion(criterion_id, "assessment")
        if options:
            best = min(options, key=lambda q: (q.id in asked, q.minutes, q.id))
            self.pick_question(best.id)
            self.tags = [criterion_id]  # the notes go to the criterion jumped to
            self.refresh_all()
        place = ids.index(criterion_id)
        key = PLACE_LABELS[place] if place < len(PLACE_LABELS) else "-"
        evidence = self.state.criteria.get(criterion_id)
        count = evidence.note_count if evidence else 0
        self.query_one(CriteriaBoard).select(criterion_id)
        status = status_text(self._status_now(criterion_id))
        self.notify(
            f"{criterion_id}: board place {key}, {status}, {count} note{'' if count == 1 else 's'}"
            + ("" if options else "; no question for it in the bank"),
            timeout=4,
        )

    def action_mark_asked(self) -> None:
        """Log the question on screen as asked (its main criterion is already the note's tag,
        unless toggled by hand)."""
        if self.current is None:
            self.notify(
                "No question selected: ctrl+n (F3) for the guide's next, ctrl+o (F4) to choose."
            )
            return
        asked = QuestionAskedData(question_id=self.current.id, criteria=list(self.current.criteria))
        offset = max(0.0, self.live.offset_now())  # what the writer would take: taken here
        if not self._submit(asked, offset, "question"):
            return
        self._asked_here.append(Asked(asked.question_id, offset / 60))
        self.skipped.discard(self.current.id)
        self.refresh_all()

    # ------------------------------------------------------------------ live status
    def action_cycle_status(self) -> None:
        """The next status of the note's first criterion (else the question's main one)."""
        criterion = self.tags[0] if self.tags else (self.current.primary if self.current else None)
        if criterion is None:
            self.notify(
                "No criterion to set: tag one (alt+place), or Tab to the board and press Space."
            )
            return
        self._set_status(criterion, next_status(self._status_now(criterion)))

    def _status_now(self, criterion: str) -> str:
        """The status last set here, else the record's (a set one is saved a moment later)."""
        return self._statuses_set.get(criterion) or self.state.status_of(criterion)

    def on_criteria_board_status_chosen(self, message: CriteriaBoard.StatusChosen) -> None:
        """A status chosen on the board (Space, n, p or s on a row)."""
        status = message.status or next_status(self._status_now(message.criterion))
        self._set_status(message.criterion, status)

    def _set_status(self, criterion: str, status: str) -> None:
        """Log the assessor's live status of `criterion` (at this point of the recording)."""
        value = STATUS_VALUES.get(status)
        if value is None:
            return
        data = CriterionStatusData(criterion=criterion, status=value)
        if not self._submit(data, self.clock(), f"status of {criterion}"):
            return
        self._statuses_set[criterion] = value
        self.notify(f"{criterion}: {status_text(value)}", timeout=3)
        self.refresh_all()
