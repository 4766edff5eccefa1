"""The bank loader and validator on small generated banks: each rule, its file, line and id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from discussion.bank import (
    BankError,
    BankIssue,
    BankReport,
    Question,
    QuestionBank,
    check_bank,
    load_bank,
)
from discussion.errors import UserError
from discussion.standard import Standard, load_standard

CRITERIA = ["1A", "2A", "2B", "3A", "3B", "3C", "4A", "5A", "6A", "6B", "7A"]


@pytest.fixture(scope="module")
def standard() -> Standard:
    return load_standard()


def question(cid: str, set_name: str, **fields: object) -> str:
    """One valid `[[question]]` table for `cid`; `fields` override (None drops a field)."""
    prefix = "D" if set_name == "assessment" else "P"
    values: dict[str, object] = {
        "id": f"{prefix}-{cid}-01",
        "criteria": [cid],
        "set": set_name,
        "text": f"Tell me about {cid} in the {set_name} set.",
        "probes": ["What happened next?", "Why?"],
        "look_fors": ["One", "Two", "Three"],
        "work_example": False,
        "minutes": 4,
    }
    if set_name == "practice":
        values["cues"] = [["one"], ["two"], ["three"]]
        values["probe_targets"] = [[1], [2, 3]]
    values.update(fields)
    lines = ["[[question]]"]
    for key, value in values.items():
        if value is not None:
            lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n\n"


def write_bank(root: Path, extra: dict[str, str] | None = None) -> Path:
    """A complete valid bank: one question per criterion and set, plus `extra` files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "bank.toml").write_text('[bank]\nversion = "t1"\n', encoding="utf-8")
    for set_name in ("assessment", "practice"):
        folder = root / set_name
        folder.mkdir(exist_ok=True)
        body = "".join(question(cid, set_name) for cid in CRITERIA)
        (folder / "all.toml").write_text(body, encoding="utf-8")
    for name, text in (extra or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the `occurrence`-th line containing `needle`."""
    hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def only_issue(report: BankReport) -> BankIssue:
    assert not report.ok
    assert len(report.errors) == 1, [str(e) for e in report.errors]
    return report.errors[0]


def test_generated_bank_is_valid(tmp_path: Path, standard: Standard) -> None:
    report = check_bank(write_bank(tmp_path / "qb"), standard)
    assert report.ok, [str(e) for e in report.errors]
    assert report.bank is not None
    assert report.bank.version == "t1"
    assert len(report.bank.questions) == 22
    assert report.coverage["3A"] == {"assessment": 1, "practice": 1}


def test_bundled_bank_loads(standard: Standard) -> None:
    bank = load_bank(None, standard)
    assert isinstance(bank, QuestionBank)
    assert bank.version
    assert len(bank.content_hash) == 64
    int(bank.content_hash, 16)
    first = bank.get("D-1A-01")
    assert isinstance(first, Question)
    assert first.set == "assessment"
    assert first.file == "question_bank/assessment/knowing-your-customers.toml"
    assert first.line is not None and first.line > 1
    assert bank.get("nope") is None


def test_default_arguments_load_bundled_bank_and_standard() -> None:
    assert load_bank().content_hash == load_bank(None, load_standard()).content_hash


def test_for_criterion_primary_then_secondary(standard: Standard) -> None:
    bank = load_bank(None, standard)
    primary = bank.for_criterion("2A", "assessment")
    assert primary and all(q.criteria[0] == "2A" for q in primary)
    both = bank.for_criterion("2A", "assessment", include_secondary=True)
    assert both[: len(primary)] == primary
    assert any(q.criteria[0] != "2A" and "2A" in q.criteria for q in both)
    assert all(q.set == "practice" for q in bank.for_criterion("2A", "practice"))


def test_content_hash_is_stable_and_tracks_content(tmp_path: Path, standard: Standard) -> None:
    root = write_bank(tmp_path / "qb")
    first = load_bank(root, standard).content_hash
    assert load_bank(root, standard).content_hash == first
    (root / "bank.toml").write_text('[bank]\nversion = "t2"\n', encoding="utf-8")
    assert load_bank(root, standard).content_hash != first


def test_missing_folder(tmp_path: Path, standard: Standard) -> None:
    issue = only_issue(check_bank(tmp_path / "absent", standard))
    assert "does not exist" in issue.message
    assert "absent" in str(issue)


def test_file_instead_of_folder(tmp_path: Path, standard: Standard) -> None:
    path = tmp_path / "bank.toml"
    path.write_text('[bank]\nversion = "1"\n')
    assert "not a folder" in only_issue(check_bank(path, standard)).message


def test_empty_folder(tmp_path: Path, standard: Standard) -> None:
    (tmp_path / "empty").mkdir()
    assert "no .toml files" in only_issue(check_bank(tmp_path / "empty", standard)).message


def test_load_bank_raises_bank_error_with_every_issue(tmp_path: Path, standard: Standard) -> None:
    root = write_bank(tmp_path / "qb")
    (root / "bank.toml").unlink()
    (root / "practice" / "all.toml").unlink()
    with pytest.raises(BankError) as caught:
        load_bank(root, standard)
    assert isinstance(caught.value, UserError)
    assert caught.value.exit_code == 2
    assert len(caught.value.errors) == 12  # no header, and 11 criteria without practice
    assert "discussion bank check" in caught.value.message


def test_issue_str_forms() -> None:
    assert str(BankIssue("qb/a.toml", 42, "D-1A-01", "bad")) == "qb/a.toml:42: D-1A-01: bad"
    assert str(BankIssue("qb/a.toml", None, None, "bad")) == "qb/a.toml: bad"
    assert BankIssue("qb/a.toml", 3, "X", "m").to_dict() == {
        "file": "qb/a.toml",
        "line": 3,
        "question": "X",
        "message": "m",
        "text": "qb/a.toml:3: X: m",
    }


def test_syntax_error_names_line_and_column(tmp_path: Path, standard: Standard) -> None:
    root = write_bank(tmp_path / "qb", {"practice/bad.toml": '[[question]]\nid = "P-1A-09\n'})
    issue = only_issue(check_bank(root, standard))
    assert issue.file == "qb/practice/bad.toml"
    assert issue.line == 2
    assert "TOML syntax error (column" in issue.message


def test_not_utf8(tmp_path: Path, standard: Standard) -> None:
    root = write_bank(tmp_path / "qb")
    (root / "practice" / "latin.toml").write_bytes(b"# ok\n# caf\xe9\n")
    issue = only_issue(check_bank(root, standard))
    assert (issue.file, issue.line) == ("qb/practice/latin.toml", 2)
    assert "UTF-8" in issue.message


@pytest.mark.parametrize(
    ("fields", "field_name", "expected"),
    [
        ({"work_example": None}, None, "missing field 'work_example'"),
        ({"text": "   "}, "text =", "text is empty"),
        ({"probes": ["ok", ""]}, "probes =", "probes[2] is empty"),
        ({"look_fors": []}, "look_fors =", "look_fors is an empty list"),
        ({"minutes": "5"}, "minutes =", "minutes has the wrong type (str)"),
        ({"minutes": 0}, "minutes =", "out of range"),
        ({"work_example": "yes"}, "work_example =", "should be true or false"),
        ({"criteria": "1A"}, "criteria =", "criteria has the wrong type"),
        ({"colour": "red"}, "colour =", "unknown field 'colour'"),
        ({"criteria": ["1A", "9Z"]}, "criteria =", "unknown criterion '9Z' for the discussion"),
        ({"criteria": ["1A", "1A"]}, "criteria =", "listed twice"),
        ({"id": "P-1A-09"}, "id =", 'starts with P- but set = "assessment"'),
        ({"id": "D-2A-09"}, "id =", "primary (first) criterion is 1A"),
        ({"id": "question one"}, "id =", "is not of the form D-1A-NN"),
    ],
)
def test_question_rules(
    tmp_path: Path,
    standard: Standard,
    fields: dict[str, object],
    field_name: str | None,
    expected: str,
) -> None:
    fields = {"id": "D-1A-09", "text": "An extra question for the test.", **fields}
    extra = {"assessment/extra.toml": "# extra\n" + question("1A", "assessment", **fields)}
    root = write_bank(tmp_path / "qb", extra)
    issue = only_issue(check_bank(root, standard))
    path = root / "assessment" / "extra.toml"
    assert issue.file == "qb/assessment/extra.toml"
    assert issue.line == line_of(path, field_name or "[[question]]")
    assert issue.question_id == fields["id"]
    assert expected in issue.message


def test_bad_set_value(tmp_path: Path, standard: Standard) -> None:
    extra = {"extra.toml": question("1A", "practise", id="P-1A-09", text="Another one.")}
    issue = only_issue(check_bank(write_bank(tmp_path / "qb", extra), standard))
    assert 'set = "practise" is not allowed' in issue.message
    assert issue.line == 4


def test_set_must_match_folder(tmp_path: Path, standard: Standard) -> None:
    extra = {"practice/leak.toml": question("1A", "assessment", id="D-1A-09", text="Leaked?")}
    issue = only_issue(check_bank(write_bank(tmp_path / "qb", extra), standard))
    assert "under the practice/ folder" in issue.message
    assert (issue.file, issue.line, issue.question_id) == ("qb/practice/leak.toml", 4, "D-1A-09")


def test_duplicate_id_names_both_places(tmp_path: Path, standard: Standard) -> None:
    extra = {"practice/zz.toml": "\n\n" + question("1A", "practice", text="Different words.")}
    issue = only_issue(check_bank(write_bank(tmp_path / "qb", extra), standard))
    assert (issue.file, issue.line, issue.question_id) == ("qb/practice/zz.toml", 3, "P-1A-01")
    assert "duplicate question id 'P-1A-01': also defined at qb/practice/all.toml:1" in str(issue)


def test_duplicate_text_across_sets_ignores_case_and_punctuation(
    tmp_path: Path, standard: Standard
) -> None:
    text = "TELL me about 1A in the assessment set"
    extra = {"practice/zz.toml": question("1A", "practice", id="P-1A-02", text=text)}
    issue = only_issue(check_bank(write_bank(tmp_path / "qb", extra), standard))
    assert issue.question_id == "P-1A-02"
    assert "same text as D-1A-01 (qb/assessment/all.toml:1) in the other set" in issue.message


def test_duplicate_text_within_a_set(tmp_path: Path, standard: Standard) -> None:
    text = "Tell me about 1A in the practice set."
    extra = {"practice/zz.toml": question("1A", "practice", id="P-1A-02", text=text)}
    issue = only_issue(check_bank(write_bank(tmp_path / "qb", extra), standard))
    assert "in the practice set" in issue.message


def test_coverage_gap_is_an_error_and_reported(tmp_path: Path, standard: Standard) -> None:
    root = write_bank(tmp_path / "qb")
    path = root / "practice" / "all.toml"
    path.write_text(path.read_text().replace('criteria = ["5A"]', 'criteria = ["4A", "5A"]'))
    path.write_text(path.read_text().replace('"P-5A-01"', '"P-4A-02"'))
    report = check_bank(root, standard)
    issue = only_issue(report)
    assert "criterion 5A has no practice question (coverage 0)" in issue.message
    assert report.coverage["5A"] == {"assessment": 1, "practice": 0}
    assert report.coverage["4A"] == {"assessment": 1, "practice": 2}


def test_header_rules(tmp_path: Path, standard: Standard) -> None:
    root = write_bank(tmp_path / "qb", {"more.toml": '[bank]\nversion = "2"\nowner = "x"\n'})
    report = check_bank(root, standard)
    assert [e.file for e in report.errors] == ["qb/more.toml"]
    assert "second [bank] table" in report.errors[0].message
    (root / "more.toml").unlink()
    (root / "bank.toml").write_text('[bank]\nversion = ""\nowner = "x"\n')
    messages = [e.message for e in check_bank(root, standard).errors]
    assert any("version is empty" in m for m in messages)
    assert any("unknown field 'owner'" in m for m in messages)


def test_unknown_top_level_key(tmp_path: Path, standard: Standard) -> None:
    root = write_bank(tmp_path / "qb", {"odd.toml": "\nquestions = 1\n"})
    issue = only_issue(check_bank(root, standard))
    assert (issue.file, issue.line) == ("qb/odd.toml", 2)
    assert "unknown top-level key 'questions'" in issue.message


def test_errors_are_all_collected_and_sorted(tmp_path: Path, standard: Standard) -> None:
    extra = {
        "assessment/b.toml": question("1A", "assessment", id="D-1A-08", text="B", minutes=-1),
        "assessment/a.toml": question("1A", "assessment", id="D-1A-07", text="A", probes=[]),
    }
    report = check_bank(write_bank(tmp_path / "qb", extra), standard)
    assert [e.question_id for e in report.errors] == ["D-1A-07", "D-1A-08"]
