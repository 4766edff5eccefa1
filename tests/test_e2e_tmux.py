"""End to end: the real `discussion` app driven through tmux, against the private PulseAudio.

What an assessor does with the keyboard, start to finish: set-up (with a spoken audio check),
consent, notes while the apprentice speaks, decisions, grade, close and seal; then the record is
checked with the CLI (`verify`, `export`) and the recording against the speech that was played.
The second test SIGKILLs the app mid-discussion, restarts it and resumes from the recovery offer:
every note the screen confirmed as saved must still be in the record, on one continuous timeline.

Run under `scripts/test-audio.sh run .venv/bin/pytest tests/test_e2e_tmux.py` (the `pulse`
fixture fails without the private daemon).
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import audio_helpers as ah
import pytest
import soundfile
from tmux_driver import REPO, ScreenTimeout, TmuxApp

from discussion.record.session import load_state, read_log
from discussion.record.state import NoteView, SessionState

pytestmark = pytest.mark.audio

STEP_S = 20.0  # generous, bounded wait for every step
ULN = "9276308686"
APPRENTICE = "Alex Smith"
ASSESSOR = "Jo Assessor"
CRITERIA = ["1A", "2A", "2B", "3A", "3B", "3C", "4A", "5A", "6A", "6B", "7A"]
MET = {"1A", "3A", "3B"}  # pass criteria 4A 5A 6A 7A are not met: the grade is FAIL
ANSWER = (
    "When a customer rang about a late refund, I checked the order, explained our refund "
    "policy and called her back the next day to confirm the money had arrived."
)
SAVED = re.compile(r"saved #(\d+)")


def discussion_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the `discussion` CLI of this checkout."""
    return subprocess.run(
        [sys.executable, "-m", "discussion", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def only_session(home: Path) -> Path:
    """The one session folder under `home`."""
    folders = sorted((home / "sessions").iterdir())
    assert len(folders) == 1, folders
    return folders[0]


# ---------------------------------------------------------------------------- the assessor's steps
def set_up(app: TmuxApp, speech: Path) -> None:
    """Home → set-up, fill every field, pass the audio check by speaking, start → consent."""
    app.wait_for("New discussion", STEP_S)
    app.keys("n")
    app.wait_for("EPA window", STEP_S)
    app.type(APPRENTICE)
    app.keys("Tab")
    app.type(ULN)
    app.wait_for("✓ valid ULN", STEP_S)
    app.keys("Tab")
    app.type(ASSESSOR)
    # ctrl+s lists what is missing and focuses the first missing field: the mode.
    app.keys("C-s")
    app.wait_for("• mode: virtual or face-to-face", STEP_S)
    app.keys("Enter")  # selects Virtual (the attempt defaults to the first)
    app.wait_gone("• mode:", STEP_S)
    # Enter on an attempt already chosen does not move on: let ctrl+s focus the window instead.
    app.keys("C-s")
    app.wait_for("• EPA window:", STEP_S)
    today = date.today().isoformat()
    app.type(today)
    app.wait_for(f"✓ window {today}", STEP_S)
    app.keys("C-s")  # focuses the first gateway item
    missing = int(app.wait_match(r"Before starting \((\d+) missing\)", STEP_S).group(1))
    # 7 gateway + 3 conduct + the employer's agreement to the mode + the audio check
    assert missing == 12, app.screen()
    for _ in range(10):
        app.keys("Space")
        missing -= 1
        app.wait_for(f"({missing} missing)", STEP_S)
        app.keys("Tab")
    app.keys("Space", "Tab")  # the employer agreed the mode,
    app.type("Pat Manager")  # and who agreed it
    app.wait_for("(1 missing)", STEP_S)
    app.keys("Tab", "Tab")  # past the adjustments (none) to the audio check, into view
    ah.play_wav(speech)
    app.wait_for("✓ Sound heard", STEP_S)
    app.keys("C-s")
    app.wait_for("Apprentice agreed (a)", STEP_S)


def give_consent(app: TmuxApp) -> None:
    """Consent → the discussion screen, recording."""
    app.keys("a")
    app.wait_match(r"● REC .* left of 60 min", STEP_S)


def last_saved(app: TmuxApp) -> int:
    """The number of the last "✔ saved #N" on screen, or -1."""
    found = SAVED.findall(app.screen())
    return int(found[-1]) if found else -1


def save_note(app: TmuxApp, text: str) -> int:
    """Type a note, Enter, wait for a new "saved #N" and the note in the recent lines; N."""
    before = last_saved(app)
    app.type(text)
    app.keys("Enter")
    body = text.split(":", 1)[1].strip() if ":" in text else text
    try:
        seq = int(app.wait_match(rf"saved #(?!{before}\b)(\d+)", STEP_S).group(1))
        app.wait_match(rf"#{seq} .*{re.escape(body)}", STEP_S)
    except ScreenTimeout as error:
        raise ScreenTimeout(f"note {text!r} not confirmed as saved: {error}") from None
    return seq


def end_discussion(app: TmuxApp) -> None:
    """F10, y → the decisions screen."""
    app.keys("F10")
    app.wait_for("End the discussion?", STEP_S)
    app.keys("y")
    app.wait_for("11 of 11 criteria still to decide", STEP_S)


def decide_all(app: TmuxApp, met: set[str]) -> None:
    """Decide every criterion in screen order: met (F2) for `met`, not met (F3) for the rest."""
    for index, criterion in enumerate(CRITERIA):
        app.wait_match(rf"▎ {criterion} \((Pass|Distinction)\)", STEP_S)
        is_met = criterion in met
        app.type(f"{criterion} {'shown' if is_met else 'not shown'} in the answers")
        app.keys("F2" if is_met else "F3")
        left = len(CRITERIA) - index - 1
        if left:
            app.wait_for(f"{left} of 11 criteria still to decide", STEP_S)
    app.wait_for("Every criterion decided: F10 for the grade", STEP_S)


def grade_and_seal(app: TmuxApp) -> str:
    """F10 → grade; ctrl+s, y → sealed; Enter → home with the session closed. Returns the grade."""
    app.keys("F10")
    grade = app.wait_match(r"Grade as it stands: (\w+)", STEP_S).group(1)
    app.keys("C-s")
    app.wait_for("Close and seal this session?", STEP_S)
    app.keys("y")
    app.wait_for("Session closed and sealed.", STEP_S)
    app.keys("Enter")
    app.wait_match(rf"{APPRENTICE}\s+\d{{4}}-\d\d-\d\d \d\d:\d\d\s+closed\s+1\s+assessment", STEP_S)
    return grade


# ---------------------------------------------------------------------------- checks on the record
def export(folder: Path, fmt: str) -> str:
    result = discussion_cli("export", str(folder), "--format", fmt)
    assert result.returncode == 0, f"export {fmt}: {result.stderr}"
    return result.stdout


def verify_sealed(folder: Path) -> None:
    result = discussion_cli("verify", str(folder), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["sealed"] is True, report


def csv_notes(folder: Path) -> dict[str, str]:
    """note text -> its criteria (space-separated), from the CSV export."""
    rows = csv.DictReader(io.StringIO(export(folder, "csv")))
    return {row["text"]: row["criteria"] for row in rows if row["row_type"] == "note"}


def numbered(state: SessionState, number: int) -> NoteView | None:
    """The note people see as #number (notes are numbered 1, 2, 3; the seq stays in the record)."""
    return next((note for note in state.notes if note.number == number), None)


def assert_notes_recorded(folder: Path, typed: dict[str, int]) -> None:
    """Every typed note (`3a,3b: text` -> its number) is in the record with text and criteria."""
    exported = csv_notes(folder)
    state = load_state(folder)
    for line, seq in typed.items():
        tags, text = (part.strip() for part in line.split(":", 1))
        criteria = [tag.upper() for tag in tags.split(",")]
        assert exported.get(text) == " ".join(criteria), (line, exported)
        note = numbered(state, seq)
        assert note is not None and note.text == text and note.criteria == criteria, (seq, note)


# ---------------------------------------------------------------------------- the tests
def test_full_discussion_in_tmux(pulse: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    check_speech = ah.speech_wav("Hello, can you hear me clearly?", tmp_path / "check.wav")
    answer = ah.speech_wav(ANSWER, tmp_path / "answer.wav")
    app = TmuxApp(home)
    try:
        app.start()
        set_up(app, check_speech)
        give_consent(app)
        app.wait_for("(F2) when asked", STEP_S)
        asked = app.wait_match(r"│ (D-\w+-\d+) · ", STEP_S).group(1)  # the current question
        app.keys("F2")  # the current question is asked: its "not asked yet" hint goes
        app.wait_gone("(F2) when asked", STEP_S)
        player = ah.play_wav(answer, wait=False)  # the apprentice answers while notes are typed
        typed: dict[str, int] = {}
        for line in (
            "3a,3b: checked the order and explained refunds",
            "1a: knows internal from external customers",
            "6a,7a: called back next day to confirm",
        ):
            typed[line] = save_note(app, line)
        _, err = player.communicate(timeout=60)
        assert player.returncode == 0, err
        app.keys("F5")  # mark the moment
        app.wait_match(r"\(moment marked\)", STEP_S)
        end_discussion(app)
        decide_all(app, MET)
        grade = grade_and_seal(app)
    finally:
        app.close()

    assert grade == "FAIL"
    folder = only_session(home)
    verify_sealed(folder)
    assert_notes_recorded(folder, typed)
    # What set-up confirmed is on record, before the recording started.
    types = [event.type for event in read_log(folder).events]
    assert types.index("setup_confirmed") < types.index("recording_started")
    confirmed = next(e for e in read_log(folder).events if e.type == "setup_confirmed").data
    assert len(confirmed["gateway"]) == 7 and len(confirmed["conduct"]) == 3
    assert confirmed["mode_agreed_by"] == "Pat Manager" and confirmed["adjustments"] == []

    # The apprentice's answer is in the recording.
    recording, rate = ah.read_mono(folder / "audio" / "segment-001.wav")
    reference, ref_rate = ah.read_mono(answer)
    assert rate == ref_rate
    correlation, lag = ah.best_alignment(recording, reference)
    print(f"\nanswer found at {lag / rate:.2f} s of the recording, correlation {correlation:.3f}")
    assert correlation >= 0.9, f"answer not found in the recording (correlation {correlation:.3f})"

    assert "<html" in export(folder, "html").lower()
    markdown = export(folder, "md")
    assert "**Overall grade: FAIL**" in markdown
    assert "pass criteria not achieved: 4A, 5A, 6A, 7A" in markdown
    assert "Apprentice Showcase: not attempted yet." in markdown
    assert "Practical Observation: not attempted yet." in markdown
    state = load_state(folder)
    assert [question.question_id for question in state.questions] == [asked], state.questions
    assert [note.text for note in state.notes if not note.text] == [""], "no moment marked"
    assert state.closed is not None
    assert sorted(state.closed.tally.met) == sorted(MET)
    assert sorted(state.closed.tally.not_met) == sorted(set(CRITERIA) - MET)


def test_kill_mid_discussion_then_resume_loses_no_saved_note(pulse: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    check_speech = ah.speech_wav("Hello, can you hear me clearly?", tmp_path / "check.wav")
    typed: dict[str, int] = {}
    first = TmuxApp(home)
    try:
        first.start()
        set_up(first, check_speech)
        give_consent(first)
        for line in (
            "3a: greeted the customer by name",
            "4a,5a: followed the complaints procedure",
            "6b: suggested a better process to the team",
            "7a: kept promises and called back on time",
        ):
            typed[line] = save_note(first, line)
        first.kill_app()  # SIGKILL: no chance to flush or close anything
    finally:
        first.close()

    folder = only_session(home)
    first_segment = folder / "audio" / "segment-001.wav"
    second = TmuxApp(home)
    try:
        second.start()
        second.wait_for("Interrupted discussion", STEP_S)
        second.keys("y")
        second.wait_match(r"● REC .* left of 60 min", STEP_S)
        second.wait_for("kept promises and called back on time", STEP_S)  # the notes are back
        after = "3b: after the restart, still on the timeline"
        typed[after] = save_note(second, after)
        end_discussion(second)
        decide_all(second, MET)
        grade_and_seal(second)
    finally:
        second.close()

    verify_sealed(folder)
    assert_notes_recorded(folder, typed)
    assert typed[after] > max(seq for line, seq in typed.items() if line != after)

    events = read_log(folder).events
    types = [event.type for event in events]
    assert "recovered" in types, types
    started = [event for event in events if event.type == "recording_started"]
    assert [event.data["segment"] for event in started] == [
        "audio/segment-001.wav",
        "audio/segment-002.wav",
    ], started
    assert started[0].seq < types.index("recovered") < started[1].seq, types
    # The new segment starts where the first one's audio ends on the session timeline.
    first_seconds = soundfile.info(str(first_segment)).frames / load_state(folder).info.samplerate
    first_end = started[0].data["start_offset"] + first_seconds
    assert started[1].data["start_offset"] >= first_end - 1e-3, (started[1].data, first_end)
    assert (folder / "audio" / "segment-002.wav").exists()
    resumed_note = numbered(load_state(folder), typed[after])
    assert resumed_note is not None and resumed_note.raw_offset >= first_end, resumed_note
