"""Read and validate the question bank, collecting every problem with its file and line.

The checks never stop at the first problem and never raise on bad input: `check_bank` returns a
`BankReport`; `load_bank` raises `BankError` (a `UserError`) listing the problems.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from discussion.bank.cue_words import phrase_problem
from discussion.bank.files import control_problems, decode_toml, find_bank_files, read_limited
from discussion.bank.models import (
    KINDS,
    QUESTION_FIELDS,
    SETS,
    BankError,
    BankHeader,
    BankIssue,
    BankReport,
    Coverage,
    Question,
    QuestionBank,
    QuestionEntry,
    compute_coverage,
)
from discussion.bank.probe_links import probe_problems
from discussion.paths import bundled_bank_dir
from discussion.standard import Standard, load_standard
from discussion.text_safety import shorten, shown

COMPONENT = "discussion"
_HEADER_RE = re.compile(r"^\s*\[\[\s*question\s*\]\]")
_KEY_LINE_RE = re.compile(r"^(?:\[|\s*[A-Za-z_\"][\w\"-]*\s*=)")
_TOML_POS_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_ID_RE = re.compile(r"^(?P<prefix>[A-Z])-(?P<criterion>[0-9][A-Z])-(?P<number>[0-9]{2,3})$")
_ID_PREFIX = {"assessment": "D", "practice": "P"}


@dataclass
class _File:
    """One parsed bank file and the raw text used to find line numbers."""

    rel: str  # shown in messages: "<bank folder name>/<path inside the bank>"
    folder_set: str | None  # "assessment"/"practice" when the file sits in such a folder
    lines: list[str]
    data: dict[str, Any]
    headers: list[int] = field(default_factory=list)  # 1-based lines of `[[question]]`

    def question_line(self, index: int) -> int | None:
        """The line of the `index`-th `[[question]]` header, when the raw text agrees."""
        return self.headers[index] if index < len(self.headers) else None

    def field_line(self, index: int, name: str) -> int | None:
        """The line of `name = ...` inside the `index`-th question, else its header line."""
        start = self.question_line(index)
        if start is None:
            return None
        end = self.headers[index + 1] if index + 1 < len(self.headers) else len(self.lines) + 1
        pattern = re.compile(rf"^\s*(?:{re.escape(name)}|\"{re.escape(name)}\")\s*=")
        for number in range(start + 1, end):
            if pattern.match(self.lines[number - 1]):
                return number
        return start

    def text_line(self, start: int | None, needle: str) -> int | None:
        """The first line from `start` holding `needle` before the next key, else `start`."""
        if start is None:
            return None
        for number in range(start, len(self.lines) + 1):
            text = self.lines[number - 1]
            if number > start and _KEY_LINE_RE.match(text):
                break
            if needle in text:
                return number
        return start


@dataclass
class _Seen:
    """The first occurrence of an id or a text, for duplicate messages."""

    file: str
    line: int | None
    question_id: str
    set: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


class _Checker:
    """Accumulates issues while reading one bank folder."""

    def __init__(self, root: Path, criterion_ids: list[str]) -> None:
        self.root = root
        self.criterion_ids = criterion_ids
        self.issues: list[BankIssue] = []
        self.files: list[_File] = []
        self.header: BankHeader | None = None
        self.header_file: str | None = None
        self.questions: list[Question] = []
        self.targets: list[tuple[str, str]] = []  # (primary criterion, set) for coverage
        self.records: list[tuple[_Seen, str]] = []  # every question with an id, and its text
        self.unparsed = False
        self.digest = hashlib.sha256()

    def issue(self, file: str | None, line: int | None, qid: str | None, message: str) -> None:
        self.issues.append(BankIssue(file, line, qid, message))

    @property
    def label(self) -> str:
        return self.root.name or str(self.root)

    # -- files ---------------------------------------------------------------------------

    def read_files(self, paths: list[Path]) -> None:
        for path in paths:
            inside = path.relative_to(self.root).as_posix()
            rel = f"{self.label}/{inside}"
            try:
                raw = read_limited(path)
            except OSError as error:
                self.unparsed = True
                self.issue(rel, None, None, f"cannot read the file: {error.strerror or error}")
                continue
            self.digest.update(inside.encode() + b"\0" + raw + b"\0")
            try:
                text, data = decode_toml(raw)
            except UnicodeDecodeError as error:
                self.unparsed = True
                line = raw[: error.start].count(b"\n") + 1
                self.issue(rel, line, None, "the file is not UTF-8 text; save it as UTF-8")
                continue
            except tomllib.TOMLDecodeError as error:
                self.unparsed = True
                self._syntax_issue(rel, str(error))
                continue
            except ValueError as error:  # nested hundreds deep
                self.unparsed = True
                self.issue(rel, None, None, str(error))
                continue
            parts = Path(inside).parts[:-1]
            folder_set = next((p for p in reversed(parts) if p in SETS), None)
            lines = text.splitlines()
            headers = [n for n, line in enumerate(lines, start=1) if _HEADER_RE.match(line)]
            self.files.append(_File(rel, folder_set, lines, data, headers))

    def _syntax_issue(self, rel: str, message: str) -> None:
        match = _TOML_POS_RE.search(message)
        line = int(match.group(1)) if match else None
        column = f" (column {match.group(2)})" if match else ""
        reason = _TOML_POS_RE.sub("", message).strip() or "invalid TOML"
        self.issue(rel, line, None, f"TOML syntax error{column}: {reason}; fix the syntax")

    # -- one file's tables -----------------------------------------------------------------

    def check_file(self, f: _File) -> None:
        for key in f.data:
            if key not in ("bank", "question"):
                self.issue(
                    f.rel,
                    _key_line(f.lines, key),
                    None,
                    f"unknown top-level key '{shorten(key)}'; a bank file holds only a [bank] "
                    "table and [[question]] tables",
                )
        if "bank" in f.data:
            self._check_header(f)
        raw_questions = f.data.get("question", [])
        if not isinstance(raw_questions, list) or not all(
            isinstance(q, dict) for q in raw_questions
        ):
            self.issue(
                f.rel,
                _key_line(f.lines, "question"),
                None,
                "'question' must be written as [[question]] tables",
            )
            return
        if raw_questions and len(f.headers) != len(raw_questions):
            f.headers = []  # written in an unusual form: report without line numbers
        for index, raw in enumerate(raw_questions):
            self._check_question(f, index, raw)

    def _check_header(self, f: _File) -> None:
        line = _table_line(f.lines, "bank")
        if self.header_file is not None:
            self.issue(
                f.rel,
                line,
                None,
                f"a second [bank] table; the header is already in {self.header_file}: "
                "keep exactly one",
            )
            return
        self.header_file = f"{f.rel}:{line}" if line else f.rel
        for name, char in control_problems(f.data["bank"]):
            self.issue(f.rel, line, None, f"[bank] {name} contains {char}; remove it")
        try:
            self.header = BankHeader.model_validate(f.data["bank"])
        except ValidationError as error:
            for detail in error.errors():
                self.issue(f.rel, line, None, "[bank] " + _explain(detail, header=True))

    def _check_question(self, f: _File, index: int, raw: dict[str, Any]) -> None:
        raw_id = raw.get("id")
        qid = raw_id.strip() or None if isinstance(raw_id, str) else None
        criteria = raw.get("criteria")
        set_name = raw.get("set")
        if qid is not None:
            text = raw.get("text")
            seen = _Seen(f.rel, f.question_line(index), qid, str(set_name))
            self.records.append((seen, text if isinstance(text, str) else ""))
        primary = criteria[0] if isinstance(criteria, list) and criteria else None
        if isinstance(primary, str) and isinstance(set_name, str):
            self.targets.append((primary.strip(), set_name))
        try:
            entry = QuestionEntry.model_validate(raw)
        except ValidationError as error:
            for detail in error.errors():
                name = str(detail["loc"][0]) if detail["loc"] else ""
                line = f.field_line(index, name) if name in raw else f.question_line(index)
                self.issue(f.rel, line, qid, _explain(detail))
            return
        for name, char in control_problems(raw):
            line = f.field_line(index, name.split(".")[0])
            self.issue(
                f.rel,
                line,
                qid,
                f"{name} contains {char}; remove it (it would act on the assessor's terminal)",
            )
        question = Question(**entry.model_dump(), file=f.rel, line=f.question_line(index))
        self._check_semantics(f, index, question)
        self.questions.append(question)

    def _check_semantics(self, f: _File, index: int, q: Question) -> None:
        criteria_line = f.field_line(index, "criteria")
        known = ", ".join(self.criterion_ids)
        for cid in q.criteria:
            if cid not in self.criterion_ids:
                self.issue(
                    f.rel,
                    criteria_line,
                    q.id,
                    f"unknown criterion '{shorten(cid)}' for the discussion; use one of {known}",
                )
        repeated = sorted({c for c in q.criteria if q.criteria.count(c) > 1})
        if repeated:
            self.issue(
                f.rel,
                criteria_line,
                q.id,
                f"criterion {', '.join(repeated)} listed twice in criteria; list each once",
            )
        if f.folder_set is not None and q.set != f.folder_set:
            self.issue(
                f.rel,
                f.field_line(index, "set"),
                q.id,
                f'set = "{q.set}" in a file under the {f.folder_set}/ folder; move the '
                f"question to a file under {q.set}/ (assessment questions are confidential)",
            )
        self._check_id(f, index, q)
        self._check_cues(f, index, q)
        field_name = "probes" if q.probe_targets is None else "probe_targets"
        for problem in probe_problems(q):
            self.issue(f.rel, f.field_line(index, field_name), q.id, problem)

    def _check_cues(self, f: _File, index: int, q: Question) -> None:
        """Practice questions need one list of cue phrases per look-for (README, "Cue words")."""
        if q.cues is None:
            if q.set == "practice":
                self.issue(
                    f.rel,
                    f.field_line(index, "look_fors"),
                    q.id,
                    f"missing field 'cues' (required on practice questions); add cues = "
                    f'[["...", "..."], ...] after look_fors: one list per look-for '
                    f"({len(q.look_fors)}) of the words an apprentice would say to cover it",
                )
            return
        line = f.field_line(index, "cues")
        if len(q.cues) != len(q.look_fors):
            self.issue(
                f.rel,
                line,
                q.id,
                f"cues has {len(q.cues)} lists but look_fors has {len(q.look_fors)}; give one "
                "list per look-for, in the same order",
            )
        for n, phrases in enumerate(q.cues, 1):
            if not phrases:
                self.issue(
                    f.rel,
                    line,
                    q.id,
                    f"cues[{n}] is an empty list; give at least one word or phrase that shows "
                    f"look-for {n} was covered",
                )
            for m, phrase in enumerate(phrases, 1):
                if (problem := phrase_problem(phrase)) is not None:
                    where = f.text_line(line, json.dumps(phrase, ensure_ascii=False))
                    self.issue(f.rel, where, q.id, f"cues[{n}][{m}] {problem}")

    def _check_id(self, f: _File, index: int, q: Question) -> None:
        line = f.field_line(index, "id")
        prefix = _ID_PREFIX[q.set]
        expected = f"{prefix}-{q.criteria[0]}-NN"
        match = _ID_RE.match(q.id)
        if match is None:
            self.issue(
                f.rel, line, q.id, f"id '{shorten(q.id)}' is not of the form {expected}; rename it"
            )
        elif match["prefix"] != prefix:
            self.issue(
                f.rel,
                line,
                q.id,
                f"id '{shorten(q.id)}' starts with {match['prefix']}- but set = \"{q.set}\"; "
                f"{q.set} ids start with {prefix}-",
            )
        elif match["criterion"] != q.criteria[0]:
            self.issue(
                f.rel,
                line,
                q.id,
                f"id '{shorten(q.id)}' names criterion {match['criterion']} but the primary "
                f"(first) criterion is {q.criteria[0]}; use an id of the form {expected} or "
                "reorder criteria",
            )

    # -- across files ----------------------------------------------------------------------

    def check_duplicates(self) -> None:
        ids: dict[str, _Seen] = {}
        texts: dict[str, _Seen] = {}
        for seen, text in self.records:
            first = ids.setdefault(seen.question_id, seen)
            if first is not seen:
                self.issue(
                    seen.file,
                    seen.line,
                    seen.question_id,
                    f"duplicate question id '{shorten(seen.question_id)}': also defined at "
                    f"{first.where}; give each question its own id",
                )
            key = _normalise(text)
            other = texts.setdefault(key, seen) if key else seen
            if other is not seen:
                if other.set == seen.set:
                    where = f"the {seen.set} set"
                    fix = "reword or remove one of them"
                else:
                    where = "the other set"
                    fix = "practice questions must not reveal assessment questions: reword one"
                self.issue(
                    seen.file,
                    seen.line,
                    seen.question_id,
                    f"same text as {other.question_id} ({other.where}) in {where}; {fix}",
                )

    def check_coverage(self, coverage: Coverage) -> None:
        if self.unparsed:
            return  # an unreadable file would make every count misleading
        # A bank with no assessment question at all is the apprentice edition's (practice set
        # only, hatch_build.py): only its practice coverage is checked.
        practice_only = not any(counts["assessment"] for counts in coverage.values())
        for cid, counts in coverage.items():
            for set_name in SETS:
                if counts[set_name] < 1 and not (practice_only and set_name == "assessment"):
                    self.issue(
                        self.label,
                        None,
                        None,
                        f"criterion {cid} has no {set_name} question (coverage 0); add a "
                        f'[[question]] with criteria = ["{cid}"] as primary and '
                        f'set = "{set_name}"',
                    )


def _normalise(text: str) -> str:
    """Text compared for duplicates: case, spacing and punctuation ignored."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _key_line(lines: list[str], key: str) -> int | None:
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), None)


