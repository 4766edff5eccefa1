"""What `discussion` loads before the terminal app starts (`ui.first_frame_ratio` in the bench).

Each check runs in a fresh interpreter: `sys.modules` there is what a real start-up loads.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import discussion
import discussion.record


def _loaded_at_tui_start(home: Path) -> set[str]:
    """The modules imported when `discussion` (no arguments) is about to run the app."""
    code = (
        "import sys\n"
        "import discussion.cli, discussion.ui.app as app\n"
        "app.run_app = lambda: print(' '.join(sorted(sys.modules))) or 0\n"
        "raise SystemExit(discussion.cli.main([]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={"DISCUSSION_HOME": str(home), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_the_app_starts_without_the_sub_commands_or_the_recorder(tmp_path: Path) -> None:
    loaded = _loaded_at_tui_start(tmp_path)
    assert "discussion.ui.app" in loaded  # the probe saw a real start-up
    # Building every sub-command's parser imported the recorder, and numpy with it (0.2 s).
    assert "discussion.cli.devices_cmd" not in loaded
    assert "numpy" not in loaded
    assert "discussion.audio" not in loaded


def test_the_app_starts_without_the_event_models(tmp_path: Path) -> None:
    loaded = _loaded_at_tui_start(tmp_path)
    # The session list needs them, but it loads in a worker after the screen is up.
    assert "discussion.record.events" not in loaded
    assert "discussion.record.session" not in loaded


def test_start_up_modules_are_kept_out_of_full_garbage_collections(tmp_path: Path) -> None:
    code = (
        "import gc\n"
        "import discussion.cli, discussion.ui.app as app\n"
        "app.run_app = lambda: print(gc.get_freeze_count()) or 0\n"
        "raise SystemExit(discussion.cli.main([]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={"DISCUSSION_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    # Textual, pydantic and the app's modules: a full pass over them cost ~30 ms at start-up.
    assert int(result.stdout) > 10_000


def test_one_record_submodule_does_not_load_the_others() -> None:
    code = (
        "import sys, discussion.record.info\n"
        "print(' '.join(m for m in sys.modules if m.startswith('discussion.record')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert set(result.stdout.split()) == {"discussion.record", "discussion.record.info"}


def test_every_record_export_resolves_to_what_its_submodule_defines() -> None:
    import importlib

    for name in discussion.record.__all__:
        value = getattr(discussion.record, name)
        module = importlib.import_module(discussion.record._EXPORTS[name])
        assert value is getattr(module, name), name
    assert set(discussion.record.__all__) == set(discussion.record._EXPORTS)


def test_recover_and_verify_stay_functions_once_their_submodules_are_imported() -> None:
    code = (
        "import discussion.record.verify, discussion.record.recover\n"
        "from discussion.record import recover, verify\n"
        "print(callable(verify) and not hasattr(verify, '__path__'), type(recover).__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["True", "function"]


def test_version_option_prints_the_installed_version(tmp_path: Path) -> None:
    # Asked alone, the version loads no command (the standard's models cost 0.2 s of 0.36).
    probe = (
        "import sys, discussion.cli\n"
        "try:\n"
        "    status = discussion.cli.main(['--version'])\n"
        "except SystemExit as exit:\n"
        "    status = exit.code\n"
        "assert 'discussion.standard' not in sys.modules, 'the standard was loaded'\n"
        "raise SystemExit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={"DISCUSSION_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0
    assert result.stdout == f"discussion {discussion.installed_version()}\n"
    assert result.stderr == ""
    assert discussion.__version__ == discussion.installed_version()


def test_the_app_starts_without_the_standard_or_the_bank(tmp_path: Path) -> None:
    loaded = _loaded_at_tui_start(tmp_path)
    # The home screen shows neither: their models and data load after its first frame.
    assert "discussion.standard" not in loaded
    assert "discussion.bank" not in loaded
