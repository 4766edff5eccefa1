"""The apprentice's pre-briefing: what happens, how long, recording and confidentiality, what to
bring and adjustments, made from the standard's conduct data (`standard.toml` [conduct.briefing]).

    text = briefing_text(standard, mode="virtual", fmt="html")

Nothing here is worded in code: the sections, paragraphs and fill-in lines are data; the
placeholders {max_minutes}, {mode} and {adjustments} are filled from the same standard.
"""

from __future__ import annotations

import html
import os
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from discussion.errors import UserError
from discussion.standard import Standard
from discussion.standard.conduct import SESSION_MODES, BriefingItem, SessionMode

BriefingFormat = Literal["md", "html"]
BRIEFING_FORMATS: tuple[BriefingFormat, ...] = ("md", "html")
MODE_NAMES: dict[str, str] = {"virtual": "Virtual", "face-to-face": "Face-to-face"}
PLACEHOLDERS = ("max_minutes", "mode", "adjustments")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph, with the mode it is limited to when no mode was chosen ("" if none)."""

    text: str
    mode_prefix: str = ""


@dataclass(frozen=True)
class Section:
    """A heading and its paragraphs, placeholders filled in."""

    heading: str
    paragraphs: list[Paragraph]


@dataclass(frozen=True)
class BriefingSheet:
    """The briefing for one mode (or for either, `mode` None), ready to lay out."""

    title: str
    intro: str
    mode: SessionMode | None
    fill_in: list[str]
    sections: list[Section]
    source: str


def adjustment_examples(standard: Standard) -> str:
    """The adjustments' briefing phrases as one list: "a, b, c or d" (those needing a
    description, such as "other", are left out of an example list)."""
    phrases = [a.briefing for a in standard.conduct.adjustments if not a.detail]
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def _fill(text: str, values: dict[str, str], where: str) -> str:
    """`text` with its placeholders filled; an unknown one is a data error naming `where`."""
    try:
        names = [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name]
    except ValueError as error:
        raise UserError(
            f"standard.toml {where}: {error}: write braces only round a placeholder"
        ) from None
    unknown = [name for name in names if name not in values]
    if unknown:
        raise UserError(
            f"standard.toml {where}: unknown placeholder {{{unknown[0]}}} "
            f"(use {', '.join('{' + p + '}' for p in PLACEHOLDERS)})"
        )
    return text.format_map(values)


def _shown(item: BriefingItem, mode: SessionMode | None) -> tuple[bool, str]:
    """Whether an item is shown for `mode`, and the mode's name to put in front of it."""
    if item.modes is None:
        return True, ""
    if mode is not None:
        return mode in item.modes, ""
    if "{mode" in item.text:  # reads only for a known mode
        return False, ""
    if set(item.modes) >= set(SESSION_MODES):
        return True, ""
    return True, " or ".join(MODE_NAMES[m] for m in item.modes)


def build_briefing(standard: Standard, mode: SessionMode | None = None) -> BriefingSheet:
    """The pre-briefing for `mode` ("virtual", "face-to-face", or None for either)."""
    if mode is not None and mode not in SESSION_MODES:
        raise UserError(f"unknown mode {mode!r} (use one of: {', '.join(SESSION_MODES)})")
    data = standard.conduct.briefing
    values = {
        "max_minutes": str(standard.discussion_conduct.max_minutes),
        "mode": mode or "",
        "adjustments": adjustment_examples(standard),
    }
    sections = []
    for s_index, section in enumerate(data.sections):
        paragraphs = []
        for i_index, item in enumerate(section.items):
            shown, prefix = _shown(item, mode)
            if shown:
                where = f"conduct.briefing.sections[{s_index}].items[{i_index}].text"
                paragraphs.append(Paragraph(_fill(item.text, values, where), prefix))
        if paragraphs:
            sections.append(Section(section.heading, paragraphs))
    return BriefingSheet(
        title=data.title,
        intro=_fill(data.intro, values, "conduct.briefing.intro"),
        mode=mode,
        fill_in=list(data.fill_in),
        sections=sections,
        source=f"{standard.source} (standard data {standard.version})",
    )


