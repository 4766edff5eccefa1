"""Verifier judgements: verification.jsonl's chain and fsync'd appends, refusals on records
that are not sealed or do not verify, tampering caught by verify, the verifier's signature."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from cli_inprocess import run_in_process
from verification_helpers import make_record, rechain, sealed_folder

from discussion.errors import UserError
from discussion.record import verify
from discussion.signing.keys import load_or_create_key
from discussion.signing.model import fingerprint
from discussion.verification.judge import Judgement, judge
from discussion.verification.log import scan_verification

V = "Kim Verifier"


def _lines(folder: Path) -> list[dict[str, Any]]:
    text = (folder / "verification.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines()]


def test_judgements_append_a_chain_beside_an_untouched_record(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)
    before = (folder / "events.jsonl").read_bytes()
    judge(folder, V, judgement=Judgement("1a", True, "", "1,m1,0:01"))
    judge(folder, V, judgement=Judgement("2A", False, "the outcome is at 0:01", "2"))
    written = judge(folder, V, outcome="confirmed")
    assert (folder / "events.jsonl").read_bytes() == before  # never touched
    types = [line["type"] for line in _lines(folder)]
    assert types == ["started", "judgement", "judgement", "outcome", "finished"]
    assert [e.type for e in written] == ["outcome", "finished"]
    scan = scan_verification((folder / "verification.jsonl").read_bytes())
    assert scan.problem is None and len(scan.events) == 5
    first = _lines(folder)[1]["data"]
    assert first == {
        "agree": True,
        "comment": "",
        "criterion": "1A",
        "marks": [1],
        "note_seqs": [3, 4],
        "notes": [1],
        "times": [1.0],
    }
    assert os.stat(folder / "verification.jsonl").st_mode & 0o777 == 0o600
    report = verify(folder)
    assert report.ok, report.problems
    assert report.verification is not None
    (entry,) = report.verification["rounds"]
    assert entry["signature_ok"] and entry["signed_by"]["name"] == V
    assert entry["outcome"] == "confirmed" and entry["role"] == "IQA"


def test_each_append_is_one_write_then_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = sealed_folder(tmp_path)
    calls: list[str] = []
    real_write, real_fsync = os.write, os.fsync
    target = folder / "verification.jsonl"

    def write(fd: int, data: bytes) -> int:
        calls.append("write")
        return real_write(fd, data)

    def fsync(fd: int) -> None:
        if os.path.exists(target) and os.fstat(fd).st_ino == os.stat(target).st_ino:
            calls.append(f"fsync:{target.stat().st_size}")
        real_fsync(fd)

    monkeypatch.setattr(os, "write", write)
    monkeypatch.setattr(os, "fsync", fsync)
    judge(folder, V, judgement=Judgement("1A", True))
    sizes = [len(line) for line in target.read_bytes().splitlines(keepends=True)]
    # started, then the judgement: each one write, fsync'd with the whole line on disk
    assert calls == ["write", f"fsync:{sizes[0]}", "write", f"fsync:{sizes[0] + sizes[1]}"]


def test_a_failed_fsync_rolls_the_line_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = sealed_folder(tmp_path)
    judge(folder, V, judgement=Judgement("1A", True))
    size = (folder / "verification.jsonl").stat().st_size

    def failing(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(UserError) as caught:
        judge(folder, V, judgement=Judgement("2A", True))
    monkeypatch.undo()
    assert caught.value.exit_code == 1 and "nothing was recorded" in caught.value.message
    assert (folder / "verification.jsonl").stat().st_size == size
    assert verify(folder).ok


def test_refused_on_an_unsealed_record_and_nothing_is_written(tmp_path: Path) -> None:
    record = make_record(tmp_path, close=False)
    with pytest.raises(UserError) as caught:
        judge(record.folder, V, judgement=Judgement("1A", True))
    record.release()
    assert caught.value.exit_code == 1
    assert "is not sealed" in caught.value.message and "\n" not in caught.value.message
    assert not (record.folder / "verification.jsonl").exists()


def test_refused_on_an_altered_record(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)
    with (folder / "recorder.log").open("a") as handle:
        handle.write("edited\n")
    with pytest.raises(UserError) as caught:
        judge(folder, V, judgement=Judgement("1A", True))
    assert caught.value.exit_code == 1
    assert "does not verify" in caught.value.message and "recorder.log" in caught.value.message
    assert not (folder / "verification.jsonl").exists()


def test_a_changed_byte_in_the_verification_is_altered(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)
    judge(folder, V, judgement=Judgement("2A", False, "outcome heard at 0:01"))
    path = folder / "verification.jsonl"
    path.write_bytes(path.read_bytes().replace(b"outcome heard", b"outcome Heard"))
    report = verify(folder)
    assert not report.ok
    assert any("verification.jsonl line 2" in p for p in report.problems)
    with pytest.raises(UserError, match=r"verification is damaged|does not verify"):
        judge(folder, V, outcome="confirmed")


def test_a_recomputed_chain_fails_the_signature(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)
    judge(folder, V, judgement=Judgement("2A", False, "not enough"))
    judge(folder, V, outcome="referred", outcome_comment="2A needs another look")
    rechain(folder / "verification.jsonl", {1: {"agree": True, "comment": ""}})
    assert scan_verification((folder / "verification.jsonl").read_bytes()).problem is None
    problems = verify(folder).problems
    assert any("chain head is wrong" in p for p in problems), problems


def test_a_swapped_public_key_fails(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)
    judge(folder, V, outcome="confirmed")
    other = load_or_create_key("verifier", tmp_path / "elsewhere")
    lines = _lines(folder)
    signature = dict(lines[-1]["data"]["signature"])
    signature["public_key"] = other.public_key
    rechain(folder / "verification.jsonl", {len(lines) - 1: {"signature": signature}})
    report = verify(folder)
    assert not report.ok
    # The exact words, once each: it read "the verifier's signature signature claimed by".
    who = f"{V} ({fingerprint(other.public_key)})"
    said = f"verification.jsonl line {len(lines)}: the verifier's signature claimed by {who} "
    assert said + "DOES NOT MATCH" in report.problems, report.problems
    shown = run_in_process(["verify", str(folder)]).stdout
    assert f"  - {said}DOES NOT MATCH\n" in shown, shown


def test_a_verification_moved_from_another_record_is_altered(tmp_path: Path) -> None:
    first = sealed_folder(tmp_path / "a")
    second = sealed_folder(tmp_path / "b")
    judge(first, V, outcome="confirmed")
    shutil.copy(first / "verification.jsonl", second / "verification.jsonl")
    problems = verify(second).problems
    assert any("another record" in p for p in problems), problems


def test_a_record_without_verification_still_verifies(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)
    report = verify(folder)
    assert report.ok and report.verification is None
    assert report.as_json()["verification"] is None


def test_an_open_round_blocks_another_verifier_and_finish_signs(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)
    judge(folder, V, judgement=Judgement("1A", True))
    with pytest.raises(UserError, match="Kim Verifier's verification is still open"):
        judge(folder, "Pat External", role="EQA", judgement=Judgement("1A", True))
    report = verify(folder)
    assert report.ok and report.verification is not None
    assert report.verification["rounds"][0]["finished"] is False
    judge(folder, V, finish=True)
    judge(folder, "Pat External", role="EQA", judgement=Judgement("2A", True))
    judge(folder, "Pat External", outcome="confirmed")
    verification = verify(folder).verification
    assert verification is not None
    rounds = verification["rounds"]
    assert [(r["verifier"], r["role"], r["outcome"]) for r in rounds] == [
        (V, "IQA", None),
        ("Pat External", "EQA", "confirmed"),
    ]
    assert all(r["signature_ok"] for r in rounds)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (Judgement("9Z", True), "not a discussion criterion"),
        (Judgement("3B", True), "made no decision"),
        (Judgement("2A", False, "  "), "a disagreement needs a comment"),
        (Judgement("1A", True, "", "7"), "no note 7"),
        (Judgement("1A", True, "", "m4"), "no mark 4"),
        (Judgement("1A", True, "", "9:00"), "after the end of the record"),
        (Judgement("1A", True, "", "first"), "give note numbers"),
    ],
)
def test_bad_judgements_are_refused_before_anything_is_written(
    tmp_path: Path, request_: Judgement, message: str
) -> None:
    folder = sealed_folder(tmp_path)
    with pytest.raises(UserError, match=message) as caught:
        judge(folder, V, judgement=request_)
    assert caught.value.exit_code == 2 and "\n" not in caught.value.message
    assert not (folder / "verification.jsonl").exists()


def test_referral_needs_a_comment_and_finish_needs_a_round(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)
    with pytest.raises(UserError, match="referred outcome needs a comment"):
        judge(folder, V, outcome="referred")
    with pytest.raises(UserError, match="nothing to finish"):
        judge(folder, V, finish=True)
    assert not (folder / "verification.jsonl").exists()


def test_a_second_writer_waits_for_the_lock(tmp_path: Path) -> None:
    import threading

    from discussion.verification.log import open_locked

    folder = sealed_folder(tmp_path)
    judge(folder, V, judgement=Judgement("1A", True))
    done = threading.Event()

    def second() -> None:
        judge(folder, V, judgement=Judgement("2A", True))
        done.set()

    with open_locked(folder) as held:
        thread = threading.Thread(target=second)
        thread.start()
        assert not done.wait(0.5)  # blocked on the flock while the file is held
        held.append(held.events[-1].payload)  # this writer's line goes first
    thread.join(10)
    assert done.is_set()
    types = [(line["type"], line["data"].get("criterion")) for line in _lines(folder)]
    assert types[1:] == [("judgement", "1A"), ("judgement", "1A"), ("judgement", "2A")]
    assert verify(folder).ok


def test_a_key_from_elsewhere_verifies_but_is_not_trusted_until_trusted(tmp_path: Path) -> None:
    from discussion.signing.keys import keys_dir
    from discussion.signing.trust import trust_key_file

    folder = sealed_folder(tmp_path)
    elsewhere = tmp_path / "verifier-laptop"
    judge(folder, V, outcome="confirmed", home=elsewhere)
    report = verify(folder)
    assert report.ok and report.verification is not None
    (entry,) = report.verification["rounds"]
    assert entry["signature_ok"] and not entry["trusted"]
    assert "NOT TRUSTED" in entry["described"]
    trust_key_file(keys_dir(elsewhere) / "verifier.pub", V)
    (entry,) = verify(folder).verification["rounds"]  # type: ignore[index]
    assert entry["trusted"] and entry["trusted_as"] == V


def test_a_removed_signature_is_altered(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)
    judge(folder, V, outcome="confirmed")
    last = len(_lines(folder)) - 1
    rechain(folder / "verification.jsonl", {last: {"signature": {}}})
    problems = verify(folder).problems
    said = f"verification.jsonl line {last + 1}: the verifier's signature is missing or malformed"
    assert said + " (NO VALID SIGNATURE)" in problems, problems


def test_the_report_of_a_tampered_verification_says_not_intact(tmp_path: Path) -> None:
    from discussion.verification.export import verification_text

    folder = sealed_folder(tmp_path)
    judge(folder, V, judgement=Judgement("2A", False, "not enough"))
    judge(folder, V, outcome="confirmed")
    assert "Record and verification: intact." in verification_text(folder, "verification")
    path = folder / "verification.jsonl"
    path.write_bytes(path.read_bytes().replace(b"not enough", b"NOT enough"))
    text = verification_text(folder, "verification")
    assert "NOT INTACT: do not rely on this verification" in text
    assert "verification.jsonl line 2" in text
    page = verification_text(folder, "verification-html")
    assert 'class="status unsealed"' in page and "NOT INTACT" in page


def test_a_read_only_folder_is_one_line_naming_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = sealed_folder(tmp_path)
    real_open = os.open

    def read_only(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("verification.jsonl") and flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)  # an archive mounted read-only
    with pytest.raises(UserError, match="not writable here: fix its permissions or judge a copy"):
        judge(folder, V, judgement=Judgement("1A", True))


def test_any_changed_byte_is_caught(tmp_path: Path) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    folder = sealed_folder(tmp_path)
    judge(folder, V, judgement=Judgement("2A", False, "no outcome — heard at 0:01", "2,m1,0:01"))
    judge(folder, V, outcome="confirmed")
    path = folder / "verification.jsonl"
    original = path.read_bytes()

    @settings(max_examples=60, deadline=None, database=None)
    @given(st.integers(0, len(original) - 1), st.integers(1, 255))
    def changed(index: int, flip: int) -> None:
        data = bytearray(original)
        data[index] ^= flip
        path.write_bytes(bytes(data))
        try:
            assert not verify(folder).ok
        finally:
            path.write_bytes(original)

    changed()
    assert verify(folder).ok


def test_the_assessor_cannot_verify_their_own_record(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)  # assessed by "Test Assessor"
    with pytest.raises(UserError, match="is the assessor of this record") as caught:
        judge(folder, "  test  ASSESSOR ", outcome="confirmed")
    assert caught.value.exit_code == 1
    assert not (folder / "verification.jsonl").exists()


def test_a_damaged_verifier_key_writes_nothing(tmp_path: Path) -> None:
    from discussion.signing.keys import private_key_path

    folder = sealed_folder(tmp_path)
    judge(folder, V, judgement=Judgement("1A", True))
    before = (folder / "verification.jsonl").read_bytes()
    key = private_key_path("verifier", tmp_path / "vhome")
    key.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    key.write_text("not a key\n")
    key.chmod(0o600)
    with pytest.raises(UserError):
        judge(folder, V, outcome="confirmed", home=tmp_path / "vhome")
    assert (folder / "verification.jsonl").read_bytes() == before  # no unsigned outcome


def test_a_name_with_control_characters_is_refused(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)
    with pytest.raises(UserError, match="name holds") as caught:
        judge(folder, "Kim\x1b[2J", judgement=Judgement("1A", True))
    assert caught.value.exit_code == 2 and "\n" not in caught.value.message


def test_a_verifier_judges_a_copy_of_the_sample_record(tmp_path: Path) -> None:
    from test_record_support import REPO

    from discussion.record.session import load_state
    from discussion.verification.export import verification_text

    folder = tmp_path / "sample"
    shutil.copytree(REPO / "transcripts" / "sample-discussion", folder)
    state = load_state(folder)
    decided = [c for c, e in sorted(state.criteria.items()) if e.decision is not None]
    first = state.evidence_notes[0].number
    judge(folder, V, judgement=Judgement(decided[0], True, "", str(first)))
    judge(folder, V, judgement=Judgement(decided[1], False, "the rationale misses 0:30", "0:30"))
    judge(folder, V, outcome="referred", outcome_comment=f"{decided[1]} to be reviewed")
    report = verify(folder)
    assert report.ok, report.problems
    assert report.verification is not None
    assert report.verification["rounds"][0]["signature_ok"]
    text = verification_text(folder, "verification")
    assert f"| {decided[1]} |" in text and "**DISAGREE**" in text
    assert "referred back to the assessor" in text
