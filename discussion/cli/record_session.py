"""The work behind `discussion record` (see `record_cmd` for the protocol): session set-up,
the recording run, the stdin notes loop, and sealing. Textual-free; PortAudio loaded lazily."""

from __future__ import annotations

import argparse
import contextlib
import queue
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from discussion.errors import UserError

if TYPE_CHECKING:
    from discussion.audio import RecorderEvent
    from discussion.live import LiveSession
    from discussion.record import Event, SessionInfo

DEFAULT_APPRENTICE = "Test Apprentice"
DEFAULT_ULN = "9999999998"  # a valid check digit, obviously fictional
DEFAULT_ASSESSOR = "Test Assessor"
HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
DISCUSSION = "discussion"


class Output:
    """Lock-protected, flushed stdout/stderr lines that never raise (a closed pipe must not
    stop the recording or lose a note)."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out_stream = out
        self.err_stream = err
        self._lock = threading.Lock()

    def out(self, line: str) -> None:
        """One protocol line on stdout."""
        self._write(self.out_stream, line)

    def err(self, line: str) -> None:
        """One message line on stderr."""
        self._write(self.err_stream, line)

    def _write(self, stream: TextIO, line: str) -> None:
        with self._lock, contextlib.suppress(OSError, ValueError):
            stream.write(line + "\n")
            stream.flush()


@dataclass(frozen=True)
class Line:
    """A line read from stdin and the sample-clock offset when its first byte arrived."""

    text: str
    offset: float


@dataclass(frozen=True)
class Stop:
    """The end of input: EOF or a signal, and the reason recorded at closing."""

    reason: str


Inbox = queue.SimpleQueue[Line | Stop]


class StdinReader:
    """Reads fd 0 in a daemon thread and queues `Line`s stamped with the sample clock.

    Raw `os.read`, not `sys.stdin`, so the thread never holds a Python buffer lock at exit. A
    line's offset is the clock when the read delivering its first byte returned.
    """

    def __init__(self, inbox: Inbox, clock: Callable[[], float], fd: int = 0) -> None:
        self._inbox = inbox
        self._clock = clock
        self._fd = fd
        self._thread = threading.Thread(target=self._run, name="stdin-notes", daemon=True)

    def start(self) -> None:
        """Begin reading."""
        self._thread.start()

    def _run(self) -> None:
        import os

        pending = b""
        pending_offset = 0.0
        while True:
            try:
                chunk = os.read(self._fd, 65536)
            except InterruptedError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                if pending:
                    self._put(pending, pending_offset)
                self._inbox.put(Stop("end of input"))
                return
            now = self._clock()
            if not pending:
                pending_offset = now
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                self._put(line, pending_offset)
                pending_offset = now  # a following line started arriving in this chunk

    def _put(self, raw: bytes, offset: float) -> None:
        text = raw.decode("utf-8", errors="replace").rstrip("\r")
        self._inbox.put(Line(text, offset))


class SignalStop:
    """While active, SIGINT/SIGTERM/SIGHUP put a `Stop` in the inbox instead of killing the
    process (`SimpleQueue.put` is reentrant, safe in a signal handler): the session is then
    sealed, never left half-written by an exception raised mid-append."""

    def __init__(self, inbox: Inbox) -> None:
        self._inbox = inbox
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> SignalStop:
        for signum in HANDLED_SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        self._inbox.put(Stop(f"stopped by {signal.Signals(signum).name}"))

    def __exit__(self, *_exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)


def parse_date(text: str | None) -> date:
    """The EPA window start (today when not given)."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--epa-window-start {text!r} is not a date: use YYYY-MM-DD") from None


