"""parse_line hashes the line's own text: every altered line is still refused (issue 10)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from discussion.record.events import (
    ZERO_HASH,
    EventFormatError,
    NoteData,
    build_event,
    canonical_json,
    chain_hash,
    parse_line,
)

# Any JSON value, keys included that mimic the event's own ("hash", "offset").
_KEYS = st.sampled_from(["hash", "offset", "prev", "seq", "type", "a", "é", '"', ",", "\\"])
_LEAF = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
# At most 12 leaves: nesting and escapes as deep as the hash check can meet, at a tenth of the
# cost of hypothesis' default 100 (whose big trees took 2 s for this one test).
_JSON = st.recursive(
    _LEAF, lambda inner: st.lists(inner) | st.dictionaries(_KEYS, inner), max_leaves=12
)


def _line(body: dict[str, Any], stored: str) -> bytes:
    return canonical_json({**body, "hash": stored}).encode()


def _note_body(data: dict[str, Any], prev: str = ZERO_HASH) -> dict[str, Any]:
    at = "2026-01-01T00:00:00.000Z"
    return {"seq": 1, "type": "note", "at": at, "offset": 0.0, "data": data, "prev": prev}


def test_a_line_whose_hash_is_not_of_its_own_text_is_refused() -> None:
    good = build_event(1, NoteData(text="all fine", raw_offset=1, lag_s=0), 2.0, ZERO_HASH)
    forged = good.model_dump(exclude={"payload"})
    forged["data"]["text"] = "all changed"  # still canonical, the old hash kept
    with pytest.raises(EventFormatError, match="hash does not match"):
        parse_line(canonical_json(forged).encode())


@pytest.mark.parametrize(
    "stored",
    ["0" * 64, "A" * 64, "", "not hex", '\\"', "é" * 64],
    ids=["zeros", "upper", "empty", "words", "escape", "unicode"],
)
def test_a_stored_hash_that_is_not_the_digest_is_refused(stored: str) -> None:
    body = _note_body({"text": "x", "criteria": [], "raw_offset": 0.0, "lag_s": 0.0})
    with pytest.raises(EventFormatError, match="hash does not match"):
        parse_line(_line(body, stored))


def test_a_decoy_hash_entry_inside_data_does_not_fool_the_check() -> None:
    # The data holds `,"hash":"<the right hash>","offset":` itself: only the event's own
    # entry may be taken out of the text. The hash passes, so the data's schema is reached.
    body = _note_body({})
    right = chain_hash(ZERO_HASH, body)
    body = _note_body({"a": 1, "hash": right, "offset": 1})
    right = chain_hash(ZERO_HASH, body)
    body = _note_body({"a": 1, "hash": right, "offset": 1})
    stored = chain_hash(ZERO_HASH, body)
    with pytest.raises(EventFormatError, match="note data invalid"):
        parse_line(_line(body, stored))
    with pytest.raises(EventFormatError, match="hash does not match"):
        parse_line(_line(body, right if right != stored else "f" * 64))


@settings(max_examples=examples(300), deadline=None)
@given(data=st.dictionaries(_KEYS, _JSON, max_size=4), prev=st.text(max_size=70))
def test_the_hash_of_the_text_is_the_hash_of_the_canonical_body(
    data: dict[str, Any], prev: str
) -> None:
    body = _note_body(data, prev)
    stored = chain_hash(prev, body)
    line = _line(body, stored)
    # A right hash gets past the hash check (to the data's schema, or all the way).
    try:
        parse_line(line)
    except EventFormatError as error:
        assert "hash does not match" not in str(error)
    wrong = hashlib.sha256(stored.encode()).hexdigest()
    with pytest.raises(EventFormatError, match="hash does not match"):
        parse_line(_line(body, wrong))
