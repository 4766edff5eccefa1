"""The reference data every screen reads: the standard and the question bank, loaded once.

The app starts with a deferred catalog (`Catalog.deferred`): the home screen shows neither,
so their models and data (~0.15 s) load after its first frame, in a thread (`DiscussionApp`),
or on first use, whichever comes first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from discussion.bank import QuestionBank
    from discussion.standard import Standard


def _load_both(bank_path: Path | None) -> tuple[Standard, QuestionBank]:
    from discussion.bank import load_bank
    from discussion.standard import load_standard

    standard = load_standard()
    return standard, load_bank(bank_path, standard)


class Catalog:
    """The standard and the bank the app runs on."""

    def __init__(
        self,
        standard: Standard | None = None,
        bank: QuestionBank | None = None,
        *,
        loader: Callable[[], tuple[Standard, QuestionBank]] | None = None,
    ) -> None:
        """Either both of `standard` and `bank`, or a `loader` run once on first use."""
        if loader is None and (standard is None or bank is None):
            raise ValueError("a catalog needs the standard and the bank, or a loader")
        self._loaded = None if standard is None or bank is None else (standard, bank)
        self._loader = loader
        self._lock = threading.Lock()

    @classmethod
    def load(cls, bank_path: Path | None = None) -> Catalog:
        """Load the bundled standard and the bank (bundled unless `bank_path` is given)."""
        standard, bank = _load_both(bank_path)
        return cls(standard, bank)

    @classmethod
    def deferred(cls, bank_path: Path | None = None) -> Catalog:
        """The same catalog, loaded by `preload` or on first use (a `UserError` then)."""
        return cls(loader=lambda: _load_both(bank_path))

    def preload(self) -> None:
        """Load now, if not yet (thread-safe; raises the loader's `UserError`)."""
        self._both()

    def _both(self) -> tuple[Standard, QuestionBank]:
        loaded = self._loaded
        if loaded is not None:
            return loaded
        with self._lock:  # a preload thread and the UI thread may ask at once
            if self._loaded is None:
                assert self._loader is not None
                self._loaded = self._loader()
            return self._loaded

    @property
    def standard(self) -> Standard:
        """The standard (loaded on first use)."""
        return self._both()[0]

    @property
    def bank(self) -> QuestionBank:
        """The question bank (loaded on first use)."""
        return self._both()[1]
