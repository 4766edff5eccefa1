"""Small valid banks for `bank lint` tests: one clean question per criterion and set, plus edits.

Every filler question is open, short, single-criterion, not a work example, with a
`sufficient` and observable look-fors, and each is about its own unusual topic, so the filler
bank lints clean and a test's one question is the only thing that can trip a rule.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from cli_inprocess import run_in_process

from discussion.bank import load_bank
from discussion.bank.lint import RULES, LintReport, lint_bank
from discussion.bank.lint_config import LintConfig, load_lint_config
from discussion.paths import bundled_bank_dir

REPO = Path(__file__).resolve().parent.parent
CRITERIA = ["1A", "2A", "2B", "3A", "3B", "3C", "4A", "5A", "6A", "6B", "7A"]
# One topic per filler question, sharing no word stems, so no two fillers look alike.
_TOPICS = [
    "parcels",
    "invoices",
    "bookings",
    "vouchers",
    "timesheets",
    "lanyards",
    "forklifts",
    "brochures",
    "thermostats",
    "umbrellas",
    "tulips",
    "passports",
    "kettles",
    "bicycles",
    "orchards",
    "zebras",
    "violins",
    "quilts",
    "pianos",
    "jigsaws",
    "yachts",
    "walnuts",
]

Entry = dict[str, Any]


def filler(cid: str, set_name: str) -> Entry:
    """A clean question for `cid` in `set_name`."""
    prefix = "D" if set_name == "assessment" else "P"
    topic = _TOPICS[CRITERIA.index(cid) + (0 if set_name == "assessment" else len(CRITERIA))]
    return {
        "id": f"{prefix}-{cid}-01",
        "criteria": [cid],
        "set": set_name,
        "text": f"What about the {topic}?",
        "probes": [f"Which of the {topic} are yours?"],
        "look_fors": [f"Names the {topic}"],
        "sufficient": "The look-for.",
        "work_example": False,
        "minutes": 4,
    } | ({"cues": [[topic]], "probe_targets": [[1]]} if set_name == "practice" else {})


def question(qid: str = "D-1A-01", **fields: Any) -> Entry:
    """The filler for `qid`'s criterion and set, with `fields` changed."""
    set_name = "assessment" if qid.startswith("D-") else "practice"
    entry = filler(qid.split("-")[1], set_name)
    entry["id"] = qid
    entry.update(fields)
    return {k: v for k, v in entry.items() if v is not None}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    items = "".join(f"  {_toml_value(v)},\n" for v in value)
    return "[\n" + items + "]"


def toml_questions(entries: list[Entry]) -> str:
    """`[[question]]` tables for `entries`, one field a line, list items a line each."""
    out = []
    for entry in entries:
        out.append("[[question]]")
        out += [f"{key} = {_toml_value(value)}" for key, value in entry.items()]
        out.append("")
    return "\n".join(out)


def write_bank(root: Path, *changed: Entry, lint_toml: str | None = None) -> Path:
    """A valid bank at `root`: the fillers, with each of `changed` replacing or adding by id."""
    entries = {e["id"]: e for s in ("assessment", "practice") for e in map(_f(s), CRITERIA)}
    for entry in changed:
        entries[entry["id"]] = entry
    for set_name in ("assessment", "practice"):
        folder = root / set_name
        folder.mkdir(parents=True, exist_ok=True)
        mine = [e for e in entries.values() if e["set"] == set_name]
        (folder / "questions.toml").write_text(toml_questions(mine), encoding="utf-8")
    (root / "bank.toml").write_text('[bank]\nversion = "test"\n', encoding="utf-8")
    if lint_toml is not None:
        (root / "lint.toml").write_text(lint_toml, encoding="utf-8")
    return root


def _f(set_name: str) -> Any:
    return lambda cid: filler(cid, set_name)


def bundled_config() -> LintConfig:
    """The settings shipped in question_bank/lint.toml."""
    return load_lint_config(bundled_bank_dir() / "lint.toml", set(RULES))


def lint(root: Path, config: LintConfig | None = None) -> LintReport:
    """Lint the bank at `root` with the bundled settings (or `config`)."""
    return lint_bank(load_bank(root), config or bundled_config())


def rules_for(report: LintReport, qid: str) -> list[str]:
    """The rules of the standing warnings for question `qid`."""
    return [w.rule for w in report.warnings if w.id == qid]


def run_bank(*args: str) -> subprocess.CompletedProcess[str]:
    """`discussion bank ARGS` through the real dispatcher, in this process, from the repo."""
    result = run_in_process(["bank", *args], cwd=REPO)
    assert "Traceback" not in result.stderr + result.stdout
    return result


def run_lint(*args: str) -> subprocess.CompletedProcess[str]:
    """`.venv/bin/discussion bank lint ARGS`."""
    return run_bank("lint", *args)
