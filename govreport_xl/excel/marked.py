"""A marked copy of a workbook (openpyxl): the same fills and 校验结果 sheet the Excel add-in
draws, from the same plan. The input is read, never written: the copy goes to another path.

openpyxl loads the whole workbook, every sheet and part, so the copy is made only for a workbook
within the reader's part bounds and small enough for openpyxl to load in seconds (MAX_COPY_*,
counted without loading it). Otherwise, or where openpyxl or the disk fails, no copy is written
and MarkedCopyError says why: that is not the report's unreadability (it has been checked).
"""

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
from .ooxml import Package, PartError

try:  # what openpyxl's lxml writer raises where the disk takes no more (IO_ENOSPC, IO_EFBIG)
    from lxml.etree import SerialisationError as _WriteError
except ImportError:  # openpyxl writes with the standard library: OSError
    _WriteError = OSError

# What openpyxl may be given to load: its time and memory grow with these (the template itself
# has 35,000 tags and no shared formulas; 100,000 tags take openpyxl about 2 s and 100 MB).
MAX_COPY_TAGS = 100_000
MAX_COPY_BYTES = 64 * 1024 * 1024
MAX_COPY_TRANSLATED = 500_000


class MarkedCopyError(Exception):
    """No marked copy was written; `reason` holds zh and en text."""

    def __init__(self, zh: str, en: str):
        self.reason = {"zh": f"未写出标记副本：{zh}", "en": f"no marked copy written: {en}"}
        super().__init__(self.reason["en"])


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


def _within_bounds(source: str | Path) -> None:
    try:
        with Package(source) as package:
            cost = package.load_cost(MAX_COPY_BYTES, MAX_COPY_TAGS)
    except PartError as exc:
        raise MarkedCopyError(f"工作簿中有过大或不能安全读取的部件（{exc}）", f"a part of the workbook is too large or unsafe ({exc})") from None
    if cost.inflated > MAX_COPY_BYTES:
        raise MarkedCopyError(f"工作簿解压后超过 {MAX_COPY_BYTES} 字节", f"the workbook inflates past {MAX_COPY_BYTES} bytes")
    if cost.tags > MAX_COPY_TAGS:
        raise MarkedCopyError(f"工作簿的工作表过大（{cost.tags} 个标记，超过 {MAX_COPY_TAGS} 个）",
                              f"the workbook's sheets are too large ({cost.tags} tags, more than {MAX_COPY_TAGS})")
    if cost.translated > MAX_COPY_TRANSLATED:
        raise MarkedCopyError(f"共享公式过多过长（展开后 {cost.translated} 个字符）",
                              f"shared formulas too many and too long ({cost.translated} characters to translate)")
    if cost.unreadable_format:
        raise MarkedCopyError("有无法识别的数字格式", "a number format cannot be read")


def write_marked(source: str | Path, plan: MarkPlan, output: str | Path) -> Path:
    """Copy `source` to `output` with the plan drawn in (raises MarkedCopyError)."""
    _within_bounds(source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not keep
            wb = openpyxl.load_workbook(source)
    except Exception as exc:  # openpyxl stops at much the reader reads past (a DTD in another sheet …)
        raise MarkedCopyError(f"openpyxl 无法载入此工作簿（{type(exc).__name__}: {exc}）",
                              f"openpyxl cannot load the workbook ({type(exc).__name__}: {exc})") from None
    draw(wb, plan)
    try:
        return atomic_save(wb, output)
    except (OSError, _WriteError) as exc:  # a full disk, a folder that cannot be written: the copy, not the report
        why = getattr(exc, "strerror", None) or exc
        raise MarkedCopyError(f"无法写入 {output}（{why}）", f"cannot write {output} ({why})") from None
    except Exception as exc:  # openpyxl cannot always save what it loaded (an empty t="d" cell …)
        raise MarkedCopyError(f"openpyxl 无法写出此工作簿（{type(exc).__name__}: {exc}）",
                              f"openpyxl cannot write the workbook ({type(exc).__name__}: {exc})") from None
