"""The grade screen's keys (`GradeScreen.BINDINGS`), each with its id and tooltip."""

from __future__ import annotations

from textual.binding import Binding, BindingType

GRADE_BINDINGS: list[BindingType] = [
    Binding("ctrl+s", "close_session", "Close and seal", id="grade.close",
            tooltip="Seal the record (every discussion criterion must be decided)"),
    Binding("ctrl+r", "save_result", "Save result", id="grade.save",
            tooltip="Save the Showcase or Observation result shown to the record"),
    Binding("e", "export", "Export", id="grade.export",
            tooltip="Write the assessment record (md, html or csv) to a file"),
    Binding("escape", "back", "Back", id="grade.back",
            tooltip="Back to the decisions, without closing the session"),
    Binding("d", "correct_details", "Correct details", show=False, id="grade.correct",
            tooltip="Correct a set-up detail (name, ULN...): logged as a correction"),
    Binding("g", "show_tab('result')", "Result", show=False, id="grade.tab_result",
            tooltip="The discussion's result and the overall grade with its reasons"),
    Binding("s", "show_tab('showcase')", "Showcase", show=False, id="grade.tab_showcase",
            tooltip="Enter the Apprentice Showcase result"),
    Binding("o", "show_tab('observation')", "Observation", show=False,
            id="grade.tab_observation", tooltip="Enter the Practical Observation result"),
    Binding("i", "show_tab('import')", "Import", show=False, id="grade.tab_import",
            tooltip="Import Showcase and Observation results from a JSON file"),
    Binding("1", "set_attempt(1)", "Attempt 1", show=False, id="grade.attempt1",
            tooltip="The result shown is of the first assessment"),
    Binding("2", "set_attempt(2)", "Attempt 2", show=False, id="grade.attempt2",
            tooltip="The result shown is of the first reassessment"),
    Binding("3", "set_attempt(3)", "Attempt 3", show=False, id="grade.attempt3",
            tooltip="The result shown is of the second reassessment (capped at Pass)"),
    Binding("a", "tick_all_pass", "All pass", show=False, id="grade.all_pass",
            tooltip="Tick every pass criterion that applies"),
    Binding("f", "toggle_mode('face-to-face')", "Face-to-face", show=False,
            id="grade.mode_f2f", tooltip="Observation: face-to-face interactions observed"),
    Binding("v", "toggle_mode('non-face-to-face')", "Non-face-to-face", show=False,
            id="grade.mode_nf2f",
            tooltip="Observation: non-face-to-face interactions observed"),
]  # fmt: skip
