"""Reading a typed note: an optional criteria prefix, then the text.

`3A,3B: adapted tone for a deaf customer` tags the note with 3A and 3B. The prefix is only taken
as tags when every word in it looks like a criterion id; anything else is ordinary text, so a note
such as `Note: customer was upset` is kept whole.

Control characters (ESC, BEL, ...) in a note are replaced by visible stand-ins (ESC -> ␛) here, at
the boundary where typed text becomes evidence: a note is never refused (that would lose what the
assessor typed) and never carries a byte that acts on a terminal or an export; `controls` says
which were replaced so the caller can tell the assessor.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from discussion.text_safety import control_characters, visible

_PREFIX = re.compile(r"^\s*([0-9][A-Za-z](?:[\s,;/]+[0-9][A-Za-z])*)\s*:\s*(.*)$", re.DOTALL)
_ID = re.compile(r"[0-9][A-Za-z]")


@dataclass(frozen=True)
class ParsedNote:
    """The tags and text of a typed note; `unknown` lists prefix ids that are not criteria."""

    criteria: tuple[str, ...]
    text: str
    unknown: tuple[str, ...] = ()
    controls: tuple[str, ...] = ()  # control characters replaced by visible stand-ins


def parse_note(line: str, valid_ids: Collection[str]) -> ParsedNote:
    """Split `line` into criterion tags and text.

    Ids are matched case-insensitively against `valid_ids`. When any id in the prefix is unknown
    the note keeps the whole line as its text and no tags, so nothing typed is lost and nothing is
    tagged by mistake; `unknown` says which ids were wrong. Control characters become visible
    stand-ins (listed in `controls`); surrounding whitespace (a CR of a CRLF line) is dropped.
    """
    line = line.strip()
    controls = tuple(control_characters(line))
    if controls:
        line = visible(line)
    match = _PREFIX.match(line)
    if match is None:
        return ParsedNote((), line.strip(), (), controls)
    ids = [token.upper() for token in _ID.findall(match.group(1))]
    known = {v.upper() for v in valid_ids}
    unknown = tuple(dict.fromkeys(i for i in ids if i not in known))
    if unknown:
        return ParsedNote((), line.strip(), unknown, controls)
    return ParsedNote(tuple(dict.fromkeys(ids)), match.group(2).strip(), (), controls)


def format_offset(seconds: float) -> str:
    """`HH:MM:SS.mmm` on the recording's timeline."""
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def format_clock(seconds: float) -> str:
    """`MM:SS` (or `H:MM:SS` past an hour) for on-screen clocks; negative shows a minus."""
    sign = "-" if seconds < 0 else ""
    whole = int(abs(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes:02d}:{secs:02d}"
