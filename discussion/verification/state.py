"""Rounds of verification derived from the events: started, judgements, outcome, finished.

A round is one verifier's pass over the record. It begins with `started` and ends with
`finished` (signed); a later round (another verifier, or the same one again) starts afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from discussion.verification.events import (
    FinishedData,
    JudgementData,
    OutcomeData,
    Role,
    StartedData,
    VEvent,
)


@dataclass
class Round:
    """One verifier's judgements on the record, in the order made."""

    verifier: str
    role: Role
    started_seq: int
    started_at: str
    judgements: dict[str, JudgementData] = field(default_factory=dict)  # latest per criterion
    superseded: list[JudgementData] = field(default_factory=list)
    outcome: OutcomeData | None = None
    finished: FinishedData | None = None
    finished_seq: int | None = None
    finished_at: str | None = None

    @property
    def is_open(self) -> bool:
        """Still taking judgements (not finished)."""
        return self.finished is None


@dataclass
class RoundProblem:
    """An event out of place (e.g. a judgement with no round started): line is 1-based."""

    line: int
    text: str


def derive_rounds(events: list[VEvent]) -> tuple[list[Round], list[RoundProblem]]:
    """Fold the events into rounds; anything out of order is a problem, not an exception."""
    rounds: list[Round] = []
    problems: list[RoundProblem] = []
    current: Round | None = None
    for event in events:
        data, line = event.payload, event.seq + 1
        if isinstance(data, StartedData):
            if current is not None:
                problems.append(RoundProblem(line, "a round started before the last finished"))
            current = Round(data.verifier, data.role, event.seq, event.at)
            rounds.append(current)
            continue
        if current is None:
            problems.append(RoundProblem(line, f"a {event.type} event outside a round"))
            continue
        if isinstance(data, JudgementData):
            previous = current.judgements.get(data.criterion)
            if previous is not None:
                current.superseded.append(previous)
            current.judgements[data.criterion] = data
        elif isinstance(data, OutcomeData):
            current.outcome = data
        elif isinstance(data, FinishedData):
            if data.verifier != current.verifier:
                problems.append(RoundProblem(line, "finished by another verifier than started"))
            current.finished, current.finished_seq = data, event.seq
            current.finished_at = event.at
            current = None
    return rounds, problems


def open_round(rounds: list[Round]) -> Round | None:
    """The round still taking judgements, if any (only the last can be)."""
    return rounds[-1] if rounds and rounds[-1].is_open else None
