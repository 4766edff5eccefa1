"""Export a session to a file the assessor or verifier chooses, in any format the CLI offers.

The formats come from `discussion.export.formats.EXPORT_FORMATS` (one list for the CLI and this
screen): the assessment record, the timeline for media tools (one recording segment, or the
whole session as `discussion export` does without `--segment`), and the verifiers' report once
a verification has been recorded. The default file is `data_home()/exports/<session id>.<suffix>`
(`.segment-NNN` before it for one segment). Writing goes through `write_export`, as `export -o`
does: regular files only, never into a folder holding a session record, an existing file only
after the user confirms. The record is read and the file written on a worker thread, which
posts a past-tense message; the handlers here change the screen.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from discussion.errors import UserError
from discussion.export.formats import (
    EXPORT_FORMATS,
    ExportFormat,
    ExportOptions,
    default_file_name,
    export_format,
    export_options,
    render_export,
)
from discussion.ui.screens.confirm import ConfirmScreen

WHOLE = "whole"  # the segment list's id for the whole session timeline (no --segment)
HINT = "↑↓ format · tab: next box · enter: write · esc: cancel · file mode 0600"


class ExportOptionsLoaded(Message):
    """The session's segments and the formats it cannot give were read."""

    def __init__(self, options: ExportOptions) -> None:
        super().__init__()
        self.options = options


class ExportOptionsFailed(Message):
    """The session folder could not be read: `message` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class ExportWritten(Message):
    """The export was written to `path`."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


class ExportFailed(Message):
    """Reading the record or writing the file failed: `message` says why and what to do.

    `exists` names the file when the only reason is that it exists (the user may replace it).
    """

    def __init__(self, message: str, exists: Path | None = None) -> None:
        super().__init__()
        self.message = message
        self.exists = exists


def set_disabled(options: OptionList, option_id: str, disabled: bool) -> None:
    """Enable or disable an option, leaving the highlight where it is (Textual moves it on to
    the next option whenever the highlighted one is enabled or disabled)."""
    if options.get_option(option_id).disabled == disabled:
        return
    highlighted = options.highlighted
    if disabled:
        options.disable_option(option_id)
    else:
        options.enable_option(option_id)
    if highlighted is not None and not options.get_option_at_index(highlighted).disabled:
        options.highlighted = highlighted


