"""Property: any single-byte or single-line change to a closed record makes verify fail."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples
from test_record_support import make_closed_session, run_cli

from discussion.record import verify
from discussion.record.events import NoteData, build_event, parse_line

Files = dict[str, bytes]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Files:
    """The bytes of every file of a small closed session (a WAV included)."""
    folder = make_closed_session(tmp_path_factory.mktemp("home"))
    assert verify(folder).ok
    files = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    assert set(files) == {"session.json", "events.jsonl", "recorder.log", "audio/segment-001.wav"}
    return files


def _materialise(files: Files, root: Path) -> Path:
    folder = root / "2026-11-23T2003-abcdef"
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return folder


Mutation = Callable[[Files], Files]


@st.composite
def byte_mutations(draw: st.DrawFn, files: Files) -> tuple[str, Files]:
    name = draw(st.sampled_from(sorted(files)))
    data = bytearray(files[name])
    op = draw(st.sampled_from(["change", "delete", "insert"]))
    if op == "insert":
        position = draw(st.integers(0, len(data)))
        data[position:position] = bytes([draw(st.integers(0, 255))])
    else:
        position = draw(st.integers(0, len(data) - 1))
        if op == "delete":
            del data[position]
        else:
            data[position] = (data[position] + draw(st.integers(1, 255))) % 256
    return f"{op} byte {position} of {name}", {**files, name: bytes(data)}


@st.composite
def line_mutations(draw: st.DrawFn, files: Files) -> tuple[str, Files]:
    lines = files["events.jsonl"].splitlines(keepends=True)
    op = draw(st.sampled_from(["delete", "duplicate", "insert-copy", "insert-forged"]))
    index = draw(st.integers(0, len(lines) - 1))
    if op == "delete":
        del lines[index]
    elif op == "duplicate":
        lines.insert(index + 1, lines[index])
    elif op == "insert-copy":
        lines.insert(draw(st.integers(0, len(lines))), lines[index])
    else:  # a well-formed event chained correctly to the line before it
        position = draw(st.integers(1, len(lines)))
        before = parse_line(lines[position - 1].rstrip(b"\n"))
        data = NoteData(text=draw(st.text(max_size=20)), raw_offset=0.0, lag_s=0.0)
        lines.insert(position, build_event(before.seq + 1, data, 0.0, before.hash).line())
    return f"{op} line {index}", {**files, "events.jsonl": b"".join(lines)}


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_single_change_is_detected(pristine: Files, data: st.DataObject) -> None:
    strategy = st.one_of(byte_mutations(pristine), line_mutations(pristine))
    description, mutated = data.draw(strategy)
    with tempfile.TemporaryDirectory() as root:
        report = verify(_materialise(mutated, Path(root)))
    assert not report.ok, description
    assert report.problems


def test_unchanged_copy_verifies(pristine: Files, tmp_path: Path) -> None:
    assert verify(_materialise(pristine, tmp_path)).ok


def test_cli_exits_1_for_a_sample_of_changes(pristine: Files, tmp_path: Path) -> None:
    rng = random.Random(20261123)
    for number in range(8):
        name = sorted(pristine)[number % len(pristine)]
        data = bytearray(pristine[name])
        position = rng.randrange(len(data))
        if number % 2:
            del data[position]
        else:
            data[position] ^= 1 << rng.randrange(8)
        folder = _materialise({**pristine, name: bytes(data)}, tmp_path / str(number))
        result = run_cli("verify", "--json", str(folder))
        assert result.returncode == 1, (name, position, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
