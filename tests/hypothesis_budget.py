"""How many examples a property test tries: the number it names under the full profile (`make
test`), a fifth of it under `HYPOTHESIS_PROFILE=fast` (`make test-fast`). The profiles are
registered in conftest.py; a failing example is kept in .hypothesis/ and tried first next time."""

from __future__ import annotations

from hypothesis import settings

FULL_EXAMPLES = 100  # the full profile's max_examples (hypothesis' own default)


def examples(full: int) -> int:
    """`full` scaled by the loaded profile's max_examples (at least 10)."""
    loaded = settings.default
    budget = FULL_EXAMPLES if loaded is None else loaded.max_examples
    return max(10, full * budget // FULL_EXAMPLES)
