"""Hand-made transcripts for the derived-evidence tests: built through the real model
(discussion.transcript.model), signed with `sign_transcript`, written with `save_transcript`.
No speech engine: the words are made up, their times chosen by the test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from discussion.record.events import canonical_json
from discussion.signing.keys import SigningKey, load_or_create_key
from discussion.transcript.model import (
    AudioSource,
    Created,
    EngineInfo,
    Segment,
    Transcript,
    Word,
    save_transcript,
    transcript_path,
)
from discussion.transcript.seal import sign_transcript

# (start, end, text) of each segment; words are the text's words spread evenly over it.
SPEECH: list[tuple[float, float, str]] = [
    (0.0, 0.1, "Good morning"),
    (0.1, 0.2, "I explained the complaint process"),
    (0.2, 0.25, "to the customer"),
]


def closed_line(folder: Path) -> dict[str, Any]:
    """The record's closed event as a dict (its hash and data)."""
    lines = (folder / "events.jsonl").read_bytes().splitlines()
    event: dict[str, Any] = json.loads(lines[-1])
    assert event["type"] == "closed"
    return event


def segment(start: float, end: float, text: str, probability: float = 0.9) -> Segment:
    """A segment whose words share its span evenly."""
    words = text.split()
    step = (end - start) / max(1, len(words))
    return Segment(
        start=start,
        end=end,
        text=" " + text,
        words=[
            Word(
                start=round(start + i * step, 3),
                end=round(start + (i + 1) * step, 3),
                word=" " + w,
                probability=probability,
            )
            for i, w in enumerate(words)
        ],
    )


def make_transcript(
    folder: Path, segments: list[Segment] | None = None, **changes: Any
) -> Transcript:
    """An unsigned transcript of `folder`'s sealed audio (hashes from the closed event)."""
    closed = closed_line(folder)
    session = json.loads((folder / "session.json").read_bytes())
    audio = [
        AudioSource(segment=name, sha256=digest, start_offset=0.0, frames=4000, samplerate=16000)
        for name, digest in sorted(closed["data"]["files"].items())
        if name.startswith("audio/")
    ]
    fields: dict[str, Any] = {
        "session_id": session["session_id"],
        "seal_hash": closed["hash"],
        "created": Created(at="2026-12-02T05:00:00Z", software_version="test"),
        "engine": EngineInfo(name="hand-made", model_sha256="c" * 64),
        "audio": audio,
        "duration_s": 0.25,
        "segments": segments if segments is not None else [segment(*s) for s in SPEECH],
    }
    fields.update(changes)
    return Transcript(**fields)


def write_signed(
    folder: Path,
    transcript: Transcript | None = None,
    *,
    key: SigningKey | None = None,
    signer: str = "Test Assessor",
) -> Transcript:
    """Sign (with this data folder's assessor key unless `key`) and save transcript.json."""
    signed = sign_transcript(
        transcript or make_transcript(folder), key or load_or_create_key("assessor"), signer
    )
    save_transcript(transcript_path(folder), signed)
    return signed


def edit_raw(folder: Path, edit: Any) -> None:
    """Change transcript.json's parsed JSON with `edit(data)` and write it back as the model
    writes it (canonical JSON): what someone editing the file by hand gets."""
    path = transcript_path(folder)
    data = json.loads(path.read_bytes())
    edit(data)
    path.write_text(canonical_json(data) + "\n", encoding="utf-8")
