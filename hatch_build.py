"""Wheel build hook: which question sets travel inside the package.

The assessor's build (`pip install .`, the default) carries the whole bank. The apprentice
build (`DISCUSSION_EDITION=apprentice`, used by `make apprentice-wheel`) carries the practice
set only: the assessment set is confidential (the specification's conduct of the discussion),
so no assessment question, probe or look-for may be in a package handed to apprentices.
Editable installs read the bank from the source tree and take nothing from here.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BANK = "question_bank"
BUNDLED = "discussion/_bundled"
EDITIONS = ("assessor", "apprentice")
# Folders of the bank that only the assessor's build carries.
CONFIDENTIAL = ("assessment",)


def bank_files(root: Path, edition: str) -> list[Path]:
    """The bank's files (relative to `root`) that the `edition` carries."""
    files = []
    for path in sorted((root / BANK).rglob("*")):
        relative = path.relative_to(root / BANK)
        if not path.is_file() or "__pycache__" in relative.parts:
            continue
        if edition == "apprentice" and relative.parts[0] in CONFIDENTIAL:
            continue
        files.append(path.relative_to(root))
    return files


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Adds the bank (whole, or practice only) and the edition mark to a wheel."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Called by hatchling before the wheel is built."""
        if self.target_name != "wheel" or version == "editable":
            return
        edition = os.environ.get("DISCUSSION_EDITION", "assessor")
        if edition not in EDITIONS:
            raise ValueError(
                f"DISCUSSION_EDITION={edition!r} is not an edition; use one of {EDITIONS}"
            )
        root = Path(self.root)
        for relative in bank_files(root, edition):
            build_data["force_include"][str(root / relative)] = f"{BUNDLED}/{relative}"
        mark = Path(tempfile.mkdtemp(prefix="discussion-edition-")) / "EDITION"
        mark.write_text(edition + "\n", encoding="utf-8")
        build_data["force_include"][str(mark)] = f"{BUNDLED}/EDITION"
