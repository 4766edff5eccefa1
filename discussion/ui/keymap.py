"""Keys that reach the app from real terminals, and the assessor's own `keymap` setting.

- Every action on an F key also has a ctrl+letter key (in the binding itself, e.g. "f10,ctrl+s"):
  F1 and F10 are taken by many terminal emulators (help, menu bar) and Mac laptops need fn for
  any F key. The letters avoid the text box's editing keys (ctrl+a/e/d/k/u/w/x/v/c), Textual's
  own (ctrl+p palette, ctrl+q quit, ctrl+c copy), tmux's prefix (ctrl+b) and the keys a terminal
  cannot tell apart (ctrl+i is tab, ctrl+m enter, ctrl+h backspace, ctrl+[ escape).
- alt+digit: `deliver_alt_digits` (Textual reads ESC+digit as a macOS Option character).
- `keymap` in settings.json maps a binding id to keys, e.g. {"discussion.end": "f9,ctrl+e"};
  `check_keymap` refuses unknown ids, keys that are not keys, and keys that could never fire.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from textual import _ansi_sequences
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key
from textual.widgets import Input

from discussion.errors import UserError
from discussion.ui.tag_keys import OPTION_CHARACTERS

if TYPE_CHECKING:
    from textual.app import App

MODIFIERS = ("ctrl", "alt", "shift", "super", "meta", "hyper")
# Keys a terminal sends as the same bytes as another key (Textual cannot tell them apart).
SAME_AS = {
    "ctrl+i": "tab",
    "ctrl+m": "enter",
    "ctrl+h": "backspace",
    "ctrl+left_square_bracket": "escape",
}
RESERVED = {
    "ctrl+c": "copies text (and reminds how to quit)",
    "ctrl+p": "opens the command palette",
    "ctrl+q": "quits the app",
    "tab": "moves to the next field",
    "shift+tab": "moves to the previous field",
}
# Id prefixes of screens where the keyboard usually types into a text box (and the app's keys,
# which work there too): a plain character there would be typed, not obeyed.
# Screens whose text box has the focus while their keys are in use: a plain letter there types.
TYPING_SCREENS = (
    "app.", "discussion.", "decisions.", "setup.", "amend.", "export.", "correct.",
    "pause_reason.", "sessions.", "review_judge.", "review_prompt.", "mock.",
)  # fmt: skip
EXAMPLE = '"keymap": {"discussion.end": "f9,ctrl+e"}'
# alt+digit arrives with no character (see deliver_alt_digits), so a text box never types it.
ALT_PLACES = frozenset(f"alt+{name}" for name in (*"1234567890", "minus"))


# ------------------------------------------------------------------------------ alt+digit
@dataclass(frozen=True)
class _TerminalKey:
    """Stands in for a `textual.keys.Keys` member in Textual's escape-sequence table."""

    value: str


def deliver_alt_digits() -> None:
    """Make ESC+digit (how most terminals send alt+digit) arrive as alt+digit, not as text.

    Textual 8 maps ESC 1 … ESC - to the characters macOS types for Option+digit ("¡", "™",
    "£" …, meant for WezTerm on macOS), so in tmux or xterm alt+3 types "£" into the note. The
    table entries are replaced by the keys themselves, with no character, so a text box never
    types them. Idempotent; touches only these eleven entries of the parser's table.
    """
    table = cast(MutableMapping[str, object], _ansi_sequences.ANSI_SEQUENCES_KEYS)
    for place in "1234567890-":
        name = "minus" if place == "-" else place
        table[f"\x1b{place}"] = (_TerminalKey(f"alt+{name}"),)


# ------------------------------------------------------------------------------ the keymap
@dataclass(frozen=True)
class BindingInfo:
    """One binding id as declared: the classes that have it and its default keys."""

    owners: tuple[type[DOMNode], ...]
    keys: tuple[str, ...]
    priority: bool = False  # checked before the focused text box sees the key


def _binding_classes() -> Iterator[type[DOMNode]]:
    """The app and every screen and widget class of the UI that declares BINDINGS."""
    from discussion.ui import screens, widgets
    from discussion.ui.app import DiscussionApp

    yield DiscussionApp
    for package in (screens, widgets):
        for found in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{found.name}")
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, DOMNode)
                    and value.__module__ == module.__name__
                    and "BINDINGS" in value.__dict__
                ):
                    yield value


@cache
def known_bindings() -> dict[str, BindingInfo]:
    """Every binding id of the UI (imports every screen: call only when a keymap is set)."""
    found: dict[str, BindingInfo] = {}
    for cls in _binding_classes():
        for key, bindings in cls._merge_bindings().key_to_bindings.items():
            for binding in bindings:
                if binding.id is None:
                    continue
                info = found.get(binding.id, BindingInfo((), ()))
                owners = info.owners if cls in info.owners else (*info.owners, cls)
                keys = info.keys if key in info.keys else (*info.keys, key)
                found[binding.id] = BindingInfo(owners, keys, binding.priority)
    return found


