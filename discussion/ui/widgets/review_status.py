"""The review's status lines: the verify verdict (intact, sealed, signed by whom, or what was
altered), the transport (playing or paused, where, speed, loop, pre-roll, following, or why
there is no sound), and the verification so far beside the criteria's colours."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from discussion.export.report import Report
from discussion.playback import PlaybackStatus
from discussion.ui.widgets.review_levels import minutes_seconds
from discussion.verification.events import OUTCOME_TEXT
from discussion.verification.state import Round


def _signer(check: dict[str, Any], sealed: bool) -> Text | None:
    """Who signed the seal, when verify reports signatures (signed records, issue 10)."""
    if not sealed or "signature_ok" not in check:
        return None
    text = Text(" · ")
    if not check.get("signature_ok"):
        missing = check.get("signature") == "missing" or not check.get("signed_by")
        text.append("NOT SIGNED" if missing else "SIGNATURE NOT VALID", "bold red")
        return text
    signed_by = check.get("signed_by")
    name = fingerprint = ""
    if isinstance(signed_by, dict):
        name, fingerprint = str(signed_by.get("name", "")), str(signed_by.get("fingerprint", ""))
    text.append(f"signed by {name or 'an unnamed key'}", "bold green")
    if fingerprint:
        text.append(f" ({fingerprint})")
    if check.get("trusted") is False:
        text.append(" · key NOT in your trusted set", "bold yellow")
    return text


def verdict_text(report: Report) -> Text:
    """One or more lines: intact and sealed (signed by whom), or NOT INTACT and the problems."""
    check = report.verify
    text = Text()
    if check.ok and check.sealed:
        text.append("INTACT · SEALED", "bold green")
    elif check.ok:
        text.append("NOT SEALED: this record may be incomplete", "bold red")
    else:
        text.append("RECORD NOT INTACT", "bold red")
    signer = _signer(check.as_json(), check.sealed)
    if signer is not None:
        text.append_text(signer)
    info = report.info
    text.append(f" · {info.apprentice_name} · assessor {info.assessor} · attempt {info.attempt}")
    if info.kind == "practice":
        text.append(" · PRACTICE", "bold yellow")
    if check.transcript is not None and check.transcript.status == "seal_missing":
        text.append(f"\n  • {check.transcript.describe()}", "bold red")  # it was sealed once
    for problem in check.problems[:3]:
        text.append(f"\n  • {problem}", "red")
    if len(check.problems) > 3:
        text.append(f"\n  • and {len(check.problems) - 3} more: see `discussion verify`", "red")
    return text


def transport_text(
    status: PlaybackStatus | None,
    filter_text: str,
    *,
    preroll_s: float | None = None,
    following: bool = True,
    started: bool = True,
) -> Text:
    """Playing or paused, position / length, speed, loop, pre-roll, following, filter, or why
    there is no sound."""
    text = Text()
    if status is None:
        text = Text("Opening the sound output…" if started else "Player not started", "italic")
        if preroll_s is not None:
            text.append(f"  pre-roll {preroll_s:g} s")
        return text
    if status.playing:
        text.append("▶ playing", "bold green")
    elif status.ended:
        text.append("■ at the end", "bold")
    else:
        text.append("❚❚ paused", "bold")
    text.append(f"  {minutes_seconds(status.position_s)} / {minutes_seconds(status.duration_s)}")
    text.append(f"  speed {status.speed:g}×", "bold" if status.speed != 1.0 else "")
    if status.loop is not None:
        a, b = status.loop
        text.append(f"  loop {minutes_seconds(a)}–{minutes_seconds(b)}", "bold magenta")
    elif status.loop_start is not None:
        text.append(f"  loop from {minutes_seconds(status.loop_start)} (b sets its end)", "magenta")
    if preroll_s is not None:
        text.append(f"  pre-roll {preroll_s:g} s")
    text.append("  following" if following else "  not following (l)", "" if following else "bold")
    if filter_text:
        text.append(f"  · {filter_text}", "bold cyan")
    if status.reason is not None:
        text.append(f"\nNo sound: {status.reason}", "bold yellow")
    return text


def shown_round(rounds: list[Round]) -> Round | None:
    """The round the review shows: the open one, else the last finished (None: none yet)."""
    return rounds[-1] if rounds else None


def verification_text(rounds: list[Round], problem: str | None, decided: int) -> Text:
    """`IQA Kim: 2 of 6 decisions judged, open (o finishes, signed)`, or none yet."""
    if problem is not None:
        return Text(f"VERIFICATION DAMAGED: {problem}", "bold red")
    current = shown_round(rounds)
    if current is None:
        return Text("Not verified yet (j: judge the highlighted decision)", "dim")
    text = Text(f"{current.role} {current.verifier}: ", "bold")
    judged = len(current.judgements)
    text.append(f"{judged} of {decided} decisions judged")
    if current.is_open:
        text.append(", open (o: outcome, signed)", "yellow")
    else:
        outcome = OUTCOME_TEXT[current.outcome.outcome] if current.outcome else "no outcome"
        text.append(f", {outcome}, finished and signed", "bold green")
    return text


class ReviewStatus(Static):
    """A line (or a few) of text the screen sets."""

    DEFAULT_CSS = """
    ReviewStatus { height: auto; padding: 0 1; }
    ReviewStatus#review-verdict { background: $panel; }
    """
