"""Regenerate the sample discussion record in `transcripts/sample-discussion/` (`make sample`).

A practice discussion of about two and a half minutes, from the PRACTICE question set only
(never the confidential assessment set): the assessor (espeak-ng voice en-gb) asks practice
questions, the apprentice (en-us+f3) gives short scripted answers written for this sample. The
speech is played into the private PulseAudio sink of scripts/test-audio.sh while a `LiveSession`
records it, exactly as a real session would be: consent at the start, `question_asked` events,
notes tagged to criteria at the moments the evidence was heard, a decision with a rationale for
each criterion discussed, then the session is closed (sealed), signed with the sample key
(`transcripts/sample-key.pem`, published on purpose and named "SAMPLE KEY — not a real
assessor", so that the sample is reproducible and nobody mistakes it for a real signature),
transcribed offline (`transcript.json`, signed with the same sample key, as a verifier's run
would sign it) and verified. The committed sample carries that transcript: a copy of it cut
short verifies as "not sealed" with its transcript naming the seal the log no longer holds
(discussion/transcript/seal.py, `seal_missing`). `--transcript-only` makes just the transcript
of the sample already there (about 12 s, no audio needed).

Every name and the ULN are fictional. Also writes `transcripts/sample-discussion.md`, the script
with the offsets at which each line was played.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import audio_helpers as ah  # noqa: E402

from discussion.bank import load_bank  # noqa: E402
from discussion.live import LiveSession  # noqa: E402
from discussion.notes import format_offset  # noqa: E402
from discussion.record import SessionInfo, verify  # noqa: E402
from discussion.signing.keys import load_private_key  # noqa: E402
from discussion.standard import load_standard  # noqa: E402
from discussion.transcript.engine import WhisperEngine  # noqa: E402
from discussion.transcript.run import transcribe_folder  # noqa: E402
from discussion.transcript.seal import sign_transcript  # noqa: E402

OUT = REPO / "transcripts"
SAMPLE_KEY = OUT / "sample-key.pem"  # the private half, published: see transcripts/README.md
SAMPLE_SIGNER = "SAMPLE KEY — not a real assessor"
SESSION_ID = "sample-discussion"
ASSESSOR_VOICE = "en-gb"
APPRENTICE_VOICE = "en-us+f3"
RATE = 16000
LAG_S = 1.5
PAUSE_S = 1.0

CONSENT_ASK = (
    "Before we start: this discussion is recorded as evidence for your end-point assessment. "
    "Are you happy for me to record it?"
)
CONSENT_ANSWER = "Yes, that is fine."
CLOSING = "Thank you. That is the end of the discussion."


@dataclass(frozen=True)
class Exchange:
    """One practice question, the apprentice's answer, and the assessor's note on it."""

    question_id: str
    answer: str
    note_criteria: tuple[str, ...]
    note: str


EXCHANGES = (
    Exchange(
        "P-1A-03",
        "Last month someone from the warehouse team rang me because an order had the wrong "
        "address. I treated him like any customer: I listened, checked the system and fixed it "
        "the same day, because if he cannot ship, our external customer waits.",
        ("1A",),
        "warehouse colleague as internal customer; fixed address same day; links to external",
    ),
    Exchange(
        "P-3A-03",
        "You can often tell from how someone speaks. If they ask me to repeat things or seem "
        "confused by the form, I slow down, offer to go through it together, or ask if another "
        "way of contacting us would suit them better.",
        ("3A", "3B"),
        "spots unspoken needs; slows down, offers another channel",
    ),
    Exchange(
        "P-3B-03",
        "A customer who is deaf came to the counter and our script is all spoken. I wrote "
        "things down, faced her so she could lip read, and booked the follow-up by email "
        "instead of a phone call.",
        ("3B",),
        "adapted for a deaf customer: wrote down, faced her, email follow-up",
    ),
    Exchange(
        "P-6B-01",
        "Instead of saying we cannot do that until Monday, I would say I can have that ready "
        "for you on Monday morning. It is the same fact, but it tells the customer what will "
        "happen.",
        ("6B",),
        "positive rephrasing example, focuses on what will happen",
    ),
    Exchange(
        "P-7A-02",
        "I promise call backs all day. I write each one in my diary with a time, and if I "
        "cannot solve it by then I still call to say where it is, so they are never left "
        "waiting.",
        ("7A",),
        "keeps promises: diary for call backs, calls even without an answer",
    ),
    Exchange(
        "P-5A-03",
        "My target is answering emails within a day. I mostly manage it.",
        ("5A",),
        "named a target but no practical actions to improve",
    ),
)

DECISIONS = {
    "1A": (True, "Clear internal customer example with the link to the external customer."),
    "3A": (True, "Recognises needs customers do not state and says how to respond."),
    "3B": (True, "Specific adaptation for a deaf customer across two channels."),
    "6B": (True, "Positive rephrasing with a reason it helps the customer."),
    "7A": (True, "Concrete routine for keeping promises, and why it builds trust."),
    "5A": (False, "Named one target; no practical actions to improve results on it."),
}


def synthesise(text: str, voice: str, path: Path) -> ah.FloatArray:
    """espeak-ng speech as 16 kHz mono float samples."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", "150", "-w", str(raw), text], check=True, timeout=60
    )
    subprocess.run(
        ["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(path)],
        check=True,
        timeout=60,
    )
    samples, _ = ah.read_mono(path)
    return samples


class Player:
    """Plays lines into the sink, waits for them to finish, and keeps the script."""

    def __init__(self, live: LiveSession, feeder: ah.SinkFeeder, work: Path) -> None:
        self.live = live
        self.feeder = feeder
        self.work = work
        self.script: list[str] = []
        self._count = 0

    def say(self, who: str, voice: str, text: str) -> float:
        """Play one line; returns the timeline offset where it started."""
        self._count += 1
        samples = synthesise(text, voice, self.work / f"line-{self._count:02d}.wav")
        offset = self.live.offset_now()
        self.feeder.play(samples)
        time.sleep(len(samples) / RATE + PAUSE_S)
        self.script.append(f"`{format_offset(offset)}` **{who}:** {text}")
        return offset


def session_info() -> SessionInfo:
    """Fictional details; a practice session."""
    standard = load_standard()
    bank = load_bank(standard=standard)
    return SessionInfo(
        session_id=SESSION_ID,
        kind="practice",
        apprentice_name="Alex Example (fictional)",
        uln="9999999904",
        assessor="Sam Sample (fictional)",
        mode="virtual",
        attempt=1,
        epa_window_start=date(2026, 11, 2),
        standard_version=standard.version,
        standard_hash=standard.content_hash,
        bank_version=bank.version,
        bank_hash=bank.content_hash,
        reaction_lag_s=LAG_S,
    )


def record(work: Path) -> list[str]:
    """Play and record the whole discussion; returns the script lines."""
    bank = load_bank()
    target = OUT / SESSION_ID
    if target.exists():
        shutil.rmtree(target)
    live = LiveSession.create(session_info(), home=OUT)
    live.record.signing_key = load_private_key(SAMPLE_KEY, owner_only=False)
    live.record.signer_name = SAMPLE_SIGNER
    feeder = ah.SinkFeeder(latency_ms=20)
    try:
        live.start_recording()
        if not live.wait_until_recording(10):
            raise SystemExit("no audio from the private PulseAudio")
        time.sleep(0.5)
        player = Player(live, feeder, work)
        player.say("Assessor", ASSESSOR_VOICE, CONSENT_ASK)
        player.say("Apprentice", APPRENTICE_VOICE, CONSENT_ANSWER)
        live.consent("Apprentice agreed to the recording at the start.")
        note_seqs: dict[str, list[int]] = {}
        for exchange in EXCHANGES:
            question = bank.get(exchange.question_id)
            if question is None or question.set != "practice":
                raise SystemExit(f"{exchange.question_id} is not a practice question")
            live.ask(question.id, list(question.criteria))
            player.say("Assessor", ASSESSOR_VOICE, question.text)
            heard = player.say("Apprentice", APPRENTICE_VOICE, exchange.answer)
            # The assessor starts typing a reaction lag after the evidence began.
            event = live.note(exchange.note, list(exchange.note_criteria), heard + 2.0 + LAG_S)
            for criterion in exchange.note_criteria:
                note_seqs.setdefault(criterion, []).append(event.seq)
        player.say("Assessor", ASSESSOR_VOICE, CLOSING)
        for criterion, (met, rationale) in DECISIONS.items():
            live.decide(criterion, met, rationale, note_seqs.get(criterion, []))
        live.close("sample discussion complete")
    except BaseException:
        if not live.record.log.is_closed:
            live.release()
        raise
    finally:
        feeder.close()
    return player.script


def write_script(script: list[str]) -> None:
    """transcripts/sample-discussion.md: who said what, at which offset."""
    lines = [
        "# Sample discussion: script",
        "",
        "The lines played into the recording of `sample-discussion/` (espeak-ng voices; every",
        "name fictional). Offsets are where each line started on the session timeline.",
        "Regenerate with `make sample`.",
        "",
        *[f"- {line}" for line in script],
        "",
    ]
    (OUT / f"{SESSION_ID}.md").write_text("\n".join(lines), encoding="utf-8")


def transcribe() -> None:
    """transcript.json of the sample, signed with the sample key (a run's earlier one replaced)."""
    folder = OUT / SESSION_ID
    (folder / "transcript.json").unlink(missing_ok=True)
    key = load_private_key(SAMPLE_KEY, owner_only=False)
    outcome = transcribe_folder(
        folder, WhisperEngine, sign=lambda t: sign_transcript(t, key, SAMPLE_SIGNER)
    )
    if outcome.transcript is None:
        raise SystemExit("the sample's transcription stopped before the end")


def main() -> int:
    """Record, write the script, transcribe, verify (`--transcript-only`: transcribe, verify)."""
    if "--transcript-only" not in sys.argv[1:]:
        ah.pulse_dir()  # fails with the fix when not run under scripts/test-audio.sh
        with tempfile.TemporaryDirectory(prefix="discussion-sample-") as work:
            script = record(Path(work))
        write_script(script)
    transcribe()
    report = verify(OUT / SESSION_ID)
    signature = report.seal.describe() if report.seal is not None else "not sealed"
    print(
        f"{OUT / SESSION_ID}: {'intact' if report.ok else 'NOT INTACT'}, {report.events} events, "
        f"{report.audio_seconds:.1f} s of audio; {signature}; transcript {report.transcript_status}"
    )
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
