"""`discussion sessions` and `discussion sample` as a verifier runs them (subprocess, real
records made with the record API in a temporary DISCUSSION_HOME)."""

from __future__ import annotations

import json
import os
import shutil
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
    run_cli,
    run_json,
    write_verification,
)

JSON_KEYS = {
    "folder", "session_id", "apprentice", "assessor", "date", "attempt", "state", "grade",
    "verified",
}  # fmt: skip


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A data home with one session of every kind the list must tell apart."""
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    make_closed(sessions, "pass01", date(2026, 3, 2), met=PASS_CRITERIA, apprentice_name="Ada Pass")
    make_closed(
        sessions,
        "dist01",
        date(2026, 3, 3),
        met=PASS_CRITERIA + DISTINCTION_CRITERIA[:3],
        apprentice_name="Dee Distinction",
        assessor="Pat Checker",
    )
    failed = make_closed(
        sessions, "fail01", date(2026, 3, 4), not_met=("3A",), apprentice_name="Fay Fail"
    )
    write_verification(failed, "started", "judgement", "outcome", "finished")
    make_interrupted(sessions, "intr01", date(2026, 3, 5), apprentice_name="Ian Interrupted")
    make_declined(sessions, "decl01", date(2026, 3, 6), apprentice_name="Dan Declined")
    make_closed(
        sessions,
        "prac01",
        date(2026, 3, 7),
        met=PASS_CRITERIA,
        apprentice_name="Pia Practice",
        kind="practice",
    )
    broken = sessions / "2026-03-08T0900-broken"
    broken.mkdir()
    (broken / "session.json").write_text("{not json", encoding="utf-8")
    no_log = make_closed(sessions, "nolog1", date(2026, 3, 9), apprentice_name="Nia Nolog")
    (no_log / "events.jsonl").unlink()
    folder_log = make_closed(sessions, "dirlog", date(2026, 3, 10), apprentice_name="Dora Dir")
    (folder_log / "events.jsonl").unlink()
    (folder_log / "events.jsonl").mkdir()
    return tmp_path


def by_apprentice(entries: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {entry["apprentice"]: entry for entry in entries}


def test_json_lists_every_folder_with_state_grade_and_verification(home: Path) -> None:
    entries = run_json(home, "sessions")
    assert len(entries) == 9
    assert all(set(entry) >= JSON_KEYS for entry in entries)
    rows = by_apprentice(entries)
    ada = rows["Ada Pass"]
    assert ada["state"] == "closed" and ada["grade"] == "pass" and ada["verified"] is False
    assert ada["assessor"] == "Sam Assessor" and ada["attempt"] == 1
    assert ada["date"] == "2026-03-02"
    assert ada["session_id"] == "2026-03-02T0900-pass01"
    assert Path(str(ada["folder"])).is_dir()
    assert rows["Dee Distinction"]["grade"] == "distinction"
    assert rows["Fay Fail"]["grade"] == "fail" and rows["Fay Fail"]["verified"] is True
    assert rows["Ian Interrupted"]["state"] == "interrupted"
    assert rows["Ian Interrupted"]["grade"] is None
    assert rows["Dan Declined"]["state"] == "did not go ahead"
    assert rows["Dan Declined"]["grade"] is None
    assert rows["Pia Practice"]["kind"] == "practice"
    assert rows["Pia Practice"]["grade"] is None  # met every pass criterion, but never counts
    # Oldest first, by folder name.
    assert [e["session_id"] for e in entries] == sorted(str(e["session_id"]) for e in entries)


def test_damaged_folders_are_listed_with_what_is_wrong(home: Path) -> None:
    entries = run_json(home, "sessions")
    broken = {Path(str(e["folder"])).name: e for e in entries if e["state"] == "broken"}
    assert set(broken) == {
        "2026-03-08T0900-broken",
        "2026-03-09T0900-nolog1",
        "2026-03-10T0900-dirlog",
    }
    assert "session.json" in str(broken["2026-03-08T0900-broken"]["problem"])
    assert "events.jsonl is missing" in str(broken["2026-03-09T0900-nolog1"]["problem"])
    assert "folder" in str(broken["2026-03-10T0900-dirlog"]["problem"])
    # The folder whose log is missing still shows who and when (from session.json).
    assert broken["2026-03-09T0900-nolog1"]["apprentice"] == "Nia Nolog"
    assert all(e["grade"] is None for e in broken.values())


def test_text_has_a_line_per_session_and_names_the_problem(home: Path) -> None:
    result = run_cli(home, "sessions")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["Date", "Apprentice", "Assessor"]
    assert len(lines) == 1 + 9
    ada = next(line for line in lines if "Ada Pass" in line)
    assert "Sam Assessor" in ada and " closed " in ada and " pass " in ada
    assert "2026-03-02T0900-pass01" in ada
    fay = next(line for line in lines if "Fay Fail" in line)
    assert " fail " in fay and " yes " in fay
    nolog = next(line for line in lines if "nolog1" in line)
    assert " broken " in nolog and "events.jsonl is missing" in nolog
    assert "(practice)" in next(line for line in lines if "Pia Practice" in line)
    assert "did not go ahead" in next(line for line in lines if "Dan Declined" in line)


def in_process(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> Any:
    """The command's `--json` through `discussion.cli.main` in this process (no start-up)."""
    from discussion.cli import main

    monkeypatch.setenv("DISCUSSION_HOME", str(home))
    capsys.readouterr()
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_filters_assessor_dates_and_state(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def names(*args: str) -> list[object]:
        return [e["apprentice"] for e in in_process(home, capsys, monkeypatch, "sessions", *args)]

    assert names("--assessor", "pat CHECKER") == ["Dee Distinction"]
    assert names("--from", "2026-03-03", "--to", "2026-03-04") == ["Dee Distinction", "Fay Fail"]
    # A broken folder's date is unknown: a date filter leaves it out.
    later = in_process(home, capsys, monkeypatch, "sessions", "--from", "2026-03-01")
    assert "2026-03-08" not in str(later)
    assert names("--state", "did-not-go-ahead") == ["Dan Declined"]
    assert names("--state", "interrupted") == ["Ian Interrupted"]
    assert len(names("--state", "broken")) == 3
    closed = names("--state", "closed", "--assessor", "Sam Assessor")
    assert closed == ["Ada Pass", "Fay Fail", "Pia Practice"]
    assert run_cli(home, "sessions", "--assessor", "Nobody").stdout == "No sessions match.\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--from", "2026-13-01"), "--from '2026-13-01' is not a date: write it as YYYY-MM-DD"),
        (("--to", "yesterday"), "--to 'yesterday' is not a date"),
        (("--from", "2026-03-05", "--to", "2026-03-01"), "--from 2026-03-05 is after --to"),
        (("--assessor", " "), "--assessor is blank"),
    ],
)
def test_bad_filters_are_one_line_exit_2(home: Path, args: tuple[str, ...], expected: str) -> None:
    result = run_cli(home, "sessions", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert expected in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_empty_and_missing_home(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "sessions").stdout == "No sessions yet.\n"
    assert run_json(tmp_path, "sessions") == []
    assert run_json(tmp_path, "sample", "--percent", "10")["sessions"] == []


def test_odd_files_never_block_or_stop_the_list(home: Path) -> None:
    """A FIFO as session.json, a symlinked log, a symlink loop: each one broken line."""
    sessions = home / "sessions"
    fifo = sessions / "2026-03-11T0900-fifo01"
    fifo.mkdir()
    os.mkfifo(fifo / "session.json")
    linked = make_closed(sessions, "link01", date(2026, 3, 12), apprentice_name="Lin Link")
    (linked / "events.jsonl").rename(linked / "elsewhere.jsonl")
    (linked / "events.jsonl").symlink_to(linked / "elsewhere.jsonl")
    loop = sessions / "2026-03-13T0900-loop01"
    loop.mkdir()
    (loop / "session.json").symlink_to(loop / "session.json")
    entries = run_json(home, "sessions")
    assert len(entries) == 12
    broken = {Path(str(e["folder"])).name: str(e["problem"]) for e in entries if e["problem"]}
    assert "2026-03-11T0900-fifo01" in broken
    assert "symbolic link" in broken["2026-03-12T0900-link01"]
    assert "2026-03-13T0900-loop01" in broken


@pytest.mark.parametrize("value", ["0", "-5", "100.5", "abc", "nan", "inf", ""])
def test_sample_percent_is_checked(home: Path, value: str) -> None:
    result = run_cli(home, "sample", "--percent", value)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "--percent" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_sample_takes_only_closed_assessments_that_went_ahead(home: Path) -> None:
    sample = run_json(home, "sample", "--percent", "100", "--seed", "1")
    drawn = {e["apprentice"] for e in sample["sessions"]}
    assert drawn == {"Ada Pass", "Dee Distinction", "Fay Fail"}
    assert sample["eligible"] == 3 and sample["size"] == 3 and sample["seed"] == 1
    assert all(set(e) >= JSON_KEYS for e in sample["sessions"])


def test_sample_prefers_sessions_not_yet_verified(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two of the three eligible are unverified: a 50% sample (2, rounded up) takes both.
    for seed in range(5):
        args = ("sample", "--percent", "50", "--seed", str(seed))
        sample = in_process(home, capsys, monkeypatch, *args)
        assert {e["apprentice"] for e in sample["sessions"]} == {"Ada Pass", "Dee Distinction"}


def test_sample_per_assessor_takes_one_of_each(home: Path) -> None:
    sample = run_json(home, "sample", "--percent", "1", "--per", "assessor", "--seed", "7")
    assert sorted(str(e["assessor"]) for e in sample["sessions"]) == ["Pat Checker", "Sam Assessor"]
    sets = {s["assessor"]: (s["eligible"], s["drawn"]) for s in sample["sets"]}
    assert sets == {"Pat Checker": (1, 1), "Sam Assessor": (2, 1)}
    result = run_cli(home, "sample", "--percent", "1", "--per", "assessor", "--seed", "7")
    assert "Sam Assessor: 1 of 2" in result.stdout


def test_sample_is_reproducible_and_prints_its_seed(home: Path, tmp_path: Path) -> None:
    first = run_cli(home, "sample", "--percent", "34")
    assert first.returncode == 0, first.stderr
    seed = first.stdout.split("seed ", 1)[1].split(";", 1)[0]
    again = run_cli(home, "sample", "--percent", "34", "--seed", seed)
    assert again.stdout == first.stdout
    # The same sessions copied elsewhere, in another order of creation: the same sample.
    other = tmp_path / "copy"
    for folder in sorted((home / "sessions").iterdir(), reverse=True):
        shutil.copytree(folder, other / "sessions" / folder.name, symlinks=True)
    moved = run_json(other, "sample", "--percent", "34", "--seed", seed)
    original = run_json(home, "sample", "--percent", "34", "--seed", seed)
    assert [e["session_id"] for e in moved["sessions"]] == [
        e["session_id"] for e in original["sessions"]
    ]


def test_sample_with_nothing_eligible_says_why(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    make_closed(sessions, "prac02", date(2026, 3, 7), kind="practice", apprentice_name="Pia P")
    result = run_cli(tmp_path, "sample", "--percent", "10", "--seed", "3")
    assert result.returncode == 0
    assert "Nothing to sample" in result.stdout and "practice" in result.stdout


def test_bad_seed_is_one_line(home: Path) -> None:
    result = run_cli(home, "sample", "--percent", "10", "--seed", "x")
    assert result.returncode == 2
    assert "--seed" in result.stderr and "Traceback" not in result.stderr


def test_the_list_shared_between_processes_is_the_same_list(home: Path) -> None:
    from discussion.sampling import list_entries

    alone = list_entries(home / "sessions")
    shared = list_entries(home / "sessions", workers=3, parallel_from=1)
    assert shared == alone
    assert [e.folder.name for e in shared] == sorted(e.folder.name for e in alone)


@pytest.mark.slow  # six runs of the command line, key made on first use: about 6 s
def test_verified_means_a_round_finished_by_discussion_judge(tmp_path: Path) -> None:
    """Real verification.jsonl files written by `discussion judge` (signed at the outcome)."""
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    done = make_closed(sessions, "judged", date(2026, 3, 2), met=PASS_CRITERIA)
    going = make_closed(sessions, "judgin", date(2026, 3, 3), met=PASS_CRITERIA)
    make_closed(sessions, "nojudg", date(2026, 3, 4), met=PASS_CRITERIA)
    judge = ("judge", "--verifier", "Val Verifier")
    finished = run_cli(tmp_path, judge[0], str(done), *judge[1:], "--outcome", "confirmed")
    assert finished.returncode == 0, finished.stderr
    started = run_cli(tmp_path, judge[0], str(going), *judge[1:], "--criterion", "3A", "--agree")
    assert started.returncode == 0, started.stderr
    entries = {Path(str(e["folder"])).name: e for e in run_json(tmp_path, "sessions")}
    assert entries["2026-03-02T0900-judged"]["verified"] is True
    assert entries["2026-03-03T0900-judgin"]["verified"] is False
    assert entries["2026-03-03T0900-judgin"]["verification"] == "started"
    assert entries["2026-03-04T0900-nojudg"]["verification"] == "none"
    # The sample prefers the two not yet verified.
    sample = run_json(tmp_path, "sample", "--percent", "60", "--seed", "9")
    assert {Path(str(e["folder"])).name for e in sample["sessions"]} == {
        "2026-03-03T0900-judgin",
        "2026-03-04T0900-nojudg",
    }
    # A second round, started after the first was finished, leaves the session verified.
    again = run_cli(tmp_path, judge[0], str(done), *judge[1:], "--criterion", "3A", "--agree")
    assert again.returncode == 0, again.stderr
    entries = {Path(str(e["folder"])).name: e for e in run_json(tmp_path, "sessions")}
    assert entries["2026-03-02T0900-judged"]["verified"] is True


def test_finished_marker_is_the_verification_packages_own() -> None:
    from discussion.sampling import FINISHED_MARKER, VERIFICATION_JSONL
    from discussion.verification.events import VERIFICATION_JSONL as PACKAGE_FILE
    from discussion.verification.events import FinishedData

    assert VERIFICATION_JSONL == PACKAGE_FILE
    assert f'"type":"{FinishedData.TYPE}"'.encode() == FINISHED_MARKER


def test_home_option_and_sample_filters(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "empty-home"
    elsewhere.mkdir()
    listed = in_process(elsewhere, capsys, monkeypatch, "sessions", "--home", str(home))
    assert len(listed) == 9  # --home wins over DISCUSSION_HOME
    args = ("sample", "--percent", "100", "--seed", "2", "--home", str(home))
    pat = in_process(elsewhere, capsys, monkeypatch, *args, "--assessor", "Pat Checker")
    assert [e["apprentice"] for e in pat["sessions"]] == ["Dee Distinction"]
    march = in_process(elsewhere, capsys, monkeypatch, *args, "--from", "2026-03-04")
    assert [e["apprentice"] for e in march["sessions"]] == ["Fay Fail"]
