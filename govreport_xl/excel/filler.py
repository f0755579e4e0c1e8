"""Writes a report into a fresh copy of the template (openpyxl)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..core.model import Report
from ..core.reading import complete_totals, spreadsheet_values, total_value
from ..core.safe_text import as_text
from ..core.source import meta_values
from ..core.standard import CELLS
from ..atomic import atomic_save
from .layout import positions
from .template import build_template


def _writes(report: Report, refused: dict[str, object] | None = None) -> dict[str, object]:
    """What goes into the template's cells: metadata and inputs, and a total only where the
    report's figure differs from what its formula computes; where a cell was refused, what was
    typed in it (`refused`, as a Result keeps it), so that nothing typed is lost."""
    out = {name: value for name, value in meta_values(report.meta).items() if value is not None}
    out |= {code: raw for code, raw in (refused or {}).items() if raw is not None and raw != ""}
    values = report.values()
    in_sheet = spreadsheet_values(complete_totals(values))
    for code, value in values.items():
        if value is None or (CELLS[code].is_total and Decimal(value) == total_value(code, in_sheet)):
            continue
        out[code] = value
    return out


def _put(wb, writes: dict[str, object]) -> dict[tuple[str, int, int], object]:
    """Write the values; returns what each cell held before, to put the template back."""
    before = {}
    for code, value in writes.items():
        sheet, r, c = positions()[code]
        cell = wb[sheet].cell(r, c)
        before[(sheet, r, c)] = cell.value
        if isinstance(value, str):
            as_text(cell, value)  # text stays text, even "=…" from an imported page: never a formula
        else:
            cell.value = value
    return before


def fill_workbook(report: Report, path: str | Path, before_save=None, refused: dict[str, object] | None = None) -> Path:
    """Inputs go into the yellow cells. A total keeps its formula where the report's figure equals
    what the formula computes (or is not given); a stated total that disagrees is written as the
    constant it is, so that nothing in the report is lost and the validator flags it."""
    wb = build_template()
    _put(wb, _writes(report, refused))
    if before_save is not None:
        before_save(wb)
    return atomic_save(wb, path)


def fill_many(reports, paths, refused=None) -> list[Path]:
    """Fill many reports from one built template: each report's cells are written, the workbook
    saved, and the cells put back for the next (building the template costs more than a save).
    `refused`, where given, holds each report's typed values of refused cells."""
    wb = build_template()
    out = []
    paths = list(paths)
    for report, path, typed in zip(reports, paths, refused if refused is not None else [None] * len(paths)):
        before = _put(wb, _writes(report, typed))
        try:
            out.append(atomic_save(wb, path))
        finally:
            for (sheet, r, c), value in before.items():
                wb[sheet].cell(r, c).value = value
    return out
