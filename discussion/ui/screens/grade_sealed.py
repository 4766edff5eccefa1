"""Shown once the session is sealed: the final chain head, how to export the record, and the
offer to transcribe the recording in the background (t; it goes on after this closes)."""

from __future__ import annotations

import shlex
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from discussion.ui.screens.transcribe import EngineSource, audio_seconds, transcriptions_of
from discussion.ui.widgets.transcript_progress import TranscriptProgress


class GradeSealed(ModalScreen[str]):
    """Dismisses with "done" (enter / escape) or "export" (e); t starts the transcription."""

    BINDINGS = [
        Binding("enter,escape", "finish('done')", "Done", id="sealed.done",
                tooltip="Leave the grade screen: the session is sealed"),
        Binding("e", "finish('export')", "Export", id="sealed.export",
                tooltip="Export the assessment record now"),
        Binding("t", "transcribe", "Transcribe", id="sealed.transcribe",
                tooltip="Transcribe the recording in the background (it goes on after this)"),
        Binding("x", "stop_transcribing", "Stop transcribing", id="sealed.stop_transcribing",
                tooltip="Stop the transcription; the work done is kept (t in the record goes on)"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    GradeSealed { align: center middle; }
    GradeSealed > Vertical {
        width: 76; max-width: 98%; height: auto; border: thick $success; background: $surface;
        padding: 0 1;
    }
    GradeSealed Static { height: auto; }
    """

    class EngineChecked(Message):
        """The speech engine was checked (off the UI thread) and the audio measured."""

        def __init__(self, audio_s: float, problem: str | None) -> None:
            super().__init__()
            self.audio_s = audio_s
            self.problem = problem

    def __init__(self, chain_head: str, folder: Path, grade: str | None) -> None:
        super().__init__()
        self.chain_head = chain_head
        self.folder = folder
        self.grade = grade
        self.refusal: str | None = None

    def compose(self) -> ComposeResult:
        command = f"discussion export {shlex.quote(str(self.folder))} --format html -o FILE"
        text = Text()
        text.append("Session closed and sealed.\n\n", "bold")
        if self.grade:
            text.append(f"Grade as it stands: {self.grade.upper()}\n\n")
        text.append("Final chain head (record hash):\n")
        text.append(f"{self.chain_head}\n\n", "bold")
        text.append("Export the record from here (e), or later with:\n")
        text.append(f"{command}\n\n", "bold")
        text.append("enter: done   e: export")
        with Vertical():
            yield Static(text, id="sealed-text")
            yield TranscriptProgress(self.folder, id="sealed-transcript")

    def on_mount(self) -> None:
        """Check the speech engine in a thread (its weights are hashed) before offering."""
        transcriptions = transcriptions_of(self.app)
        progress = self.query_one(TranscriptProgress)
        if transcriptions is None:
            progress.display = False
            return
        progress.set_idle(Text("Transcript: checking the speech model…", "dim"))
        self._check_engine(transcriptions.source)

    @work(thread=True, exit_on_error=False, group="sealed-engine")
    def _check_engine(self, source: EngineSource) -> None:
        try:
            problem = source.problem()
        except Exception as error:  # the offer says why; the seal is done whatever happens
            problem = f"{type(error).__name__}: {error}"
        try:
            audio_s = audio_seconds(self.folder)
        except Exception:
            audio_s = 0.0
        self.post_message(self.EngineChecked(audio_s, problem))

    def on_grade_sealed_engine_checked(self, message: EngineChecked) -> None:
        """The offer, with the estimate; or the one line saying why it cannot be made here."""
        self.refusal = message.problem
        transcriptions = transcriptions_of(self.app)
        line = Text()
        if message.audio_s <= 0:
            self.refusal = "the session has no recording to transcribe"
            line.append("Transcript: none (the session has no recording)", "dim")
        elif message.problem is not None:
            line.append("Transcript: cannot be made here: ", "bold red")
            line.append(message.problem, "red")
        elif transcriptions is not None:
            estimate = transcriptions.estimate_text(message.audio_s)
            line.append("Transcribe the recording now? ", "bold")
            line.append(f"(runs in the background; {estimate})  t: transcribe")
        self.query_one(TranscriptProgress).set_idle(line)

    def action_transcribe(self) -> None:
        """Start the transcription; it goes on in the background after this closes."""
        transcriptions = transcriptions_of(self.app)
        if transcriptions is None or self.refusal is not None:
            if self.refusal is not None:
                self.notify(f"Cannot transcribe: {self.refusal}", severity="error")
            return
        refused = transcriptions.start(self.folder)
        if refused is not None:
            self.notify(refused, severity="warning", timeout=15)

    def action_stop_transcribing(self) -> None:
        """Stop the transcription after the part being decoded; the work done is kept."""
        transcriptions = transcriptions_of(self.app)
        if transcriptions is not None:
            transcriptions.cancel(self.folder)

    def action_finish(self, choice: str) -> None:
        """Close with the choice."""
        self.dismiss(choice)
