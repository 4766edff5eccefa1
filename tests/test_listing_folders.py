"""Which entries of the sessions folder the list shows: the selection that the listing makes
from the folder's own directory entries (no call per folder for a normal session)."""

from __future__ import annotations

import json
from pathlib import Path

from session_factory import make_session_info

from discussion.record import SessionRecord
from discussion.record.listing import folder_names, list_sessions


def test_the_list_keeps_session_folders_and_damaged_ones_and_leaves_out_the_rest(
    tmp_path: Path,
) -> None:
    record = SessionRecord.create(make_session_info(), home=tmp_path)
    record.close("done")
    (tmp_path / "empty").mkdir()  # creation failed before writing anything
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "session.json").write_text("{}")
    (tmp_path / "stray-file").write_text("x")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "no-info").mkdir()
    (tmp_path / "no-info" / "events.jsonl").write_text("")  # not empty, no session.json
    (tmp_path / "linked").symlink_to(record.folder)  # a link to a folder is listed as one
    rows = {row.folder.name: row for row in list_sessions(tmp_path)}
    assert set(rows) == {record.folder.name, "no-info", "linked"}
    assert rows[record.folder.name].status == "closed"
    assert rows["linked"].status == "closed"
    assert rows["no-info"].status == "broken"
    assert "no session.json" in (rows["no-info"].problem or "")
    assert folder_names(tmp_path) == sorted(["empty", "linked", "no-info", record.folder.name])


def test_sessions_json_is_one_object_a_line(tmp_path: Path) -> None:
    from sessions_helpers import run_cli

    for number in range(3):
        info = make_session_info(session_id=f"s-{number}")
        SessionRecord.create(info, home=tmp_path / "sessions")
    result = run_cli(tmp_path, "sessions", "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    rows = [json.loads(line.strip().removesuffix(",")) for line in lines[1:-1]]
    assert [row["session_id"] for row in rows] == ["s-0", "s-1", "s-2"]
    assert json.loads(result.stdout) == rows
    empty = run_cli(tmp_path / "none", "sessions", "--json")
    assert json.loads(empty.stdout) == []