def _table_line(lines: list[str], name: str) -> int | None:
    pattern = re.compile(rf"^\s*\[\s*{re.escape(name)}\s*\]")
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), None)


def _explain(detail: Any, *, header: bool = False) -> str:
    """A pydantic error detail as a message that says what to fix."""
    loc = [str(part) for part in detail["loc"]]
    name = loc[0] if loc else "?"
    kind = detail["type"]
    where = name + "".join(f"[{int(p) + 1}]" for p in loc[1:] if p.isdigit())
    if kind == "missing":
        return f"missing field '{name}'; add {name} = ..."
    if kind == "extra_forbidden":
        allowed = ", ".join(("version", "title") if header else QUESTION_FIELDS)
        return f"unknown field '{name}'; allowed fields are {allowed}"
    if kind == "string_too_short":
        return f"{where} is empty; write it or remove the entry"
    if kind == "too_short":
        return f"{name} is an empty list; give at least one entry"
    if kind == "literal_error":
        value = shorten(json.dumps(detail["input"]))
        choices: tuple[str, ...] = KINDS if name == "kind" else SETS
        return f"{name} = {value} is not allowed; use " + " or ".join(f'"{a}"' for a in choices)
    if kind in ("greater_than", "less_than_equal"):
        return (
            f"{name} = {shown(detail['input'])} is out of range; use a number above 0, at most 60"
        )
    expected = {
        "string_type": "text in quotes",
        "list_type": 'a list like ["...", "..."]',
        "bool_type": "true or false",
        "float_type": "a number",
        "int_type": "a look-for number such as 2",
    }.get(kind, detail["msg"])
    return f"{where} has the wrong type ({type(detail['input']).__name__}); it should be {expected}"


