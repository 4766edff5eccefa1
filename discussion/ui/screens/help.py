"""The help screen: what the app is for and the keys of the screen below it.

The screen's own keys come first, then the keys that work everywhere, then the text-editing keys
of the focused box. Each action is one row with all its keys (the F key and the key for
terminals that keep F keys for themselves).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.keys import format_key
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Markdown

ABOUT = """
## About

**discussion** runs the Professional Discussion of the Customer Service Practitioner (Level 2)
end-point assessment: at most one hour, audio recorded, every note timestamped against the
criterion it supports.

- Press **ctrl+p** for the command palette: jump to any criterion or question by typing.
- The footer shows the F keys of the current screen. If your terminal keeps an F key for itself
  (F1 help, F10 menu bar) or your keyboard needs fn for it, use the ctrl key beside it above.
- Any key can be changed with `"keymap"` in settings.json, by the ids in brackets above, e.g.
  `"keymap": {"discussion.end": "f9,ctrl+e"}`.
- Assessment questions are confidential: never share them with apprentices.
"""

TAG_NOTE = """
Tags on a Mac: with Option not set to send Meta (Esc+), Option+1 types ¡; the app takes ¡ ™ ¢ ∞ §
¶ • ª º – as the tag keys, but Option+3 (£) stays text: use Esc then 3.
"""

NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "tab": "Tab",
    "backspace": "Backspace",
    "delete": "Delete",
    "home": "Home",
    "end": "End",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "pageup": "PgUp",
    "pagedown": "PgDn",
}


def key_label(key: str) -> str:
    """How a key is written for people: F2, ctrl+y, alt+-, Esc, ?, ¡."""
    *modifiers, name = key.split("+")
    if name in NAMES:
        label = NAMES[name]
    elif len(name) > 1 and name[0] == "f" and name[1:].isdigit():
        label = name.upper()
    else:
        label = format_key(name)
        if len(label) != 1:
            try:
                label = unicodedata.lookup(name.replace("_", " "))
            except KeyError:
                label = name
    return "+".join([*modifiers, label])


@dataclass
class HelpRow:
    """One action (or a group of alike actions): its keys, name, what it does, binding ids."""

    name: str
    tip: str
    group: Binding.Group | None = None
    keys: list[str] = field(default_factory=list)  # as Textual names them (f2, ctrl+y)
    ids: list[str] = field(default_factory=list)
    first_keys: list[str] = field(default_factory=list)  # each binding's first key

    def key_text(self) -> str:
        """The keys as shown: all of an action's keys, or the first … last of a group."""
        if self.group is not None and len(self.first_keys) > 1:
            return f"{key_label(self.first_keys[0])} … {key_label(self.first_keys[-1])}"
        return " · ".join(key_label(key) for key in self.keys)

    def id_text(self) -> str:
        """The binding id(s) a keymap names."""
        if len(self.ids) > 1:
            return f"{self.ids[0]} … {self.ids[-1]}"
        return self.ids[0] if self.ids else ""


def help_sections(screen: Screen[Any]) -> list[tuple[str, list[HelpRow]]]:
    """The active keys of `screen`: its own, then the app's, then the focused widget's."""
    own: dict[object, HelpRow] = {}
    everywhere: dict[object, HelpRow] = {}
    editing: dict[object, HelpRow] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.action.startswith("chord_tag"):
            continue  # system keys; the Esc chord's places are described by the Esc row
        if isinstance(active.node, App) or (active.node is screen and binding.id is None):
            rows = everywhere  # the app's keys, and Textual's own keys of every screen
        elif active.node is screen:
            rows = own
        else:
            rows = editing
        identity = binding.group or binding.id or (id(active.node), binding.action)
        row = rows.get(identity)
        if row is None:
            name = binding.group.description if binding.group else binding.description
            row = rows[identity] = HelpRow(name, binding.tooltip, binding.group)
        if key not in row.keys:
            row.keys.append(key)
        if binding.id is not None and binding.id not in row.ids:
            row.ids.append(binding.id)
            row.first_keys.append(key)
    editing_title = (
        "Editing text in a box" if isinstance(screen.focused, Input) else "The focused list"
    )
    return [
        (title, list(rows.values()))
        for title, rows in (
            ("This screen", own),
            ("Everywhere", everywhere),
            (editing_title, editing),
        )
        if rows
    ]


class HelpScreen(ModalScreen[None]):
    """A modal page listing the bindings active on the screen that opened it."""

    BINDINGS = [
        Binding(
            "escape,q,f1,ctrl+g,question_mark",
            "dismiss",
            "Close",
            id="help.close",
            tooltip="Close the help",
        ),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%; border: thick $primary; background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, sections: list[tuple[str, list[HelpRow]]]) -> None:
        super().__init__()
        self.sections = sections
        # Every key with its action's name and tip, one per key (for tests and tools).
        self.bindings_text = [
            (key, row.name, row.tip) for _, rows in sections for row in rows for key in row.keys
        ]

    @classmethod
    def of(cls, screen: Screen[Any]) -> HelpScreen:
        """The help for the keys active on `screen`."""
        return cls(help_sections(screen))

    def compose(self) -> ComposeResult:
        parts = ["# Keys"]
        for title, rows in self.sections:
            parts.append(f"\n## {title}\n\n| Key | Action | What it does |\n|---|---|---|")
            for row in rows:
                tip = row.tip + (f" (`{row.id_text()}`)" if row.ids else "")
                parts.append(f"| `{row.key_text()}` | {row.name} | {tip} |")
            if any(row.group is not None and "Tag" in row.name for row in rows):
                parts.append(TAG_NOTE)
        parts.append(ABOUT)
        with VerticalScroll():
            yield Markdown("\n".join(parts))
