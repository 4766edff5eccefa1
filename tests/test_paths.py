"""An unusable data home (DISCUSSION_HOME) is one line naming it and the fix, never a traceback.

The cases work as root too: a path that is a file, under a file, missing under /proc (which
takes no new folders, whoever asks) and /proc itself (exists, takes no new files).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_record_support import REPO, make_closed_session, run_cli

from discussion.errors import UserError
from discussion.paths import data_home, logs_dir, sessions_dir


def bad_homes(tmp_path: Path) -> dict[str, Path]:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    return {
        "a file": a_file,
        "under a file": a_file / "sub",
        "missing under /proc": Path("/proc/no-such-discussion-home"),
        "unwritable": Path("/proc"),
    }


@pytest.mark.parametrize("case", ["a file", "under a file", "missing under /proc", "unwritable"])
def test_each_unusable_home_is_a_user_error_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    home = bad_homes(tmp_path)[case]
    monkeypatch.setenv("DISCUSSION_HOME", str(home))
    for function in (sessions_dir, logs_dir):
        with pytest.raises(UserError) as caught:
            function()
        message = caught.value.message
        assert f"DISCUSSION_HOME={home}" in message, message
        assert "set DISCUSSION_HOME to a folder you can write to" in message
        assert "\n" not in message and caught.value.exit_code == 2


def test_the_reason_says_what_is_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    homes = bad_homes(tmp_path)
    expected = {
        "a file": "is a file, not a folder",
        "under a file": "is under a file",
        "missing under /proc": "cannot be created",
        "unwritable": "cannot be created",  # /proc/sessions
    }
    for case, phrase in expected.items():
        monkeypatch.setenv("DISCUSSION_HOME", str(homes[case]))
        with pytest.raises(UserError, match=phrase):
            sessions_dir()


def test_a_good_home_is_created_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCUSSION_HOME", str(tmp_path / "new" / "home"))
    assert data_home() == tmp_path / "new" / "home"
    assert sessions_dir().is_dir() and logs_dir().is_dir()
    assert (data_home().stat().st_mode & 0o777) == 0o700


@pytest.mark.parametrize("case", ["a file", "under a file", "missing under /proc", "unwritable"])
def test_commands_say_one_line(tmp_path: Path, case: str) -> None:
    home = bad_homes(tmp_path)[case]
    results = {
        "recover": run_cli("recover", home=home),
        "record": run_cli("record", "--practice", "--no-audio", "test", home=home),
    }
    for name, result in results.items():
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2, (name, result.stderr)
        assert "Traceback" not in result.stderr, name
        assert lines[-1].startswith("discussion: error:") and "DISCUSSION_HOME" in lines[-1], (
            name,
            result.stderr,
        )


def test_export_o_does_not_need_the_data_home(tmp_path: Path) -> None:
    folder = make_closed_session(tmp_path / "good" / "sessions")
    result = run_cli("export", str(folder), "-o", str(tmp_path / "r.md"), home=Path("/proc/x"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# Professional")


def test_the_app_at_start_says_one_line(tmp_path: Path) -> None:
    """The TUI (no sub-command) exits 2 before drawing anything."""
    env = dict(os.environ, DISCUSSION_HOME=str(bad_homes(tmp_path)["under a file"]))
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, "-m", "discussion"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "DISCUSSION_HOME=" in result.stderr and "is under a file" in result.stderr
