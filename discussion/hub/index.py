"""The index (PostgreSQL through psycopg 3): sessions, public keys, judgements.

A session row is written in one transaction with its signer's key, only after the store's
checksums matched ours and the manifest is on the store: a crash or a server restart leaves
either the whole row or none. `sessions()` turns rows into `discussion.sampling.SessionEntry`,
so the hub's list and sample mean exactly what the local `sessions` and `sample` mean.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

from discussion.hub.config import ENV_DSN, HubConfig, redact_dsn
from discussion.hub.errors import HubError, HubUnreachable
from discussion.sampling import (
    Sample,
    SessionEntry,
    SessionFilter,
    Verification,
    sample_size,
)
from discussion.sampling import _name_key as _name_key  # the grouping draw_sample uses

T = TypeVar("T")
# A push retries the index this long when the server goes away (e.g. it restarts).
RETRY_FOR_S = 30.0


@dataclass(frozen=True)
class SessionRow:
    """What the index says about one handed-in record."""

    session_id: str
    folder_name: str
    seal_hash: str
    signer_key: str
    manifest_key: str
    manifest_sha256: str
    bytes: int


class Index:
    """A connection to the hub's PostgreSQL index."""

    def __init__(self, config: HubConfig) -> None:
        if not config.dsn:
            raise HubError(f"no index is configured: set {ENV_DSN}", exit_code=2)
        self.dsn: str = config.dsn
        self._conn: Any = None

    def where(self) -> str:
        """The index's address without a password."""
        return f"PostgreSQL at {redact_dsn(self.dsn)}"

    def connect(self) -> Any:
        """The open connection (opened on first use); HubUnreachable with the fix."""
        import psycopg

        if self._conn is None or self._conn.closed:
            try:
                self._conn = psycopg.connect(self.dsn, connect_timeout=5, autocommit=True)
            except psycopg.OperationalError as error:
                first = str(error).strip().splitlines()[0][:160] if str(error) else ""
                raise HubUnreachable(
                    f"the index is unreachable ({self.where()}: {first}): start PostgreSQL or "
                    f"set {ENV_DSN} to where it runs"
                ) from None
        return self._conn

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def retrying(self, work: Callable[[Any], T], retry_for: float = RETRY_FOR_S) -> T:
        """`work(conn)`, again on a fresh connection while the server is away (a restart),
        with back-off, for up to `retry_for` seconds; then HubUnreachable."""
        import psycopg

        deadline = time.monotonic() + retry_for
        delay = 0.2
        while True:
            try:
                return work(self.connect())
            except (psycopg.OperationalError, HubUnreachable) as error:
                self.close()
                if time.monotonic() + delay > deadline:
                    if isinstance(error, HubUnreachable):
                        raise
                    raise HubUnreachable(
                        f"the index went away ({self.where()}): start PostgreSQL; the hand-in "
                        "is retried"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 3.0)

    def init(self) -> list[int]:
        """Apply the schema's migrations (idempotent)."""
        from discussion.hub.migrations import migrate

        return migrate(self.connect())

    def check_schema(self) -> None:
        """HubError unless `hub init` created the schema."""
        from discussion.hub.migrations import LATEST, schema_version

        version = schema_version(self.connect())
        if version is None:
            raise HubError(
                f"the index has no hub schema ({self.where()}): run `discussion hub init`"
            )
        if version < LATEST:
            raise HubError(f"the index's schema is older ({version}): run `discussion hub init`")

    def add_session(self, row: dict[str, Any], signer: str, role: str = "assessor") -> bool:
        """Register the signer's key (first push) and insert the row; False when it was there
        already with the same manifest, HubError when with another."""

        def work(conn: Any) -> bool:
            with conn.transaction():
                conn.execute(
                    "INSERT INTO hub_keys (public_key, signer, role, first_session) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (public_key) DO NOTHING",
                    (row["signer_key"], signer, role, row["session_id"]),
                )
                columns = ", ".join(row)
                marks = ", ".join(["%s"] * len(row))
                inserted = conn.execute(
                    f"INSERT INTO hub_sessions ({columns}) VALUES ({marks}) "
                    "ON CONFLICT (session_id) DO NOTHING RETURNING session_id",
                    tuple(row.values()),
                ).fetchone()
                if inserted is not None:
                    return True
                there = conn.execute(
                    "SELECT manifest_sha256 FROM hub_sessions WHERE session_id = %s",
                    (row["session_id"],),
                ).fetchone()
            if there is not None and there[0] != row["manifest_sha256"]:
                raise HubError(
                    f"the index holds session {row['session_id']} with another manifest: "
                    "ask the hub's administrator"
                )
            return False

        return self.retrying(work)

    def session(self, session_id: str) -> SessionRow | None:
        """The row of one session, None when the hub has none."""
        found = (
            self.connect()
            .execute(
                "SELECT session_id, folder_name, seal_hash, signer_key, manifest_key, "
                "manifest_sha256, bytes FROM hub_sessions WHERE session_id = %s",
                (session_id,),
            )
            .fetchone()
        )
        return SessionRow(*found) if found else None

    def key(self, public_key: str) -> tuple[str, str] | None:
        """(signer, role) the hub registered `public_key` under, or None."""
        found = (
            self.connect()
            .execute("SELECT signer, role FROM hub_keys WHERE public_key = %s", (public_key,))
            .fetchone()
        )
        return (str(found[0]), str(found[1])) if found else None

    def add_judgement(self, row: dict[str, Any], verifier: str) -> bool:
        """Register the verifier's key and the judgement; False when it was there already."""

        def work(conn: Any) -> bool:
            with conn.transaction():
                conn.execute(
                    "INSERT INTO hub_keys (public_key, signer, role, first_session) "
                    "VALUES (%s, %s, 'verifier', %s) ON CONFLICT (public_key) DO NOTHING",
                    (row["verifier_key"], verifier, row["session_id"]),
                )
                columns = ", ".join(row)
                marks = ", ".join(["%s"] * len(row))
                inserted = conn.execute(
                    f"INSERT INTO hub_judgements ({columns}) VALUES ({marks}) "
                    "ON CONFLICT (session_id, sha256) DO NOTHING RETURNING sha256",
                    tuple(row.values()),
                ).fetchone()
            return inserted is not None

        return self.retrying(work)

    def latest_judgement(self, session_id: str) -> tuple[str, str] | None:
        """(object key, sha256) of the session's latest handed-in verification, or None."""
        found = (
            self.connect()
            .execute(
                "SELECT object_key, sha256 FROM hub_judgements WHERE session_id = %s "
                "ORDER BY pushed_at DESC LIMIT 1",
                (session_id,),
            )
            .fetchone()
        )
        return (str(found[0]), str(found[1])) if found else None

    def sessions(self, tz: tzinfo | None = None) -> list[SessionEntry]:
        """Every handed-in session as the local list shows one, in folder-name order."""
        # "C": by code point, as Python sorts the local list, not by the server's language.
        order = 'ORDER BY s.folder_name COLLATE "C", s.session_id COLLATE "C"'
        rows = self.connect().execute(_SESSIONS + order)
        return [_entry(row, tz) for row in rows.fetchall()]

    def sample(
        self,
        percent: Fraction,
        seed: int,
        *,
        per_assessor: bool = False,
        wanted: SessionFilter | None = None,
        tz: tzinfo | None = None,
    ) -> Sample:
        """`draw_sample(wanted.apply(self.sessions(tz)), percent, seed, per_assessor=...)`,
        the same sample, without making an entry of every session: the draw reads only the
        eligible sessions' ids, assessors and verification, and only the drawn are fetched
        whole (`discussion.sampling` says what the sample means)."""
        rows = (
            self.connect()
            .execute(
                "SELECT s.session_id, s.folder_name, s.assessor, s.created_at, "
                "EXISTS (SELECT 1 FROM hub_judgements j WHERE j.session_id = s.session_id "
                "AND j.finished) FROM hub_sessions s "
                "WHERE s.kind = 'assessment' AND s.state = 'closed'"
            )
            .fetchall()
        )
        if wanted is not None:
            rows = [row for row in rows if wanted.matches(_light_entry(row, tz))]
        rows.sort(key=lambda row: (row[0], row[1]))
        groups: dict[str, list[tuple[Any, ...]]] = {}
        names: dict[str, str] = {}
        for row in rows:
            key = _name_key(row[2] or "") if per_assessor else ""
            groups.setdefault(key, []).append(row)
            names.setdefault(key, (row[2] or "") if per_assessor else "")
        chosen: list[str] = []
        sets: dict[str, tuple[int, int]] = {}
        for key in sorted(groups):
            members = groups[key]
            take = sample_size(percent, len(members))
            members.sort(key=lambda row: (row[4], _draw_key(seed, row[0], row[1])))
            chosen.extend(row[0] for row in members[:take])
            sets[names[key]] = (len(members), take)
        drawn = self.connect().execute(_SESSIONS + "WHERE s.session_id = ANY(%s)", (chosen,))
        entries = [_entry(row, tz) for row in drawn.fetchall()]
        entries.sort(key=lambda entry: (entry.session_id, entry.folder.name))  # as Python orders
        return Sample(seed, percent, per_assessor, len(rows), entries, sets)

    def counts(self) -> dict[str, int]:
        """How many sessions, judgements and keys the index holds."""
        conn = self.connect()
        out = {}
        for name in ("sessions", "judgements", "keys"):
            row = conn.execute(f"SELECT count(*) FROM hub_{name}").fetchone()
            out[name] = int(row[0]) if row else 0
        return out


