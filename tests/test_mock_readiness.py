"""The readiness report's contents against a scripted mock, several mocks over time, and the CLI
in Markdown and self-contained HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_inprocess import run_in_process
from test_mock_practice_record import run_scripted_mock

from discussion.bank import load_bank
from discussion.errors import UserError
from discussion.mock.readiness import load_mock_records, readiness
from discussion.mock.readiness_render import render_html, render_markdown, svg_chart
from discussion.record.events import AnswerGivenData

BANK = load_bank()


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("home") / "sessions"
    run_scripted_mock(home, seconds_per_answer=30.0)
    run_scripted_mock(home, seconds_per_answer=20.0)
    return home


def test_per_criterion_contents_of_the_scripted_mocks(sessions: Path) -> None:
    records, skipped = load_mock_records([sessions])
    assert len(records) == 2 and skipped == []
    report = readiness(records, BANK)
    six_a = report.criterion("6A")  # P-6A-03, 3 look-fors, all matched and ticked, twice
    assert six_a.questions == ["P-6A-03"]
    assert (six_a.look_fors, six_a.matched, six_a.ticked) == (6, 6, 6)
    assert six_a.answers == 4 and six_a.seconds == 2 * 30 + 2 * 20
    assert six_a.seconds_per_answer == 25
    seven_a = report.criterion("7A")  # P-7A-02: 1 of 4 matched, 2 of 4 ticked, each time
    assert (seven_a.look_fors, seven_a.matched, seven_a.ticked) == (8, 2, 4)
    one_a = report.criterion("1A")  # P-1A-01 complete, one tick
    assert (one_a.matched, one_a.ticked, one_a.look_fors) == (6, 2, 6)
    # Words per minute from the answers' words and their times on the clock.
    assert six_a.words_per_minute is not None and six_a.words_per_minute > 0
    assert not report.criterion("5A").practised


def test_what_to_work_on_next_names_practice_questions_to_try(sessions: Path) -> None:
    records, _ = load_mock_records([sessions])
    report = readiness(records, BANK)
    # Unpractised criteria first (standard order), then the weakest practised.
    assert report.work_on == ["2A", "2B", "3A"]
    for cid in report.work_on:
        tries = report.criterion(cid).try_next
        assert len(tries) == 2
        assert all(BANK.get(qid).set == "practice" for qid, _ in tries)  # type: ignore[union-attr]
    # Among the practised criteria, 7A (6 of 16 = 38%) is weaker than 1A (8 of 12 = 67%).
    weak = sorted(
        (r for r in report.criteria if r.practised and r.coverage < 0.67), key=lambda r: r.coverage
    )
    assert [r.criterion_id for r in weak] == ["7A", "1A"]
    assert report.criterion("6A").coverage == 1.0
    assert readiness([], BANK).work_on[:1] == ["1A"]


def test_mocks_over_time(sessions: Path) -> None:
    records, _ = load_mock_records([sessions])
    report = readiness(records, BANK)
    assert len(report.mocks) == 2
    first = report.mocks[0]
    assert (first.questions, first.look_fors, first.matched, first.ticked) == (3, 10, 7, 6)
    assert report.series() == [(m.label, 70.0, 60.0) for m in report.mocks]
    assert first.seconds == 6 * 30 and report.mocks[1].seconds == 6 * 20


def test_markdown_and_html(sessions: Path) -> None:
    records, _ = load_mock_records([sessions])
    report = readiness(records, BANK)
    text = render_markdown(report)
    assert "| 6A | pass | 1 | 6/6 | 6/6 | 25 s |" in text
    assert "- **2A** (not practised yet)" in text
    assert "## Mocks over time" in text and "| 70% | 60% |" in text
    page = render_html(report)
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<polyline" in page
    # Self-contained: nothing fetched (the SVG namespace is a name, not a request).
    links = re.findall(r"(?:src|href)\s*=|url\(|@import|<script|<link", page)
    assert links == []
    assert set(re.findall(r"https?://[^\s\"']+", page)) == {"http://www.w3.org/2000/svg"}


def test_a_typed_answer_cannot_change_the_page(tmp_path: Path) -> None:
    from test_mock_examiner import plan_of

    from discussion.mock.examiner import Examiner
    from discussion.mock.practice_record import PracticeRecord
    from discussion.standard import load_standard

    plan = plan_of("P-6A-01")
    record = PracticeRecord.create(load_standard(), BANK, plan, tmp_path)
    prompt = Examiner(plan).prompt()
    assert prompt is not None
    record.answer(prompt, "<script>alert(1)</script> | case history", 0, 10)
    record.finish({"P-6A-01": [1]})
    records, _ = load_mock_records([tmp_path])
    page = render_html(readiness(records, BANK))
    assert "<script" not in page


def test_cli(sessions: Path, tmp_path: Path) -> None:
    md = run_in_process(["readiness", str(sessions)])
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Mock discussion readiness report")
    out = tmp_path / "r.html"
    html = run_in_process(["readiness", str(sessions), "--format", "html", "-o", str(out)])
    assert html.returncode == 0, html.stderr
    assert "<svg" in out.read_text(encoding="utf-8")
    again = run_in_process(["readiness", str(sessions), "--format", "html", "-o", str(out)])
    assert again.returncode == 2 and "--force" in again.stderr
    bad = run_in_process(["readiness", str(sessions), "--format", "pdf"])
    assert bad.returncode == 2 and "use md or html" in bad.stderr
    missing = run_in_process(["readiness", str(tmp_path / "nowhere")])
    assert missing.returncode == 2 and "no such folder" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


def test_records_that_are_not_mocks_are_left_out_and_named(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "session.json").write_text("{}", encoding="utf-8")
    records, skipped = load_mock_records([tmp_path])
    assert records == [] and len(skipped) == 1 and skipped[0].startswith("x: ")
    with pytest.raises(UserError):
        load_mock_records([tmp_path / "missing"])
    assert "<svg" in svg_chart(readiness([], BANK))


def test_words_per_minute_counts_the_speaking_time_not_the_wait_or_the_ending_silence() -> None:
    from discussion.mock.readiness import QuestionDone

    def said(speaking_s: float | None) -> AnswerGivenData:
        # 30 words over a 20 s span: 2 s before the first word, 2.5 s of silence to end it.
        return AnswerGivenData(
            question_id="P-1A-01",
            prompt="question",
            text="word " * 30,
            start=10.0,
            end=30.0,
            ended_by="silence",
            speaking_s=speaking_s,
        )

    question = BANK.in_set("practice")[0]
    known = QuestionDone(question, [said(15.5)], set(), set())
    assert known.spoken_seconds == pytest.approx(15.5)
    older = QuestionDone(question, [said(None)], set(), set())  # a record made before the field
    assert older.spoken_seconds == pytest.approx(20.0)
    with pytest.raises(ValueError):
        said(-1.0)
