"""Which results the grade screen handed to the record writer, and how each batch ended.

A batch is what was saved together: the form's one entry (ctrl+r) or a file's results. The
record writer reports each result on its own; `ResultBatches.settle` says which batch it was
in and, once none of a batch waits any more, that the batch is settled (all saved, or some
given up). Plain Python: the grade screen shows what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from discussion.record import ComponentResultData
from discussion.record.writer import WriteOutcome


@dataclass
class ResultBatch:
    """Results handed to the record writer together."""

    entries: dict[int, ComponentResultData]  # by writer key, not settled yet
    path: str | None = None  # the file imported (None: the form's entry)
    component: str = ""  # the form's component (empty for a file)
    total: int = 0
    saved: list[ComponentResultData] = field(default_factory=list)
    error: str | None = None  # why one was given up

    @property
    def settled(self) -> bool:
        """None of it waits any more."""
        return not self.entries


class ResultBatches:
    """The batches not settled yet, oldest first."""

    def __init__(self) -> None:
        self.batches: list[ResultBatch] = []

    def add(self, batch: ResultBatch) -> ResultBatch:
        """Track `batch` (its entries are added as they are submitted)."""
        self.batches.append(batch)
        return batch

    def waiting(self) -> list[ComponentResultData]:
        """Results not on disk yet, in the order they were handed over."""
        return [entry for batch in self.batches for entry in batch.entries.values()]

    def settle(self, outcome: WriteOutcome) -> tuple[ResultBatch, ComponentResultData] | None:
        """Note the writer's report; the batch and result it was about (None: not ours).

        A result refused for now stays waiting; a saved or given-up one leaves the batch,
        and a settled batch leaves the list."""
        batch = next((b for b in self.batches if outcome.key in b.entries), None)
        if batch is None:
            return None
        entry = batch.entries[outcome.key]
        if outcome.retrying:
            return batch, entry
        del batch.entries[outcome.key]
        if outcome.saved:
            batch.saved.append(entry)
        else:
            batch.error = outcome.error or "not saved"
        if batch.settled:
            self.batches.remove(batch)
        return batch, entry
