"""Cue matching: normalised (case, apostrophes, punctuation), whole words, stems with `*`,
phrases in a row; unit cases and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from discussion.bank import Question, load_bank
from discussion.bank.cue_words import phrase_words, words
from discussion.mock.cues import find_phrase, match_look_fors, matched_phrases

BANK = load_bank()


def _question(cues: list[list[str]]) -> Question:
    return Question.model_validate(
        {
            "id": "P-1A-09",
            "criteria": ["1A"],
            "set": "practice",
            "text": "What?",
            "probes": ["Why?"],
            "look_fors": [f"Look-for {n}" for n in range(1, len(cues) + 1)],
            "cues": cues,
            "work_example": False,
            "minutes": 3,
            "file": "t.toml",
        }
    )


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ("call back", "I'd CALL BACK the same day.", True),
        ("call back", "I'd call them back.", False),  # words in a row only
        ("call* back", "she was called back", True),
        ("apologi*", "I apologised straight away", True),
        ("apologi*", "an apology", False),  # the stem is "apologi"
        ("time", "the timetable", False),  # whole words
        ("time*", "the timetable", True),
        ("customer's name", "I use the customers name", True),
        ("customer's name", "the customer\u2019s name", True),  # a curly apostrophe
        ("don't lie", "I dont lie", True),
        ("follow-up", "a follow up call", True),
        ("follow-up", "a followup call", False),
        ("1-2-1", "in my 1-2-1 with my manager", True),
        ("e-mail", "I send an e-mail", True),
    ],
)
def test_phrases(phrase: str, text: str, found: bool) -> None:
    assert find_phrase(phrase_words(phrase), words(text)) is found


def test_matches_per_look_for_in_bank_order() -> None:
    question = _question([["notes", "case history"], ["promise*"], ["deadline"]])
    matches = match_look_fors(question, "I read the Case-History and the notes; I promised a call.")
    assert [(m.index, m.covered, m.matched) for m in matches] == [
        (1, True, ("notes", "case history")),
        (2, True, ("promise*",)),
        (3, False, ()),
    ]
    assert matches[0].look_for == "Look-for 1"


def test_a_question_without_cues_covers_nothing() -> None:
    question = BANK.in_set("assessment")[0]
    assert question.cues is None
    assert not any(m.covered for m in match_look_fors(question, question.look_fors[0]))


def test_an_empty_answer_covers_nothing_in_the_bundled_bank() -> None:
    for question in BANK.in_set("practice"):
        assert not any(m.covered for m in match_look_fors(question, "")), question.id
        assert not any(m.covered for m in match_look_fors(question, "Um, I'm not sure.")), (
            question.id
        )


GENERIC = (
    "I always try my best to help the customer and I think it is really important to do a good "
    "job for them because that is what the job is about."
)


def test_a_generic_answer_does_not_cover_every_look_for() -> None:
    # The cue words are specific: waffle never covers a whole question.
    for question in BANK.in_set("practice"):
        covered = [m.covered for m in match_look_fors(question, GENERIC)]
        assert not all(covered), question.id
    total = sum(m.covered for q in BANK.in_set("practice") for m in match_look_fors(q, GENERIC))
    assert total <= 6  # of 111 look-fors


TEXT = st.text(alphabet=st.characters(categories=("Ll", "Lu", "Nd", "Zs", "Po")), max_size=80)
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8)


@settings(max_examples=examples(200), deadline=None)
@given(before=TEXT, after=TEXT, phrase=st.lists(WORD, min_size=1, max_size=4))
def test_a_phrase_said_is_found_whatever_the_case_and_punctuation(
    before: str, after: str, phrase: list[str]
) -> None:
    cue = " ".join(phrase)
    said = f"{before} {cue.upper()}, {after}"
    assert matched_phrases([cue], said) == (cue,)
    assert matched_phrases([cue], said.replace(" ", " - ")) == (cue,)


@settings(max_examples=examples(200), deadline=None)
@given(stem=WORD, ending=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=6), text=TEXT)
def test_a_stem_matches_every_ending_and_only_at_word_start(
    stem: str, ending: str, text: str
) -> None:
    assert matched_phrases([stem + "*"], f"{text} {stem}{ending} {text}") == (stem + "*",)
    assert matched_phrases([stem + "*"], f"x{stem}{ending}") == ()


@settings(max_examples=examples(200), deadline=None)
@given(text=TEXT)
def test_matching_is_the_same_for_any_casing(text: str) -> None:
    for question in BANK.in_set("practice")[:5]:
        assert match_look_fors(question, text) == match_look_fors(question, text.swapcase()) or (
            text.swapcase().casefold() != text.casefold()  # ß and the like fold differently
        )


@pytest.mark.parametrize(
    ("qid", "answer", "covered"),
    [
        (
            "P-6A-01",
            "First I'd read the notes on the CRM to see what my colleague had promised and when "
            "it was due, so I'm up to speed before I ring.",
            {1, 2, 3},
        ),
        (
            "P-7A-02",
            "Mostly I promise to ring people back, or to email them a form. I put it all in my "
            "Outlook calendar.",
            {1, 2},
        ),
        (
            "P-5A-02",
            "We have a dashboard on the wall and I look at it every morning.",
            {1, 2},
        ),
        (
            "P-3A-03",
            "They might seem confused, or struggle to read the form. I'd ask quietly, would it "
            "help if I read it through with you?",
            {1, 2},
        ),
        (
            "P-1A-01",
            "A customer is anyone I do work for, not just people who pay. Internal ones are "
            "colleagues, external ones are the public.",
            {1, 2},  # categories, not an example from their workplace: look-for 3 is open
        ),
    ],
)
def test_answers_as_an_apprentice_would_give_them(qid: str, answer: str, covered: set[int]) -> None:
    question = BANK.get(qid)
    assert question is not None
    assert {m.index for m in match_look_fors(question, answer) if m.covered} == covered