@cache
def _character_key_names() -> frozenset[str]:
    """Textual's names of printable characters ("minus", "question_mark", "pound_sign"...)."""
    names = set()
    for code in range(0x20, 0x3000):
        character = chr(code)
        if character.isprintable():
            names.add(_character_to_key(character))
    return frozenset(names)


@cache
def _editing_keys() -> dict[str, str]:
    """The text box's own keys (key -> what it does): a shortcut there would never fire."""
    return {
        key: bindings[0].description
        for key, bindings in Input._merge_bindings().key_to_bindings.items()
    }


def _key_problem(key: str) -> str | None:
    """Why `key` is not a key Textual can receive, or None."""
    if not key:
        return "an empty key (no key, two commas, or a comma at the end)"
    if " " in key:
        return f'"{key}" has a space in it'
    *modifiers, name = key.split("+")
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            return f'"{key}": "{modifier}" is not a modifier (use {", ".join(MODIFIERS)})'
    if len(set(modifiers)) != len(modifiers):
        return f'"{key}" repeats a modifier'
    if not name:
        return f'"{key}" has no key after its last "+"'
    if len(name) == 1 or name in {k.value for k in Keys} or name in _character_key_names():
        return None
    return f'"{key}": "{name}" is not a key name (e.g. f9, ctrl+e, alt+1, escape, minus)'


def _normal(key: str) -> str:
    *modifiers, name = key.split("+")
    if len(name) == 1:
        name = _character_to_key(name)
    return "+".join([*modifiers, name])


def _is_character(key: str, *, with_alt: bool = False) -> bool:
    """True if a text box would type `key` (alt+letter too: Textual passes the letter on)."""
    *modifiers, name = key.split("+")
    allowed = {"shift", "alt"} if with_alt else {"shift"}
    plain = not set(modifiers) - allowed
    return plain and (len(name) == 1 or name in _character_key_names() or name == "space")


def check_keymap(keymap: Mapping[str, str], where: str) -> dict[str, str]:
    """The keymap with its keys normalised; raises UserError naming the id, the key and the fix.

    `where` names the settings file for the message.
    """
    if not keymap:
        return {}
    known = known_bindings()
    normal: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        at = f"{where}: keymap {binding_id!r}"
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, list(known), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise UserError(
                f"{where}: keymap: no binding {binding_id!r}; {hint}the help (F1 or ctrl+g) "
                f"lists each screen's keys, e.g. {EXAMPLE}"
            )
        parts = []
        for raw in keys.split(","):
            problem = _key_problem(raw.strip())
            if problem is not None:
                raise UserError(f"{at}: {problem}; write keys like {EXAMPLE}")
            key = _normal(raw.strip())
            parts.append(key)
            if key in SAME_AS:
                raise UserError(
                    f"{at}: {key!r} arrives as {SAME_AS[key]} from a terminal; choose another key"
                )
            if key in RESERVED and not (key == "ctrl+q" and binding_id == "app.quit"):
                raise UserError(f"{at}: {key!r} {RESERVED[key]}; choose another key")
            if key in _editing_keys():
                raise UserError(
                    f"{at}: {key!r} is a text-editing key ({_editing_keys()[key].lower()}) "
                    "in text boxes, so it would not reach the action; choose another key"
                )
            typed = _is_character(key, with_alt=not known[binding_id].priority)
            if binding_id.startswith(TYPING_SCREENS) and typed and key not in ALT_PLACES:
                allowed = binding_id.startswith("discussion.chord_tag") or (
                    binding_id.startswith("discussion.tag") and key in OPTION_CHARACTERS
                )
                if not allowed:
                    raise UserError(
                        f"{at}: {key!r} types a character in this screen's text box; use a "
                        "ctrl key or an F key"
                    )
        normal[binding_id] = ",".join(parts)
    _check_clashes(known, normal, where)
    return normal


def _check_clashes(known: Mapping[str, BindingInfo], keymap: Mapping[str, str], where: str) -> None:
    """Two actions on one key on the same screen (or a screen and the app): the keymap's fault."""
    from discussion.ui.app import DiscussionApp

    def keys_of(binding_id: str) -> tuple[str, ...]:
        if binding_id in keymap:
            return tuple(keymap[binding_id].split(","))
        return known[binding_id].keys

    owners = {owner for info in known.values() for owner in info.owners} - {DiscussionApp}
    app_ids = [i for i, info in known.items() if DiscussionApp in info.owners]
    for owner in owners:
        if owner.__name__ == "HelpScreen":
            continue  # the help closes with the help keys on purpose
        ids = [i for i, info in known.items() if owner in info.owners] + app_ids
        seen: dict[str, str] = {}
        for binding_id in ids:
            for key in keys_of(binding_id):
                other = seen.setdefault(key, binding_id)
                if other != binding_id and (other in keymap or binding_id in keymap):
                    raise UserError(
                        f"{where}: keymap: {key!r} would be both {other!r} and {binding_id!r} "
                        f"on the same screen; give one of them another key"
                    )


def apply_keymap(app: App[Any], keymap: Mapping[str, str]) -> None:
    """Deliver alt+digit, then put the (checked) keymap in force."""
    deliver_alt_digits()
    if keymap:
        app.set_keymap(dict(keymap))
