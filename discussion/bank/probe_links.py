"""The check of `probe_targets`: which look-for(s) each probe of a question asks about.

A practice question links every probe to the look-fors it targets, one list per probe, so the
mock examiner asks the probe for the first look-for an answer left out and its reason names that
look-for. `probe_problems` says what is wrong, each with the fix; the loader adds file and line.
"""

from __future__ import annotations

from discussion.bank.models import Question


def probe_problems(q: Question) -> list[str]:
    """What is wrong with `q`'s probe links: a practice question without them, a count that is
    not one list per probe, a probe that targets no look-for, a look-for index out of range or
    given twice, and (on a practice question) a look-for that no probe targets."""
    count = len(q.look_fors)
    targets = q.probe_targets
    if targets is None:
        if q.set != "practice":
            return []
        return [
            "missing field 'probe_targets' (required on practice questions); add "
            f"probe_targets = [[1], [2], ...] after probes: one list per probe ({len(q.probes)}) "
            f"of the look-fors (1 to {count}) it asks about"
        ]
    out: list[str] = []
    if len(targets) != len(q.probes):
        out.append(
            f"probe_targets has {len(targets)} lists but probes has {len(q.probes)}; give one "
            "list per probe, in the same order"
        )
    for n, links in enumerate(targets, 1):
        if not links:
            out.append(
                f"probe_targets[{n}] is an empty list: probe {n} targets no look-for; name the "
                f"look-for(s) it asks about (1 to {count}), or reword or remove the probe"
            )
        for index in links:
            if not 1 <= index <= count:
                out.append(
                    f"probe_targets[{n}] names look-for {index}, but the question has "
                    f"{count} look-fors; use a number from 1 to {count}"
                )
        repeated = sorted({i for i in links if links.count(i) > 1})
        if repeated:
            out.append(
                f"probe_targets[{n}] names look-for {', '.join(map(str, repeated))} twice; "
                "name each once"
            )
    if q.set == "practice" and len(targets) == len(q.probes):
        linked = {i for links in targets for i in links}
        for index in range(1, count + 1):
            if index not in linked:
                out.append(
                    f"look-for {index} has no probe: no list in probe_targets names {index}; add "
                    'an open probe that asks about it ("Tell me about...", never the answer) '
                    f"and {[index]} for it, or add {index} to a probe that asks about it"
                )
    return out
