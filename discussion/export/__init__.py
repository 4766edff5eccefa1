"""Export a session's assessment record as Markdown, HTML or CSV (headless, read-only).

    report = build_report(folder, standard)          # UserError (exit 2) for a non-session
    text = render(report, "md" | "html" | "csv")
    write_export(text, path, session_folder=folder)  # never inside a session folder

Exports hold personal data (the apprentice's name and ULN): they are written with mode 0600,
atomically (a temporary file linked or renamed into place), only as regular files, never over
an existing file unless asked (`force`), and never into any folder holding a session record,
which would add a file to a sealed record.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from discussion.errors import UserError, os_error_message
from discussion.export.csv_format import COLUMNS, render_csv
from discussion.export.html_format import render_html
from discussion.export.markdown_format import render_markdown
from discussion.export.report import Report, build_report, hhmmss
from discussion.export.transcript_excerpt import ExcerptWindow
from discussion.paths import data_home, data_home_path
from discussion.record.info import EVENTS_JSONL, SESSION_JSON
from discussion.safe_files import kind_of

Format = Literal["md", "html", "csv"]
FORMATS: tuple[Format, ...] = ("md", "html", "csv")

_RENDERERS: dict[str, Callable[[Report], str]] = {
    "md": render_markdown,
    "html": render_html,
    "csv": render_csv,
}


def render(report: Report, fmt: str) -> str:
    """The record in format `fmt` (`md`, `html` or `csv`)."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise UserError(f"unknown export format {fmt!r} (use one of: md, html, csv)") from None
    return renderer(report)


def exports_dir() -> Path:
    """Where the app suggests writing exports: `data_home()/exports` (created, mode 0700)."""
    path = data_home() / "exports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def default_export_path(session_id: str, fmt: str) -> Path:
    """`data_home()/exports/<session id>.<fmt>`."""
    return exports_dir() / f"{session_id}.{fmt}"


class ExportExistsError(UserError):
    """The export file exists already: it is replaced only when asked (`--force`)."""


def _record_holder(folder: Path) -> Path | None:
    """`folder` or the nearest parent of it that holds a session record, by its contents.

    Wherever it lives (inside or outside the data home), a file added under a session folder
    breaks that record's seal.
    """
    for candidate in (folder, *folder.parents):
        if any(os.path.lexists(candidate / name) for name in (SESSION_JSON, EVENTS_JSONL)):
            return candidate
    return None


def check_output_path(
    path: Path, session_folder: Path | None = None, *, force: bool = False
) -> Path:
    """The resolved path to write, or `UserError` saying why not.

    Refuses: anything but a regular file (a device, a pipe such as /dev/stdout, a folder); a
    missing parent folder; any folder holding a session record (found by its contents, so a
    session outside the data home is safe too) and the sessions home; an existing file unless
    `force` (ExportExistsError).
    """
    target = path.expanduser()
    if not str(target).strip():
        raise UserError("give a file name to export to")
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise UserError(f"cannot export to {os_error_message(error)}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise UserError(f"{target} is a folder: give a file name, e.g. {target / 'record.html'}")
    if mode is not None and not stat.S_ISREG(mode):
        raise UserError(
            f"{target} is {kind_of(mode)}: exports are written only to regular files "
            "(leave out -o to write to standard output)"
        )
    resolved = target.resolve()
    if not resolved.parent.is_dir():
        raise UserError(f"{target.parent}: no such folder")
    holder = _record_holder(resolved.parent)
    forbidden = [data_home_path() / "sessions"]
    if session_folder is not None:
        forbidden.append(session_folder)
    inside = holder is not None or any(
        resolved.parent == folder.resolve() or folder.resolve() in resolved.parents
        for folder in forbidden
    )
    if inside:
        where = f" ({holder} holds a session record)" if holder is not None else ""
        raise UserError(
            f"{target}: exports are never written inside a session folder or the sessions "
            f"home{where}: that would change the sealed record; choose another folder"
        )
    if mode is not None and not force:
        raise ExportExistsError(
            f"{target} already exists and is not replaced without asking: choose another "
            "file name or remove it (on the command line, --force replaces it)"
        )
    return resolved


def write_export(
    text: str, path: Path, session_folder: Path | None = None, *, force: bool = False
) -> Path:
    """Write `text` to `path` atomically with mode 0600; returns the path written.

    `UserError` when the path is refused (see `check_output_path`) or cannot be written. An
    existing file is replaced only with `force`; without it, even one created meanwhile is
    never overwritten (the new file is linked into place, which fails if the name is taken).
    """
    target = check_output_path(path, session_folder, force=force)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as error:
        raise UserError(
            f"{target}: cannot write in {target.parent}: {error.strerror or error}; "
            "choose a folder you can write to"
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        _put_in_place(temp, target, force)
    except OSError as error:
        raise UserError(f"{target}: cannot write: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    return target


def _put_in_place(temp: str, target: Path, force: bool) -> None:
    if force:
        mode = _mode_or_none(target)
        if mode is not None and not stat.S_ISREG(mode):  # it changed since the check
            raise UserError(f"{target} is {kind_of(mode)}: exports are written only to files")
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)  # atomic and never replaces: fails if the name exists
    except FileExistsError:
        raise ExportExistsError(
            f"{target} already exists and is not replaced without asking: choose another "
            "file name or remove it (on the command line, --force replaces it)"
        ) from None
    except OSError:  # a file system without hard links: check, then rename
        if os.path.lexists(target):
            raise ExportExistsError(f"{target} already exists (--force replaces it)") from None
        os.replace(temp, target)


def _mode_or_none(path: Path) -> int | None:
    try:
        return os.lstat(path).st_mode
    except FileNotFoundError:
        return None


def export_text(folder: Path, fmt: str, *, excerpt: ExcerptWindow | None = None) -> str:
    """Build the report of `folder` and render it (convenience for the CLI and the app).

    `excerpt`: the transcript window under each note (None: the settings').
    """
    if fmt not in _RENDERERS:
        raise UserError(f"unknown export format {fmt!r} (use one of: md, html, csv)")
    return render(build_report(folder, excerpt=excerpt), fmt)


__all__ = [
    "COLUMNS",
    "FORMATS",
    "ExportExistsError",
    "Format",
    "Report",
    "build_report",
    "check_output_path",
    "default_export_path",
    "export_text",
    "exports_dir",
    "hhmmss",
    "render",
    "render_csv",
    "render_html",
    "render_markdown",
    "write_export",
]
