"""Run the Professional Discussion of the Customer Service Practitioner (Level 2) EPA."""

from __future__ import annotations

import functools


@functools.cache
def installed_version() -> str:
    """The installed package's version ("0.0.0+source" in an uninstalled source tree).

    Looked up on first use: `importlib.metadata` costs tens of milliseconds of start-up.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("discussion")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    """`discussion.__version__`, looked up when first asked for."""
    if name == "__version__":
        return installed_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
