"""Where things live: bundled data inside the package, and the user's data home."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

PACKAGE_DIR = Path(__file__).resolve().parent


def standard_dir() -> Path:
    """The folder of the standard's data files (shipped inside the package)."""
    return PACKAGE_DIR / "standard" / "data"


def bundled_bank_dir() -> Path:
    """The bundled question bank.

    An installed wheel carries it at `discussion/_bundled/question_bank`; a source checkout
    (editable install, `python -m discussion` from the repo) has it at the top level.
    """
    installed = PACKAGE_DIR / "_bundled" / "question_bank"
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent / "question_bank"


def data_home() -> Path:
    """The root of session records: `DISCUSSION_HOME` if set, else the platform's data folder."""
    override = os.environ.get("DISCUSSION_HOME")
    root = Path(override) if override else platformdirs.user_data_path("discussion")
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def sessions_dir() -> Path:
    """The folder holding one sub-folder per discussion session."""
    path = data_home() / "sessions"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
