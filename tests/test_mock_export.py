"""The Markdown and HTML exports of a scripted mock show its questions, answers, probes with
reasons, and each look-for with the tick beside the cue match, from the same data."""

from __future__ import annotations

import html
from pathlib import Path

from cli_inprocess import run_in_process
from test_mock_examiner import BANK
from test_mock_practice_record import STANDARD, run_scripted_mock

from discussion.export.mock_answers import PRACTICE_NOTE, check_summary, mock_answers, texts_note
from discussion.export.report import build_report
from discussion.record.session import load_state


def test_markdown_export_shows_answers_probes_and_ticks(tmp_path: Path) -> None:
    folder = run_scripted_mock(tmp_path / "sessions")
    state = load_state(folder)
    exported = run_in_process(["export", str(folder), "--format", "md"])
    assert exported.returncode == 0, exported.stderr
    text = exported.stdout
    assert "## Mock discussion answers" in text and PRACTICE_NOTE in text
    probe = state.answers[1]
    assert "**Probe 1**" in text or f"**Probe {probe.probe_index}**" in text
    assert probe.why[:30] in text.replace("\\", "")
    assert "ticked look-fors 1, 3; matched by cue words 1" in text


def test_markdown_export_shows_question_and_probe_texts_and_each_look_for(tmp_path: Path) -> None:
    folder = run_scripted_mock(tmp_path / "sessions")
    exported = run_in_process(["export", str(folder), "--format", "md"])
    text = exported.stdout.replace("\\", "")
    question = BANK.get("P-7A-02")
    assert question is not None
    assert f"> {question.text}" in text
    assert f"**Probe 1** (00:01:45-00:02:15): {question.probes[0]}" in text
    assert f"2. {question.look_fors[1]}: not ticked; not matched by cue words" in text
    assert f"3. {question.look_fors[2]}: ticked; not matched by cue words" in text


def test_html_export_has_the_same_mock_section(tmp_path: Path) -> None:
    folder = run_scripted_mock(tmp_path / "sessions")
    state = load_state(folder)
    exported = run_in_process(["export", str(folder), "--format", "html"])
    assert exported.returncode == 0, exported.stderr
    page = html.unescape(exported.stdout)
    section = page[page.index("<h2>Mock discussion answers</h2>") : page.index("<h2>Recording")]
    assert PRACTICE_NOTE in section
    report = build_report(folder, STANDARD)
    for question in mock_answers(report, BANK):  # the data both exports render
        assert f"<h3>{question.question_id}</h3>" in section
        assert question.text is not None and question.text in section
        for answer in question.answers:
            assert answer.text in section and answer.span in section
            if answer.kind == "probe":
                assert answer.probe_text is not None
                assert f"{answer.label} <span" in section and answer.probe_text in section
                assert f"Why: {answer.why}" in section
        assert check_summary(question) in section
        for look_for in question.look_fors:
            assert f"{look_for.index}. {look_for.text}</td>" in section
    assert len(state.answers) == section.count("<dt>") == 6  # three answers and three probes
    assert section.count("✓ ticked") == 6  # TICKS: 3 + 2 + 1
    assert "<script" not in page


def test_a_mock_section_names_an_unknown_question_by_id_only(tmp_path: Path) -> None:
    folder = run_scripted_mock(tmp_path / "sessions")
    report = build_report(folder, STANDARD)
    assert texts_note(report, BANK) is None  # the bank the mock used
    for question in mock_answers(report, None):  # no bank: ids only, and a note says so
        assert question.text is None and question.look_fors == ()
        assert all(a.probe_text is None for a in question.answers)
    assert texts_note(report, None) is not None
