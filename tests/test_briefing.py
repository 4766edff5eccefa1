"""The apprentice's pre-briefing (issue 9): made from the standard's conduct data, per mode, as
Markdown or printable HTML, from `discussion briefing`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cli_inprocess import run_in_process

from discussion.briefing import adjustment_examples, briefing_text, build_briefing
from discussion.errors import UserError
from discussion.paths import standard_dir
from discussion.standard import Standard, load_standard


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`discussion briefing ARGS` through the real dispatcher, in this process."""
    return run_in_process(["briefing", *args], cwd=cwd)


def edited_standard(tmp_path: Path, old: str, new: str) -> Standard:
    target = tmp_path / "data"
    shutil.copytree(standard_dir(), target)
    file = target / "standard.toml"
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_standard(target)


# ---------------------------------------------------------------------------- from the data
def test_every_section_and_the_facts_come_from_the_standard() -> None:
    standard = load_standard()
    sheet = build_briefing(standard, "face-to-face")
    headings = [s.heading for s in sheet.sections]
    assert headings == [s.heading for s in standard.conduct.briefing.sections]
    text = briefing_text(standard, "face-to-face", "md")
    # How long: the limit is rules.toml's, filled into the text.
    assert f"at most {standard.discussion_conduct.max_minutes} minutes" in text
    assert "{" not in text and "}" not in text  # every placeholder filled
    # Recording and confidentiality, what to bring, adjustments (the specification's BSL/ISL).
    assert "audio recorded" in text and "do not share them" in text
    assert "notes or documents" in text
    assert "British or Irish Sign Language interpreter" in text
    assert standard.source in text


def test_the_adjustments_listed_are_the_set_up_choices() -> None:
    standard = load_standard()
    listed = adjustment_examples(standard)
    for adjustment in standard.conduct.adjustments:
        assert (adjustment.briefing in listed) is (not adjustment.detail)  # not "other"
    assert listed.endswith(" rest breaks or someone to read the questions to you")


def test_each_mode_gets_its_own_lines_and_no_mode_gets_both_named() -> None:
    standard = load_standard()
    virtual = briefing_text(standard, "virtual", "md")
    face = briefing_text(standard, "face-to-face", "md")
    either = briefing_text(standard, None, "md")
    assert "tell you how to join" in virtual and "tell you how to join" not in face
    assert "tell you where it takes place" in face and "tell you where" not in virtual
    assert "**Virtual discussion**" in virtual and "**Face-to-face discussion**" in face
    # Without a mode both are there, each with the mode's name in front.
    assert "*Virtual:* Your employer will tell you how to join" in either
    assert "*Face-to-face:* Your employer will tell you where" in either
    assert "discussion**" not in either


def test_a_changed_data_file_changes_the_briefing(tmp_path: Path) -> None:
    standard = edited_standard(
        tmp_path, 'heading = "What to bring"', 'heading = "Bringing things with you"'
    )
    text = briefing_text(standard, None, "md")
    assert "## Bringing things with you" in text and "## What to bring" not in text


def test_an_unknown_placeholder_is_one_line_naming_the_item(tmp_path: Path) -> None:
    standard = edited_standard(tmp_path, "at most {max_minutes} minutes", "at most {minutes}")
    with pytest.raises(UserError) as caught:
        build_briefing(standard, None)
    message = caught.value.message
    assert "standard.toml conduct.briefing.sections[1].items[0].text" in message
    assert "{minutes}" in message and "{max_minutes}" in message and "\n" not in message


def test_html_is_escaped_and_printable(tmp_path: Path) -> None:
    standard = edited_standard(
        tmp_path, 'heading = "Afterwards"', 'heading = "After <the> discussion & results"'
    )
    page = briefing_text(standard, "virtual", "html")
    assert "<h2>After &lt;the&gt; discussion &amp; results</h2>" in page
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    assert "@media print" in page and "<script" not in page
    assert page.count("<dt>") == len(standard.conduct.briefing.fill_in)


def test_a_broken_conduct_table_is_one_line_naming_standard_toml(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        edited_standard(tmp_path, 'key = "breaks"', 'key = "Breaks!"')
    assert "standard.toml" in caught.value.message and "\n" not in caught.value.message


# ---------------------------------------------------------------------------- the command
def test_cli_prints_markdown_by_default() -> None:
    result = run("--mode", "virtual")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Your Professional Discussion: what to expect")
    assert "tell you how to join" in result.stdout and result.stderr == ""


def test_cli_writes_html_to_a_file_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "briefing.html"
    result = run("--mode", "face-to-face", "--format", "html", "--output", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "<h1>Your Professional Discussion: what to expect</h1>" in page
    assert "Face-to-face discussion" in page and result.stdout == ""
    again = run("--format", "html", "-o", str(out))
    assert again.returncode == 2 and again.stderr.count("\n") == 1
    assert "exists" in again.stderr and "--force" in again.stderr
    forced = run("--format", "md", "-o", str(out), "--force")
    assert forced.returncode == 0 and out.read_text(encoding="utf-8").startswith("# Your")
    assert [p.name for p in tmp_path.iterdir()] == ["briefing.html"]  # no temporary left


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--mode", "online"), "--mode 'online' is not a mode: use face-to-face or virtual"),
        (("--format", "pdf"), "--format 'pdf' is not a format: use md or html"),
    ],
)
def test_cli_bad_option_is_one_line_exit_2(args: tuple[str, ...], fragment: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("discussion: error: ")
    assert fragment in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_cli_output_into_a_folder_is_one_line(tmp_path: Path) -> None:
    result = run("-o", str(tmp_path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "is a folder" in result.stderr
