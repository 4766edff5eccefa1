"""Why the recording is being paused: one of the standard's pause reasons (break, technical
problem, reasonable adjustment, other with a description), kept in the `recording_paused` event.

Dismissed with the reason as the record words it, or None to keep recording.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from discussion.arrangements import adjustments_in_place
from discussion.record.events import Event
from discussion.standard import Standard
from discussion.standard.conduct import PauseReason


class PauseReasonScreen(ModalScreen[str | None]):
    """The pause reasons, chosen by number or arrows and Enter; Escape keeps recording."""

    BINDINGS = [
        Binding(
            "escape",
            "dismiss(None)",
            "Keep recording",
            id="pause_reason.cancel",
            tooltip="Do not pause",
        ),
    ]

    DEFAULT_CSS = """
    PauseReasonScreen { align: center middle; }
    PauseReasonScreen > Vertical {
        width: 64; max-width: 95%; height: auto; border: thick $warning; background: $surface;
        padding: 1 2;
    }
    PauseReasonScreen #pause-title { text-style: bold; }
    PauseReasonScreen #pause-hint { color: $text-muted; margin-bottom: 1; }
    PauseReasonScreen OptionList { height: auto; border: none; padding: 0; }
    PauseReasonScreen #pause-detail { margin-top: 1; }
    PauseReasonScreen #pause-detail.-hidden { display: none; }
    PauseReasonScreen #pause-adjustments { color: $text-muted; margin-top: 1; }
    PauseReasonScreen #pause-adjustments.-hidden { display: none; }
    """

    def __init__(self, reasons: list[PauseReason], adjustments: list[str] | None = None) -> None:
        """`adjustments`: those recorded at set-up, shown as a reminder (a break may be one)."""
        super().__init__()
        self.reasons = reasons
        self.adjustments = adjustments or []
        self.chosen: PauseReason | None = None

    @classmethod
    def for_session(cls, standard: Standard, events: Iterable[Event]) -> PauseReasonScreen:
        """The standard's pause reasons, with the adjustments this session's set-up recorded."""
        return cls(standard.conduct.pause_reasons, adjustments_in_place(list(events)))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Pause the recording: why?", id="pause-title")
            yield Label(
                f"1–{len(self.reasons)} or Enter chooses · Escape keeps recording",
                id="pause-hint",
            )
            yield OptionList(
                *[
                    Option(f"{number}  {reason.label}", id=reason.key)
                    for number, reason in enumerate(self.reasons, start=1)
                ],
                id="pause-reasons",
            )
            yield Input(
                placeholder="describe the reason, then Enter", id="pause-detail", max_length=200
            )
            in_place = "; ".join(self.adjustments)
            yield Static(
                f"Adjustments in place: {in_place}" if in_place else "",
                id="pause-adjustments",
                classes="" if in_place else "-hidden",
            )

    def on_mount(self) -> None:
        """The list has the focus; the description box appears only when asked for."""
        self.query_one("#pause-detail").add_class("-hidden")
        self.query_one(OptionList).focus()

    def on_key(self, event: Key) -> None:
        """A digit chooses that reason (not while a description is being typed)."""
        if isinstance(self.focused, Input) or not (event.character or "").isdigit():
            return
        index = int(event.character or "0") - 1
        if 0 <= index < len(self.reasons):
            event.stop()
            self._choose(self.reasons[index])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(self.reasons[event.option_index])

    def _choose(self, reason: PauseReason) -> None:
        """Done, or ask for the description first."""
        if not reason.detail:
            self.dismiss(reason.recorded())
            return
        self.chosen = reason
        detail = self.query_one("#pause-detail", Input)
        detail.remove_class("-hidden")
        detail.placeholder = f"{reason.label}: describe the reason, then Enter"
        detail.focus()

    @on(Input.Submitted, "#pause-detail")
    def _described(self, event: Input.Submitted) -> None:
        if self.chosen is None:
            return
        if not event.value.strip():
            event.input.placeholder = "a description is needed: type it, or Escape"
            return
        self.dismiss(self.chosen.recorded(event.value))
