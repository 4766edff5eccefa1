"""The record's timeline as WebVTT: notes, marks and questions as cues (see `cues`).

For a media player or a captioning tool beside the recording. Each cue has an identifier
(`note-3`, `mark-2`, `question-1`) and one text: `#3 [1A 2A] the note's text`. The note's text
is escaped as WebVTT requires (`&`, `<` and `>` as character references, so `<b>` is shown, not
applied, and `-->` cannot end a cue's text); its line breaks are kept as cue lines, except that
empty lines are left out (an empty line would end the cue); control characters are made
visible. Times are on the session timeline, or on segment N's with `--segment N`. A NOTE block
first (a comment players skip) names the record and its seal's hash (`seal sha256: ...`).
"""

from __future__ import annotations

from discussion.export.cues import Track, build_track
from discussion.export.report import Report
from discussion.text_safety import visible


def vtt_time(ms: int) -> str:
    """`HH:MM:SS.mmm` (hours grow past 99 if they must)."""
    seconds, millis = divmod(ms, 1000)
    minutes, secs = divmod(seconds, 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours:02d}:{mins:02d}:{secs:02d}.{millis:03d}"


def vtt_escape(text: str) -> str:
    """Text safe in a cue payload: control characters visible, `& < >` as references."""
    text = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "\n".join(line for line in text.split("\n") if line.strip())


def render_vtt(report: Report, segment: int | None = None) -> str:
    """The record's cues as a WebVTT file (UTF-8 text, `\\n` line ends)."""
    return track_vtt(report, build_track(report, segment))


def track_vtt(report: Report, track: Track) -> str:
    """Lay out `track` as WebVTT, with a NOTE block saying whose record it is and its seal."""
    where = (
        f"times on {track.segment.file} (segment {track.segment_number})"
        if track.segment is not None
        else "times on the session timeline (the audio segments one after another)"
    )
    about = vtt_escape(
        f"Professional Discussion record, session {report.info.session_id}: "
        f"{report.status_text}; verification: {'intact' if report.verify.ok else 'NOT INTACT'}"
        f"; {where}"
    )
    # The seal's hash, as `verify` prints it, to check a later copy of the record against.
    seal = f"seal sha256: {report.record_hash or 'none, NOT SEALED'}"
    out = ["WEBVTT", "", "NOTE", about, seal, ""]
    for cue in track.cues:
        out += [cue.ident, f"{vtt_time(cue.start_ms)} --> {vtt_time(cue.end_ms)}"]
        out += [vtt_escape(cue.label), ""]
    return "\n".join(out) + "\n"
