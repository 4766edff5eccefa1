"""The transcript on its own: plain text (`transcript`) and WebVTT (`transcript-vtt`).

    [00:01:02] I explained the complaint process to the customer.

one line per transcript segment, times on the session timeline (the notes' clock), in HH:MM:SS
rounded down; the WebVTT has one cue per segment (`segment-N`) with millisecond times and a
NOTE block naming the record, the seal and who signed the transcript. Only an intact transcript
is exported (checked as `discussion verify` checks it): none is a UserError saying how to make
one (exit 2), an altered one names the first fault (exit 1). Text goes through the project's
text safety (control characters made visible, WebVTT's `& < >` as references); segments with
no words are left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from discussion.errors import UserError
from discussion.export.vtt_format import vtt_escape, vtt_time
from discussion.text_safety import visible

if TYPE_CHECKING:
    from discussion.record.verify import VerifyReport
    from discussion.transcript.model import Segment, Transcript

TRANSCRIPT_FORMATS = ("transcript", "transcript-vtt")


def _hhmmss(seconds: float) -> str:
    from discussion.export.report import hhmmss

    return hhmmss(seconds)


def intact_transcript(folder: Path) -> tuple[Transcript, VerifyReport]:
    """The folder's transcript if `verify` finds it intact, with the verify report.

    UserError (exit 2) when there is none or `folder` is no session; UserError exit 1 when it
    is altered (the first of its problems named).
    """
    from discussion.record.verify import verify

    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder (give a session folder)")
    report = verify(folder)
    check = report.transcript
    if check is None:
        raise UserError(
            f"{folder.name} has no transcript (no transcript.json): make one with "
            f"`discussion transcribe {folder}`"
        )
    if check.status == "seal_missing":  # the record was cut short: not its words to export
        raise UserError(
            f"{folder.name}: the transcript is not exported: {check.describe()}", exit_code=1
        )
    if check.status != "intact" or check.transcript is None:
        first = check.problems[0] if check.problems else "it does not verify"
        raise UserError(
            f"{folder.name}: the transcript is altered and is not exported: {first}; see "
            f"`discussion verify {folder}`",
            exit_code=1,
        )
    return check.transcript, report


def _spoken(segments: list[Segment]) -> list[tuple[Segment, str]]:
    return [(s, " ".join(s.text.split())) for s in segments if s.text.strip()]


def render_transcript_text(transcript: Transcript) -> str:
    """One `[HH:MM:SS] text` line per segment (control characters made visible)."""
    lines = [
        f"[{_hhmmss(segment.start)}] {visible(text, allow_newlines=False)}"
        for segment, text in _spoken(transcript.segments)
    ]
    return "".join(line + "\n" for line in lines)


def render_transcript_vtt(transcript: Transcript, about: str = "") -> str:
    """The transcript as WebVTT: one cue per segment, times on the session timeline."""
    head = (
        f"Transcript of session {transcript.session_id}, seal {transcript.seal_hash}; made by "
        f"{transcript.engine.name} {transcript.engine.model}".rstrip()
    )
    out = ["WEBVTT", "", "NOTE", vtt_escape(head + (f"; {about}" if about else "")), ""]
    for number, (segment, text) in enumerate(_spoken(transcript.segments), start=1):
        start = round(segment.start * 1000)
        end = max(start + 1, round(segment.end * 1000))  # a cue must not end before it starts
        out += [f"segment-{number}", f"{vtt_time(start)} --> {vtt_time(end)}", vtt_escape(text)]
        out.append("")
    return "\n".join(out) + "\n"


def transcript_export(folder: Path, fmt: str) -> str:
    """`folder`'s intact transcript in `fmt` (`transcript` or `transcript-vtt`)."""
    if fmt not in TRANSCRIPT_FORMATS:
        raise UserError(f"unknown transcript format {fmt!r}: use {' or '.join(TRANSCRIPT_FORMATS)}")
    transcript, report = intact_transcript(folder)
    if fmt == "transcript":
        return render_transcript_text(transcript)
    check = report.transcript
    signer = check.check.describe() if check is not None and check.check is not None else ""
    record = "record intact" if report.ok else "record NOT INTACT (see discussion verify)"
    return render_transcript_vtt(transcript, f"{signer}; {record}")
