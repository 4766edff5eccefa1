"""The set-up screen's audio check: pick the microphone, watch the level, hear the apprentice.

While it is mounted the widget owns a real `Recorder` writing to a temporary file (never part of
any session). Recorder events arrive on recorder threads and reach the UI only as posted
messages; Level readings coalesce. When the microphone cannot be used, the panel shows the
one-line fix and offers an explicit notes-only session with a required reason.

Threading: the recorder is started and stopped on worker threads only (PortAudio blocks), and
those threads report by posting messages (`DevicesFound`, `CheckStarted`, `CheckFailed`). The
lock that serialises starting and stopping is never taken on the UI thread, and never held
across a call into the UI, so quitting cannot deadlock with a device that is slow to open.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from discussion.audio import (
    Alarm,
    AlarmCleared,
    AudioUnavailable,
    InputDevice,
    Level,
    Recorder,
    RecorderConfig,
    RecorderEvent,
    Started,
    list_input_devices,
)
from discussion.audio.devices import NO_DEVICE_FIX
from discussion.audio.stream import reinitialize_portaudio
from discussion.ui.widgets.level_meter import LevelMeter
from discussion.ui.widgets.toggles import Tick


class CheckRecorder(Protocol):
    """What the check needs of a recorder (`discussion.audio.Recorder` in the product)."""

    def start(self) -> None:
        """Open the device; raise `AudioUnavailable` when it cannot."""

    def stop(self, timeout: float = ...) -> object:
        """Stop and close the file."""


class RecorderFactory(Protocol):
    """Makes a check recorder (the `Recorder` class itself, or a stub in snapshot tests)."""

    def __call__(
        self,
        path: Path,
        *,
        device: str | int | None,
        on_event: Callable[[RecorderEvent], None],
        config: RecorderConfig,
    ) -> CheckRecorder:
        """A recorder writing `path` from `device`, reporting to `on_event`."""
        ...


DevicesProvider = Callable[[], list[InputDevice]]

WAITING = "Waiting for audio from the microphone…"
LISTENING = "Ask the apprentice to say a few words; the check passes when speech is heard."
HEARD = "✓ Sound heard: the microphone works."
LOOKING = "looking for microphones…"
NONE_FOUND = "no microphone found"
FIX = (
    f"To record: {NO_DEVICE_FIX}; then press Retry. Or hold the discussion notes-only: "
    "tick 'Notes-only session' and say why."
)


class SoundDetector:
    """Passes once readings with a peak above `threshold_dbfs` add up to `needed_s` seconds."""

    def __init__(self, threshold_dbfs: float, needed_s: float) -> None:
        self.threshold_dbfs = threshold_dbfs
        self.needed_s = needed_s
        self.loud_s = 0.0
        self.passed = False
        self._last_offset: float | None = None

    def feed(self, level: Level) -> bool:
        """Count this reading; True only for the reading that completes the check."""
        previous, self._last_offset = self._last_offset, level.offset
        if self.passed or previous is None or level.peak_dbfs <= self.threshold_dbfs:
            return False
        self.loud_s += min(max(level.offset - previous, 0.0), 0.5)
        self.passed = self.loud_s >= self.needed_s
        return self.passed


class AudioCheck(Vertical):
    """Microphone choice, live level, and whether the apprentice was heard."""

    class Reported(Message, bubble=False):
        """A check recorder event, hopped from a recorder thread to the UI."""

        def __init__(self, generation: int, event: RecorderEvent, heard: bool = False) -> None:
            super().__init__()
            self.generation = generation
            self.event = event
            self.heard = heard  # this reading completed the check (never coalesced away)

        def can_replace(self, message: Message) -> bool:
            """A newer level reading replaces an unprocessed older one."""
            return (
                isinstance(message, AudioCheck.Reported)
                and isinstance(self.event, Level)
                and isinstance(message.event, Level)
                and not message.heard
            )

    class Changed(Message):
        """The check passed, became unavailable, or notes-only was chosen or unchosen."""

    class DevicesFound(Message, bubble=False):
        """The device list was read (on a worker thread)."""

        def __init__(self, devices: list[InputDevice]) -> None:
            super().__init__()
            self.devices = devices

    class CheckStarted(Message, bubble=False):
        """The check recorder of `generation` opened its device (on a worker thread)."""

        def __init__(self, generation: int) -> None:
            super().__init__()
            self.generation = generation

    class CheckFailed(Message, bubble=False):
        """Audio cannot be used: `fix` says what to do (None: whatever the generation)."""

        def __init__(self, fix: str, generation: int | None = None) -> None:
            super().__init__()
            self.fix = fix
            self.generation = generation

    DEFAULT_CSS = """
    AudioCheck { height: auto; }
    AudioCheck .row { height: auto; }
    AudioCheck .label { width: 14; padding: 0 1 0 0; }
    AudioCheck #audio-device { width: 1fr; }
    AudioCheck #audio-retry { min-width: 10; margin-left: 1; }
    AudioCheck #audio-meter { width: 1fr; }
    AudioCheck #audio-status { padding: 0 0 0 14; }
    AudioCheck #audio-status.-ok { color: $success; text-style: bold; }
    AudioCheck #audio-status.-error { color: $error; text-style: bold; }
    AudioCheck Checkbox {
        width: 1fr; border: none; padding: 0 0 0 1; background: transparent; height: auto;
    }
    AudioCheck Checkbox:focus { border: none; background: $boost; }
    AudioCheck #audio-fallback { display: none; height: auto; }
    AudioCheck.-unavailable #audio-fallback { display: block; }
    /* Nothing can be heard without a device: only the fix and notes-only are offered. */
    AudioCheck.-unavailable #audio-heard-ok { display: none; }
    AudioCheck #audio-fix { padding: 0 0 0 14; color: $text-muted; }
    AudioCheck #audio-reason-row { display: none; }
    AudioCheck.-notes-only #audio-reason-row { display: block; }
    AudioCheck Input { border: none; height: 1; width: 1fr; padding: 0 1; background: $boost; }
    AudioCheck Input:focus { border: none; background: $primary 30%; }
    """

    def __init__(
        self,
        *,
        preferred_device: str | None = None,
        recorder_config: RecorderConfig | None = None,
        recorder_factory: RecorderFactory | None = None,
        devices_provider: DevicesProvider | None = None,
        threshold_dbfs: float = -40.0,
        needed_s: float = 0.3,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.preferred_device = preferred_device
        self.recorder_config = recorder_config or RecorderConfig()
        self.recorder_factory: RecorderFactory = recorder_factory or Recorder
        self.devices_provider: DevicesProvider = devices_provider or list_input_devices
        self.threshold_dbfs = threshold_dbfs
        self.needed_s = needed_s
        self.devices: list[InputDevice] = []
        self.heard = False
        self.unavailable: str | None = None
        # Serialises starting and stopping the recorder; taken on worker threads only.
        self._lock = threading.Lock()
        self._recorder: CheckRecorder | None = None
        self._generation = 0
        self._shutting_down = False
        self._tmpdir: Path | None = None
        self.shutdown_thread: threading.Thread | None = None  # stops the recorder at unmount

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("Microphone", classes="label")
            yield Select[int]([], prompt=LOOKING, id="audio-device", compact=True)
            yield Button("Retry", id="audio-retry", tooltip="Look for microphones again")
        with Horizontal(classes="row"):
            yield Label("Level", classes="label")
            yield LevelMeter(id="audio-meter")
        yield Static(WAITING, id="audio-status")
        yield Tick("I heard the apprentice clearly", id="audio-heard-ok")
        with Vertical(id="audio-fallback"):
            yield Static(FIX, id="audio-fix")
            yield Tick("Notes-only session (no audio)", id="audio-notes-only")
            with Horizontal(classes="row", id="audio-reason-row"):
                yield Label("Reason", classes="label")
                yield Input(placeholder="why there is no recording (required)", id="audio-reason")

    # ------------------------------------------------------------------ state for the screen
    @property
    def passed(self) -> bool:
        """Speech was heard, or the assessor confirmed hearing the apprentice."""
        return self.heard or self.query_one("#audio-heard-ok", Checkbox).value

    @property
    def notes_only(self) -> bool:
        """The assessor chose a session without audio (offered only when audio is unavailable)."""
        return self.unavailable is not None and self.query_one("#audio-notes-only", Checkbox).value

    @property
    def no_audio_reason(self) -> str:
        """The reason typed for a notes-only session."""
        return self.query_one("#audio-reason", Input).value.strip()

    @property
    def device_name(self) -> str | None:
        """The chosen microphone's name (None when none is chosen)."""
        value = self.query_one("#audio-device", Select).value
        return next((d.name for d in self.devices if d.index == value), None)

    def problems(self) -> list[str]:
        """What stops the discussion from starting, as far as audio is concerned."""
        if self.notes_only:
            return [] if self.no_audio_reason else ["audio: a reason for the notes-only session"]
        if self.unavailable is not None:
            return [f"audio: {self.unavailable} (or choose a notes-only session)"]
        if not self.passed:
            return ["audio check: no speech heard yet (or tick 'I heard the apprentice clearly')"]
        return []

    def problem_widget(self) -> Widget | None:
        """Where the assessor fixes the first audio problem (None when there is none)."""
        if not self.problems():
            return None
        if self.notes_only:
            return self.query_one("#audio-reason")
        if self.unavailable is not None:
            return self.query_one("#audio-notes-only")
        return self.query_one("#audio-heard-ok")

    # ------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        """Find the microphones; the check recorder starts once one is selected."""
        self._tmpdir = Path(tempfile.mkdtemp(prefix="discussion-audio-check-"))
        self._load_devices(rescan=False)

    def on_unmount(self) -> None:
        """Stop the check recorder and remove its temporary file, on a thread of its own.

        The UI thread never waits here: a recorder still opening its device holds the lock.
        The thread is not a daemon, so the process still waits for the device to be let go.
        """
        self._shutting_down = True  # a start still queued gives up; late messages are dropped
        self._generation += 1
        self.shutdown_thread = threading.Thread(
            target=self._shut_down, name="audio-check-shutdown", daemon=False
        )
        self.shutdown_thread.start()

    def _shut_down(self) -> None:
        self.stop_check()
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)

    def stop_check(self) -> None:
        """Stop the check recorder and let go of the device (blocking: call from a thread)."""
        self._shutting_down = True
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        recorder, self._recorder = self._recorder, None
        self._generation += 1  # late events of the old recorder are ignored
        if recorder is not None:
            recorder.stop(timeout=3.0)

    # ------------------------------------------------------------------ devices
    @work(thread=True, exit_on_error=False, exclusive=True, group="audio-devices")
    def _load_devices(self, rescan: bool) -> None:
        try:
            if rescan:
                with self._lock:
                    self._stop_locked()
                reinitialize_portaudio(5.0)
            devices = self.devices_provider()
        except AudioUnavailable as error:
            self.post_message(AudioCheck.CheckFailed(error.message))
            return
        self.post_message(AudioCheck.DevicesFound(devices))

    def on_audio_check_devices_found(self, message: AudioCheck.DevicesFound) -> None:
        """Offer the microphones found; select the preferred one (which starts the check)."""
        if self._shutting_down:
            return
        devices = message.devices
        self.devices = devices
        select: Select[int] = self.query_one("#audio-device", Select)
        if not devices:
            select.set_options([])
            self._set_unavailable("no input device found")
            return
        select.set_options(
            [(f"{d.name}{' (default)' if d.is_default else ''}", d.index) for d in devices]
        )
        chosen = _preferred(devices, self.preferred_device)
        if select.value == chosen:
            self._start(chosen)
        else:
            select.value = chosen  # Select.Changed starts the check

    @on(Select.Changed, "#audio-device")
    def _device_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, int):
            self._start(event.value)

    @on(Button.Pressed, "#audio-retry")
    def retry(self) -> None:
        """Look for microphones again (PortAudio re-reads the device list) and restart."""
        self._set_status(WAITING)
        if not self.devices:
            self.query_one("#audio-device", Select).prompt = LOOKING
        self._load_devices(rescan=True)

    # ------------------------------------------------------------------ the check recorder
    def _start(self, device: int) -> None:
        self.heard = False
        self.query_one(LevelMeter).set_level(-120.0, -120.0)
        self._set_status(WAITING)
        self._start_recorder(device)

    @work(thread=True, exit_on_error=False, group="audio-check")
    def _start_recorder(self, device: int) -> None:
        # Only messages leave this thread, and only after the lock is let go.
        outcome: Message
        with self._lock:
            if self._shutting_down or self._tmpdir is None:
                return
            self._stop_locked()
            generation = self._generation
            path = self._tmpdir / f"check-{generation}.wav"

            detector = SoundDetector(self.threshold_dbfs, self.needed_s)

            def report(event: RecorderEvent) -> None:
                # Every reading is judged here, on the recorder's thread: the UI only sees the
                # latest reading when it is busy (readings coalesce).
                heard = isinstance(event, Level) and detector.feed(event)
                self.post_message(AudioCheck.Reported(generation, event, heard))

            try:
                recorder = self.recorder_factory(
                    path, device=device, on_event=report, config=self.recorder_config
                )
                recorder.start()
            except AudioUnavailable as error:
                outcome = AudioCheck.CheckFailed(error.message, generation)
            except OSError as error:
                fix = f"cannot record a test file: {error}"
                outcome = AudioCheck.CheckFailed(fix, generation)
            else:
                self._recorder = recorder
                outcome = AudioCheck.CheckStarted(generation)
        self.post_message(outcome)

    def on_audio_check_check_started(self, message: AudioCheck.CheckStarted) -> None:
        """The microphone opened: the notes-only fallback is no longer offered."""
        if message.generation == self._generation and not self._shutting_down:
            self._set_available()

    def on_audio_check_check_failed(self, message: AudioCheck.CheckFailed) -> None:
        """Show the fix and offer notes-only (a failure of an older recorder is ignored)."""
        stale = message.generation is not None and message.generation != self._generation
        if not stale and not self._shutting_down:
            self._set_unavailable(message.fix)

    def on_audio_check_reported(self, message: AudioCheck.Reported) -> None:
        """Show the level; pass the check once enough sound above the threshold was heard."""
        if message.generation != self._generation:
            return
        event = message.event
        if isinstance(event, Started):
            if not self.heard:
                self._set_status(LISTENING)
        elif isinstance(event, Level):
            self.query_one(LevelMeter).set_level(event.rms_dbfs, event.peak_dbfs)
            if message.heard and not self.heard:
                self.heard = True
                self._set_status(HEARD, "-ok")
                self.post_message(AudioCheck.Changed())
        elif isinstance(event, Alarm) and not self.heard:
            self._set_status(f"⚠ {event.message}", "-error")
        elif isinstance(event, AlarmCleared) and not self.heard:
            self._set_status(LISTENING)

    # ------------------------------------------------------------------ display
    def _set_unavailable(self, fix: str) -> None:
        self.unavailable = fix
        self.add_class("-unavailable")
        if not self.devices:  # the list never arrived, or was empty: never "looking…" for ever
            self.query_one("#audio-device", Select).prompt = NONE_FOUND
        self.query_one("#audio-heard-ok", Checkbox).value = False  # nothing could be heard
        self._set_status(f"✗ {fix}", "-error")
        self.post_message(AudioCheck.Changed())

    def _set_available(self) -> None:
        if self.unavailable is None:
            return
        self.unavailable = None
        self.remove_class("-unavailable", "-notes-only")
        self.query_one("#audio-notes-only", Checkbox).value = False
        self.post_message(AudioCheck.Changed())

    def _set_status(self, text: str, style: str = "") -> None:
        status = self.query_one("#audio-status", Static)
        status.update(text)
        status.set_class(style == "-ok", "-ok")
        status.set_class(style == "-error", "-error")

    @on(Checkbox.Changed, "#audio-notes-only")
    def _notes_only_changed(self, event: Checkbox.Changed) -> None:
        self.set_class(event.value, "-notes-only")
        self.post_message(AudioCheck.Changed())

    @on(Checkbox.Changed, "#audio-heard-ok")
    def _heard_ok_changed(self) -> None:
        self.post_message(AudioCheck.Changed())


def _preferred(devices: list[InputDevice], wanted: str | None) -> int:
    """The settings' device (index, exact name, then unique name part), else the default."""
    if wanted:
        spec = wanted.strip()
        if spec.isdigit() and any(d.index == int(spec) for d in devices):
            return int(spec)
        exact = [d for d in devices if d.name == spec]
        partial = [d for d in devices if spec.lower() in d.name.lower()]
        if exact:
            return exact[0].index
        if len(partial) == 1:
            return partial[0].index
    default = next((d for d in devices if d.is_default), devices[0])
    return default.index
