"""The mock's examiner: a scripted mock where answers leave out look-fors and get the probe for
the first one missing, with its reason; at most two probes; then the next question."""

from __future__ import annotations

import pytest

from discussion.bank import Question, QuestionBank, load_bank
from discussion.mock.cues import match_look_fors
from discussion.mock.examiner import MAX_PROBES, Examiner, Prompt, reason_for, target_probe
from discussion.mock.plan import MockOptions, MockPlan, PlannedQuestion, plan_mock

BANK = load_bank()


def say(question: Question, covered: set[int]) -> str:
    """An answer that covers exactly the look-fors `covered` (1-based) of `question`, by saying
    the first cue phrase of each (a stem said with an ending)."""
    assert question.cues is not None
    parts = [question.cues[n - 1][0].replace("*", "s") for n in sorted(covered)]
    text = "Well, " + ", and ".join(parts) + "." if parts else "I am not sure."
    got = {m.index for m in match_look_fors(question, text) if m.covered}
    assert got == covered, (question.id, text, got)  # the script says what it means to say
    return text


def plan_of(*ids: str, bank: QuestionBank = BANK) -> MockPlan:
    """A plan asking exactly these practice questions."""
    base = plan_mock(bank, MockOptions(15, "all"), 0)
    questions = tuple(PlannedQuestion(q, q.minutes) for q in map(bank.get, ids) if q is not None)
    return MockPlan(base.options, questions, base.criteria, 15, 1, 1, base.warn_at_minutes, 0)


def test_an_answer_leaving_out_a_look_for_gets_the_probe_for_it_with_its_reason() -> None:
    question = BANK.get("P-6A-03")
    assert question is not None
    examiner = Examiner(plan_of("P-6A-03", "P-7A-02"))
    first = examiner.prompt()
    assert first is not None and first.kind == "question" and first.question_id == "P-6A-03"
    assert first.reminder == question.reminder  # the anonymity reminder before the text
    # Covers look-fors 1 and 2, leaves out 3 (how checking changed the customer's experience).
    probe = examiner.answered(say(question, {1, 2}), 0.0, 40.0)
    assert probe is not None and probe.kind == "probe" and probe.question_id == "P-6A-03"
    assert probe.look_for_index == 3
    assert probe.text == "How did it turn out for the customer?"
    assert probe.why == "You have not yet explained how checking changed the customer's experience."
    # The probe's answer covers it: the next question.
    following = examiner.answered(say(question, {3}), 41.0, 60.0)
    assert following is not None and following.kind == "question"
    assert following.question_id == "P-7A-02"
    result = examiner.results()[0]
    assert [a.prompt.kind for a in result.answers] == ["question", "probe"]
    assert all(m.covered for m in result.matches)


def test_at_most_two_probes_then_the_next_question() -> None:
    question = BANK.get("P-7A-02")
    assert question is not None
    examiner = Examiner(plan_of("P-7A-02", "P-1A-01"))
    prompts: list[Prompt] = []
    prompt = examiner.prompt()
    t = 0.0
    while prompt is not None and prompt.question_id == "P-7A-02":
        prompts.append(prompt)
        prompt = examiner.answered("I am not sure.", t, t + 5)
        t += 6
    assert [p.kind for p in prompts] == ["question"] + ["probe"] * MAX_PROBES
    probes = prompts[1:]
    # Two different look-fors, two different probes: the first missing, then the next missing.
    assert [p.look_for_index for p in probes] == [1, 2]
    assert len({p.probe_index for p in probes}) == 2
    assert all(p.why and p.why.startswith("You have not yet") for p in probes)
    assert prompt is not None and prompt.question_id == "P-1A-01"


def test_a_complete_answer_gets_no_probe() -> None:
    question = BANK.get("P-1A-01")
    assert question is not None
    examiner = Examiner(plan_of("P-1A-01"))
    assert examiner.answered(say(question, {1, 2, 3}), 0, 30) is None  # the last question
    assert examiner.finished
    assert examiner.answered("more", 31, 32) is None


