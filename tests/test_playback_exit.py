"""A program that leaves while its player is still closing the real output ends at once.

The review stops its player without waiting (the UI thread never blocks), so the app can
reach the interpreter's exit while the playback thread is still closing the sound output.
PortAudio's own exit handler (sounddevice's, Pa_Terminate) then met a stream half way through
a draining stop and never returned: `discussion review` hung after `q`. Each case runs in its
own Python process against the test PulseAudio sink, as the app does.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "transcripts" / "sample-discussion"
# Far longer than a clean exit (about a second of start-up); a hang never ends by itself.
HANG_S = 20

PROGRAM = textwrap.dedent(
    """
    import atexit, sys, threading, time
    from pathlib import Path
    import sounddevice  # its exit handler (Pa_Terminate) is registered now: it runs last
    from discussion.playback import AudioTimeline, Player
    from discussion.record import derive_state
    from discussion.record.session import load_info, read_log

    def at_exit():  # runs after the player's exit handlers, before PortAudio's
        alive = [t.name for t in threading.enumerate() if t.name == "playback"]
        print(f"playback threads at PortAudio's exit: {len(alive)}", flush=True)

    atexit.register(at_exit)
    folder = Path(sys.argv[1])
    state = derive_state(load_info(folder), read_log(folder).events, owned=False)
    player = Player(AudioTimeline.from_state(folder, state), lambda _report: None)
    player.start()
    assert player.ready.wait(10), "the output never opened"
    assert player.reason is None, player.reason
    player.play_from(state.evidence_notes[2].offset)
    time.sleep(0.5)
    player.stop(wait=False)  # as the review screen does on leaving; then the app ends
    print("left", flush=True)
    """
)


def test_leaving_while_the_player_closes_the_output_ends_the_process(pulse: Path) -> None:
    try:
        result = subprocess.run(
            [sys.executable, "-c", PROGRAM, str(SAMPLE)],
            capture_output=True,
            text=True,
            timeout=HANG_S,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"the process never ended after its player was stopped: {error.stdout!r}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "left" in result.stdout
    # The output was closed before PortAudio's own exit handler ran (else they can deadlock).
    assert "playback threads at PortAudio's exit: 0" in result.stdout, result.stdout
