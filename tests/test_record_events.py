"""Canonical JSON, the hash chain and line parsing."""

from __future__ import annotations

import hashlib
import json

import pytest

from discussion.record.events import (
    ZERO_HASH,
    EventFormatError,
    NoteData,
    build_event,
    canonical_json,
    chain_hash,
    parse_line,
)


def test_canonical_json_is_sorted_compact_and_keeps_unicode() -> None:
    assert canonical_json({"b": 1, "a": {"é": [1.5, "—"]}}) == '{"a":{"é":[1.5,"—"]},"b":1}'


def test_canonical_json_rejects_nan() -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_chain_hash_is_sha256_of_prev_and_canonical_body() -> None:
    body = {"seq": 0, "type": "x"}
    expected = hashlib.sha256((ZERO_HASH + '{"seq":0,"type":"x"}').encode()).hexdigest()
    assert chain_hash(ZERO_HASH, body) == expected


def _note_line() -> bytes:
    data = NoteData(text="Café – ok", criteria=["1A"], raw_offset=3.5, lag_s=2.0)
    return build_event(1, data, 1.5, ZERO_HASH).line()


def test_built_event_line_round_trips() -> None:
    line = _note_line()
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    event = parse_line(line[:-1])
    assert event.line() == line
    assert isinstance(event.payload, NoteData)
    assert event.payload.text == "Café – ok"
    body = json.loads(line)
    assert set(body) == {"seq", "type", "at", "offset", "data", "prev", "hash"}
    assert body["at"].endswith("Z") and len(body["at"]) == len("2026-11-23T20:03:00.123Z")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s.replace(b'"seq":1', b'"seq": 1'), "canonical"),
        (lambda s: s.replace(b"Caf\xc3\xa9", b"Caf\\u00e9"), "canonical"),
        (lambda s: s.replace(b"ok", b"OK"), "hash"),
        (lambda s: s[:-5], "JSON"),
        (lambda s: s.replace(b"Caf", b"Ca\xff"), "UTF-8"),
        (lambda s: s.replace(b'"type":"note"', b'"type":"nope"'), "unknown event type"),
    ],
)
def test_parse_line_rejects_tampered_lines(mutate: object, message: str) -> None:
    line = _note_line()[:-1]
    assert callable(mutate)
    with pytest.raises(EventFormatError, match=message):
        parse_line(mutate(line))


def test_parse_line_rejects_schema_violation_even_if_hashed() -> None:
    body = {
        "seq": 1,
        "type": "note",
        "at": "2026-01-01T00:00:00.000Z",
        "offset": 0.0,
        "data": {"text": 5},
        "prev": ZERO_HASH,
    }
    line = canonical_json({**body, "hash": chain_hash(ZERO_HASH, body)}).encode()
    with pytest.raises(EventFormatError, match="note data invalid"):
        parse_line(line)


def test_build_event_rejects_negative_offset() -> None:
    with pytest.raises(ValueError):
        build_event(0, NoteData(text="x", raw_offset=0, lag_s=0), -1.0, ZERO_HASH)
