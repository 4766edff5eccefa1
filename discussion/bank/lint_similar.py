"""How close a practice item is to an assessment item (`bank lint` rule practice-too-similar).

Each text, probe and look-for is an "element". Elements become vectors of character n-grams of
their words (stop words left out), weighted by how rare each n-gram is in the bank (smoothed
IDF), so "accurate" meets "inaccurate" and "complete" meets "completeness". Elements that have
a near copy in many questions ("Gives a real example ...") are boilerplate and left out. The
score of a pair is the mean of the best `top_matches` one-to-one element similarities: one
copied look-for or several paraphrased probes both push it up. The README gives the
calibration against the pairs the review found.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from discussion.bank.lint_config import SimilaritySettings
from discussion.bank.models import Question

_BOILERPLATE_COSINE = 0.6  # a near copy, for boilerplate detection


@dataclass(frozen=True)
class Element:
    """One text, probe or look-for of a question, and where it sits ("probe 2")."""

    question: Question
    place: str
    text: str


@dataclass(frozen=True)
class Match:
    """A practice/assessment pair's score and its closest elements."""

    practice: Question
    assessment: Question
    score: float
    closest: tuple[Element, Element, float]


def elements(question: Question) -> list[Element]:
    """The question's text, probes and look-fors, each with its place."""
    found = [Element(question, "text", question.text)]
    found += [Element(question, f"probe {n}", p) for n, p in enumerate(question.probes, 1)]
    found += [Element(question, f"look-for {n}", x) for n, x in enumerate(question.look_fors, 1)]
    return found


class Similarity:
    """Element vectors for one bank (unit rows of a matrix), and pair scores."""

    def __init__(self, questions: Sequence[Question], settings: SimilaritySettings) -> None:
        self.settings = settings
        self.stop = {w.casefold() for w in settings.stop_words}
        self.elements = {q.id: elements(q) for q in questions}
        flat = [e for els in self.elements.values() for e in els]
        self.index = {id(e): n for n, e in enumerate(flat)}
        bags = [Counter(self._grams(e.text)) for e in flat]
        frequency: Counter[str] = Counter()
        for bag in bags:
            frequency.update(bag.keys())
        columns = {g: n for n, g in enumerate(frequency)}
        total = len(flat)
        matrix = np.zeros((total, max(1, len(columns))))
        for row, bag in enumerate(bags):
            for gram, count in bag.items():
                idf = math.log((1 + total) / (1 + frequency[gram])) + 1
                matrix[row, columns[gram]] = count * idf
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
        # Every element against every other: the cosine similarities in one product.
        self.cosines = matrix @ matrix.T
        self.boilerplate = self._find_boilerplate(flat)

    def _grams(self, text: str) -> list[str]:
        size = self.settings.gram
        out: list[str] = []
        for word in re.findall(r"[a-z0-9]+", text.casefold().replace("'s", "")):
            if word in self.stop or len(word) < 3:
                continue
            padded = f"<{word}>"
            out += [padded[i : i + size] for i in range(max(1, len(padded) - size + 1))]
        return out

    def cosine(self, left: Element, right: Element) -> float:
        """The similarity of two elements of this bank, 0 to 1."""
        return float(self.cosines[self.index[id(left)], self.index[id(right)]])

    def _find_boilerplate(self, flat: list[Element]) -> set[int]:
        """Elements with a near copy in at least `boilerplate_questions` questions."""
        found: set[int] = set()
        for row, element in enumerate(flat):
            near = np.flatnonzero(self.cosines[row] >= _BOILERPLATE_COSINE)
            owners = {flat[int(n)].question.id for n in near}
            if len(owners) >= self.settings.boilerplate_questions:
                found.add(id(element))
        return found

    def content(self, question: Question) -> list[Element]:
        """The question's elements that are not boilerplate."""
        return [e for e in self.elements[question.id] if id(e) not in self.boilerplate]

    def match(self, practice: Question, assessment: Question) -> Match | None:
        """The pair's score: mean of the best one-to-one element similarities; None if empty."""
        mine, theirs = self.content(practice), self.content(assessment)
        pairs = sorted(
            ((self.cosine(p, a), i, j) for i, p in enumerate(mine) for j, a in enumerate(theirs)),
            reverse=True,
        )
        if not pairs:
            return None
        used_p: set[int] = set()
        used_a: set[int] = set()
        best: list[float] = []
        for value, i, j in pairs:
            if i in used_p or j in used_a:
                continue
            used_p.add(i)
            used_a.add(j)
            best.append(value)
            if len(best) == self.settings.top_matches:
                break
        score = sum(best) / self.settings.top_matches
        value, i, j = pairs[0]
        return Match(practice, assessment, score, (mine[i], theirs[j], value))


def all_scores(questions: Sequence[Question], settings: SimilaritySettings) -> list[Match]:
    """Every practice/assessment pair's match, highest score first (for calibration)."""
    sim = Similarity(questions, settings)
    practice = [q for q in questions if q.set == "practice"]
    assessment = [q for q in questions if q.set == "assessment"]
    found = [m for p in practice for a in assessment if (m := sim.match(p, a)) is not None]
    return sorted(found, key=lambda m: -m.score)


def similar_pairs(questions: Sequence[Question], settings: SimilaritySettings) -> list[Match]:
    """Every practice/assessment pair scoring at least the threshold, highest first."""
    return [m for m in all_scores(questions, settings) if m.score >= settings.threshold]
