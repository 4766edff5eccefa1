"""The work behind `discussion record` (see `record_cmd` for the protocol): session set-up,
the recording run, the stdin notes loop, and sealing. Textual-free; PortAudio loaded lazily."""

from __future__ import annotations

import argparse
import contextlib
import queue
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from discussion.cli.record_input import Inbox, Line, SignalStop, StdinReader, Stop
from discussion.errors import UserError

if TYPE_CHECKING:
    from discussion.audio import RecorderEvent
    from discussion.live import LiveSession
    from discussion.record import Event, SessionInfo

DEFAULT_APPRENTICE = "Test Apprentice"
DEFAULT_ULN = "9999999998"  # a valid check digit, obviously fictional
DEFAULT_ASSESSOR = "Test Assessor"
DISCUSSION = "discussion"
# After a signal, notes already read are saved for at most this long, so that the session is
# sealed within 2 s of the signal (stopping the recorder and sealing take the rest).
STOP_SAVE_BUDGET_S = 1.0


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
    from discussion.edition import no_assessment_set
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
    if assessment and (missing := no_assessment_set(bank)) is not None:
        raise UserError(missing)
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
    line: int = 0  # stdin line number
    warnings: list[str] = field(default_factory=list)  # said once the note is saved
    reported: bool = False  # its failure was counted and said (retries are not)


class RecordCommand:
    """One run of `discussion record`."""

    def __init__(self, args: argparse.Namespace, output: Output) -> None:
        self.args = args
        self.output = output
        self.pending: list[PendingNote] = []
        self.failed_notes = 0  # distinct notes that failed at first, for the alarm
        self.unsaved_on_stop = 0  # lines received but not saved because of a signal
        self.criteria_ids: list[str] = []
        self.signals = SignalStop(queue.SimpleQueue())  # replaced by the active one in `run`

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
        with SignalStop(inbox) as signals:
            self.signals = signals
            live = self._open(lag, settings.assessor, device, config)
            self.output.out(f"session: {live.folder}")
            # Reading starts now, not once audio flows: a stop while the recorder starts must
            # still find the notes already sent.
            reader = StdinReader(inbox, live.offset_now)
            reader.start()
            try:
                if live.has_audio:
                    with redirect_native_stderr(live.folder / RECORDER_LOG):
                        self._start(live)
                        stop = self._take_notes(live, inbox, reader)
                        live.stop_recording(reason=stop.reason)
                else:
                    self.output.out(f"notes only: {live.record.info.no_audio_reason}")
                    stop = self._take_notes(live, inbox, reader)
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
        if not self._wait_for_audio(live):
            if self.signals.stop is not None:
                return  # stopped before audio arrived: save the notes read and seal
            device = "the default input device" if live.device is None else repr(live.device)
            raise UserError(
                f"no audio from {device} within {self.args.start_timeout:g} s: check the "
                "microphone is connected, unmuted and not in use (`discussion devices`), or "
                "record notes only with --no-audio REASON" + self._undo_start(live)
            )
        self.output.out("recording")
        if self.args.consent:
            live.consent(self.args.consent)

    def _wait_for_audio(self, live: LiveSession) -> bool:
        """Wait for the first audio block: True when it came; False on the timeout or a signal."""
        deadline = time.monotonic() + self.args.start_timeout
        while self.signals.stop is None:
            remaining = deadline - time.monotonic()
            if live.wait_until_recording(max(0.0, min(0.1, remaining))):
                return True
            if remaining <= 0:
                return False
        return False

    def _undo_start(self, live: LiveSession) -> str:
        removed = live.abandon_start()
        if removed:
            return " (nothing was recorded: the session folder was removed)"
        return (
            f" (session left interrupted: resume with `discussion record --resume {live.folder}`)"
        )

    # ------------------------------------------------------------------ notes
    def _take_notes(self, live: LiveSession, inbox: Inbox, reader: StdinReader) -> Stop:
        """Save each line until EOF or a signal; a signal is acted on before the next line."""
        while True:
            if self.signals.stop is not None:
                return self._stop_on_signal(live, inbox, reader, self.signals.stop)
            item = inbox.get()
            if isinstance(item, Stop):
                if item.signalled:
                    continue  # acted on above
                return item
            self._note(live, item)
            reader.done()

    def _stop_on_signal(
        self, live: LiveSession, inbox: Inbox, reader: StdinReader, stop: Stop
    ) -> Stop:
        """Stop reading; save the lines already read until the budget runs out; name the rest."""
        reader.close()
        deadline = self.signals.at + STOP_SAVE_BUDGET_S
        unsaved: list[Line] = []
        while True:
            try:
                item = inbox.get(timeout=0.2)
            except queue.Empty:
                break  # the reader did not answer in time; what it held is counted below
            if isinstance(item, Stop):
                if not item.signalled:
                    break  # the reader's last item: everything it read is before it
                continue
            if unsaved or time.monotonic() >= deadline:
                unsaved.append(item)
            else:
                self._note(live, item)
        if unsaved:
            self.unsaved_on_stop = len(unsaved)
            self.output.err(
                f"error: {len(unsaved)} note(s) read from stdin were NOT saved ({stop.reason}; "
                f"notes are saved for {STOP_SAVE_BUDGET_S:g} s after a signal): stdin lines "
                f"{unsaved[0].number}-{unsaved[-1].number}, first {unsaved[0].text!r}"
            )
        if reader.unread_lines:
            self.unsaved_on_stop += reader.unread_lines
            self.output.err(
                f"error: at least {reader.unread_lines} more line(s) after stdin line "
                f"{reader.lines_read} were not read in full: those notes were NOT saved"
            )
        return stop

    def _note(self, live: LiveSession, line: Line) -> None:
        from discussion.notes import parse_note

        parsed = parse_note(line.text, self.criteria_ids)
        self._retry_pending(live)
        note = PendingNote(
            parsed.text, list(parsed.criteria), line.offset, parsed.unknown, line.number
        )
        if line.bad_utf8:
            note.warnings.append(
                f"stdin line {line.number}: not valid UTF-8; the note was saved with U+FFFD "
                f"in place of the bad bytes: {parsed.text!r}"
            )
        if parsed.controls:  # e.g. ESC: saved as a visible stand-in, never raw
            note.warnings.append(
                f"stdin line {line.number}: {len(parsed.controls)} control character(s) saved "
                f"as visible symbols (ESC as ␛): {parsed.text!r}"
            )
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
        for warning in note.warnings:
            self.output.err(warning)
        return True

    def _fail(self, note: PendingNote, reason: str) -> None:
        self.pending.append(note)
        if note.reported:
            return  # a retry failed again: counted and said once
        note.reported = True
        self.failed_notes += 1
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
        status = 1 if self.unsaved_on_stop else 0
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
