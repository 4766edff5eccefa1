"""Where things live: bundled data inside the package, and the user's data home.

The data home comes from the environment (`DISCUSSION_HOME`), so every way it can be unusable
(a file, under a file, under /proc, read-only) is a `UserError` naming it and the fix: the
command line and the app at start print one line, never a traceback.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import platformdirs

from discussion.errors import UserError

PACKAGE_DIR = Path(__file__).resolve().parent
DIR_MODE = 0o700


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


def _home_setting() -> tuple[Path, str]:
    """The data home and how to change it, in words for error messages."""
    override = os.environ.get("DISCUSSION_HOME")
    if override:
        return Path(override), f"DISCUSSION_HOME={override}"
    return platformdirs.user_data_path("discussion"), "the data folder"


def _unusable(what: str, path: Path, reason: str) -> UserError:
    return UserError(
        f"{what} cannot be used: {path} {reason}; set DISCUSSION_HOME to a folder you can "
        "write to (e.g. export DISCUSSION_HOME=~/discussion)"
    )


def ensure_folder(path: Path, what: str | None = None) -> Path:
    """Create `path` (and parents, mode 0700) if needed; UserError with the fix if it cannot be.

    `what` names the setting in the message (default: the data home's).
    """
    label = what or _home_setting()[1]
    try:
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    except FileExistsError:
        raise _unusable(label, path, "is a file, not a folder") from None
    except NotADirectoryError:
        raise _unusable(label, path, "is under a file, not a folder") from None
    except OSError as error:
        raise _unusable(label, path, _reason(error)) from None
    if not path.is_dir():  # e.g. a dangling symlink or a loop
        raise _unusable(label, path, "is not a folder")
    return path


def check_writable(path: Path, what: str | None = None) -> Path:
    """Prove `path` takes new files (by making and removing one); UserError with the fix if not.

    `os.access` is not enough: root passes it on /proc and on read-only mounts alike.
    """
    label = what or _home_setting()[1]
    try:
        with tempfile.TemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as error:
        raise _unusable(label, path, f"cannot be written to ({_reason(error)})") from None
    return path


def data_home_path() -> Path:
    """Where the data home is, without creating or checking it."""
    return _home_setting()[0]


def data_home() -> Path:
    """The root of session records: `DISCUSSION_HOME` if set, else the platform's data folder.

    Created if missing. Raises UserError (naming DISCUSSION_HOME and the fix) when it is a
    file, lies under a file or cannot be created.
    """
    root, label = _home_setting()
    return ensure_folder(root, label)


def sessions_dir() -> Path:
    """The folder holding one sub-folder per discussion session (created if missing)."""
    return ensure_folder(data_home() / "sessions")


def logs_dir() -> Path:
    """The app's log folder, `data_home()/logs`, created and checked writable (UserError)."""
    return check_writable(ensure_folder(data_home() / "logs"))


def _reason(error: OSError) -> str:
    if error.errno in (errno.EACCES, errno.EPERM):
        return "is not writable (permission denied)"
    if error.errno == errno.EROFS:
        return "is on a read-only file system"
    if error.errno == errno.ENOENT:
        return "cannot be created there (no such folder)"
    return f"cannot be created: {error.strerror or error}"
