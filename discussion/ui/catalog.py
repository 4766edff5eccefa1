"""The reference data every screen reads: the standard and the question bank, loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from discussion.bank import QuestionBank, load_bank
from discussion.standard import Standard, load_standard


@dataclass(frozen=True)
class Catalog:
    """The standard and the bank the app runs on."""

    standard: Standard
    bank: QuestionBank

    @classmethod
    def load(cls, bank_path: Path | None = None) -> Catalog:
        """Load the bundled standard and the bank (bundled unless `bank_path` is given)."""
        standard = load_standard()
        return cls(standard=standard, bank=load_bank(bank_path, standard))
