"""`bank lint` rules: each with a bank that trips it and one that does not; waivers; lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from bank_lint_helpers import bundled_config, lint, question, rules_for, write_bank

from discussion.bank.lint import RULES

QID = "D-1A-01"


def rules(tmp_path: Path, **fields: object) -> list[str]:
    """The rules question D-1A-01 trips once `fields` are changed."""
    return rules_for(lint(write_bank(tmp_path / "bank", question(QID, **fields))), QID)


def test_the_filler_bank_is_clean(tmp_path: Path) -> None:
    report = lint(write_bank(tmp_path / "bank"))
    assert report.warnings == []
    assert report.waived == []


@pytest.mark.parametrize(
    ("text", "closed"),
    [
        ("Do you help colleagues with their work?", True),
        ("Is there a colleague who relies on you?", True),
        ("Looking back, would you change anything about it?", True),
        ("Can you give an example of a colleague who relies on you?", True),
        ("How do you help colleagues with their work?", False),
        ("Tell me about a colleague who relies on you. What do they need?", False),
        ("Which colleagues rely on your work, and why?", False),
    ],
)
def test_closed_question(tmp_path: Path, text: str, closed: bool) -> None:
    assert ("closed-question" in rules(tmp_path, text=text)) is closed


def test_closed_probe_names_the_probe(tmp_path: Path) -> None:
    root = write_bank(
        tmp_path / "bank",
        question(QID, probes=["What happened next?", "Has it changed the way you work?"]),
    )
    report = lint(root)
    [warning] = [w for w in report.warnings if w.rule == "closed-probe"]
    assert "probe 2 'Has it changed the way you work?'" in warning.message
    assert warning.field == "probes[2]"
    open_probes = question(QID, probes=["What happened next?", "How has it changed your work?"])
    assert "closed-probe" not in rules_for(lint(write_bank(tmp_path / "b2", open_probes)), QID)


@pytest.mark.parametrize(
    ("text", "double"),
    [
        ("What happened, and what did you do?", True),
        ("What did they need and what did you do?", True),
        ("How do you find out? What do you do next?", True),
        ("Tell me about the needs your customers have, and how you find them out.", True),
        ("Tell me about a time what a customer wanted and what you could offer differed.", False),
        ("How do you find out what a customer needs?", False),
    ],
)
def test_double_question(tmp_path: Path, text: str, double: bool) -> None:
    assert ("double-question" in rules(tmp_path, text=text)) is double


def test_double_probe(tmp_path: Path) -> None:
    assert "double-probe" in rules(tmp_path, probes=["Who was involved, and how did it end?"])
    assert "double-probe" not in rules(tmp_path, probes=["Who was involved?"])


@pytest.mark.parametrize(
    ("probe", "listed"),
    [
        ("What did you change: your language, pace, tone or channel?", True),
        ("What did the organisation need: policy, cost, fairness?", True),
        ("Think of two people you served: what did each need?", False),
        ("What did you change, and why?", False),
    ],
)
def test_lists_answers(tmp_path: Path, probe: str, listed: bool) -> None:
    assert ("lists-answers" in rules(tmp_path, probes=[probe])) is listed


def test_long_text_counts_words(tmp_path: Path) -> None:
    thirty_five = "How do you " + " ".join(["help"] * 31) + " colleagues?"
    assert "long-text" not in rules(tmp_path, text=thirty_five)
    report = lint(write_bank(tmp_path / "b2", question(QID, text="Now " + thirty_five)))
    [warning] = [w for w in report.warnings if w.rule == "long-text"]
    assert "36 words (over 35)" in warning.message


def test_long_probe(tmp_path: Path) -> None:
    twenty_five = "What " + " ".join(["else"] * 23) + " happened?"
    assert "long-probe" not in rules(tmp_path, probes=[twenty_five])
    assert "long-probe" in rules(tmp_path, probes=["So " + twenty_five])


def test_work_example_needs_an_anonymity_reminder(tmp_path: Path) -> None:
    probes = ["What was the outcome?"]
    bare = rules(tmp_path, work_example=True, probes=probes)
    assert "no-anonymity-reminder" in bare
    reminded = rules(
        tmp_path,
        work_example=True,
        probes=probes,
        reminder="Please leave out the names of customers and colleagues.",
    )
    assert "no-anonymity-reminder" not in reminded
    in_text = rules(
        tmp_path,
        work_example=True,
        probes=probes,
        text="Tell me about a time you helped a colleague, keeping them anonymous.",
    )
    assert "no-anonymity-reminder" not in in_text
    # Not a work example: no reminder needed.
    assert "no-anonymity-reminder" not in rules(tmp_path, probes=probes)


def test_a_reminder_only_in_a_probe_is_not_enough(tmp_path: Path) -> None:
    entry = question(
        QID,
        work_example=True,
        probes=["Give me an example, keeping it anonymous.", "What resulted?"],
    )
    report = lint(write_bank(tmp_path / "bank", entry))
    [warning] = [w for w in report.warnings if w.rule == "no-anonymity-reminder"]
    assert "only a probe reminds" in warning.message
    assert "reminder =" in warning.fix


def test_work_example_needs_an_outcome_probe(tmp_path: Path) -> None:
    reminder = "Please keep the people in your example anonymous."
    found = rules(tmp_path, work_example=True, reminder=reminder, probes=["What did you do?"])
    assert "no-outcome-probe" in found
    for probe in ("What was the outcome?", "How did the customer react?", "What was the result?"):
        ok = rules(tmp_path, work_example=True, reminder=reminder, probes=[probe])
        assert "no-outcome-probe" not in ok, probe


@pytest.mark.parametrize(
    ("look_for", "subjective"),
    [
        ("Explains the policy clearly", True),
        ("Describes the customer's needs accurately and respectfully", True),
        ("Shows ownership of the problem", True),
        ("Gives a good reason", True),
        ("Names two goods the shop sells", False),
        ("Names the policy and the reason for it", False),
    ],
)
def test_subjective_look_for(tmp_path: Path, look_for: str, subjective: bool) -> None:
    assert ("subjective-look-for" in rules(tmp_path, look_fors=[look_for])) is subjective


def test_unobservable_look_for_after_a_criterion_tag(tmp_path: Path) -> None:
    assert "unobservable-look-for" in rules(tmp_path, look_fors=["Understands the policy"])
    tagged = rules(
        tmp_path,
        criteria=["1A", "2A"],
        look_fors=["Names the teams", "2A: Knows the procedures"],
    )
    assert "unobservable-look-for" in tagged
    assert "unobservable-look-for" not in rules(tmp_path, look_fors=["Explains the policy"])


def test_conduct_look_for(tmp_path: Path) -> None:
    found = rules(tmp_path, look_fors=["Names the teams", "Keeps the example anonymous"])
    assert "conduct-look-for" in found
    assert "conduct-look-for" not in rules(tmp_path, look_fors=["Names the teams"])


def test_secondary_without_look_for(tmp_path: Path) -> None:
    report = lint(write_bank(tmp_path / "bank", question(QID, criteria=["1A", "2A"])))
    [warning] = [w for w in report.warnings if w.rule == "secondary-without-look-for"]
    assert "2A" in warning.message
    assert '"2A: "' in warning.fix
    supported = rules(
        tmp_path, criteria=["1A", "2A"], look_fors=["Names the teams", "2A: Names the procedures"]
    )
    assert "secondary-without-look-for" not in supported


def test_no_sufficient_except_for_a_warm_up(tmp_path: Path) -> None:
    assert "no-sufficient" in rules(tmp_path, sufficient=None)
    assert "no-sufficient" not in rules(tmp_path, sufficient=None, kind="warm-up")
    assert "no-sufficient" not in rules(tmp_path)


def test_practice_too_similar_reports_the_score(tmp_path: Path) -> None:
    assessment = question(
        QID,
        text="Which teams depend on the reports you prepare each month?",
        probes=["What happens to them when a report arrives late or incomplete?"],
        look_fors=["Names the teams that depend on the monthly reports"],
    )
    paraphrase = question(
        "P-1A-01",
        text="Which teams rely on the monthly reports you prepare?",
        probes=["What happens to those teams when a report is late or incomplete?"],
        look_fors=["Names the teams relying on the reports each month"],
    )
    report = lint(write_bank(tmp_path / "bank", assessment, paraphrase))
    [warning] = [w for w in report.warnings if w.rule == "practice-too-similar"]
    assert warning.id == "P-1A-01"
    assert "close to assessment item D-1A-01 (score 0." in warning.message
    assert "threshold 0.41" in warning.message
    unrelated = question("P-1A-01", text="What about the cucumbers?")
    clean = lint(write_bank(tmp_path / "b2", assessment, unrelated))
    assert "practice-too-similar" not in rules_for(clean, "P-1A-01")


def test_a_waiver_silences_its_rule_with_its_reason(tmp_path: Path) -> None:
    waiver = {"rule": "closed-question", "reason": "a deliberate check before the open probes"}
    entry = question(QID, text="Do you serve colleagues?", waivers=[waiver])
    report = lint(write_bank(tmp_path / "bank", entry))
    assert rules_for(report, QID) == []
    [waived] = report.waived
    assert waived.rule == "closed-question"
    assert waived.reason == "a deliberate check before the open probes"
    assert report.to_dict()["waived"][0]["reason"] == waived.reason


def test_a_waiver_for_an_unknown_rule_is_a_warning(tmp_path: Path) -> None:
    entry = question(QID, waivers=[{"rule": "closed-questoin", "reason": "typo"}])
    report = lint(write_bank(tmp_path / "bank", entry))
    [warning] = report.warnings
    assert warning.rule == "waiver-unknown-rule"
    assert "'closed-questoin'" in warning.message
    assert "closed-question" in warning.fix


def test_a_waiver_that_silences_nothing_is_a_warning(tmp_path: Path) -> None:
    entry = question(QID, waivers=[{"rule": "long-text", "reason": "was long once"}])
    report = lint(write_bank(tmp_path / "bank", entry))
    assert [w.rule for w in report.warnings] == ["waiver-unused"]
    assert "long-text" in report.warnings[0].message


def test_waiver_warnings_cannot_be_waived(tmp_path: Path) -> None:
    entry = question(QID, waivers=[{"rule": "waiver-unused", "reason": "quiet"}])
    report = lint(write_bank(tmp_path / "bank", entry))
    assert [w.rule for w in report.warnings] == ["waiver-unknown-rule"]


def test_lines_point_at_the_probe_and_the_waiver(tmp_path: Path) -> None:
    entry = question(
        QID,
        probes=["What happened next?", "Did it work?"],
        waivers=[{"rule": "long-text", "reason": "none"}],
    )
    root = write_bank(tmp_path / "bank", entry)
    lines = (root / "assessment" / "questions.toml").read_text().splitlines()
    report = lint(root)
    by_rule = {w.rule: w for w in report.warnings}
    probe = by_rule["closed-probe"]
    assert probe.line is not None and "Did it work?" in lines[probe.line - 1]
    waiver = by_rule["waiver-unused"]
    assert waiver.line is not None and '"long-text"' in lines[waiver.line - 1]
    assert str(probe).startswith(
        f"bank/assessment/questions.toml:{probe.line}: {QID}: closed-probe: "
    )


def test_every_rule_is_documented_in_the_bank_readme() -> None:
    readme = (Path(__file__).resolve().parent.parent / "question_bank" / "README.md").read_text()
    missing = [rule for rule in RULES if f"`{rule}`" not in readme]
    assert missing == []


def test_a_disabled_rule_is_silent_and_its_waiver_says_so(tmp_path: Path) -> None:
    config = bundled_config().model_copy(update={"disable": ["closed-question"]})
    waiver = {"rule": "closed-question", "reason": "kept"}
    entry = question(QID, text="Do you serve colleagues?", waivers=[waiver])
    report = lint(write_bank(tmp_path / "bank", entry), config)
    assert [w.rule for w in report.warnings] == ["waiver-unused"]
    assert "disabled in lint.toml" in report.warnings[0].message
