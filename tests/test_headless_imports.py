"""The domain never imports Textual: each non-UI module is imported alone in a fresh interpreter."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import discussion


def _headless_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(discussion.__path__, prefix="discussion."):
        if info.name == "discussion.ui" or info.name.startswith("discussion.ui."):
            continue
        if info.name == "discussion.__main__":
            continue
        names.append(info.name)
    return sorted(names)


def test_there_are_headless_modules_to_check() -> None:
    assert "discussion.cli" in _headless_modules()
    assert len(_headless_modules()) >= 5


@pytest.mark.parametrize("module", _headless_modules())
def test_module_does_not_load_textual(module: str) -> None:
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} loads {result.stdout.strip()}"