_SESSIONS = (
    "SELECT s.folder_name, s.session_id, s.apprentice, s.assessor, s.created_at, "
    "s.attempt, s.kind, s.state, s.grade, j.finished "
    "FROM hub_sessions s LEFT JOIN ("
    "  SELECT session_id, bool_or(finished) AS finished FROM hub_judgements "
    "  GROUP BY session_id) j USING (session_id) "
)
_NO_FOLDER = Path()


def _draw_key(seed: int, session_id: str, folder_name: str) -> str:
    """`discussion.sampling.draw_key` of a row (its folder is `folder_name`, a plain name)."""
    text = f"{seed}\0{session_id}\0{folder_name}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _light_entry(row: tuple[Any, ...], tz: tzinfo | None) -> SessionEntry:
    """Enough of an eligible row's entry for `SessionFilter.matches` (assessor, date, state)."""
    session_id, _folder, assessor, created, _verified = row
    day = created.astimezone(tz).date() if created is not None else None
    return SessionEntry(
        _NO_FOLDER, session_id, None, assessor, day, None, "assessment", "closed", None, "none"
    )


def _entry(row: tuple[Any, ...], tz: tzinfo | None) -> SessionEntry:
    folder, session_id, apprentice, assessor, created, attempt, kind, state, grade, done = row
    created_at: datetime | None = created
    verification: Verification = "none" if done is None else ("finished" if done else "started")
    return SessionEntry(
        folder=Path(folder),
        session_id=session_id,
        apprentice=apprentice,
        assessor=assessor,
        date=created_at.astimezone(tz).date() if created_at is not None else None,
        attempt=attempt,
        kind=kind,
        state=state,
        grade=grade,
        verification=verification,
        created_at=created_at,
    )


@contextmanager
def open_index(config: HubConfig) -> Iterator[Index]:
    """An Index closed afterwards."""
    index = Index(config)
    try:
        yield index
    finally:
        index.close()
