"""Driving the real `discussion` app in a detached tmux session: send keys, read the screen.

Keys are sent one at a time with a pause: Textual moves focus asynchronously, so a burst of keys
can reach a widget that is about to lose focus. The app runs through a small shell wrapper that
writes its pid to a file first (`exec` keeps the pid), so a test can SIGKILL exactly the app.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import TracebackType

from audio_helpers import process_alive

REPO = Path(__file__).resolve().parent.parent
# The console script of the interpreter running the tests (the project's virtualenv).
APP = Path(sys.executable).parent / "discussion"

# Passed through to the app when set: the private PulseAudio of scripts/test-audio.sh.
PASSED_ENV = ("PULSE_SERVER", "DISCUSSION_TEST_PULSE_DIR", "PATH", "LANG", "LC_ALL")


class ScreenTimeout(AssertionError):
    """Text did not appear on the screen in time; the message carries the last screen."""


def _tmux(socket: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    # The tmux server hands its environment to the app; COLUMNS and LINES (set under pytest to
    # 80 and 24) would fix the app's size whatever the pane's, so they stay out.
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    return subprocess.run(
        ["tmux", "-L", socket, *args],
        capture_output=True,
        text=True,
        check=check,
        timeout=10,
        env=env,
    )


class TmuxApp:
    """The `discussion` app in a detached 80×24 tmux session with its own DISCUSSION_HOME.

    Each instance runs its own tmux server (`-L` socket named after the session), so tests never
    touch a user's tmux or each other's sessions, and `close()` ends exactly that server.
    """

    def __init__(self, home: Path, *, width: int = 80, height: int = 24) -> None:
        self.home = home
        self.width = width
        self.height = height
        self.name = f"discussion-e2e-{uuid.uuid4().hex[:10]}"
        self.pid_file = home.parent / f"{self.name}.pid"
        self.started = False
        self.socket_path: Path | None = None

    def start(self, timeout: float = 20.0) -> int:
        """Start the app; returns its pid once the wrapper has written it."""
        self.home.mkdir(parents=True, exist_ok=True)
        env = {"DISCUSSION_HOME": str(self.home), "TERM": "xterm-256color"}
        env.update({key: os.environ[key] for key in PASSED_ENV if key in os.environ})
        env.setdefault("LANG", "C.UTF-8")
        env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
        command = f"echo $$ > {shlex.quote(str(self.pid_file))}; exec {shlex.quote(str(APP))}"
        self._tmux(
            "new-session",
            "-d",
            "-s",
            self.name,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            *env_args,
            f"sh -c {shlex.quote(command)}",
            # Keep the pane (and its last screen) if the app dies, so a failure can be read.
            ";",
            "set-option",
            "-t",
            self.name,
            "remain-on-exit",
            "on",
        )
        self.started = True
        socket = self._tmux("display-message", "-p", "#{socket_path}", check=False).stdout.strip()
        self.socket_path = Path(socket) if socket else None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, ValueError):
                return int(self.pid_file.read_text().strip())
            time.sleep(0.05)
        raise ScreenTimeout(f"the app wrote no pid within {timeout} s\n{self.screen()}")

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return _tmux(self.name, *args, check=check)

    @property
    def pid(self) -> int:
        """The app's process id (the wrapper exec'd into it)."""
        return int(self.pid_file.read_text().strip())

    def screen(self) -> str:
        """The visible pane as text."""
        result = self._tmux("capture-pane", "-p", "-t", self.name, check=False)
        return result.stdout if result.returncode == 0 else f"<no pane: {result.stderr.strip()}>"

    def keys(self, *keys: str, pause: float = 0.15) -> None:
        """Send each key (tmux key names: Enter, Tab, Space, F2, C-s...) with a pause after it."""
        for key in keys:
            self._tmux("send-keys", "-t", self.name, key)
            time.sleep(pause)

    def type(self, text: str, delay: float = 0.03) -> None:
        """Type `text` literally, one character at a time."""
        for char in text:
            # tmux reads a lone `;` as a command separator: escape it.
            self._tmux("send-keys", "-t", self.name, "-l", "\\;" if char == ";" else char)
            time.sleep(delay)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """Poll the screen until `text` is on it; returns the screen or raises ScreenTimeout."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise ScreenTimeout(f"{text!r} not on screen within {timeout} s:\n{screen}")
            time.sleep(0.1)

    def wait_match(self, pattern: str, timeout: float = 20.0) -> re.Match[str]:
        """Poll the screen until the regular expression `pattern` matches; returns the match."""
        compiled = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            found = compiled.search(screen)
            if found is not None:
                return found
            if time.monotonic() > deadline:
                raise ScreenTimeout(f"/{pattern}/ not on screen within {timeout} s:\n{screen}")
            time.sleep(0.1)

    def wait_gone(self, text: str, timeout: float = 20.0) -> str:
        """Poll the screen until `text` is no longer on it."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text not in screen:
                return screen
            if time.monotonic() > deadline:
                raise ScreenTimeout(f"{text!r} still on screen after {timeout} s:\n{screen}")
            time.sleep(0.1)

    def kill_app(self, sig: int = signal.SIGKILL, timeout: float = 10.0) -> None:
        """Send `sig` to the app itself (not tmux) and wait until it is gone."""
        pid = self.pid
        os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while process_alive(pid):
            if time.monotonic() > deadline:
                raise TimeoutError(f"app pid {pid} still alive after signal {sig}")
            time.sleep(0.05)

    def app_alive(self) -> bool:
        """True while the app process runs."""
        try:
            return process_alive(self.pid)
        except (OSError, ValueError):
            return False

    def close(self) -> None:
        """Kill the tmux session (and with it the app, if still running)."""
        if self.started:
            self._tmux("kill-server", check=False)
            self.started = False
        if self.socket_path is not None:
            self.socket_path.unlink(missing_ok=True)  # kill-server leaves the socket file
        with contextlib.suppress(OSError, ValueError):
            pid = int(self.pid_file.read_text().strip())
            if process_alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)

    def __enter__(self) -> TmuxApp:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: builtins.type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def resume_notes_only(tmux: TmuxApp, step_s: float) -> TmuxApp:
    """Start the app and take it to the discussion screen of the interrupted notes-only session
    under its home: resume it (y), the apprentice agrees (a), the note box is ready."""
    tmux.start()
    tmux.wait_for("Interrupted discussion", step_s)
    tmux.keys("y")
    tmux.wait_for("Apprentice agreed (a)", step_s)
    tmux.keys("a")
    tmux.wait_for("type a note", step_s)
    return tmux
