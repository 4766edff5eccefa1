"""Verifier judgements (IQA / EQA) on a sealed session record, Textual-free.

The verifier's events live in their own hash-chained file, `verification.jsonl`, in the session
folder; the assessor's `events.jsonl` is never touched. See docs/record-format.md
("verification.jsonl"). Modules: `events` (models, chain), `log` (locked fsync'd appends),
`state` (rounds), `judge` (recording), `sign` (the verifier's signature), `check` (for
`discussion verify`), `report` / `markdown` / `html` (the exports).
"""

from discussion.verification.events import VERIFICATION_JSONL

__all__ = ["VERIFICATION_JSONL"]
