"""The transcript as lines for the review pane (discussion/transcript/lines.py): each word's
place in its line's text, the line and word under a time, the case-insensitive search and its
hit count, the judge form's time reference. Pure functions on the real model."""

from __future__ import annotations

from discussion.transcript.lines import (
    LOW_CONFIDENCE,
    Hit,
    hit_count_text,
    line_at,
    make_line,
    nearest_line,
    search,
    time_ref,
)
from discussion.transcript.model import Word


def word(start: float, text: str, probability: float = 0.9) -> Word:
    return Word(start=start, end=start + 0.4, word=" " + text, probability=probability)


LINES = [
    make_line(2.0, 4.0, "", [word(2.0, "Good"), word(2.5, "morning")]),
    make_line(10.0, 12.0, "", [word(10.0, "The"), word(10.5, "CUSTOMER", 0.3), word(11.0, "rang")]),
    make_line(20.0, 21.0, " a customer, another customer ", []),
]


def test_words_know_their_place_in_the_text_and_their_confidence() -> None:
    line = LINES[1]
    assert line.text == "The CUSTOMER rang"
    assert [line.text[w.start_char : w.end_char] for w in line.words] == ["The", "CUSTOMER", "rang"]
    assert [w.low for w in line.words] == [False, True, False]
    assert LOW_CONFIDENCE == 0.5
    assert not make_line(0, 1, "", [word(0, "sure", LOW_CONFIDENCE)]).words[0].low


def test_control_characters_in_a_word_are_made_visible() -> None:
    line = make_line(0.0, 1.0, "", [word(0.0, "\x1b[2Jwiped")])
    assert "\x1b" not in line.text
    span = line.words[0]
    assert line.text[span.start_char : span.end_char] == line.text


def test_a_segment_without_words_shows_its_text_tidied() -> None:
    assert LINES[2].text == "a customer, another customer"
    assert LINES[2].words == []


def test_the_line_and_word_under_a_time() -> None:
    assert line_at(LINES, 1.9) is None
    assert line_at(LINES, 2.0) == 0
    assert line_at(LINES, 15.0) == 1  # in the silence after a line: still that line
    assert line_at(LINES, 99.0) == 2
    assert LINES[1].word_at(9.9) is None
    assert LINES[1].word_at(10.6) == 1
    assert LINES[1].word_at(30.0) == 2


def test_the_nearest_line_to_a_moment_before_any_speech_is_the_first() -> None:
    assert nearest_line(LINES, 0.5) == 0
    assert nearest_line(LINES, 10.2) == 1
    assert nearest_line([], 3.0) is None


def test_search_is_case_insensitive_and_finds_every_place() -> None:
    hits = search(LINES, "  Customer ")
    assert hits == [Hit(1, 4, 12), Hit(2, 2, 10), Hit(2, 20, 28)]
    assert search(LINES, "") == [] and search(LINES, "   ") == []
    assert search(LINES, "nowhere") == []


def test_the_hit_count_says_which_of_how_many() -> None:
    hits = search(LINES, "customer")
    assert hit_count_text(0, hits) == "1 of 3"
    assert hit_count_text(2, hits) == "3 of 3"
    assert hit_count_text(None, hits) == "3 matches"
    assert hit_count_text(None, []) == "no matches"


def test_a_time_as_the_judge_form_takes_it() -> None:
    assert time_ref(66.9) == "1:06"
    assert time_ref(5.0) == "0:05"
    assert time_ref(3725.0) == "62:05"


def test_a_piece_of_a_word_joins_on_as_whisper_gives_it() -> None:
    words = [
        Word(start=0.0, end=0.3, word=" end", probability=0.9),
        Word(start=0.3, end=0.6, word="-point", probability=0.9),
        Word(start=0.6, end=0.9, word=" assessment.", probability=0.9),
    ]
    line = make_line(0.0, 1.0, "", words)
    assert line.text == "end-point assessment."
    assert [line.text[w.start_char : w.end_char] for w in line.words] == [
        "end",
        "-point",
        "assessment.",
    ]
    bare = [
        Word(start=i, end=i + 0.5, word=w, probability=0.9) for i, w in enumerate(["a", "b", "c"])
    ]
    assert make_line(0.0, 3.0, "", bare).text == "a b c"  # an engine without leading spaces