def render_markdown(sheet: BriefingSheet) -> str:
    """The briefing as Markdown (reads as plain text too)."""
    out = [f"# {sheet.title}", ""]
    if sheet.mode is not None:
        out += [f"**{MODE_NAMES[sheet.mode]} discussion**", ""]
    if sheet.intro:
        out += [sheet.intro, ""]
    for line in sheet.fill_in:
        out.append(f"- **{line}:** ____________________________")
    if sheet.fill_in:
        out.append("")
    for section in sheet.sections:
        out += [f"## {section.heading}", ""]
        for paragraph in section.paragraphs:
            lead = f"*{paragraph.mode_prefix}:* " if paragraph.mode_prefix else ""
            out += [f"- {lead}{paragraph.text}"]
        out.append("")
    out.append(f"*Based on: {sheet.source}.*")
    return "\n".join(out) + "\n"


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 44em; margin: 2em auto; padding: 0 1em;
       line-height: 1.45; color: #111; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.15em; margin: 1.2em 0 .3em; border-bottom: 1px solid #999; }
ul { padding-left: 1.2em; margin: .3em 0; }
li { margin: .25em 0; }
.mode { font-weight: 600; margin: 0 0 .8em; }
dl.fill { display: grid; grid-template-columns: max-content 1fr; gap: .6em 1em; }
dl.fill dt { font-weight: 600; }
dl.fill dd { margin: 0; border-bottom: 1px solid #555; min-height: 1.2em; }
.source { margin-top: 2em; font-size: .85em; color: #444; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
               li { break-inside: avoid; } }
"""


def render_html(sheet: BriefingSheet) -> str:
    """The briefing as one printable HTML page (no scripts, nothing fetched)."""
    esc = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(sheet.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(sheet.title)}</h1>",
    ]
    if sheet.mode is not None:
        out.append(f'<p class="mode">{esc(MODE_NAMES[sheet.mode])} discussion</p>')
    if sheet.intro:
        out.append(f"<p>{esc(sheet.intro)}</p>")
    if sheet.fill_in:
        out.append('<dl class="fill">')
        out += [f"<dt>{esc(line)}</dt><dd></dd>" for line in sheet.fill_in]
        out.append("</dl>")
    for section in sheet.sections:
        out.append(f"<h2>{esc(section.heading)}</h2>")
        out.append("<ul>")
        for paragraph in section.paragraphs:
            lead = (
                f"<strong>{esc(paragraph.mode_prefix)}:</strong> " if paragraph.mode_prefix else ""
            )
            out.append(f"<li>{lead}{esc(paragraph.text)}</li>")
        out.append("</ul>")
    out.append(f'<p class="source">Based on: {esc(sheet.source)}.</p>')
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def briefing_text(
    standard: Standard, mode: SessionMode | None = None, fmt: BriefingFormat = "md"
) -> str:
    """The pre-briefing for `mode` in format `fmt` ("md" or "html")."""
    sheet = build_briefing(standard, mode)
    if fmt == "html":
        return render_html(sheet)
    if fmt == "md":
        return render_markdown(sheet)
    raise UserError(f"unknown briefing format {fmt!r} (use one of: md, html)")


def write_briefing(text: str, path: Path, *, force: bool = False) -> Path:
    """Write `text` to `path` whole (a temporary file renamed into place); an existing file is
    replaced only with `force`. Raises `UserError` (one line) when it cannot be written."""
    if path.is_dir():
        raise UserError(f"{path} is a folder: give a file name, e.g. {path / 'briefing.html'}")
    if path.exists() and not force:
        raise UserError(f"{path} exists: choose another name, or add --force to replace it")
    if path.exists() and not path.is_file():
        raise UserError(f"{path} is not a regular file: choose another name")
    temporary = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise UserError(f"{path}: cannot write: {error.strerror or error}") from error
    return path


def save_for_printing(standard: Standard, mode: SessionMode | None) -> Path:
    """The app's copy to print: `exports/briefing-<mode>.html` in the data folder (replaced each
    time; it holds nothing personal)."""
    from discussion.export import exports_dir  # the export machinery only when asked

    name = f"briefing-{mode or 'either-mode'}.html"
    return write_briefing(briefing_text(standard, mode, "html"), exports_dir() / name, force=True)
