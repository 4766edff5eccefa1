"""Shared helpers for the verifier-judgement tests (no tests here): a sealed record with
decisions on real discussion criteria, and a way to re-chain an edited verification file."""

from __future__ import annotations

import json
from pathlib import Path

from test_record_support import make_info, write_wav

from discussion.record import (
    QuestionAskedData,
    RecordingStartedData,
    RecordingStoppedData,
    SessionRecord,
)
from discussion.record.events import canonical_json, chain_hash


def make_record(home: Path, *, close: bool = True, seconds: float = 2.0) -> SessionRecord:
    """A record with notes #1 and #2, mark 1, 1A met (on #1) and 2A not met; closed if asked."""
    record = SessionRecord.create(make_info(), home=home)
    segment = record.next_segment_path()
    name = segment.relative_to(record.folder).as_posix()
    record.append(RecordingStartedData(segment=name, start_offset=0.0, device="test"), 0.0)
    frames = write_wav(segment, seconds)
    record.append(QuestionAskedData(question_id="Q1", criteria=["1A"]), 0.05)
    first = record.add_note("Named the products and how they meet needs", ["1A"], 0.5)
    record.add_note("", [], 0.8)  # mark 1
    record.add_note("Described a complaint, no outcome given", ["2A"], 1.2)
    record.decide("1A", True, "clear example with detail", [first.seq])
    record.decide("2A", False, "no outcome given", [])
    record.append(RecordingStoppedData(segment=name, frames=frames, reason="stop"), seconds)
    (record.folder / "recorder.log").write_text("recorder started\n")
    if close:
        record.close()
    return record


def sealed_folder(home: Path) -> Path:
    """The folder of a closed `make_record`."""
    return make_record(home).folder


def rechain(path: Path, edit: dict[int, dict[str, object]]) -> None:
    """Apply `edit` ({line index: {key: value}} into each line's data) and recompute every
    hash and prev by the published rule, as a forger would."""
    prev = "0" * 64
    out = []
    for index, line in enumerate(path.read_bytes().splitlines()):
        raw = json.loads(line)
        raw["data"].update(edit.get(index, {}))
        raw["prev"] = prev
        body = {k: v for k, v in raw.items() if k != "hash"}
        raw["hash"] = chain_hash(prev, body)
        prev = raw["hash"]
        out.append(canonical_json(raw))
    path.write_text("\n".join(out) + "\n")
