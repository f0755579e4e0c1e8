"""The command line (argument parsing and rendering only)."""

from .main import main

__all__ = ["main"]
