"""A marked copy of a workbook (openpyxl): the same fills and 校验结果 sheet the Excel add-in
draws, from the same plan. The input is read, never written: the copy goes to another path."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..atomic import atomic_save
from ..core.safe_text import as_text
from . import styles
from .layout import LINE_HEIGHT, text_units
from .marks import HEADER_ROW, RESULTS_HEADER, RESULTS_SHEET, RESULTS_WIDTHS, MarkPlan


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor="FF" + colour.lstrip("#").upper())


def draw(wb, plan: MarkPlan) -> None:
    for sheet, cells in plan.fills.items():
        if sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        for (row, col), colour in cells.items():
            ws.cell(row, col).fill = _fill(colour)
    if RESULTS_SHEET in wb.sheetnames:
        del wb[RESULTS_SHEET]
    ws = wb.create_sheet(RESULTS_SHEET)
    for r, row in enumerate(plan.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value != "":
                cell = ws.cell(r, c)
                if isinstance(value, str) and not value.startswith("=HYPERLINK("):
                    as_text(cell, value)  # a finding's text is never a formula; a name's control characters are escaped
                else:
                    cell.value = value
                centred = r >= HEADER_ROW and c <= 3
                cell.alignment = Alignment(vertical="top", wrap_text=c == 4, horizontal="center" if centred else None)
        if r > HEADER_ROW and len(row) >= 4:  # spreadsheets do not fit row heights on open
            lines = -(-text_units(str(row[3])) // (RESULTS_WIDTHS[3] - 1))
            ws.row_dimensions[r].height = max(1, lines) * LINE_HEIGHT + 2
    ws.cell(1, 1).font = Font(name=styles.TITLE_FONT, size=14)
    ws.cell(3, 1).font = Font(name=styles.BODY_FONT, size=11, bold=True)
    for c in range(1, len(RESULTS_HEADER) + 1):
        cell = ws.cell(HEADER_ROW, c)
        cell.fill, cell.font = styles.HEADER_FILL, Font(name=styles.BODY_FONT, bold=True)
    for i, width in enumerate(RESULTS_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for sheet in wb.worksheets:  # one selected tab, or Excel opens the sheets grouped
        sheet.sheet_view.tabSelected = sheet.title == RESULTS_SHEET
    wb.active = wb.sheetnames.index(RESULTS_SHEET)


def write_marked(source: str | Path, plan: MarkPlan, output: str | Path) -> Path:
    """Copy `source` to `output` with the plan drawn in."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not keep
        wb = openpyxl.load_workbook(source)
    draw(wb, plan)
    return atomic_save(wb, output)
