"""Run the Professional Discussion of the Customer Service Practitioner (Level 2) EPA."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("discussion")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+source"
