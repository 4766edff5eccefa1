"""The record's timeline as an Audacity label track (File > Import > Labels).

One line per cue: start and end in seconds with six decimals, then the label, separated by
tabs (`0.100000\\t8.100000\\t#1 [1A 2A] Explained the complaint process`). A label is one
line: tab, newline and every other control character in a note is shown as its visible
stand-in (newline as `␊`), so no note can add a field or a label, and no line starts with `\\`
(which Audacity reads as a frequency range). Times as in `cues` (session timeline, or segment
N's with `--segment N`, the file Audacity opens). A label track has no header or comments
(every line is a label), so the seal's hash is not in it: take it from `verify` or another export.
"""

from __future__ import annotations

from discussion.export.cues import Track, build_track
from discussion.export.report import Report
from discussion.text_safety import visible


def seconds(ms: int) -> str:
    """Milliseconds as seconds with six decimals, as Audacity writes label times."""
    return f"{ms // 1000}.{ms % 1000:03d}000"


def audacity_label(text: str) -> str:
    """One-line label text: no tab, newline or other control character (made visible)."""
    return visible(text, allow_newlines=False)


def render_audacity(report: Report, segment: int | None = None) -> str:
    """The record's cues as Audacity label lines (`\\n` line ends)."""
    return track_audacity(build_track(report, segment))


def track_audacity(track: Track) -> str:
    """Lay out `track` as Audacity label lines."""
    return "".join(
        f"{seconds(cue.start_ms)}\t{seconds(cue.end_ms)}\t{audacity_label(cue.label)}\n"
        for cue in track.cues
    )
