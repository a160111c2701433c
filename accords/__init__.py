"""Accords: a knowledge graph of bilateral agreements between states."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("accords")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
