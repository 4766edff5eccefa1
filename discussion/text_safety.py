"""Text that is safe to show: control characters made visible, long values cut.

Evidence and bank text end up on a terminal and in Markdown, HTML and CSV exports. An ESC or BEL
written raw there can recolour or clear the assessor's screen, ring the bell or hide text, and a
bidirectional override can make a note read differently from what was typed. Everything that
prints or exports user text passes it through `visible()` first; error lines use `shorten()`
so a 50 MB value never lands whole on the screen.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, the C1 block, and the bidirectional controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The same with tab and newline too: for one-line values (names, ids).
_CONTROL_ANY = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

SHORT_LIMIT = 60


def _picture(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control picture: ESC -> ␛, BEL -> ␇
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def control_characters(text: str, *, allow_newlines: bool = True) -> list[str]:
    """The control characters in `text` (tab and newline allowed unless `allow_newlines=False`)."""
    pattern = _CONTROL if allow_newlines else _CONTROL_ANY
    return pattern.findall(text)


def describe_control(char: str) -> str:
    """`ESC (U+001B)` style name of a control character, for error messages."""
    names = {0x1B: "ESC", 0x07: "BEL", 0x08: "backspace", 0x0D: "carriage return", 0x00: "NUL"}
    names |= {0x0A: "newline", 0x09: "tab", 0x7F: "DEL"}
    code = ord(char)
    name = names.get(code, "control character")
    return f"{name} (U+{code:04X})"


def visible(text: str, *, allow_newlines: bool = True) -> str:
    """`text` with every control character replaced by a visible stand-in (ESC -> ␛).

    Tab and newline are kept unless `allow_newlines=False` (for one-line cells and headings).
    Ordinary text, including any non-Latin script and emoji, is returned unchanged.
    """
    pattern = _CONTROL if allow_newlines else _CONTROL_ANY
    return pattern.sub(_picture, text)


def shorten(text: str, limit: int = SHORT_LIMIT) -> str:
    """`text` cut to `limit` characters with an ellipsis, control characters made visible."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return visible(cut, allow_newlines=False)


def shown(value: object, limit: int = SHORT_LIMIT) -> str:
    """A value quoted for an error line: repr-like for text, cut to `limit` characters."""
    if isinstance(value, str):
        return "'" + shorten(value, limit) + "'"
    text = repr(value)
    return shorten(text, limit)
