"""The session list's cache of sealed folders (`discussion.record.listing_cache`, issue 10): a
cached listing is the listing a fresh read gives, any change to a folder is seen on the next
one, and a cache that is damaged or cannot be written never stops or changes the listing."""

from __future__ import annotations

import json
import os
import stat
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sessions_helpers import (
    DISTINCTION_CRITERIA,
    PASS_CRITERIA,
    make_closed,
    make_declined,
    make_interrupted,
    write_verification,
)

from discussion import installed_version
from discussion.record import listing_cache
from discussion.record.listing import folder_names, list_sessions, listed, summarise_folders
from discussion.sampling import SessionEntry, entry_from_summary, list_entries

KEYED = ("session.json", "events.jsonl", "verification.jsonl")


@pytest.fixture
def sessions() -> Path:
    """The data home's own sessions folder (the one that is cached)."""
    folder = Path(os.environ["DISCUSSION_HOME"]) / "sessions"
    folder.mkdir()
    return folder


def cache_file() -> Path:
    return Path(os.environ["DISCUSSION_HOME"]) / "cache" / "sessions.json"


def cached_names() -> set[str]:
    return set(json.loads(cache_file().read_text())["rows"])


def settle(folder: Path) -> None:
    """Make a folder's files look written a minute ago: older than the racy window."""
    old = time.time_ns() - 60 * 10**9
    for name in KEYED:
        if (folder / name).exists():
            os.utime(folder / name, ns=(old, old))


