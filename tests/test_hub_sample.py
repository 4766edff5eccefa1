"""The hub's sample (`Index.sample`, computed from ids without an entry per session) is the local
sample (`draw_sample` of `discussion.sampling`) of the same sessions with the same seed: the
same sessions drawn, the same sets, the same eligible count, with and without per-assessor
sets and filters, over a real PostgreSQL (tests/hub_fixtures.py)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

from discussion.hub.config import load_config
from discussion.hub.index import open_index
from discussion.sampling import SessionEntry, SessionFilter, Verification, draw_sample

KEY = "K" * 43 + "="
# Spellings that group together locally (case and repeated spaces), and a name that casefolds
# differently from how it lowercases (ß → ss), so a SQL lower() would group it wrongly.
ASSESSORS = ["Sam Assessor", "sam  ASSESSOR", "Jo Smith", "STRASSE", "Straße", None]
KINDS = ["assessment", "assessment", "assessment", "practice"]
STATES = ["closed", "closed", "closed", "open", "did not go ahead"]
VERIFICATIONS: list[Verification] = ["none", "none", "started", "finished"]


def local_entries(count: int, rng: random.Random) -> list[SessionEntry]:
    """Sessions as the local list would show them (folders under a sessions folder)."""
    root = Path("/home/assessor/sessions")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    out = []
    for n in range(count):
        created = start + timedelta(hours=rng.randrange(24 * 60))
        name = f"2026-{n:04d}-{rng.randrange(10**6):06d}"
        out.append(
            SessionEntry(
                folder=root / name,
                session_id=f"{rng.randrange(16**8):08x}-{n}",
                apprentice=f"Apprentice {n}",
                assessor=rng.choice(ASSESSORS),
                date=created.astimezone(UTC).date(),
                attempt=1,
                kind=rng.choice(KINDS),
                state=rng.choice(STATES),  # type: ignore[arg-type]
                grade="pass",
                verification=rng.choice(VERIFICATIONS),
                created_at=created,
            )
        )
    return out


def index_them(entries: list[SessionEntry]) -> None:
    """The same sessions in the hub's index, with judgements where they were judged."""
    with open_index(load_config()) as index:
        index.init()
        conn = index.connect()
        conn.execute(
            "INSERT INTO hub_keys (public_key, signer, role) VALUES (%s, 'x', 'assessor')", (KEY,)
        )
        with conn.cursor().copy(
            "COPY hub_sessions (session_id, folder_name, apprentice, assessor, created_at, "
            "attempt, kind, state, grade, seal_hash, signer_key, manifest_key, "
            "manifest_sha256, bytes) FROM STDIN"
        ) as copy:
            for e in entries:
                ids = (e.session_id, e.folder.name, e.apprentice, e.assessor, e.created_at)
                copy.write_row(
                    (*ids, e.attempt, e.kind, e.state, e.grade, "0" * 64, KEY, "m", "0" * 64, 1)
                )
        for e in entries:
            if e.verification == "none":
                continue
            rounds = [False] if e.verification == "started" else [False, True]
            for n, finished in enumerate(rounds):
                conn.execute(
                    "INSERT INTO hub_judgements (session_id, sha256, object_key, verifier, "
                    "verifier_key, finished) VALUES (%s, %s, 'j', 'v', %s, %s)",
                    (e.session_id, f"{n}" * 64, KEY, finished),
                )


def test_hub_sample_is_the_local_sample_of_the_same_sessions(hub_env: dict[str, str]) -> None:
    entries = local_entries(400, random.Random(13))
    index_them(entries)
    cases = [
        (Fraction(10), 2026, False, None),
        (Fraction(10), 2026, True, None),
        (Fraction(33, 2), 7, True, None),
        (Fraction(100), 1, True, None),
        (Fraction(1, 10), 99, False, None),
        (Fraction(25), 5, True, SessionFilter(assessor="SAM assessor")),
        (Fraction(50), 5, False, SessionFilter(date_from=date(2026, 1, 20))),
        (Fraction(50), 6, True, SessionFilter(assessor="nobody")),
    ]
    with open_index(load_config()) as index:
        hub_listed = index.sessions(UTC)
        for percent, seed, per, wanted in cases:
            local = draw_sample(
                (wanted or SessionFilter()).apply(entries), percent, seed, per_assessor=per
            )
            hub = index.sample(percent, seed, per_assessor=per, wanted=wanted, tz=UTC)
            case = (percent, seed, per, wanted)
            assert [e.session_id for e in hub.sessions] == [e.session_id for e in local.sessions]
            assert (hub.eligible, list(hub.sets.items())) == (
                local.eligible,
                list(local.sets.items()),
            ), case
            assert hub.as_json()["sets"] == local.as_json()["sets"]
            # Whole entries, as the hub's own list gives them (folders by name only).
            listed = draw_sample(
                (wanted or SessionFilter()).apply(hub_listed), percent, seed, per_assessor=per
            )
            assert hub == listed, case
    drawn = index_sample_ids(Fraction(10), 2026)
    assert drawn and len(drawn) < len(entries) // 4  # a real draw, not everything


def index_sample_ids(percent: Fraction, seed: int) -> list[str]:
    with open_index(load_config()) as index:
        return [e.session_id for e in index.sample(percent, seed, per_assessor=True).sessions]
