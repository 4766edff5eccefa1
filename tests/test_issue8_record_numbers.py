"""Issue 8: notes are numbered 1, 2, 3 for people; the event seq stays the record's reference."""

from __future__ import annotations

from pathlib import Path

from ui_live_helpers import notes_only_session

from discussion.record import derive_state


def test_notes_are_numbered_in_order_written_not_by_event_seq(tmp_path: Path) -> None:
    live = notes_only_session(tmp_path)
    live.ask("Q1", ["1A"])  # events between notes push seqs apart
    a = live.note("first", ["1A"], 1.0)
    live.time_warning(45)
    b = live.note("second", ["1B"], 2.0)
    live.amend(a.seq, "first, amended", ["1A"])
    c = live.note("third", [], 3.0)
    state = live.state()
    assert [n.number for n in state.notes] == [1, 2, 3]
    assert [n.seq for n in state.notes] == [a.seq, b.seq, c.seq]
    assert b.seq != 2  # the seq is not what people see
    folded = derive_state(live.record.info, live.record.events, owned=True)
    assert [n.number for n in folded.notes] == [1, 2, 3]


def test_a_marked_moment_is_not_evidence_until_amended_with_text(tmp_path: Path) -> None:
    live = notes_only_session(tmp_path)
    note = live.note("named the warehouse team", ["1A"], 1.0)
    mark = live.note("", ["1A"], 2.0)  # F5 / empty Enter: tagged with the question's criteria
    state = live.state()
    assert state.criteria["1A"].note_seqs == [note.seq]  # the board counts 1, not 2
    assert state.note(mark.seq) is not None and state.note(mark.seq).is_mark  # type: ignore[union-attr]
    live.amend(mark.seq, "explained the refund policy", ["1B"])
    state = live.state()
    assert state.criteria["1B"].note_seqs == [mark.seq]  # now a note with the amend's tags
    assert state.criteria["1A"].note_seqs == [note.seq]
    assert state == derive_state(live.record.info, live.record.events, owned=True)


def test_the_markdown_export_shows_a_mark_as_a_bookmark_not_a_blank_tagged_row(
    tmp_path: Path,
) -> None:
    from discussion.export.markdown_format import _note_line

    live = notes_only_session(tmp_path)
    mark = live.note("", ["1A"], 2.0)
    view = live.state().note(mark.seq)
    assert view is not None
    line = _note_line(view)
    assert "moment marked" in line and "1A" not in line