def test_a_second_probe_targets_the_next_missing_look_for() -> None:
    question = BANK.get("P-6B-02")
    assert question is not None
    examiner = Examiner(plan_of("P-6B-02"))
    first = examiner.answered(say(question, {1}), 0, 20)
    assert first is not None and first.look_for_index == 2
    second = examiner.answered(say(question, {3}), 21, 30)  # 2 still missing, 4 too
    assert second is not None and second.look_for_index == 4
    assert "request will be dealt with" in (second.why or "")
    assert examiner.answered("done", 31, 35) is None


def test_next_question_and_stop() -> None:
    examiner = Examiner(plan_of("P-6A-01", "P-6A-02"))
    following = examiner.next_question()
    assert following is not None and following.question_id == "P-6A-02"
    examiner.stop()
    assert examiner.prompt() is None and examiner.finished


@pytest.mark.parametrize("question", BANK.in_set("practice"), ids=lambda q: q.id)
def test_every_reason_says_what_is_missing_not_the_answer(question: Question) -> None:
    for n, look_for in enumerate(question.look_fors, 1):
        why = reason_for(look_for)
        assert why.startswith(("You have not yet ", "Your answer has not yet covered this: "))
        assert why.endswith(".")
        for giveaway in ("such as", "for example", "e.g.", "("):
            assert giveaway not in why, (question.id, n, why)
        assert not why.startswith("You have not yet " + look_for.split()[0])  # spoken to you
        assert target_probe(question, n, set()) is not None


@pytest.mark.parametrize("question", BANK.in_set("practice"), ids=lambda q: q.id)
def test_an_answer_covering_all_but_one_look_for_gets_the_probe_linked_to_it(
    question: Question,
) -> None:
    assert question.probe_targets is not None
    count = len(question.look_fors)
    for k in range(1, count + 1):
        examiner = Examiner(plan_of(question.id))
        probe = examiner.answered(say(question, set(range(1, count + 1)) - {k}), 0.0, 30.0)
        assert probe is not None and probe.kind == "probe", (question.id, k)
        assert probe.look_for_index == k
        linked = [n for n, ts in enumerate(question.probe_targets, 1) if k in ts]
        assert probe.probe_index == linked[0]  # the bank's link, the first probe for it
        assert probe.text == question.probes[linked[0] - 1]
        assert probe.why == reason_for(question.look_fors[k - 1])


def test_the_probe_is_the_one_the_bank_links_not_the_one_sharing_words() -> None:
    question = BANK.get("P-5A-02")
    assert question is not None and question.probe_targets is not None
    chosen = target_probe(question, 2, set())  # "Says how often they look"
    assert chosen is not None and question.probes[chosen - 1] == "How often do you look?"
    assert question.probe_targets[chosen - 1] == [2]
    assert target_probe(question, 2, {chosen}) is None  # its only probe asked
    # The warm-up's first look-for (job title and where they sit) has its own probe now.
    warm_up = BANK.get("P-4A-04")
    assert warm_up is not None
    first = target_probe(warm_up, 1, set())
    assert first is not None and warm_up.probes[first - 1].startswith("Where does your role sit")


def test_a_look_for_whose_probes_were_asked_gives_way_to_the_next_uncovered() -> None:
    question = BANK.get("P-6B-03")  # probe 4 targets look-fors 2 and 4
    assert question is not None and question.probe_targets is not None
    assert question.probe_targets[3] == [2, 4]
    examiner = Examiner(plan_of("P-6B-03"))
    first = examiner.answered(say(question, {1, 3}), 0, 20)
    assert first is not None and (first.look_for_index, first.probe_index) == (2, 4)
    # 2 and 4 still missing, and probe 4 was their only probe: no second probe to ask.
    following = examiner.answered("I am not sure.", 21, 25)
    assert following is None and examiner.finished
