"""Device listing, device resolution, `discussion devices`, and keeping native stderr off screen."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import audio_helpers as ah
import pytest

from discussion.audio import AudioUnavailable, list_input_devices, resolve_device
from discussion.native_stderr import redirect_native_stderr

REPO = Path(__file__).resolve().parent.parent

# The real dispatcher (`discussion.cli.main`), limited to sub-commands whose modules exist, so
# this test does not depend on other commands being finished.
CLI = """
import importlib.util, sys
import discussion.cli as cli
cli.COMMAND_MODULES = tuple(m for m in cli.COMMAND_MODULES if importlib.util.find_spec(m))
raise SystemExit(cli.main(sys.argv[1:]))
"""


def _cli(
    *args: str, env: dict[str, str] | None = None, home: Path
) -> subprocess.CompletedProcess[str]:
    environment = {**(env or os.environ), "PYTHONPATH": str(REPO), "DISCUSSION_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-c", CLI, *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=environment,
        timeout=60,
        check=False,
    )


def test_lists_the_sound_server_devices_with_one_default(pulse: Path) -> None:
    devices = list_input_devices()
    names = [d.name for d in devices]
    assert "pulse" in names and "default" in names
    assert sum(d.is_default for d in devices) == 1
    assert all(d.channels > 0 for d in devices)


def test_resolve_device(pulse: Path) -> None:
    devices = {d.name: d.index for d in list_input_devices()}
    assert resolve_device(None) == next(d.index for d in list_input_devices() if d.is_default)
    assert resolve_device("pulse") == devices["pulse"]
    assert resolve_device("PUL") == devices["pulse"]  # case-insensitive substring
    assert resolve_device(devices["default"]) == devices["default"]
    assert resolve_device(str(devices["default"])) == devices["default"]
    with pytest.raises(AudioUnavailable, match="no input device matches 'usb mic'"):
        resolve_device("usb mic")
    with pytest.raises(AudioUnavailable, match="no input device with index 99"):
        resolve_device(99)


def test_cli_lists_devices(pulse: Path, tmp_path: Path) -> None:
    result = _cli("devices", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "* " in result.stdout and "default" in result.stdout
    assert result.stderr == ""  # ALSA/PortAudio chatter went to the log


def test_cli_test_hears_sound(pulse: Path, tmp_path: Path) -> None:
    tone = ah.write_wav(tmp_path / "tone.wav", ah.tone(8.0, amplitude=0.3))
    player = ah.play_wav(tone, wait=False)
    try:
        result = _cli("devices", "--test", "2", home=tmp_path)
    finally:
        player.terminate()  # the next test must hear silence
        player.wait(timeout=5)
    assert result.returncode == 0, result.stderr
    assert "Verdict: heard sound" in result.stdout
    assert "peak -1" in result.stdout  # 0.3 full scale = -10.5 dBFS
    assert result.stderr == ""


def test_cli_test_reports_silence(pulse: Path, tmp_path: Path) -> None:
    result = _cli("devices", "--test", "1", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "silence: check the microphone" in result.stdout


def test_cli_without_sound_server_exits_2_with_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "PULSE_SERVER": f"unix:{tmp_path / 'no-such.sock'}"}
    result = _cli("devices", "--test", env=env, home=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert "no input device found" in result.stderr and "PulseAudio" in result.stderr
    # The fix and the way on without audio, never "list devices with `discussion devices`".
    assert "discussion devices" not in result.stderr
    assert "libportaudio2" in result.stderr and "notes-only" in result.stderr
    assert "--no-audio" in result.stderr
    assert result.stdout == ""


def test_cli_without_portaudio_names_the_package(tmp_path: Path) -> None:
    # Make `import sounddevice` fail as it does without libportaudio2.
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sounddevice.py").write_text(
        "raise OSError('PortAudio library not found')\n", encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": f"{blocker}{os.pathsep}{REPO}"}
    result = subprocess.run(
        [sys.executable, "-c", CLI, "devices"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**env, "DISCUSSION_HOME": str(tmp_path)},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "discussion: error: PortAudio is not installed: run `sudo apt-get install libportaudio2`; "
        "or hold the discussion notes-only ('Notes-only session' on the set-up screen, "
        "`discussion record --no-audio REASON`)"
    )


def test_native_stderr_goes_to_the_log(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "native.log"
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from discussion.audio import redirect_native_stderr\n"
        f"with redirect_native_stderr(Path({str(log)!r})):\n"
        "    os.write(2, b'ALSA lib pulse.c: noise\\n')\n"
        "    print('python stderr', file=sys.stderr)\n"
        "os.write(2, b'after\\n')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=30,
        check=True,
    )
    assert result.stderr == "after\n"
    assert log.read_text() == "ALSA lib pulse.c: noise\npython stderr\n"


def test_redirect_restores_fd_2_after_an_error(tmp_path: Path) -> None:
    before = os.fstat(2)
    with pytest.raises(RuntimeError), redirect_native_stderr(tmp_path / "x.log"):
        assert os.fstat(2).st_ino == (tmp_path / "x.log").stat().st_ino
        raise RuntimeError("boom")
    after = os.fstat(2)
    assert (before.st_ino, before.st_dev) == (after.st_ino, after.st_dev)
    time.sleep(0)
