"""The hub's list (`Index.sessions`) is in the local list's order (folder names as Python sorts
them, `discussion.record.listing.folder_names`), whatever collation the organisation's
PostgreSQL was set up with: a server made with a language's collation (here ICU's) sorts
case and accents its own way, over a real PostgreSQL (tests/hub_fixtures.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from test_hub_sample import index_them

from discussion.hub.config import load_config
from discussion.hub.index import open_index
from discussion.record.listing import folder_names
from discussion.sampling import SessionEntry

# Case, accents and a non-Latin letter: a language's collation puts these in another order.
NAMES = ["Zoë", "ana", "Émile", "eve", "Ärne", "zed", "Øyvind", "Ωmega", "Adam", "éclair"]


def test_the_hub_lists_in_the_local_order(hub_env: dict[str, str], tmp_path: Path) -> None:
    created = datetime(2026, 3, 2, 9, tzinfo=UTC)
    entries = []
    for n, name in enumerate(NAMES):
        folder = tmp_path / "sessions" / f"2026-03-02T0900-{name}"
        folder.mkdir(parents=True)
        entries.append(
            SessionEntry(
                folder, f"{name}-{n}", name, "Sam Assessor", created.date(), 1,
                "assessment", "closed", "pass", "none", created_at=created,
            )
        )  # fmt: skip
    index_them(entries)
    with open_index(load_config()) as index:
        conn = index.connect()
        # As if the server's default collation were a language's (e.g. initdb in en_GB).
        for column in ("folder_name", "session_id"):
            conn.execute(
                f'ALTER TABLE hub_sessions ALTER COLUMN {column} TYPE text COLLATE "und-x-icu"'
            )
        linguistic = [r[0] for r in conn.execute("SELECT folder_name FROM hub_sessions ORDER BY 1")]
        local = folder_names(tmp_path / "sessions")
        assert linguistic != local  # the server really sorts another way
        assert [e.folder.name for e in index.sessions(UTC)] == local
