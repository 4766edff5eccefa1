"""The verifier's forms over the review: a judgement on one criterion (`JudgeScreen`) and the
overall outcome that ends the round signed by the verifier's key (`OutcomeScreen`).

Both call `discussion.verification.judge.judge` exactly as `discussion judge` does (the same
checks, the same `verification.jsonl`, the same verifier key in the data folder), in a thread
worker: the appends fsync. The worker only posts `JudgementRecorded` or `JudgementRefused`;
the handler dismisses the form with what was written, or shows the refusal as one line and
keeps what was typed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from discussion.errors import UserError, os_error_message
from discussion.verification.events import ROLES, JudgementData, Outcome, Role, VEvent
from discussion.verification.judge import Judgement, judge
from discussion.verification.report import read_rounds
from discussion.verification.state import Round

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recorded:
    """What a form wrote, and the rounds as the file now holds them."""

    written: list[VEvent]
    rounds: list[Round]
    problem: str | None


class JudgementRecorded(Message):
    """The worker appended the events (fsync'd) and read the rounds back."""

    def __init__(self, recorded: Recorded) -> None:
        super().__init__()
        self.recorded = recorded


class JudgementRefused(Message):
    """The domain refused (or the disk failed); `reason` is one line with the fix."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class VerifierForm(ModalScreen[Recorded | None]):
    """What both forms share: the verifier's name and role, the worker, the error line."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="review_judge.back",
                tooltip="Back to the review; nothing is recorded"),
        Binding("ctrl+s", "record", "Record", id="review_judge.record",
                tooltip="Record it (Enter in a text field does the same)"),
    ]  # fmt: skip

    # One line per field (no boxed inputs), so the form fits an 80×24 terminal.
    DEFAULT_CSS = """
    VerifierForm { align: center middle; }
    VerifierForm > Vertical {
        width: 90%; max-width: 100; height: auto; max-height: 100%; border: thick $primary;
        background: $surface; padding: 0 1; overflow-y: auto;
    }
    VerifierForm .form-title { text-style: bold; }
    VerifierForm .form-decision { color: $text-muted; margin-bottom: 1; }
    VerifierForm RadioSet { border: none; height: auto; width: 1fr; layout: horizontal; }
    VerifierForm RadioSet:focus { border: none; background: $primary 20%; }
    VerifierForm RadioButton { margin-right: 2; }
    VerifierForm Horizontal { height: auto; }
    VerifierForm .form-label { width: 12; }
    VerifierForm Input { width: 1fr; height: 1; border: none; padding: 0 1; background: $boost; }
    VerifierForm Input:focus { border: none; background: $primary 30%; }
    VerifierForm #form-error { color: $error; height: auto; margin-top: 1; }
    VerifierForm #form-hint { color: $text-muted; }
    """

    def __init__(self, folder: Path, verifier: str, open_round: Round | None) -> None:
        super().__init__()
        self.folder = folder
        self.verifier = verifier
        self.open_round = open_round
        self.busy = False

    def compose_verifier(self) -> ComposeResult:
        """The name (must be the open round's verifier) and, for a new round, the role."""
        with Horizontal():
            yield Label("Verifier", classes="form-label")
            yield Input(self.verifier, placeholder="your name", id="form-verifier")
        if self.open_round is None:
            with Horizontal():
                yield Label("Role", classes="form-label")
                with RadioSet(id="form-role"):
                    for index, role in enumerate(ROLES):
                        yield RadioButton(role, value=index == 0)
        else:
            yield Static(
                f"Your open round: {self.open_round.role} {self.open_round.verifier}",
                classes="form-decision",
            )
        yield Label("", id="form-error")
        yield Label("Enter or ctrl+s records · Esc: back, nothing recorded", id="form-hint")

    @property
    def role(self) -> Role | None:
        """The role picked for a new round (None: the open round's)."""
        if self.open_round is not None:
            return None
        return ROLES[max(self.query_one("#form-role", RadioSet).pressed_index, 0)]

    def request(self) -> dict[str, Any] | str:
        """The keyword arguments for `judge` (besides folder, verifier, role), or what is
        missing from the form, in one line."""
        raise NotImplementedError

    def action_back(self) -> None:
        """Back, nothing recorded; not while recording (the review must hear how it went)."""
        if self.busy:
            self.query_one("#form-error", Label).update("Recording… (a moment: fsync)")
            return
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_record()

    def action_record(self) -> None:
        """Record what the form holds, in a worker (once at a time)."""
        if self.busy:
            return
        wanted = self.request()
        if isinstance(wanted, str):
            self.query_one("#form-error", Label).update(wanted)
            return
        self.busy = True
        self.query_one("#form-error", Label).update("Recording…")
        name = self.query_one("#form-verifier", Input).value
        self._record(name, self.role, wanted)

    @work(thread=True, exit_on_error=False, group="review-judge")
    def _record(self, verifier: str, role: Role | None, wanted: dict[str, Any]) -> None:
        try:
            written = judge(self.folder, verifier, role=role, **wanted)
            rounds, problem, _hashes = read_rounds(self.folder)
        except UserError as error:
            self.post_message(JudgementRefused(error.message))
        except OSError as error:
            self.post_message(JudgementRefused(os_error_message(error, "recording")))
        except Exception as error:  # never a silent death: said on screen, traceback logged
            log.exception("recording a judgement in %s", self.folder)
            self.post_message(
                JudgementRefused(f"could not record ({type(error).__name__}: {error}); see app.log")
            )
        else:
            self.post_message(JudgementRecorded(Recorded(written, rounds, problem)))

    @on(JudgementRecorded)
    def _recorded(self, message: JudgementRecorded) -> None:
        self.busy = False
        self.dismiss(message.recorded)

    @on(JudgementRefused)
    def _refused(self, message: JudgementRefused) -> None:
        self.busy = False
        self.query_one("#form-error", Label).update(f"Not recorded: {message.reason}")


