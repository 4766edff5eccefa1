"""The index's schema as numbered migrations, applied in order, each once, in one transaction.

A new schema change is a new entry at the end of MIGRATIONS (never an edit of an applied one).
`migrate` takes a transaction-scoped advisory lock, so two laptops running `hub init` at once
apply each migration once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

# pg_advisory_xact_lock key: "dhub" as an integer.
LOCK_KEY = 0x64687562

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "sessions, public keys and judgements",
        """
        CREATE TABLE hub_keys (
            public_key text PRIMARY KEY,
            signer text NOT NULL,
            role text NOT NULL,
            first_session text,
            registered_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE hub_sessions (
            session_id text PRIMARY KEY,
            folder_name text NOT NULL,
            apprentice text,
            assessor text,
            created_at timestamptz,
            day date,
            attempt integer,
            kind text,
            state text NOT NULL,
            grade text,
            seal_hash text NOT NULL,
            signer_key text NOT NULL REFERENCES hub_keys (public_key),
            manifest_key text NOT NULL,
            manifest_sha256 text NOT NULL,
            manifest_version text,
            bytes bigint NOT NULL,
            pushed_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX hub_sessions_assessor ON hub_sessions (lower(assessor));
        CREATE INDEX hub_sessions_day ON hub_sessions (day);
        CREATE TABLE hub_judgements (
            session_id text NOT NULL REFERENCES hub_sessions (session_id),
            sha256 text NOT NULL,
            object_key text NOT NULL,
            version_id text,
            verifier text NOT NULL,
            verifier_key text NOT NULL REFERENCES hub_keys (public_key),
            outcome text,
            finished boolean NOT NULL,
            pushed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (session_id, sha256)
        );
        CREATE INDEX hub_judgements_verifier ON hub_judgements (verifier, outcome);
        """,
    ),
)


def migrate(conn: psycopg.Connection[tuple[object, ...]]) -> list[int]:
    """Apply the migrations not yet applied; returns their numbers (empty when up to date)."""
    applied: list[int] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS hub_migrations (version integer PRIMARY KEY, "
            "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        row = conn.execute("SELECT coalesce(max(version), 0) FROM hub_migrations").fetchone()
        current = int(str(row[0])) if row else 0
        for version, description, sql in MIGRATIONS:
            if version <= current:
                continue
            conn.execute(sql)
            conn.execute(
                "INSERT INTO hub_migrations (version, description) VALUES (%s, %s)",
                (version, description),
            )
            applied.append(version)
    return applied


def schema_version(conn: psycopg.Connection[tuple[object, ...]]) -> int | None:
    """The applied schema version, None when `hub init` never ran on this database."""
    row = conn.execute("SELECT to_regclass('hub_migrations')").fetchone()
    if row is None or row[0] is None:
        return None
    found = conn.execute("SELECT coalesce(max(version), 0) FROM hub_migrations").fetchone()
    return int(str(found[0])) if found else 0


LATEST = MIGRATIONS[-1][0]
