"""What the app remembers between sessions (the last assessor's name), in the data home.

`preferences.json` is the app's own file, next to the user's `settings.json` (which the app only
reads): written atomically (a temporary file, fsync, rename), so a crash leaves the old file or
the new one, never half of one. A missing, unreadable or malformed file is "nothing remembered":
a preference is a convenience, never a reason to stop.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from discussion.errors import UserError
from discussion.paths import data_home
from discussion.record.info import NAME_MAX
from discussion.safe_files import read_bounded

log = logging.getLogger(__name__)

PREFERENCES_FILE = "preferences.json"
MAX_PREFERENCES_BYTES = 16 << 10


class Preferences(BaseModel):
    """Remembered between sessions; every field may be missing."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    assessor: str = Field(default="", max_length=NAME_MAX)


def preferences_path(home: Path | None = None) -> Path:
    """Where the preferences live (in the data home, moved by DISCUSSION_HOME)."""
    return (home or data_home()) / PREFERENCES_FILE


def load_preferences(path: Path | None = None) -> Preferences:
    """The remembered preferences, or the defaults when there are none usable."""
    try:
        where = path or preferences_path()
        return Preferences.model_validate(
            json.loads(read_bounded(where, MAX_PREFERENCES_BYTES).decode("utf-8"))
        )
    except FileNotFoundError:
        return Preferences()
    except (OSError, UserError, ValueError, ValidationError) as error:
        log.warning("ignoring the preferences (%s): %s", path or PREFERENCES_FILE, error)
        return Preferences()


def save_preferences(preferences: Preferences, path: Path | None = None) -> None:
    """Write the preferences atomically (blocking: call from a thread). Raises OSError."""
    where = path or preferences_path()
    where.parent.mkdir(parents=True, exist_ok=True)
    data = (preferences.model_dump_json(indent=2) + "\n").encode("utf-8")
    fd, temporary = tempfile.mkstemp(prefix=".preferences-", suffix=".tmp", dir=where.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, where)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a power cut
        folder = os.open(where.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def remember_assessor(name: str, path: Path | None = None) -> None:
    """Remember `name` as the assessor for the next set-up; a failure is logged, not raised."""
    try:
        current = load_preferences(path)
        if current.assessor != name:
            save_preferences(current.model_copy(update={"assessor": name}), path)
    except (OSError, UserError) as error:
        log.warning("could not remember the assessor's name: %s", error)
