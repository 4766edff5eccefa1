"""Line numbers for `bank lint` warnings: the line of a field, a probe or a waiver.

A `Question` knows its file and the line of its `[[question]]` header; the lines inside come
from the file's text. When the text cannot be matched (an unusual layout) the header line is
used, so a warning always points into the right question.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from discussion.bank.models import Question

_HEADER_RE = re.compile(r"^\s*\[\[\s*question\s*\]\]")
_KEY_RE = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*=")
_PLACE_RE = re.compile(r"^(\w+)(?:\[(\d+)\])?$")


class Locator:
    """Finds lines inside the bank's files (each file read once)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lines: dict[str, list[str]] = {}

    def _file_lines(self, rel: str) -> list[str]:
        if rel not in self._lines:
            inside = rel.split("/", 1)[1] if "/" in rel else rel
            try:
                self._lines[rel] = (self.root / inside).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[rel] = []
        return self._lines[rel]

    def _block(self, q: Question) -> tuple[list[str], int, int] | None:
        """The file's lines and the question's [start, end) line numbers (1-based)."""
        lines = self._file_lines(q.file)
        if q.line is None or q.line > len(lines):
            return None
        end = next(
            (n for n in range(q.line + 1, len(lines) + 1) if _HEADER_RE.match(lines[n - 1])),
            len(lines) + 1,
        )
        return lines, q.line, end

    def line(self, q: Question, place: str = "") -> int | None:
        """The line of `place` ("text", "probes[2]", "reminder") in `q`, else its header."""
        block = self._block(q)
        match = _PLACE_RE.match(place)
        if block is None or match is None:
            return q.line
        lines, start, end = block
        name, index = match.group(1), match.group(2)
        key_line = self._key_line(lines, start, end, name)
        if key_line is None:
            return q.line
        if index is None:
            return key_line
        items: list[str] = getattr(q, name, [])
        number = int(index)
        if not 0 < number <= len(items):
            return key_line
        return self._item_line(lines, key_line, end, items[number - 1]) or key_line

    def waiver_line(self, q: Question, rule: str) -> int | None:
        """The line naming `rule` in the question's waivers, else its header."""
        block = self._block(q)
        if block is None:
            return q.line
        lines, start, end = block
        quoted = json.dumps(rule)
        for number in range(start, end):
            text = lines[number - 1]
            if "rule" in text and (quoted in text or f"'{rule}'" in text):
                return number
        return self._key_line(lines, start, end, "waivers") or q.line

    @staticmethod
    def _key_line(lines: list[str], start: int, end: int, name: str) -> int | None:
        for number in range(start + 1, end):
            match = _KEY_RE.match(lines[number - 1])
            if match and match.group(1) == name:
                return number
        return None

    @staticmethod
    def _item_line(lines: list[str], key_line: int, end: int, item: str) -> int | None:
        """The line holding the start of `item`, from the key's line to the next key."""
        probe = json.dumps(item, ensure_ascii=False)[1:-1][:40]
        for number in range(key_line, end):
            if number > key_line and _KEY_RE.match(lines[number - 1]):
                break
            if probe in lines[number - 1]:
                return number
        return None
