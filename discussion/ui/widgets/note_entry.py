"""The note box: remembers where on the recording the assessor started typing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from textual import events
from textual.geometry import Region
from textual.widgets import Input

from discussion.ui.tag_keys import SCREEN_FIRST_KEYS


class NoteEntry(Input):
    """An Input that stamps the session clock at the first keystroke of each note.

    The stamp is taken when a printable key arrives in an empty box, before the character is
    inserted, so typing speed never shifts a note later on the recording.
    """

    DEFAULT_CSS = """
    NoteEntry { border: tall $accent; }
    """

    def __init__(self, clock: Callable[[], float], **kwargs: object) -> None:
        self._typing = False  # in the value's watcher: the box alone is redrawn
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.clock = clock
        self.first_keystroke: float | None = None

    def _watch_value(self, value: str) -> None:
        # Input records the text's width as its scrollable size, which asks for a layout of
        # the whole screen on every keystroke; the box's own size never changes (its height
        # and width are set by the screen), so the box alone is redrawn.
        self._typing = True
        try:
            super()._watch_value(value)
        finally:
            self._typing = False

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        """As Input's, but a change of the text never lays out the screen."""
        return super().refresh(
            *regions, repaint=repaint, layout=layout and not self._typing, recompose=recompose
        )

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """The tag keys that are characters (Esc then a place, ¡ ™ …) reach the screen first."""
        return key not in SCREEN_FIRST_KEYS and super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        if self.first_keystroke is None and event.is_printable and not self.value:
            self.first_keystroke = self.clock()
        await super()._on_key(event)

    def take(self) -> tuple[str, float | None]:
        """The typed text and its first-keystroke offset; empties the box for the next note."""
        text, stamp = self.value, self.first_keystroke
        self.value = ""
        self.first_keystroke = None
        return text, stamp

    def restore(self, text: str, stamp: float | None) -> None:
        """Put back a note that could not be saved, keeping its original stamp."""
        self.value = text
        self.first_keystroke = stamp
        self.cursor_position = len(text)
