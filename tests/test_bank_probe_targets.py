"""The practice questions' `probe_targets`: which look-for(s) each probe asks about. Required on
practice questions, one list per probe, every index a look-for, every look-for with a probe;
every problem named with its file, line and fix. And the bundled links themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_inprocess import run_in_process
from test_bank_loader import question, write_bank

from discussion.bank import check_bank, load_bank


def _bank_with(tmp_path: Path, **fields: object) -> Path:
    """A valid bank plus one practice question P-1A-02 with `fields` changed."""
    text = question("1A", "practice", id="P-1A-02", text="Another 1A practice question.", **fields)
    return write_bank(tmp_path / "qb", {"practice/zz.toml": text})


def _messages(root: Path) -> list[str]:
    return [str(issue) for issue in check_bank(root).errors]


def test_the_valid_bank_with_links_passes(tmp_path: Path) -> None:
    report = check_bank(_bank_with(tmp_path))
    assert report.ok, [str(e) for e in report.errors]
    assert report.bank is not None
    linked = report.bank.get("P-1A-02")
    assert linked is not None and linked.probe_targets == [[1], [2, 3]]
    assert [linked.probes_for(n) for n in (1, 2, 3)] == [[1], [2], [2]]


def test_a_practice_question_without_links_names_the_file_line_and_fix(tmp_path: Path) -> None:
    (message,) = _messages(_bank_with(tmp_path, probe_targets=None))
    # The probes line of the question (header on line 1 of zz.toml, probes on line 6).
    assert message.startswith("qb/practice/zz.toml:6: P-1A-02: missing field 'probe_targets'")
    assert "add probe_targets = [[1], [2], ...] after probes: one list per probe (2)" in message


def test_an_assessment_question_needs_no_links(tmp_path: Path) -> None:
    report = check_bank(write_bank(tmp_path / "qb"))
    assert report.ok and report.bank is not None
    assert all(q.probe_targets is None for q in report.bank.in_set("assessment"))


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        ([[1, 2, 3]], "probe_targets has 1 lists but probes has 2; give one list per probe"),
        ([[1, 2, 3], []], "probe_targets[2] is an empty list: probe 2 targets no look-for; name"),
        ([[1, 2, 3], [4]], "probe_targets[2] names look-for 4, but the question has 3 look-fors"),
        ([[0, 1, 2], [3]], "probe_targets[1] names look-for 0, but the question has 3 look-fors"),
        ([[1, 1, 2], [3]], "probe_targets[1] names look-for 1 twice; name each once"),
        ([[1], [2]], "look-for 3 has no probe: no list in probe_targets names 3; add an open"),
    ],
)
def test_each_bad_link_is_named_with_its_line_and_fix(
    tmp_path: Path, links: object, expected: str
) -> None:
    (message,) = _messages(_bank_with(tmp_path, probe_targets=links))
    # probe_targets is written after the other fields: line 11 of zz.toml (cues on line 10).
    assert message.startswith("qb/practice/zz.toml:11: P-1A-02: "), message
    assert expected in message, message


def test_a_wrong_type_is_named(tmp_path: Path) -> None:
    (message,) = _messages(_bank_with(tmp_path, probe_targets=[[1], ["2"], [3]]))
    assert "P-1A-02: probe_targets[2][1] has the wrong type (str)" in message
    assert "it should be a look-for number such as 2" in message


def test_bank_check_cli_reports_a_look_for_without_probe_with_exit_2(tmp_path: Path) -> None:
    root = _bank_with(tmp_path, probe_targets=[[1], [1]])
    result = run_in_process(["bank", "check", str(root)])
    assert result.returncode == 2
    said = result.stdout + result.stderr
    assert "qb/practice/zz.toml:11: P-1A-02: look-for 2 has no probe" in said
    assert "P-1A-02: look-for 3 has no probe" in said


# -- the bundled links -----------------------------------------------------------------------


def test_every_bundled_practice_probe_is_linked_and_every_look_for_has_a_probe() -> None:
    practice = load_bank().in_set("practice")
    assert len(practice) >= 34  # 33 questions and the warm-up
    for q in practice:
        assert q.probe_targets is not None and len(q.probe_targets) == len(q.probes), q.id
        for n in range(1, len(q.look_fors) + 1):
            assert q.probes_for(n), (q.id, n)


def test_the_warm_up_asks_about_its_first_look_for() -> None:
    warm_up = load_bank().get("P-4A-04")
    assert warm_up is not None and warm_up.kind == "warm-up"
    (probe,) = warm_up.probes_for(1)  # "Gives their job title and where they sit ..."
    assert warm_up.probes[probe - 1] == "Where does your role sit in the organisation?"
