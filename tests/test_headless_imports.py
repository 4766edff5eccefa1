"""The domain never imports Textual: each non-UI module's import, in an interpreter where Textual
is not loaded, loads none of it."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from typing import Any

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


# One interpreter imports every headless module in turn and says, for each, which Textual
# modules its import loaded and whether it failed. While no import loads Textual, that answers
# for every module at once (each import ran, none pulled Textual in). Once one does, the
# modules after it are checked as before, each alone in a fresh interpreter.
BATCH = """
import importlib, json, sys, traceback
def textual():
    return {m for m in sys.modules if m == 'textual' or m.startswith('textual.')}
report = {}
for name in sys.argv[1:]:
    before = textual()
    try:
        importlib.import_module(name)
        error = ''
    except BaseException:
        error = traceback.format_exc()
    report[name] = {'loads': sorted(textual() - before), 'error': error, 'clean': not before}
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def batch() -> dict[str, dict[str, Any]]:
    """Per module: the Textual modules its import loaded, its error, and whether Textual was
    still unloaded when its turn came (only then does an empty `loads` clear it)."""
    result = subprocess.run(
        [sys.executable, "-c", BATCH, *_headless_modules()],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report: dict[str, dict[str, Any]] = json.loads(result.stdout)
    return report


def _alone(module: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )


@pytest.mark.parametrize("module", _headless_modules())
def test_module_does_not_load_textual(module: str, batch: dict[str, dict[str, Any]]) -> None:
    seen = batch[module]
    if seen["clean"] and not seen["error"]:
        assert seen["loads"] == [], f"{module} loads {','.join(seen['loads'])}"
        return
    result = _alone(module)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} loads {result.stdout.strip()}"