def discussion_criterion_ids(standard: Standard) -> list[str]:
    """The criterion ids of the Professional Discussion, in the standard's order."""
    return [criterion.id for criterion in standard.component(COMPONENT).criteria]


def check_bank(path: Path | None = None, standard: Standard | None = None) -> BankReport:
    """Validate the bank folder at `path` (default: the bundled bank) against the standard.

    Returns a report with every problem found (never raises for a bad bank) and the coverage:
    per discussion criterion, how many assessment and practice questions have it as primary.
    """
    root = Path(path) if path is not None else bundled_bank_dir()
    criterion_ids = discussion_criterion_ids(standard or load_standard())
    empty = compute_coverage(criterion_ids, [])
    if not root.exists():
        problem = "no question bank here: the folder does not exist; pass the bank's folder"
        return _failed(root, empty, problem)
    if not root.is_dir():
        problem = "this is a file, not a folder; pass the folder holding bank.toml"
        return _failed(root, empty, problem)
    checker = _Checker(root, criterion_ids)
    files, unusable = find_bank_files(root)
    for skipped in unusable:
        checker.unparsed = True  # its questions are unknown: coverage counts would mislead
        checker.issue(f"{checker.label}/{skipped.inside}", None, None, skipped.message)
    if not files and not unusable:
        problem = "the folder holds no .toml files; a bank needs bank.toml and question files"
        return _failed(root, empty, problem)
    checker.read_files(files)
    for parsed in checker.files:
        checker.check_file(parsed)
    if checker.header is None and checker.header_file is None and not checker.unparsed:
        checker.issue(
            checker.label,
            None,
            None,
            'no [bank] table in any file; add [bank] with version = "..." to bank.toml',
        )
    checker.check_duplicates()
    coverage = compute_coverage(criterion_ids, checker.targets)
    checker.check_coverage(coverage)
    content_hash = checker.digest.hexdigest()
    version = checker.header.version if checker.header else None
    errors = _sorted(checker.issues)
    bank = None
    if not errors and checker.header is not None:
        bank = QuestionBank(
            root=root,
            version=checker.header.version,
            title=checker.header.title,
            content_hash=content_hash,
            questions=checker.questions,
            criterion_ids=criterion_ids,
        )
    return BankReport(
        ok=bank is not None,
        errors=errors,
        coverage=coverage,
        root=root,
        bank=bank,
        version=version,
        content_hash=content_hash,
        question_count=len(checker.questions),
    )


def _failed(root: Path, coverage: Coverage, problem: str) -> BankReport:
    issue = BankIssue(str(root), None, None, problem)
    return BankReport(ok=False, errors=[issue], coverage=coverage, root=root)


def _sorted(issues: Iterable[BankIssue]) -> list[BankIssue]:
    """File by file (bank-wide problems last), in line order; stable for equal places."""
    return sorted(
        issues, key=lambda i: (i.file is None, "/" not in (i.file or ""), i.file or "", i.line or 0)
    )


def load_bank(path: Path | None = None, standard: Standard | None = None) -> QuestionBank:
    """Load and validate the bank at `path` (default: the bundled bank).

    Raises `BankError` (a `UserError`) listing every problem when the bank is invalid.
    """
    report = check_bank(path, standard)
    if report.bank is None:
        raise BankError(report.errors)
    return report.bank