class JudgeScreen(VerifierForm):
    """Agree or disagree with the assessor's decision on one criterion."""

    def __init__(
        self,
        folder: Path,
        verifier: str,
        open_round: Round | None,
        *,
        criterion: str,
        decision: str,
        previous: JudgementData | None = None,
        refs: str = "",
    ) -> None:
        super().__init__(folder, verifier, open_round)
        self.criterion = criterion
        self.decision = decision
        self.previous = previous
        self.refs = refs

    def compose(self) -> ComposeResult:
        previous = self.previous
        with Vertical():
            yield Label("Your judgement of the assessor's decision", classes="form-title")
            with Horizontal():
                yield Label("Criterion", classes="form-label")
                yield Input(self.criterion, placeholder="e.g. 3B", id="judge-criterion")
            yield Static(self.decision, classes="form-decision", id="judge-decision")
            with RadioSet(id="judge-stance"):
                yield RadioButton(
                    "Agree: the decision stands", value=bool(previous and previous.agree)
                )
                yield RadioButton("Disagree", value=bool(previous and not previous.agree))
            with Horizontal():
                yield Label("Comment", classes="form-label")
                yield Input(
                    previous.comment if previous else "",
                    placeholder="what you found (needed to disagree)",
                    id="judge-comment",
                )
            with Horizontal():
                yield Label("Rests on", classes="form-label")
                yield Input(
                    self.refs, placeholder="notes 1,3 · marks m2 · times 12:30", id="judge-refs"
                )
            yield from self.compose_verifier()

    def on_mount(self) -> None:
        """Start on agree / disagree, or on the criterion when none came with the form."""
        if self.criterion.strip():
            self.query_one("#judge-stance", RadioSet).focus()
        else:
            self.query_one("#judge-criterion", Input).focus()

    def request(self) -> dict[str, Any] | str:
        """The judgement typed (agree or disagree must be chosen)."""
        stance = self.query_one("#judge-stance", RadioSet).pressed_index
        if stance < 0:
            return "Choose agree or disagree (arrows, then space)"
        judgement = Judgement(
            self.query_one("#judge-criterion", Input).value,
            stance == 0,
            self.query_one("#judge-comment", Input).value,
            self.query_one("#judge-refs", Input).value,
        )
        return {"judgement": judgement}


# What the outcome form offers: (label, outcome or None for "finish without one").
OUTCOME_CHOICES: tuple[tuple[str, Outcome | None], ...] = (
    ("Confirmed: the assessor's decisions stand", "confirmed"),
    ("Referred back to the assessor", "referred"),
    ("Finish without an overall outcome", None),
)


class OutcomeScreen(VerifierForm):
    """The overall outcome: ends the round, signed by the verifier's key."""

    def __init__(self, folder: Path, verifier: str, open_round: Round | None, summary: str) -> None:
        super().__init__(folder, verifier, open_round)
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Finish the verification (signed with your key)", classes="form-title")
            yield Static(self.summary, classes="form-decision", id="outcome-summary")
            with RadioSet(id="outcome-choice"):
                for label, _outcome in OUTCOME_CHOICES:
                    yield RadioButton(label)
            with Horizontal():
                yield Label("Comment", classes="form-label")
                yield Input(
                    placeholder="needed to refer back: what to review", id="outcome-comment"
                )
            yield from self.compose_verifier()

    def on_mount(self) -> None:
        """Start on the choice."""
        self.query_one("#outcome-choice", RadioSet).focus()

    def request(self) -> dict[str, Any] | str:
        """The outcome (or finish) and its comment."""
        index = self.query_one("#outcome-choice", RadioSet).pressed_index
        if index < 0:
            return "Choose confirmed, referred back, or finish without an outcome"
        outcome = OUTCOME_CHOICES[index][1]
        comment = self.query_one("#outcome-comment", Input).value
        if outcome is None:
            if comment.strip():
                return "A comment goes with an outcome: choose confirmed or referred back"
            return {"finish": True}
        return {"outcome": outcome, "outcome_comment": comment}
