"""Setting up a mock discussion: how long, which criteria, spoken or typed answers.

Dismissed with a `MockSetup` or None (Esc). Only the practice set is ever used, so nothing on
this screen names an assessment question. The microphone and the voice are looked for in a
thread worker that only posts `MockDevicesFound`; with neither, the mock still runs (typed
answers, questions as text).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Label, RadioSet, SelectionList, Static
from textual.widgets.selection_list import Selection

from discussion.errors import UserError
from discussion.settings import Settings
from discussion.ui.catalog import Catalog
from discussion.ui.widgets.choice_set import ChoiceSet
from discussion.ui.widgets.screen_header import ScreenHeader
from discussion.ui.widgets.toggles import Choice

LENGTHS = (15, 30, 60)
FOCUSES = (("all", "All criteria"), ("pass", "Pass criteria only"), ("chosen", "Criteria I choose"))


@dataclass(frozen=True)
class Devices:
    """What the mock can use: a microphone (its name, or why none) and a voice."""

    microphone: str | None = None
    microphone_problem: str = ""
    voice: bool = False
    voice_problem: str = ""


DevicesProbe = Callable[[], Devices]


@dataclass(frozen=True)
class MockSetup:
    """The apprentice's choices: minutes, focus ("all", "pass" or the chosen criterion ids),
    whether answers are spoken (else typed) and whether questions are spoken aloud."""

    length_min: int
    focus: str | tuple[str, ...]
    spoken_answers: bool
    voice: bool
    device: str | None = None
    criteria_text: dict[str, str] = field(default_factory=dict)


def probe_devices(settings: Settings) -> Devices:
    """The default microphone and whether the voice of `settings` can speak here (blocking:
    PortAudio's device lists)."""
    microphone: str | None = None
    problem = ""
    try:
        from discussion.audio.devices import list_input_devices

        try:
            inputs = list_input_devices()
        except UserError as error:
            inputs = []
            problem = error.message
        chosen = next((d for d in inputs if d.is_default), inputs[0] if inputs else None)
        if chosen is not None:
            microphone = chosen.name
        elif not problem:
            problem = "none found (connect one and open the mock again to speak your answers)"
    except Exception as error:  # PortAudio missing, a broken sound server: typed answers work
        problem = f"no microphone: {error}"
    voice, voice_problem = _voice_available(settings)
    return Devices(microphone, problem, voice, voice_problem)


def _voice_available(settings: Settings) -> tuple[bool, str]:
    """Whether the mock's voice can talk here, and if not, why (with the fix)."""
    try:
        from discussion.voice.speaker import Speaker

        speaker = Speaker.from_settings(settings, lambda _event: None)  # no thread until say()
    except Exception as error:  # a voice that cannot even be looked at: text only
        return False, f"no voice: {error}"
    return speaker.available(), speaker.reason or ""


class MockSetupScreen(Screen["MockSetup | None"]):
    """The choices before a mock discussion starts."""

    TITLE = "Mock discussion"

    BINDINGS = [
        Binding(
            "ctrl+s",
            "start",
            "Start the mock",
            id="mock_setup.start",
            tooltip="Start the mock discussion with these choices",
        ),
        Binding(
            "escape", "cancel", "Back", id="mock_setup.cancel", tooltip="Back without starting"
        ),
    ]

    DEFAULT_CSS = """
    MockSetupScreen VerticalScroll { padding: 0 1; }
    MockSetupScreen .section { text-style: bold; margin-top: 1; color: $accent; }
    MockSetupScreen .row { height: auto; }
    MockSetupScreen .label { width: 10; padding: 0 1 0 0; }
    MockSetupScreen .hint { padding: 0 0 0 10; color: $text-muted; }
    MockSetupScreen RadioSet { layout: horizontal; border: none; padding: 0; width: 1fr; }
    MockSetupScreen RadioSet:focus { border: none; background: $boost; }
    MockSetupScreen RadioButton { padding: 0 2 0 0; }
    MockSetupScreen #mock-criteria { height: auto; max-height: 12; margin: 0 0 0 10; }
    MockSetupScreen #mock-criteria.-hidden { display: none; }
    MockSetupScreen #mock-buttons { height: auto; margin: 1 0; }
    MockSetupScreen #mock-buttons Button { margin-right: 2; }
    MockSetupScreen #mock-problem { color: $error; padding: 0 1; height: auto; }
    """

    class DevicesFound(Message):
        """The worker looked for a microphone and a voice."""

        def __init__(self, devices: Devices) -> None:
            super().__init__()
            self.devices = devices

    def __init__(
        self, catalog: Catalog, settings: Settings, *, probe: DevicesProbe | None = None
    ) -> None:
        """`probe` replaces the look for a microphone and a voice (tests, snapshots)."""
        super().__init__()
        self.catalog = catalog
        self.probe: DevicesProbe = probe or (lambda: probe_devices(settings))
        self.devices: Devices | None = None
        self.component = catalog.standard.component("discussion")
        practised = {
            cid for q in catalog.bank.questions if q.set == "practice" for cid in q.criteria
        }
        # Only criteria the practice set has questions for can be chosen.
        self.choosable = [c for c in self.component.criteria if c.id in practised]

    def compose(self) -> ComposeResult:
        yield ScreenHeader()
        with VerticalScroll(id="mock-form"):
            yield Static(
                "A practice run of the Professional Discussion, with practice questions only. "
                "Each question is asked; answer as you would to the assessor. A follow-up "
                "question may come, then a self-check of what you covered.",
                id="mock-intro",
            )
            yield Label("Length", classes="section")
            with ChoiceSet(id="mock-length"):
                for minutes in LENGTHS:
                    yield Choice(f"{minutes} minutes", value=minutes == LENGTHS[0])
            yield Label("Criteria", classes="section")
            with ChoiceSet(id="mock-focus"):
                for index, (_value, text) in enumerate(FOCUSES):
                    yield Choice(text, value=index == 0)
            yield SelectionList[str](
                *(Selection(f"{c.id}  {c.text}", c.id) for c in self.choosable),
                id="mock-criteria",
                classes="-hidden",
            )
            yield Label("Answers", classes="section")
            with ChoiceSet(id="mock-answers"):
                yield Choice("Spoken (microphone)", id="mock-spoken")
                yield Choice("Typed", value=True, id="mock-typed")
            yield Static("Looking for a microphone and a voice…", id="mock-devices", classes="hint")
            with Horizontal(id="mock-buttons"):
                yield Button("Start (ctrl+s)", variant="primary", id="mock-start")
                yield Button("Back (esc)", id="mock-cancel")
        yield Static("", id="mock-problem")
        yield Footer()

    def on_mount(self) -> None:
        """Focus the first choice and look for the devices."""
        self.query_one("#mock-length").focus()
        self._look_for_devices()

    @work(thread=True, exit_on_error=False, group="mock-devices")
    def _look_for_devices(self) -> None:
        self.post_message(self.DevicesFound(self.probe()))

    @on(DevicesFound)
    def _devices_found(self, message: DevicesFound) -> None:
        self.devices = devices = message.devices
        lines = []
        if devices.microphone is not None:
            lines.append(f"Microphone: {devices.microphone}")
        else:
            lines.append(f"No microphone: {devices.microphone_problem}. Answers are typed.")
        if devices.voice:
            lines.append("Questions are read aloud and shown.")
        else:
            lines.append(f"No voice: {devices.voice_problem}.")
        self.query_one("#mock-devices", Static).update("\n".join(lines))
        spoken = self.query_one("#mock-spoken", Choice)
        spoken.disabled = devices.microphone is None
        if devices.microphone is not None:  # a microphone: spoken answers are the default
            spoken.value = True

    @on(RadioSet.Changed, "#mock-focus")
    def _focus_changed(self) -> None:
        chosen = self._focus_index() == 2
        box = self.query_one("#mock-criteria", SelectionList)
        box.set_class(not chosen, "-hidden")

    @on(SelectionList.SelectedChanged)
    def _criteria_changed(self) -> None:
        self.query_one("#mock-problem", Static).update("")

    def _focus_index(self) -> int:
        return self.query_one("#mock-focus", RadioSet).pressed_index

    def chosen(self) -> MockSetup | str:
        """The choices on the form, or what is missing."""
        length = LENGTHS[max(0, self.query_one("#mock-length", RadioSet).pressed_index)]
        index = max(0, self._focus_index())
        focus: str | tuple[str, ...] = FOCUSES[index][0]
        if focus == "chosen":
            picked = self.query_one("#mock-criteria", SelectionList).selected
            if not picked:
                return "Choose at least one criterion (space ticks it), or another focus."
            order = [c.id for c in self.choosable]
            focus = tuple(sorted((str(p) for p in picked), key=order.index))
        spoken = (
            self.query_one("#mock-spoken", Choice).value
            and not self.query_one("#mock-spoken", Choice).disabled
        )
        devices = self.devices or Devices()
        return MockSetup(
            length_min=length,
            focus=focus,
            spoken_answers=bool(spoken and devices.microphone is not None),
            voice=devices.voice,
            device=devices.microphone if spoken else None,
            criteria_text={c.id: c.text for c in self.choosable},
        )

    @on(Button.Pressed, "#mock-start")
    def action_start(self) -> None:
        """Start with these choices (or say what is missing)."""
        result = self.chosen()
        if isinstance(result, str):
            self.query_one("#mock-problem", Static).update(result)
            box = self.query_one("#mock-criteria", SelectionList)
            box.focus()
            return
        self.dismiss(result)

    @on(Button.Pressed, "#mock-cancel")
    def action_cancel(self) -> None:
        """Back without starting."""
        self.dismiss(None)
