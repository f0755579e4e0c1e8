"""Writes a report into a fresh copy of the template (openpyxl)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..core.model import Report
from ..core.reading import complete_totals, spreadsheet_values, total_value
from ..core.source import meta_values
from ..core.standard import CELLS
from ..atomic import atomic_save
from .layout import positions
from .template import build_template


def fill_workbook(report: Report, path: str | Path, workbook=None) -> Path:
    """Inputs go into the yellow cells. A total keeps its formula where the report's figure equals
    what the formula computes (or is not given); a stated total that disagrees is written as the
    constant it is, so that nothing in the report is lost and the validator flags it."""
    wb = workbook if workbook is not None else build_template()
    for name, value in meta_values(report.meta).items():
        if value is not None:
            sheet, r, c = positions()[name]
            cell = wb[sheet].cell(r, c)
            cell.value = value
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, even "=…" from an imported page: never a formula
    values = report.values()
    in_sheet = spreadsheet_values(complete_totals(values))
    for code, value in values.items():
        if value is None or (CELLS[code].is_total and Decimal(value) == total_value(code, in_sheet)):
            continue
        sheet, r, c = positions()[code]
        wb[sheet].cell(r, c).value = value
    return atomic_save(wb, path)
