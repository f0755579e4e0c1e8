"""The command line (argument parsing and rendering only)."""

from .main import main, run

__all__ = ["main", "run"]
