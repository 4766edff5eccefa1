"""What was said around each note: the transcript words in a window about the note's time.

The md and html record show, under each note, the words of the (intact) transcript from
`before_s` seconds before the note's time to `after_s` seconds after it, both ends included (a
word counts by its start time, compared in whole milliseconds so that 20.0 s after a note at
12.3 s is exactly 32.3 s). Without a transcript, or with an altered one (never shown), the
record shows nothing extra: `verify` and the record's verification line say why.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from discussion.settings import (
    EXCERPT_AFTER_DEFAULT_S,
    EXCERPT_BEFORE_DEFAULT_S,
    Settings,
)
from discussion.text_safety import visible

if TYPE_CHECKING:
    from discussion.export.report import Report
    from discussion.record.state import NoteView
    from discussion.transcript.model import Transcript, Word


@dataclass(frozen=True)
class ExcerptWindow:
    """Seconds of transcript before and after a note's time (bounds: discussion.settings)."""

    before_s: float = EXCERPT_BEFORE_DEFAULT_S
    after_s: float = EXCERPT_AFTER_DEFAULT_S

    @classmethod
    def from_settings(cls, settings: Settings) -> ExcerptWindow:
        """The window the assessor set (settings.json, else the defaults)."""
        return cls(settings.transcript_excerpt_before_s, settings.transcript_excerpt_after_s)

    @classmethod
    def checked(cls, before_s: float, after_s: float) -> ExcerptWindow:
        """A window from numbers given on the command line, checked against the settings'
        bounds (pydantic ValidationError naming the setting when out of range)."""
        settings = Settings.model_validate(
            {"transcript_excerpt_before_s": before_s, "transcript_excerpt_after_s": after_s}
        )
        return cls.from_settings(settings)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def excerpt_words(transcript: Transcript, offset: float, window: ExcerptWindow) -> list[Word]:
    """The words starting from `offset - before_s` to `offset + after_s` (both included)."""
    first, last = _ms(offset - window.before_s), _ms(offset + window.after_s)
    return [word for word in transcript.words() if first <= _ms(word.start) <= last]


def excerpt_text(words: list[Word]) -> str:
    """The words as one line of text (control characters made visible, spaces tidied)."""
    from discussion.transcript.lines import space_before

    spaced = space_before(words)
    text = "".join(
        (" " if gap else "") + word.word.strip() for word, gap in zip(words, spaced, strict=True)
    )
    return visible(" ".join(text.split()), allow_newlines=False)


def _transcript(report: Report) -> Transcript | None:
    check = report.verify.transcript
    return check.transcript if check is not None and check.status == "intact" else None


def _span(words: list[Word]) -> str:
    from discussion.export.report import hhmmss  # report.py imports this module

    return f"{hhmmss(words[0].start)}\u2013{hhmmss(words[-1].end)}"


def md_excerpt(report: Report, note: NoteView, *, depth: int = 1) -> list[str]:
    """Markdown lines to put under `note`, a list item `depth` levels in (none without an
    intact transcript or words)."""
    transcript = _transcript(report)
    if transcript is None:
        return []
    words = excerpt_words(transcript, note.offset, report.excerpt_window)
    if not words:
        return []
    from discussion.export.markdown_format import md_escape

    said = md_escape(excerpt_text(words))
    return [f"{'  ' * depth}- *said ({_span(words)}, transcript):* \u201c{said}\u201d"]


def html_excerpt(report: Report, note: NoteView) -> str:
    """HTML to put in `note`'s cell (empty without an intact transcript or words)."""
    transcript = _transcript(report)
    if transcript is None:
        return ""
    words = excerpt_words(transcript, note.offset, report.excerpt_window)
    if not words:
        return ""
    said = escape(excerpt_text(words), quote=True)
    return (
        f'<div class="original excerpt">said ({_span(words)}, transcript): \u201c{said}\u201d</div>'
    )


def transcript_facts(report: Report) -> list[tuple[str, str]]:
    """The record's `Transcript` fact when the folder holds one (none: nothing is added)."""
    check = report.verify.transcript
    if check is None:
        return []
    if check.status != "intact" or check.transcript is None:
        return [("Transcript", "ALTERED: not quoted here (see the verification problems)")]
    transcript, window = check.transcript, report.excerpt_window
    signed = check.check.describe() if check.check is not None else "signed"
    made = " ".join(filter(None, [transcript.engine.name, transcript.engine.model]))
    return [
        (
            "Transcript",
            f"intact, {signed}; {len(transcript.words())} words ({made}), quoted under each "
            f"note from {window.before_s:g} s before to {window.after_s:g} s after",
        )
    ]
