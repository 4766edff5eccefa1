"""The practice questions' `cues`: required, one list per look-for, phrases written as the README
says; every problem named with its file and line. And the bundled cues themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_inprocess import run_in_process
from test_bank_loader import question, write_bank

from discussion.bank import check_bank, load_bank
from discussion.bank.cue_words import phrase_problem, phrase_words, words


def _bank_with(tmp_path: Path, **fields: object) -> Path:
    """A valid bank plus one practice question P-1A-02 with `fields` changed."""
    text = question("1A", "practice", id="P-1A-02", text="Another 1A practice question.", **fields)
    return write_bank(tmp_path / "qb", {"practice/zz.toml": text})


def _messages(root: Path) -> list[str]:
    return [str(issue) for issue in check_bank(root).errors]


def test_the_valid_bank_with_cues_passes(tmp_path: Path) -> None:
    assert check_bank(_bank_with(tmp_path)).ok


def test_a_practice_question_without_cues_names_the_file_line_and_fix(tmp_path: Path) -> None:
    root = _bank_with(tmp_path, cues=None)
    (message,) = _messages(root)
    # The look_fors line of the question (header on line 1 of zz.toml, look_fors on line 7).
    assert message.startswith("qb/practice/zz.toml:7: P-1A-02: missing field 'cues'")
    assert "one list per look-for (3)" in message


def test_an_assessment_question_needs_no_cues(tmp_path: Path) -> None:
    report = check_bank(write_bank(tmp_path / "qb"))
    assert report.ok
    assert report.bank is not None
    assert all(q.cues is None for q in report.bank.in_set("assessment"))


def test_cues_must_have_one_list_per_look_for(tmp_path: Path) -> None:
    (message,) = _messages(_bank_with(tmp_path, cues=[["one"], ["two"]]))
    assert "qb/practice/zz.toml:10: P-1A-02: cues has 2 lists but look_fors has 3" in message


@pytest.mark.parametrize(
    ("cues", "expected"),
    [
        ([["one"], [], ["three"]], "cues[2] is an empty list"),
        ([["one"], ["  "], ["three"]], "cues[2][1] is empty"),
        ([["one"], ["Two"], ["three"]], "cues[2][1] 'Two' has capital letters"),
        ([["one"], ["two"], ["a b c d e"]], "cues[3][1] 'a b c d e' has 5 words; use at most 4"),
        ([["one"], ["two!"], ["three"]], "'two!' may hold only letters"),
        ([["one"], ["th*ree"], ["three"]], "'th*ree' may hold only letters"),
        ([["one"], ["ab*"], ["three"]], "the stem 'ab*' is shorter than 3 letters"),
        ([["one"], ["two"], "three"], "cues[3] has the wrong type (str)"),
    ],
)
def test_each_bad_phrase_is_named(tmp_path: Path, cues: object, expected: str) -> None:
    messages = _messages(_bank_with(tmp_path, cues=cues))
    assert len(messages) == 1, messages
    assert "qb/practice/zz.toml:" in messages[0] and "P-1A-02" in messages[0]
    assert expected in messages[0]


def test_a_bad_phrase_points_at_its_own_line(tmp_path: Path) -> None:
    body = question("1A", "practice", id="P-1A-02", text="Another 1A question.", cues=None)
    body = body.rstrip() + '\ncues = [\n  ["one"],\n  ["two", "Three"],\n  ["four"],\n]\n'
    root = write_bank(tmp_path / "qb", {"practice/zz.toml": body})
    (message,) = _messages(root)
    lines = (root / "practice" / "zz.toml").read_text(encoding="utf-8").splitlines()
    line = int(message.split(":")[1])
    assert '"Three"' in lines[line - 1]


def test_bank_check_cli_reports_missing_cues_with_exit_2(tmp_path: Path) -> None:
    root = _bank_with(tmp_path, cues=None)
    result = run_in_process(["bank", "check", str(root)])
    assert result.returncode == 2
    assert "qb/practice/zz.toml:7: P-1A-02: missing field 'cues'" in result.stdout + result.stderr


def test_words_normalise_case_apostrophes_and_punctuation() -> None:
    assert words("The Customer\u2019s follow-up, DON'T!") == [
        "the",
        "customers",
        "follow",
        "up",
        "dont",
    ]
    assert [w.word for w in phrase_words("follow-up*")] == ["follow", "up"]
    assert phrase_words("follow-up*")[-1].stem
    assert phrase_problem("don't lie") is None
    assert phrase_problem("1-2-1") is None


# -- the bundled cues ------------------------------------------------------------------------

# Words nearly every answer holds: a cue list made of them would mark a look-for covered when it
# was not, and the examiner would never ask its probe.
GENERIC = {"customer", "customers", "customer*", "because", "the", "and", "i", "it", "a", "we"}


def test_every_bundled_practice_question_has_specific_cues() -> None:
    bank = load_bank()
    practice = bank.in_set("practice")
    assert len(practice) == 34
    for q in practice:
        assert q.cues is not None and len(q.cues) == len(q.look_fors), q.id
        for phrases in q.cues:
            assert len(phrases) >= 5, (q.id, phrases)  # plain-language variants, not one word
            assert not GENERIC & set(phrases), (q.id, phrases)
        # A phrase in two lists could never tell those look-fors apart.
        flat = [p for phrases in q.cues for p in phrases]
        assert len(flat) == len(set(flat)), q.id


def test_the_bundled_cue_file_lines_are_one_list_a_line() -> None:
    for path in (Path(load_bank().root) / "practice").glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        assert text.count("cues = [\n") == text.count("look_fors = [\n"), path.name