def fresh_entries(root: Path) -> list[SessionEntry]:
    """The list as read without any cache."""
    return [entry_from_summary(s) for s in summarise_folders(root, folder_names(root))]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the folders read afresh (not served from the cache), in this process."""
    seen: list[str] = []
    read = listed

    def spy(folder: Path) -> Any:
        seen.append(folder.name)
        return read(folder)

    monkeypatch.setattr(listing_cache, "listed", spy)
    return seen


def every_kind(sessions: Path) -> dict[str, Path]:
    """One folder of each kind the list tells apart, settled."""
    folders = {
        "pass": make_closed(sessions, "pass01", date(2026, 3, 2), met=PASS_CRITERIA),
        "distinction": make_closed(
            sessions, "dist01", date(2026, 3, 3), met=PASS_CRITERIA + DISTINCTION_CRITERIA
        ),
        "fail": make_closed(sessions, "fail01", date(2026, 3, 4), not_met=("3A",)),
        "declined": make_declined(sessions, "decl01", date(2026, 3, 5)),
        "practice": make_closed(sessions, "prac01", date(2026, 3, 6), kind="practice"),
        "interrupted": make_interrupted(sessions, "intr01", date(2026, 3, 7)),
    }
    write_verification(folders["fail"], "started", "judgement", "finished")
    torn = folders["torn"] = make_closed(sessions, "torn01", date(2026, 3, 8), met=PASS_CRITERIA)
    with (torn / "events.jsonl").open("ab") as handle:
        handle.write(b'{"at":"2026')  # a closed row with a problem: read afresh each time
    broken = sessions / "2026-03-09T0900-broken"
    broken.mkdir()
    (broken / "session.json").write_text("{not json", encoding="utf-8")
    folders["broken"] = broken
    for folder in folders.values():
        settle(folder)
    return folders


def test_a_cached_listing_is_the_fresh_listing_without_reading_sealed_folders(
    sessions: Path, reads: list[str]
) -> None:
    folders = every_kind(sessions)
    fresh = fresh_entries(sessions)
    first = list_entries(sessions)
    assert first == fresh
    sealed = {
        folders[kind].name for kind in ("pass", "distinction", "fail", "declined", "practice")
    }
    assert cached_names() == sealed  # never an unsealed or damaged folder
    assert stat.S_IMODE(cache_file().stat().st_mode) == 0o600  # it holds names
    assert stat.S_IMODE(cache_file().parent.stat().st_mode) == 0o700
    reads.clear()
    assert list_entries(sessions) == fresh
    assert list_entries(sessions, workers=2, parallel_from=1) == fresh
    assert list_sessions(sessions) == summarise_folders(sessions, folder_names(sessions))
    assert set(reads) == {folders[kind].name for kind in ("interrupted", "torn", "broken")}
    grades = {entry.folder.name: entry.grade for entry in list_entries(sessions)}
    assert grades[folders["distinction"].name] == "distinction"
    assert grades[folders["fail"].name] == "fail"


def test_a_folder_changed_just_now_is_not_cached_until_it_settles(sessions: Path) -> None:
    folder = make_closed(sessions, "pass01", date(2026, 3, 2), met=PASS_CRITERIA)
    list_entries(sessions)
    assert not cache_file().exists() or folder.name not in cached_names()
    settle(folder)
    list_entries(sessions)
    assert cached_names() == {folder.name}


def test_rows_the_home_screen_cached_get_their_verification_read(sessions: Path) -> None:
    folder = make_closed(sessions, "fail01", date(2026, 3, 4), not_met=("3A",))
    write_verification(folder, "started", "finished")
    settle(folder)
    list_sessions(sessions)  # the home screen's list: it never reads verification.jsonl
    assert json.loads(cache_file().read_text())["rows"][folder.name][2] is None
    (entry,) = list_entries(sessions)
    assert entry.verification == "finished"
    assert json.loads(cache_file().read_text())["rows"][folder.name][2] == "finished"
    assert list_entries(sessions) == fresh_entries(sessions)


def _edit_session_json(folder: Path) -> None:
    """Same length, mtime set back: only the ctime tells."""
    path = folder / "session.json"
    before = path.stat()
    path.write_text(path.read_text().replace("Alex Example", "Alex Exampel"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


def _append_event(folder: Path) -> None:
    with (folder / "events.jsonl").open("ab") as handle:
        handle.write(b'{"seq":99}\n')


def _remove_seal(folder: Path) -> None:
    path = folder / "events.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]))


def _lock(folder: Path) -> None:
    (folder / "recorder.lock").write_text("12345\n")


CHANGES: dict[str, Callable[[Path], None]] = {
    "edited session.json": _edit_session_json,
    "appended event": _append_event,
    "new verification.jsonl": lambda folder: write_verification(folder, "started", "finished"),
    "removed seal": _remove_seal,
    "recorder.lock": _lock,
}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("lister", ["entries", "summaries"])
def test_a_change_to_a_cached_folder_is_seen_on_the_next_listing(
    sessions: Path, reads: list[str], change: str, lister: str
) -> None:
    folder = make_closed(sessions, "pass01", date(2026, 3, 2), met=PASS_CRITERIA)
    make_closed(sessions, "pass02", date(2026, 3, 3), met=PASS_CRITERIA)
    for each in sessions.iterdir():
        settle(each)

    def listing() -> list[Any]:
        if lister == "entries":
            return list(list_entries(sessions))
        return list(list_sessions(sessions))

    def fresh() -> list[Any]:
        if lister == "entries":
            return list(fresh_entries(sessions))
        return list(summarise_folders(sessions, folder_names(sessions)))

    before = listing()
    assert folder.name in cached_names()
    CHANGES[change](folder)
    reads.clear()
    after = listing()
    assert after == fresh()
    assert reads == [folder.name]  # the other folder still comes from the cache
    # A lock beside a seal changes nothing shown, nor does verification.jsonl in the home
    # screen's list; every other change shows.
    if change != "recorder.lock" and (lister, change) != ("summaries", "new verification.jsonl"):
        assert after[0] != before[0]
    assert after[1] == before[1]


def _other_version(real: dict[str, Any]) -> bytes:
    return json.dumps({**real, "software": installed_version() + "-other"}).encode()


def _damaged_rows(rows: object) -> Callable[[dict[str, Any]], bytes]:
    return lambda real: json.dumps({**real, "rows": rows}).encode()


DAMAGE: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "not JSON": lambda _real: b"{not json",
    "not text": lambda _real: b"\xff\xfe\x00binary",
    "not an object": lambda _real: b"[]",
    "another format": lambda real: json.dumps({**real, "format": 999}).encode(),
    "another version": _other_version,
    "rows not a table": _damaged_rows(["x"]),
    "a row not a row": _damaged_rows({"2026-03-02T0900-pass01": [[None], "x", 5]}),
    "a row a string": _damaged_rows({"2026-03-02T0900-pass01": "abc"}),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_cache_is_ignored_and_rewritten(sessions: Path, damage: str) -> None:
    folder = make_closed(sessions, "pass01", date(2026, 3, 2), met=PASS_CRITERIA)
    settle(folder)
    list_entries(sessions)
    real = json.loads(cache_file().read_text())
    cache_file().write_bytes(DAMAGE[damage](real))
    assert list_entries(sessions) == fresh_entries(sessions)
    assert json.loads(cache_file().read_text()) == real


def test_a_damaged_cache_is_rewritten_when_there_is_nothing_to_keep(sessions: Path) -> None:
    make_interrupted(sessions, "intr01", date(2026, 3, 7))
    cache_file().parent.mkdir()
    cache_file().write_bytes(b"{not json")
    assert list_entries(sessions) == fresh_entries(sessions)
    assert json.loads(cache_file().read_text())["rows"] == {}


def test_a_wrong_row_under_a_matching_key_is_refused_by_its_checks(sessions: Path) -> None:
    folder = make_closed(sessions, "pass01", date(2026, 3, 2), met=PASS_CRITERIA)
    settle(folder)
    list_entries(sessions)
    data = json.loads(cache_file().read_text())
    data["rows"][folder.name][1][3] = "one"  # the attempt, not a number
    data["rows"][folder.name][2] = "certainly"  # not a verification state
    cache_file().write_text(json.dumps(data))
    assert list_entries(sessions) == fresh_entries(sessions)
    assert json.loads(cache_file().read_text())["rows"][folder.name][1][3] == 1


def test_an_unwritable_cache_location_still_lists(sessions: Path) -> None:
    every_kind(sessions)
    cache_file().parent.write_text("a file where the cache folder goes")
    assert list_entries(sessions) == fresh_entries(sessions)
    assert list_sessions(sessions) == summarise_folders(sessions, folder_names(sessions))
    cache_file().parent.unlink()
    cache_file().mkdir(parents=True)  # a folder where the cache file goes
    assert list_entries(sessions) == fresh_entries(sessions)
    assert list(cache_file().parent.iterdir()) == [cache_file()]  # no temporary file left


def test_a_cache_that_cannot_be_rewritten_still_serves_its_rows(
    sessions: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_closed(sessions, "pass01", date(2026, 3, 2), met=PASS_CRITERIA)
    settle(folder)
    list_entries(sessions)
    written = cache_file().read_bytes()
    added = make_closed(sessions, "pass02", date(2026, 3, 3), met=PASS_CRITERIA)
    settle(added)  # so the listing wants to write the cache again

    def refuse(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    reads.clear()
    assert list_entries(sessions) == fresh_entries(sessions)
    assert reads == [added.name]
    assert cache_file().read_bytes() == written


def test_only_the_data_homes_own_sessions_folder_is_cached(tmp_path: Path) -> None:
    elsewhere = tmp_path / "copy"
    folder = make_closed(elsewhere, "pass01", date(2026, 3, 2), met=PASS_CRITERIA)
    settle(folder)
    assert list_entries(elsewhere) == fresh_entries(elsewhere)
    assert not cache_file().exists() and not (tmp_path / "cache").exists()
