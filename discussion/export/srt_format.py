"""The record's timeline as SubRip (SRT): notes, marks and questions as numbered subtitles.

SRT has no escapes, and players apply `<b>`/`<i>`/`<font>` tags and `{\\an8}`-style overrides
found in the text. So a zero-width space (U+200B) is put after each `<` and `{` and inside
each `-->` of a note: the text looks the same on screen, is never taken as formatting or as a
timing line, and reading it back with U+200B removed gives the note exactly (a line starting
with a digit or `-` gets one in front, so it never reads as the next subtitle's number or time,
as lenient readers such as `srt` take it even without an empty line). Empty lines are left
out (one would end the subtitle); control characters are made visible. Times as in `cues`
(session timeline, or segment N's with `--segment N`). SRT has no comments, so the seal's hash
is not in it (a made-up first subtitle would show on screen): take it from `verify` or another
export.
"""

from __future__ import annotations

from discussion.export.cues import Track, build_track
from discussion.export.report import Report
from discussion.text_safety import visible

ZWSP = "\u200b"


def srt_time(ms: int) -> str:
    """`HH:MM:SS,mmm`."""
    seconds, millis = divmod(ms, 1000)
    minutes, secs = divmod(seconds, 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours:02d}:{mins:02d}:{secs:02d},{millis:03d}"


def srt_safe(text: str) -> str:
    """Text that players show as written (see the module docstring)."""
    text = visible(text).replace("-->", f"--{ZWSP}>")
    text = text.replace("<", f"<{ZWSP}").replace("{", f"{{{ZWSP}")
    lines = [line for line in text.split("\n") if line.strip()]
    # A line starting with a digit or '-' could read as the next subtitle's number or time.
    return "\n".join(
        ZWSP + line if line[:1].isdigit() or line[:1] == "-" else line for line in lines
    )


def render_srt(report: Report, segment: int | None = None) -> str:
    """The record's cues as an SRT file (subtitles numbered from 1, `\\n` line ends)."""
    return track_srt(build_track(report, segment))


def track_srt(track: Track) -> str:
    """Lay out `track` as SRT."""
    out: list[str] = []
    for index, cue in enumerate(track.cues, start=1):
        out += [str(index), f"{srt_time(cue.start_ms)} --> {srt_time(cue.end_ms)}"]
        out += [srt_safe(cue.label), ""]
    return "\n".join(out) + ("\n" if out else "")