def session_info(args: argparse.Namespace, assessor_default: str, lag: float) -> SessionInfo:
    """session.json for a new session from the options (fictional details for practice)."""
    from discussion.bank import load_bank
    from discussion.record import SessionInfo
    from discussion.standard import load_standard
    from discussion.uln import check_uln

    assessment = bool(args.apprentice and args.uln) and not args.practice
    assessor = args.assessor or assessor_default or (DEFAULT_ASSESSOR if not assessment else "")
    if assessment and not assessor:
        raise UserError("an assessment session needs --assessor NAME (or set it in settings)")
    uln = args.uln or DEFAULT_ULN
    checked = check_uln(uln)
    if not checked.ok:
        raise UserError(f"--uln {uln!r}: {checked.reason}")
    # The attempt range comes from rules.toml: SessionInfo checks it (and every other rule).
    if args.no_audio is not None and not args.no_audio.strip():
        raise UserError("--no-audio needs the reason a notes-only session was chosen")
    standard = load_standard()
    bank = load_bank(standard=standard)
    audio: dict[str, Any] = (
        {"audio": False, "no_audio_reason": args.no_audio.strip()} if args.no_audio else {}
    )
    return SessionInfo(
        kind="assessment" if assessment else "practice",
        apprentice_name=(args.apprentice or DEFAULT_APPRENTICE).strip(),
        uln=checked.uln,
        assessor=assessor.strip(),
        mode=args.mode,
        attempt=args.attempt,
        epa_window_start=parse_date(args.epa_window_start),
        standard_version=standard.version,
        standard_hash=standard.content_hash,
        bank_version=bank.version,
        bank_hash=bank.content_hash,
        reaction_lag_s=lag,
        **audio,
    )


def format_verify_line(folder: Path) -> tuple[str, bool]:
    """`verify: ...` summary of a folder, as `discussion verify` prints it, and whether ok."""
    from discussion.record import verify

    report = verify(folder)
    state = "sealed (closed)" if report.sealed else "not sealed"
    minutes, seconds = divmod(round(report.audio_seconds), 60)
    verdict = "intact" if report.ok else "NOT INTACT: " + "; ".join(report.problems)
    line = f"verify: {verdict}; {report.events} events, {state}, audio {minutes}:{seconds:02d}"
    return line, report.ok


@dataclass
class PendingNote:
    """A note the disk refused: kept in memory and retried before the next one."""

    text: str
    criteria: list[str]
    offset: float
    unknown: tuple[str, ...]


