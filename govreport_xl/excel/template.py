"""Writes the Excel template from the standard, the layout and the rule catalogue (openpyxl)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .check_sheet import add_check_sheet
from .formulas import quoted, total_formula
from .layout import (
    SHEET_COVER,
    TEMPLATE_VERSION,
    VERSION_NAME,
    VERSION_PROPERTY,
    FIRST_TABLE_ROW,
    SheetLayout,
    a1,
    defined_name,
    sheets,
)
from ..atomic import atomic_save
from ..core.standard import CELLS, FIRST_YEAR, META_FIELDS, CellKind, Level

# Fixed so that generating the template twice gives the same contents.
_STAMP = _dt.datetime(2021, 9, 26)

COUNT_RULE = DataValidation(
    type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
    showInputMessage=True, showErrorMessage=True,
    promptTitle="填写件数", prompt="请填写不小于 0 的整数；没有发生的填 0。",
    errorTitle="输入有误", error="这里只能填写不小于 0 的整数（件数）。没有发生的请填 0，不要填“/”“无”或文字。",
)
AMOUNT_RULE = DataValidation(
    type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
    showInputMessage=True, showErrorMessage=True,
    promptTitle="填写金额", prompt="单位：万元，可保留小数；没有收费的填 0。",
    errorTitle="输入有误", error="这里只能填写不小于 0 的金额（万元），不要带单位或文字。",
)
# Any value: "2022年" and "2023年度" are years too, and the check sheet's M-01/M-02 rows judge
# what was typed exactly as the engine does (a stricter input rule would refuse what they accept).
YEAR_RULE = DataValidation(
    allow_blank=True, showInputMessage=True, showErrorMessage=False,
    promptTitle="报告年度", prompt=f"统计数据所属年度，4 位年份，如 2022（写 2022年 也可以），{FIRST_YEAR} 年或以后。",
)
LEVEL_RULE = DataValidation(
    type="list", formula1='"' + ",".join(lv.value for lv in Level) + '"', allow_blank=True,
    showInputMessage=True, showErrorMessage=True,
    promptTitle="机关层级", prompt="从下拉列表中选择。",
    errorTitle="输入有误", error="请从下拉列表中选择机关层级。",
)


def _clone(dv: DataValidation) -> DataValidation:
    return DataValidation(**{k: getattr(dv, k) for k in (
        "type", "operator", "formula1", "formula2", "allow_blank", "showInputMessage", "showErrorMessage",
        "promptTitle", "prompt", "errorTitle", "error")})


def _write_texts(ws: Worksheet, layout: SheetLayout) -> None:
    for text in layout.texts:
        font, alignment, bordered, fill = styles.TEXT_STYLES[text.style]
        if text.first != text.last:
            ws.merge_cells(text.ref)
        for row in ws.iter_rows(min_row=text.first[0], max_row=text.last[0], min_col=text.first[1], max_col=text.last[1]):
            for cell in row:
                if bordered:
                    cell.border = styles.BORDER
                if fill is not None:
                    cell.fill = fill
        cell = ws.cell(*text.first)
        if text.text:
            cell.value = text.text
        cell.font, cell.alignment = font, alignment


def _write_value_cells(ws: Worksheet, layout: SheetLayout) -> None:
    counts, amounts = _clone(COUNT_RULE), _clone(AMOUNT_RULE)
    for code, (r, c) in layout.cells.items():
        cell_def = CELLS[code]
        last = layout.cell_spans.get(code)
        if last:
            ws.merge_cells(f"{a1(r, c)}:{a1(*last)}")
            for col in range(c, last[1] + 1):
                ws.cell(r, col).border = styles.BORDER
        cell = ws.cell(r, c)
        cell.border, cell.alignment = styles.BORDER, styles.VALUE_ALIGNMENT
        cell.number_format = styles.AMOUNT_FORMAT if cell_def.kind is CellKind.AMOUNT else styles.COUNT_FORMAT
        if cell_def.is_total:
            cell.value = total_formula(code)
            cell.fill, cell.font, cell.protection = styles.TOTAL_FILL, styles.TOTAL_FONT, styles.LOCKED
        else:
            cell.fill, cell.font, cell.protection = styles.INPUT_FILL, styles.VALUE_FONT, styles.UNLOCKED
            (amounts if cell_def.kind is CellKind.AMOUNT else counts).add(a1(r, c))
    for dv in (counts, amounts):
        if dv.sqref:
            ws.add_data_validation(dv)


def _write_cover(ws: Worksheet, layout: SheetLayout) -> None:
    year, level = _clone(YEAR_RULE), _clone(LEVEL_RULE)
    for f in META_FIELDS:
        r, c = layout.cells[f.name]
        cell = ws.cell(r, c)
        cell.fill, cell.border, cell.font, cell.protection = styles.INPUT_FILL, styles.BORDER, styles.VALUE_FONT, styles.UNLOCKED
        cell.number_format = "@" if f.key in ("uscc", "region") else "General"  # keep leading zeros
        cell.alignment = styles.COVER_ALIGNMENT
        ws.row_dimensions[r].height = 24
        if f.key == "year":
            year.add(cell.coordinate)
        elif f.key == "level":
            level.add(cell.coordinate)
    ws.add_data_validation(year)
    ws.add_data_validation(level)
    r, c = layout.cells[VERSION_NAME]
    ws.cell(r, c).value = TEMPLATE_VERSION
    ws.row_dimensions[r].hidden = True


def _page_setup(ws: Worksheet, layout: SheetLayout) -> None:
    for col, width in layout.widths.items():
        ws.column_dimensions[a1(1, col)[:-1]].width = width
    for row, height in layout.heights.items():
        ws.row_dimensions[row].height = height
    ws.row_dimensions[1].height = 30
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1  # each table on one A4 page, as it is published
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.sheet_view.showGridLines = False
    if layout.table is not None:  # header and row labels stay in view while scrolling, and on paper
        first = min(layout.cells.values())
        ws.freeze_panes = a1(*first)
        if first[0] > FIRST_TABLE_ROW:
            ws.print_title_rows = f"{FIRST_TABLE_ROW}:{first[0] - 1}"
    # protected without a password, so that nobody is ever locked out; widths stay adjustable
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False  # the 校验 button colours the cells it finds wrong


def _define_names(wb: Workbook) -> None:
    for layout in sheets():
        for code, (r, c) in layout.cells.items():
            name = defined_name(code)
            wb.defined_names[name] = DefinedName(name, attr_text=f"{quoted(layout.name)}!{a1(r, c, absolute=True)}")


def build_template() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for layout in sheets():
        ws = wb.create_sheet(layout.name)
        _write_texts(ws, layout)
        if layout.name == SHEET_COVER:
            _write_cover(ws, layout)
        else:
            _write_value_cells(ws, layout)
        _page_setup(ws, layout)
    _define_names(wb)
    add_check_sheet(wb)
    wb.active = 0
    # sheets cannot be renamed, moved or deleted (a double-click on a tab renames it); no password
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.creator = "govreport-xl"
    wb.properties.title = "政府信息公开工作年度报告统计表"
    wb.properties.created = wb.properties.modified = _STAMP
    wb.custom_doc_props.append(StringProperty(name=VERSION_PROPERTY, value=TEMPLATE_VERSION))
    return wb


def write_template(path: str | Path) -> Path:
    return atomic_save(build_template(), path)
