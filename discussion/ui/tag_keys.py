"""Keys that toggle a criterion's tag on the discussion screen, in every kind of terminal.

The assessor types notes in a text box, so a tag key must never type a character into it:

- **alt+1 … alt+-** where the terminal sends Alt as an ESC prefix (tmux, xterm, GNOME Terminal,
  Konsole, Windows Terminal, iTerm2 with "Esc+"): see `keymap.deliver_alt_digits`.
- **The characters macOS types for Option+digit** (¡ ™ ¢ ∞ § ¶ • ª º –), which is what Terminal.app
  and iTerm2 send by default: they are taken as the same tag keys rather than typed. £ (Option+3
  on a US Mac) is not: it is shift+3 on a UK keyboard and real text in a note.
- **Esc, then the board place** (1–9, 0, -): a two-key chord for terminals that keep alt+digit
  for themselves (GNOME Terminal and Konsole switch tabs with it). Any other key, or 3 s of
  nothing, cancels the chord, so a stray Esc never eats a digit of the note.

Tag bindings are priority bindings: they are checked before the focused text box sees the key.
"""

from __future__ import annotations

from textual import events, on
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from discussion.ui.widgets.criteria_board import TAG_KEY_LABELS, TAG_KEYS

# The board places, in order: alt+<place> or Esc <place> toggles the criterion shown there.
PLACES = TAG_KEYS
PLACE_LABELS = TAG_KEY_LABELS
# What macOS types for Option+<place> (US and UK layouts), as Textual key names. None: the
# character is real text (US Option+3 is £) and stays typable; use Esc 3 there.
OPTION_CHARACTERS: tuple[str | None, ...] = (
    "inverted_exclamation_mark",  # ¡
    "trade_mark_sign",  # ™ (US; UK Option+2 is €, left typable)
    None,  # £ (US) / # (UK)
    "cent_sign",  # ¢
    "infinity",  # ∞
    "section_sign",  # §
    "pilcrow_sign",  # ¶
    "bullet",  # •
    "ª",
    "º",
    "en_dash",  # –
)
CHORD_SECONDS = 3.0
TAG_TOOLTIP = "Tag the next note with the criterion at this place on the board (again: untag)"


def _tag_keys(index: int) -> str:
    option = OPTION_CHARACTERS[index]
    return f"alt+{PLACES[index]}" + (f",{option}" if option else "")


def tag_bindings() -> list[BindingType]:
    """The Esc chord, the alt+place keys and the chord's place keys (ids `discussion.*`)."""
    tags = Binding.Group("Tag the criterion at a board place")
    chord = Binding.Group("Esc, then a board place: tag it")
    return [
        Binding(
            "escape",
            "tag_chord",
            "Tag…",
            show=False,
            id="discussion.tag_chord",
            tooltip="Then press a board place (1–9, 0, -) to tag the next note with it",
        ),
        *[
            Binding(
                _tag_keys(index),
                f"toggle_tag({index})",
                f"Tag {PLACE_LABELS[index]}",
                show=False,
                priority=True,
                id=f"discussion.tag{index + 1}",
                tooltip=TAG_TOOLTIP,
                group=tags,
            )
            for index in range(len(PLACES))
        ],
        *[
            Binding(
                place,
                f"chord_tag({index})",
                f"Esc {PLACE_LABELS[index]}",
                show=False,
                priority=True,
                id=f"discussion.chord_tag{index + 1}",
                tooltip="After Esc: " + TAG_TOOLTIP,
                group=chord,
            )
            for index, place in enumerate(PLACES)
        ],
    ]


class TagKeysScreen(Screen[bool]):
    """A screen whose subclass toggles tags by board place (`action_toggle_tag`)."""

    BINDINGS = tag_bindings()

    tag_chord_armed = False
    _chord_timer: Timer | None = None

    def action_toggle_tag(self, index: int) -> None:
        """Toggle the tag of the criterion at board place `index` (the subclass does it)."""
        raise NotImplementedError

    def action_tag_chord(self) -> None:
        """Esc: the next board place toggles a tag; Esc again cancels."""
        if self.tag_chord_armed:
            self._disarm()
            return
        self.tag_chord_armed = True
        self._chord_timer = self.set_timer(CHORD_SECONDS, self._disarm)
        self.notify("Tag: press a board place, 1–9, 0 or -", timeout=CHORD_SECONDS)

    def action_chord_tag(self, index: int) -> None:
        """A board place after Esc toggles that tag; without Esc the key is typed as usual."""
        if not self.tag_chord_armed:
            raise SkipAction()
        self._disarm()
        self.action_toggle_tag(index)

    def _disarm(self) -> None:
        self.tag_chord_armed = False
        if self._chord_timer is not None:
            self._chord_timer.stop()
            self._chord_timer = None

    def on_key(self, event: events.Key) -> None:
        """Any other key that reaches the screen (not typed into a box) cancels the chord."""
        if self.tag_chord_armed and event.key != "escape":
            self._disarm()

    @on(Input.Changed)
    def _typed_while_armed(self) -> None:
        # A typed character never reaches on_key (the box takes it): it cancels the chord too.
        if self.tag_chord_armed:
            self._disarm()


# The default keys of the priority tag bindings that are also characters: a text box must let
# the screen see them first (Textual drops bindings for keys the focused box would type).
SCREEN_FIRST_KEYS = frozenset(
    binding.key
    for binding in Binding.make_bindings(tag_bindings())
    if binding.priority and not binding.key.startswith("alt+")
)
