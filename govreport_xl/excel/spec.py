"""What an intact template has, as the engine judges S-01: its sheets, the versions a reader
knows, and the formula cells of its in-sheet checks."""

from __future__ import annotations

from ..core.source import TemplateSpec
from .check_sheet import formula_cells
from .layout import KNOWN_TEMPLATE_VERSIONS, SHEET_CHECKS, SHEET_COVER, SHEET_OF_TABLE

TEMPLATE_SPEC = TemplateSpec((SHEET_COVER, *SHEET_OF_TABLE.values(), SHEET_CHECKS), KNOWN_TEMPLATE_VERSIONS, formula_cells())
