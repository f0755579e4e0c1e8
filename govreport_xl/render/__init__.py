"""From checked figures to the published report: Word and web pages rendered from the data."""

from __future__ import annotations

from pathlib import Path

from ..atomic import atomic_text
from ..core.result import Result
from ..extras import require
from .document import document
from .html_page import html_page

SUFFIXES = (".docx", ".html", ".htm")


def render(result: Result, path: str | Path, narrative: str | Path | None = None) -> Path:
    """Write the report of a Result as .docx or .html; a Result that is not valid is marked as
    not to be published (the CLI refuses it unless --force)."""
    doc = document(result, narrative)
    if Path(path).suffix.lower() == ".docx":
        require("docx", path)  # python-docx: the [render] extra
        from .word import word_document

        return word_document(doc, path)
    return atomic_text(path, html_page(doc))
