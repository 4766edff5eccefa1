"""Export a session's assessment record as Markdown, HTML or CSV (headless, read-only).

    report = build_report(folder, standard)          # UserError (exit 2) for a non-session
    text = render(report, "md" | "html" | "csv")
    write_export(text, path, session_folder=folder)  # never inside a session folder

Exports hold personal data (the apprentice's name and ULN): they are written with mode 0600,
atomically (a temporary file renamed into place), and never into a session folder, which would
add a file to a sealed record.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from discussion.errors import UserError
from discussion.export.csv_format import COLUMNS, render_csv
from discussion.export.html_format import render_html
from discussion.export.markdown_format import render_markdown
from discussion.export.report import Report, build_report, hhmmss
from discussion.paths import data_home, sessions_dir

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


def check_output_path(path: Path, session_folder: Path | None = None) -> Path:
    """The resolved path to write, or `UserError` saying why not.

    Refuses a folder, a missing parent folder, and anywhere inside the session folder or the
    sessions home (an added file would break a sealed record's verification).
    """
    target = path.expanduser()
    if not str(target).strip():
        raise UserError("give a file name to export to")
    resolved = target.resolve()
    forbidden = [sessions_dir().resolve()]
    if session_folder is not None:
        forbidden.append(session_folder.resolve())
    for folder in forbidden:
        if resolved == folder or folder in resolved.parents:
            raise UserError(
                f"{target}: exports are never written inside a session folder or the sessions "
                "home (that would change the sealed record); choose another folder"
            )
    if resolved.is_dir():
        raise UserError(f"{target} is a folder: give a file name, e.g. {target / 'record.html'}")
    if not resolved.parent.is_dir():
        raise UserError(f"{target.parent}: no such folder")
    return resolved


def write_export(text: str, path: Path, session_folder: Path | None = None) -> Path:
    """Write `text` to `path` atomically with mode 0600; returns the path written.

    `UserError` when the path is refused (see `check_output_path`) or cannot be written.
    """
    target = check_output_path(path, session_folder)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise UserError(f"{target}: cannot write: {error.strerror or error}") from None
    return target


def export_text(folder: Path, fmt: str) -> str:
    """Build the report of `folder` and render it (convenience for the CLI and the app)."""
    if fmt not in _RENDERERS:
        raise UserError(f"unknown export format {fmt!r} (use one of: md, html, csv)")
    return render(build_report(folder), fmt)


__all__ = [
    "COLUMNS",
    "FORMATS",
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