class GradeExport(ModalScreen[Path | None]):
    """Dismisses with the path written, or None when cancelled."""

    BINDINGS = [
        Binding(
            "escape", "cancel", "Cancel", id="export.cancel", tooltip="Close without exporting"
        ),
        Binding(
            "up",
            "move_format(-1)",
            "Format",
            show=False,
            id="export.format_up",
            tooltip="Choose the format above (also from the file name box)",
        ),
        Binding(
            "down",
            "move_format(1)",
            "Format",
            show=False,
            id="export.format_down",
            tooltip="Choose the format below (also from the file name box)",
        ),
    ]

    DEFAULT_CSS = """
    GradeExport { align: center middle; }
    GradeExport > Vertical {
        width: 76; max-width: 98%; height: auto; max-height: 100%; border: thick $primary;
        background: $surface; padding: 0 1; overflow-y: auto;
    }
    GradeExport OptionList { height: auto; max-height: 14; border: none; padding: 0; }
    GradeExport #export-segments { max-height: 4; }
    GradeExport .dim { color: $text-muted; }
    GradeExport #export-path { margin: 1 0 0 0; }
    GradeExport #export-status { height: auto; }
    GradeExport #export-status.error { color: $error; }
    """

    def __init__(self, folder: Path, session_id: str, fmt: str = "html") -> None:
        super().__init__()
        self.folder = folder
        self.session_id = session_id
        self.fmt = fmt if fmt in {spec.name for spec in EXPORT_FORMATS} else "html"
        self.segment: int | None = None  # None: the whole session (the CLI's default)
        self._forced = False  # the segment was chosen for ELAN, not by the user
        self.options: ExportOptions | None = None  # read on a worker after mount
        self.load_error: str | None = None  # why they could not be read
        self._pending: tuple[Path, bool] | None = None  # a write asked for before they were

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Static("Export the record: choose a format and a file", classes="title")
            formats = OptionList(
                *(self._format_option(spec) for spec in EXPORT_FORMATS), id="export-formats"
            )
            formats.highlighted = formats.get_option_index(self.fmt)  # it starts on the first
            yield formats
            yield Static("", id="export-unavailable", classes="dim")
            yield Static("Recording segment", id="export-segment-label", classes="dim")
            yield OptionList(id="export-segments")
            yield Input(str(self._default_path()), id="export-path", compact=True)
            yield Static(HINT, id="export-status")

    def on_mount(self) -> None:
        """Start in the path box; read the session's segments on a worker."""
        self._show_segments()
        self.query_one(Input).focus()
        self._load_options()

    def _highlight_format(self) -> None:
        formats = self.query_one("#export-formats", OptionList)
        if formats.highlighted != formats.get_option_index(self.fmt):
            formats.highlighted = formats.get_option_index(self.fmt)

    # --- what the session offers -------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="export-options")
    def _load_options(self) -> None:
        try:
            self.post_message(ExportOptionsLoaded(export_options(self.folder)))
        except UserError as error:
            self.post_message(ExportOptionsFailed(error.message))
        except OSError as error:
            self.post_message(ExportOptionsFailed(f"{self.folder}: cannot read it: {error}"))

    @on(ExportOptionsFailed)
    def _options_failed(self, event: ExportOptionsFailed) -> None:
        self.load_error = event.message
        self._pending = None
        self._status(event.message, True)

    @on(ExportOptionsLoaded)
    def _options_loaded(self, event: ExportOptionsLoaded) -> None:
        self.options = event.options
        formats = self.query_one("#export-formats", OptionList)
        by_reason: dict[str, list[str]] = {}  # one line per reason, naming its formats
        for spec in EXPORT_FORMATS:
            formats.replace_option_prompt(spec.name, self._prompt(spec))
            reason = event.options.reason(spec.name)
            set_disabled(formats, spec.name, reason is not None)
            if reason is not None:
                by_reason.setdefault(reason, []).append(spec.name)
        note = self.query_one("#export-unavailable", Static)
        note.update("\n".join(f"{', '.join(n)}: {reason}" for reason, n in by_reason.items()))
        note.display = bool(by_reason)
        self._build_segments()
        if event.options.reason(self.fmt) is not None:  # asked for one it cannot give
            self._choose(next(s.name for s in EXPORT_FORMATS if not event.options.reason(s.name)))
        self._highlight_format()
        self._show_segments()
        if self._pending is not None:  # enter was pressed before this was known
            path, force = self._pending
            self._pending = None
            self._start(path, force=force)

    def _several_segments(self) -> bool:
        return self.options is not None and len(self.options.segments) > 1

    def _build_segments(self) -> None:
        """One row for the whole session and one per segment (prompts set by `_show_segments`)."""
        if self.options is None:
            return
        rows = [Option("", WHOLE), *(Option("", str(c.number)) for c in self.options.segments)]
        self.query_one("#export-segments", OptionList).set_options(rows)

    def _show_segments(self) -> None:
        """The segment list, for a media format of a record with several segments."""
        spec = export_format(self.fmt)
        shown = spec.takes_segment and self._several_segments()
        for name in ("#export-segment-label", "#export-segments"):
            self.query_one(name).display = shown
        if not shown or self.options is None:
            return
        if spec.needs_one_segment and self.segment is None:  # ELAN links one recording
            self._set_segment(1)
            self._forced = True
        box = self.query_one("#export-segments", OptionList)
        whole = "whole session (the session timeline, as the CLI without --segment)"
        if spec.needs_one_segment:
            whole = "whole session: not for ELAN, which links one recording"
        box.replace_option_prompt(WHOLE, self._mark(self.segment is None, whole))
        set_disabled(box, WHOLE, spec.needs_one_segment)
        for choice in self.options.segments:
            mark = self._mark(self.segment == choice.number, choice.label)
            box.replace_option_prompt(str(choice.number), mark)
        wanted = 0 if self.segment is None else self.segment
        if box.highlighted != wanted:
            box.highlighted = wanted

    # --- choosing ----------------------------------------------------------------------

    @staticmethod
    def _mark(chosen: bool, text: str) -> str:
        # The choice reads without colour (see ui.widgets.toggles).
        return f"{'●' if chosen else ' '} {text}"

    def _prompt(self, spec: ExportFormat) -> str:
        reason = self.options.reason(spec.name) if self.options is not None else None
        what = f"{spec.title} (not available)" if reason else spec.title
        return self._mark(spec.name == self.fmt, f"{spec.name:<18} {what}")

    def _format_option(self, spec: ExportFormat) -> Option:
        return Option(self._prompt(spec), spec.name)

    # The highlight handlers read the list's highlight as it is now, not the message's option:
    # a queued message of an earlier highlight must not move it back (two would ping-pong).

    @on(OptionList.OptionHighlighted, "#export-formats")
    def _format_highlighted(self) -> None:
        option = self.query_one("#export-formats", OptionList).highlighted_option
        if option is not None and option.id is not None and option.id != self.fmt:
            self._choose(option.id)

    @on(OptionList.OptionHighlighted, "#export-segments")
    def _segment_highlighted(self) -> None:
        box = self.query_one("#export-segments", OptionList)
        option = box.highlighted_option
        if option is None or not box.display:
            return
        chosen = None if option.id in (None, WHOLE) else int(str(option.id))
        if chosen != self.segment:
            self._set_segment(chosen)
            self._forced = False  # the user's choice now
            self._show_segments()

    @on(OptionList.OptionSelected)
    def _option_selected(self) -> None:
        self.query_one(Input).focus()  # enter on a list: on to the file name

    def action_move_format(self, step: int) -> None:
        """Up and down in the path box choose the format (the lists move themselves)."""
        if not isinstance(self.focused, Input):
            return
        formats = self.query_one("#export-formats", OptionList)
        if step < 0:
            formats.action_cursor_up()
        else:
            formats.action_cursor_down()

    def _choose(self, fmt: str) -> None:
        old = self._tail()
        self.fmt = fmt
        spec = export_format(fmt)
        # A segment the user chose stays for the other media formats; one only ELAN needed
        # goes back to the whole session (the CLI's default) when leaving it.
        if not spec.takes_segment or (self._forced and not spec.needs_one_segment):
            self.segment = None
            self._forced = False
        formats = self.query_one("#export-formats", OptionList)
        for other in EXPORT_FORMATS:
            formats.replace_option_prompt(other.name, self._prompt(other))
        self._highlight_format()
        self._show_segments()
        self._retail(old)

    def _set_segment(self, segment: int | None) -> None:
        old = self._tail()
        self.segment = segment
        self._retail(old)

    def _tail(self) -> str:
        """The end of the default file name that says the format (and segment)."""
        return default_file_name("", self.fmt, self.segment)

    def _retail(self, old: str) -> None:
        """A file name ending as the previous format's default does gets the new ending."""
        box = self.query_one(Input)
        path = Path(box.value)
        new = self._tail()
        if old != new and path.name.endswith(old) and len(path.name) > len(old):
            box.value = str(path.with_name(path.name[: -len(old)] + new))

    def _default_path(self) -> Path:
        name = default_file_name(self.session_id, self.fmt, self.segment)
        try:
            from discussion.export import exports_dir

            return exports_dir() / name
        except (OSError, UserError):  # an unusable data home: suggest the home folder
            return Path.home() / name

    # --- writing -----------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self._status("give a file name to export to (e.g. record.html in your exports)", True)
            return
        self._start(Path(event.value.strip()).expanduser(), force=False)

    def _start(self, path: Path, *, force: bool) -> None:
        if self.load_error is not None:
            self._status(self.load_error, True)
            return
        if self.options is None:  # what the record offers is still being read: then write
            self._pending = (path, force)
            self._status("Reading the record…")
            return
        if (reason := self.options.reason(self.fmt)) is not None:
            self._status(f"{self.fmt}: {reason}", True)
            return
        self._status(f"Writing {self.fmt}…")
        self._write(path, self.fmt, self.segment, force)

    @work(thread=True, exit_on_error=False, group="export")
    def _write(self, path: Path, fmt: str, segment: int | None, force: bool) -> None:
        """Check the path, read the record, render and write it (fsync): off the UI thread."""
        from discussion.export import ExportExistsError, check_output_path, write_export

        try:
            target = check_output_path(path, self.folder, force=force)  # before reading
            text = render_export(self.folder, fmt, segment=segment, written_in=target.parent)
            written = write_export(text, path, session_folder=self.folder, force=force)
        except ExportExistsError as error:
            self.post_message(ExportFailed(error.message, exists=path))
        except UserError as error:
            self.post_message(ExportFailed(error.message))
        except OSError as error:
            self.post_message(ExportFailed(f"{path}: cannot write: {error}; choose another file"))
        except Exception as error:  # never a dead thread without a word on screen
            self.post_message(
                ExportFailed(
                    f"could not export ({type(error).__name__}: {error}); please report it"
                )
            )
        else:
            self.post_message(ExportWritten(written))

    @on(ExportWritten)
    def _written(self, event: ExportWritten) -> None:
        self._status(f"Wrote {event.path}")
        self.dismiss(event.path)

    @on(ExportFailed)
    def _failed(self, event: ExportFailed) -> None:
        if event.exists is None:
            self._status(event.message, True)
            return
        path = event.exists
        self._status(f"{path} already exists: replace it, or change the file name", True)

        def answered(replace: bool | None) -> None:
            if replace:
                self._start(path, force=True)
            else:
                self._status(f"Not written: {path} is kept; change the file name", True)
                self.query_one(Input).focus()

        self.app.push_screen(
            ConfirmScreen(
                "Replace the file?",
                f"{path} already exists. Replace it with this {self.fmt} export?",
                yes="Replace",
                no="Keep it",
            ),
            answered,
        )

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#export-status", Static)
        status.update(text)
        status.set_class(error, "error")
        # A small terminal: the box scrolls, and the outcome (at its foot) stays in view.
        self.query_one("#export-box").call_after_refresh(
            self.query_one("#export-box").scroll_end, animate=False
        )

    def action_cancel(self) -> None:
        """Close without writing."""
        self.dismiss(None)
