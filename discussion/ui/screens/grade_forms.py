"""What the grade screen's forms count as given: the results saved and those being saved.

An entry handed to the record writer (ctrl+r, or a file's) is given as soon as it is handed
over: its form counts it as its attempt's result (not an unsaved draft), says it is being saved
until the writer's sync completes, and "2" then shows attempt 2 as it stands, as it does once
the entry is on disk. So the screen is the same however slow the disk. An entry the writer
gives up is no longer given: its form shows it again, unsaved, for ctrl+r to retry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.widgets import Static

from discussion.outcome import latest_component_results
from discussion.record import ComponentResultData
from discussion.ui.widgets.component_result_form import ComponentResultForm


def given_results(
    saved: Iterable[ComponentResultData], waiting: Iterable[ComponentResultData]
) -> list[ComponentResultData]:
    """The results on disk, then those handed to the record writer (the last one wins)."""
    return latest_component_results([*saved, *waiting])


def _mine(
    form: ComponentResultForm, given: Sequence[ComponentResultData]
) -> dict[int, ComponentResultData]:
    return {r.attempt: r for r in given if r.component == form.component.id}


def load_given(forms: Iterable[ComponentResultForm], given: Sequence[ComponentResultData]) -> None:
    """Load `given` into the forms whose results it changes (only: loading an untouched form
    shows its latest attempt, and an entry reaching the disk changes nothing given)."""
    for form in forms:
        if _mine(form, given) != form.saved:
            form.load(list(given))


def _status(form: ComponentResultForm) -> Static:
    return form.query_one(f"#{form.component.id}-status", Static)


def show_saving(
    forms: Iterable[ComponentResultForm],
    waiting: Sequence[ComponentResultData],
    shown: set[str],
) -> None:
    """A form showing an entry on its way to the record says so (its own status says "Saved");
    once it is no longer on its way, the form says what it holds again. `shown`: the forms
    (by component) saying "Saving", kept by the screen."""
    for form in forms:
        status, cid = _status(form), form.component.id
        if status.has_class("error"):  # why the last ctrl+r was refused stays up
            shown.discard(cid)
        elif not form.touched and form.baseline is not None and form.baseline in waiting:
            ticked, total = len(form.achieved()), form.criteria_list.option_count
            status.update(f"Saving: attempt {form.attempt}, {ticked} of {total} achieved…")
            shown.add(cid)
        elif cid in shown:
            shown.discard(cid)
            if not form.touched:  # a touched form has said "NOT SAVED" since
                form.set_attempt(form.attempt)  # shows the same, in the form's own words


def give_back(
    form: ComponentResultForm, entry: ComponentResultData, given: Sequence[ComponentResultData]
) -> None:
    """`entry` was given up: its form shows it again, unsaved, unless the assessor is typing
    another entry there (`given`: what stays given, without it)."""
    if not form.touched and form.attempt != entry.attempt:
        form.set_attempt(entry.attempt)  # "2" was pressed meanwhile: back to the entry
    mine = _mine(form, given)
    form.saved, form.baseline = mine, mine.get(form.attempt)