class RecordCommand:
    """One run of `discussion record`."""

    def __init__(self, args: argparse.Namespace, output: Output) -> None:
        self.args = args
        self.output = output
        self.pending: list[PendingNote] = []
        self.failed_notes = 0
        self.criteria_ids: list[str] = []

    # ------------------------------------------------------------------ the run
    def run(self) -> int:
        """Open, record, take notes, seal; the exit status."""
        from discussion.audio import RecorderConfig, redirect_native_stderr
        from discussion.record.info import REACTION_LAG_MAX_S, RECORDER_LOG
        from discussion.settings import load_settings
        from discussion.standard import load_standard

        settings = load_settings()
        lag = self.args.reaction_lag
        if lag is None:
            lag = settings.reaction_lag_s
        if not 0 <= lag <= REACTION_LAG_MAX_S:  # the same bound as settings and session.json
            raise UserError(f"--reaction-lag {lag:g}: use 0 to {REACTION_LAG_MAX_S:g} seconds")
        self.criteria_ids = [c.id for c in load_standard().component(DISCUSSION).criteria]
        device: str | int | None = self.args.device or settings.device
        config = RecorderConfig(silence_after_s=settings.silence_alarm_s)
        inbox: Inbox = queue.SimpleQueue()
        with SignalStop(inbox):
            live = self._open(lag, settings.assessor, device, config)
            self.output.out(f"session: {live.folder}")
            try:
                if live.has_audio:
                    with redirect_native_stderr(live.folder / RECORDER_LOG):
                        self._start(live)
                        stop = self._take_notes(live, inbox)
                        live.stop_recording(reason=stop.reason)
                else:
                    self.output.out(f"notes only: {live.record.info.no_audio_reason}")
                    stop = self._take_notes(live, inbox)
                return self._close(live, stop.reason)
            except BaseException:
                if not live.record.log.is_closed:
                    with contextlib.suppress(Exception):
                        live.release()
                raise

    def _open(
        self, lag: float, assessor: str, device: str | int | None, config: Any
    ) -> LiveSession:
        from discussion.live import LiveSession

        if self.args.resume is not None:
            return LiveSession.resume(
                self.args.resume, device=device, config=config, listener=self._on_event
            )
        info = session_info(self.args, assessor, lag)
        if info.kind == "practice":
            self.output.err(
                "practice session"
                + (" with fictional apprentice details" if not self.args.uln else "")
                + " (give --apprentice and --uln for an assessment)"
            )
        return LiveSession.create(info, device=device, config=config, listener=self._on_event)

    def _start(self, live: LiveSession) -> None:
        """Start the recorder and wait for audio; on failure undo and raise a one-line error."""
        from discussion.audio import AudioUnavailable

        try:
            live.start_recording()
        except AudioUnavailable as error:
            raise UserError(error.message + self._undo_start(live)) from None
        if not live.wait_until_recording(self.args.start_timeout):
            device = "the default input device" if live.device is None else repr(live.device)
            raise UserError(
                f"no audio from {device} within {self.args.start_timeout:g} s: check the "
                "microphone is connected, unmuted and not in use (`discussion devices`), or "
                "record notes only with --no-audio REASON" + self._undo_start(live)
            )
        self.output.out("recording")
        if self.args.consent:
            live.consent(self.args.consent)

    def _undo_start(self, live: LiveSession) -> str:
        removed = live.abandon_start()
        if removed:
            return " (nothing was recorded: the session folder was removed)"
        return (
            f" (session left interrupted: resume with `discussion record --resume {live.folder}`)"
        )

    # ------------------------------------------------------------------ notes
    def _take_notes(self, live: LiveSession, inbox: Inbox) -> Stop:
        StdinReader(inbox, live.offset_now).start()
        while True:
            item = inbox.get()
            if isinstance(item, Stop):
                return item
            self._note(live, item)

    def _note(self, live: LiveSession, line: Line) -> None:
        from discussion.notes import parse_note

        parsed = parse_note(line.text, self.criteria_ids)
        self._retry_pending(live)
        note = PendingNote(parsed.text, list(parsed.criteria), line.offset, parsed.unknown)
        if self.pending:  # keep the order: an earlier unsaved note goes first
            self._fail(note, "an earlier note is still unsaved")
            return
        self._save(live, note)

    def _save(self, live: LiveSession, note: PendingNote) -> bool:
        from discussion.notes import format_offset
        from discussion.record import RecordWriteError

        try:
            event = live.note(note.text, note.criteria, note.offset)
        except RecordWriteError as error:
            self._fail(note, error.message)
            return False
        ids = ",".join(note.criteria) or "-"
        self.output.out(f"saved {event.seq} {format_offset(event.offset)} {ids}")
        for unknown in note.unknown:
            self.output.err(f"unknown criterion {unknown}: note saved untagged")
        return True

    def _fail(self, note: PendingNote, reason: str) -> None:
        self.failed_notes += 1
        self.pending.append(note)
        self.output.err(
            f"error: note NOT saved ({reason}); kept in memory and retried with the next note: "
            f"{note.text!r}"
        )

    def _retry_pending(self, live: LiveSession) -> None:
        from discussion.record import AlarmData, RecordWriteError

        if not self.pending:
            return
        while self.pending:
            if not self._save(live, self.pending[0]):
                self.pending.pop()  # _fail appended it again at the end
                return
            self.pending.pop(0)
        with contextlib.suppress(RecordWriteError):
            live.append(
                AlarmData(
                    kind="write_error",
                    message=f"{self.failed_notes} note(s) could not be written at first; "
                    "they were saved later with their original offsets",
                )
            )
        self.failed_notes = 0

    # ------------------------------------------------------------------ closing
    def _close(self, live: LiveSession, reason: str) -> int:
        from discussion.record import RecordWriteError

        self._retry_pending(live)
        status = 0
        for note in self.pending:
            self.output.err(f"error: note NOT saved, copy it from here: {note.text!r}")
            status = 1
        try:
            live.close(reason)
        except RecordWriteError as error:
            live.release()
            raise UserError(
                f"{error.message}; the session is left interrupted: free space, then run "
                f"`discussion recover {live.folder}`"
            ) from None
        self.output.out(f"closed {live.folder}")
        line, ok = format_verify_line(live.folder)
        self.output.out(line)
        return status if ok else 1

    # ------------------------------------------------------------------ recorder events
    def _on_event(self, item: RecorderEvent | Event) -> None:
        from discussion.audio import Alarm, AlarmCleared, GapEnded

        if isinstance(item, Alarm):
            self.output.err(f"alarm {item.kind}: {item.message}")
        elif isinstance(item, AlarmCleared):
            self.output.err(f"alarm cleared: {item.kind}")
        elif isinstance(item, GapEnded):
            self.output.err(f"audio back: {item.duration_s:.2f} s gap padded with silence")
