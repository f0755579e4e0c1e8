"""The in-sheet checks: a 校验 sheet listing every concrete check of the in-sheet rules as live
formulas, the CHECK_FAILS name, a 本表校验 line on each table sheet and conditional formats that
mark failing and blank cells. Compiled from the rule catalogue; works without macros.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import column_index_from_string
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .formulas import FAIL, blank, check_formulas, countifs, invalid_value, quoted, table_summary
from .layout import LINE_HEIGHT, SHEET_CHECKS, SHEET_COVER, SHEET_OF_TABLE, SUMMARY_ROW, a1, address, compact_cells, positions, sheet_of, sheets, text_units
from ..core.rules import CellCheck, MetaCheck, Relation, Severity, in_sheet_checks
from ..core.standard import CELLS, CellKind, cell_label

CHECK_FAILS = "CHECK_FAILS"
SEVERITY_LABEL = {Severity.ERROR: "错误", Severity.WARNING: "警告"}
HEADER_ROW = 4
FIRST_CHECK_ROW = HEADER_ROW + 1
# (header, width) of each column; the order is the check sheet's public shape, read by tests
COLUMNS = (
    ("序号", 6), ("规则", 8), ("级别", 6), ("所在表", 14), ("说明", 48),
    ("涉及单元格", 34), ("应为", 14), ("实际", 14), ("结果", 8), ("单元格代码", 40),
)
COL = {name: i + 1 for i, (name, _) in enumerate(COLUMNS)}
WIDTH = dict(COLUMNS)
WRAPPED = ("说明", "涉及单元格")
SCALE = {"说明": 1.0, "涉及单元格": 0.8}  # the cell lists are in a 9-point font
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center")


CHECK_FAILS_AT = (2, COL["所在表"] + 1)  # after the 不通过的错误项数 label in row 2


def formula_cells() -> dict[str, tuple[str, ...]]:
    """The cells of the in-sheet checks that must hold formulas: every check's 结果, CHECK_FAILS,
    and the 本表校验 / 全部校验 lines. A constant in any of them makes the sheet's 通过 a lie."""
    status = _letter("结果")
    out = {SHEET_CHECKS: (a1(*CHECK_FAILS_AT), *(f"{status}{FIRST_CHECK_ROW + n}" for n in range(len(in_sheet_checks()))))}
    for layout in sheets():
        out[layout.name] = (a1(SUMMARY_ROW, 1),)
    return out


def _letter(name: str) -> str:
    return a1(1, COL[name])[:-1]


def _range(name: str, last_row: int) -> str:
    col = _letter(name)
    return f"{quoted(SHEET_CHECKS)}!${col}${FIRST_CHECK_ROW}:${col}${last_row}"


def describe(check: Relation | MetaCheck | CellCheck) -> str:
    if isinstance(check, Relation):
        return check.rule.message["zh"].format(**check.params)
    if isinstance(check, MetaCheck):
        return f"「{check.label}」：{check.rule.summary['zh']}"
    return f"「{cell_label(check.code)}」：{check.rule.summary['zh']}"


def sheet_of_check(check) -> str:
    return SHEET_OF_TABLE.get(check.table, SHEET_COVER)


def cells_text(codes) -> str:
    return compact_cells(address(c) for c in codes)


def _row_runs(codes):
    """Group cells into runs of adjacent columns in one row: [(sheet, first, last)]."""
    cells = sorted(positions()[c] for c in codes)
    runs = []
    for (sheet, row), group in groupby(cells, key=lambda p: p[:2]):
        cols = [c for *_, c in group]
        start = cols[0]
        for prev, cur in zip(cols, cols[1:] + [None]):
            if cur != prev + 1 if cur is not None else True:
                runs.append((sheet, (row, start), (row, prev)))
                start = cur
    return runs


def _mark_check(wb: Workbook, check: Relation, status_ref: str) -> None:
    fill = styles.FAIL_FILL if check.rule.severity is Severity.ERROR else styles.WARN_FILL
    by_sheet: dict[str, list[str]] = defaultdict(list)
    for code in check.codes:
        sheet, r, c = positions()[code]
        by_sheet[sheet].append(a1(r, c))
    for sheet, refs in by_sheet.items():
        wb[sheet].conditional_formatting.add(" ".join(refs), FormulaRule(formula=[f'{status_ref}="{FAIL}"'], fill=fill))


def _mark_cells(wb: Workbook) -> None:
    """Red for a value V-01/V-02 refuses, amber for a blank: same predicates as the check rows."""
    for kind, rule_id in ((CellKind.COUNT, "V-01"), (CellKind.AMOUNT, "V-02")):
        codes = [c for c, cell in CELLS.items() if cell.kind is kind]
        for sheet, first, last in _row_runs(codes):
            ref = a1(*first)
            wb[sheet].conditional_formatting.add(
                f"{ref}:{a1(*last)}", FormulaRule(formula=[invalid_value(rule_id, ref)], fill=styles.FAIL_FILL)
            )
    for sheet, first, last in _row_runs(list(CELLS)):
        ref = a1(*first)
        wb[sheet].conditional_formatting.add(
            f"{ref}:{a1(*last)}", FormulaRule(formula=[f"IFERROR({blank(ref)},FALSE)"], fill=styles.WARN_FILL)
        )


def _value_rows() -> dict[str, int]:
    """The check-sheet row of each cell's own check (V-01 or V-02)."""
    return {check.code: FIRST_CHECK_ROW + n for n, check in enumerate(in_sheet_checks())
            if isinstance(check, CellCheck) and check.rule.id in ("V-01", "V-02")}


def _write_rows(ws: Worksheet, wb: Workbook) -> int:
    row = FIRST_CHECK_ROW
    value_rows = _value_rows()
    status_col = _letter("结果")
    for n, check in enumerate(in_sheet_checks(), start=1):
        expected, actual, status = check_formulas(check, lambda code: f"${status_col}${value_rows[code]}")
        values = {
            "序号": n, "规则": check.rule.id, "级别": SEVERITY_LABEL[check.rule.severity],
            "所在表": sheet_of_check(check), "说明": describe(check), "涉及单元格": cells_text(check.codes),
            "应为": expected, "实际": actual, "结果": status, "单元格代码": " ".join(check.codes),
        }
        for name, value in values.items():
            cell = ws.cell(row, COL[name], value)
            cell.border = styles.BORDER
            cell.font = styles.SMALL_FONT if name in ("单元格代码", "涉及单元格") else styles.CHECK_FONT
            cell.alignment = WRAP if name in WRAPPED else CENTER
        lines = max(-(-text_units(values[n]) * SCALE[n] // (WIDTH[n] - 1)) for n in WRAPPED)
        if lines > 1:
            ws.row_dimensions[row].height = lines * LINE_HEIGHT + 2
        if isinstance(check, Relation):
            _mark_check(wb, check, f"{quoted(SHEET_CHECKS)}!${_letter('结果')}${row}")
        row += 1
    return row - 1


def _summary_line(ws: Worksheet, formula: str, last_col: int) -> None:
    """The 本表校验 / 全部校验 line at the top of a sheet: green when passing, red when not."""
    cell = ws.cell(SUMMARY_ROW, 1, formula)
    cell.font = styles.Font(name=styles.BODY_FONT, size=11, bold=True, color="006100")
    ws.conditional_formatting.add(
        f"A{SUMMARY_ROW}:{a1(SUMMARY_ROW, last_col)}",
        FormulaRule(formula=[f'ISNUMBER(SEARCH("{FAIL}",$A${SUMMARY_ROW}))'], font=styles.FAIL_FONT),
    )


def add_check_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(SHEET_CHECKS)
    ws.merge_cells(f"A1:{_letter('单元格代码')}1")
    ws["A1"] = "校验：以下各项由公式自动计算（无需宏）。不通过的单元格在各表中标红，未填写的标黄。"
    ws["A1"].font = Font(name=styles.TITLE_FONT, size=13)
    ws.row_dimensions[1].height = 28
    for name, width in COLUMNS:
        cell = ws.cell(HEADER_ROW, COL[name], name)
        font, alignment, _, fill = styles.TEXT_STYLES["header"]
        cell.font, cell.alignment, cell.fill, cell.border = font, alignment, fill, styles.BORDER
        ws.column_dimensions[_letter(name)].width = width
    last = _write_rows(ws, wb)
    _mark_cells(wb)
    status, level, sheet_col = (_range(n, last) for n in ("结果", "级别", "所在表"))

    # row 2: 不通过的错误项数 | n | 提示项数 | n, the first count named CHECK_FAILS
    counts = ((_letter("所在表"), "不通过的错误项数", "错误"), (_letter("涉及单元格"), "提示项数", "警告"))
    for col, label, severity in counts:
        ws[f"{col}2"] = label
        value = ws.cell(2, column_index_from_string(col) + 1, "=" + countifs([(level, severity), (status, FAIL)]))
        ws[f"{col}2"].font = value.font = styles.TOTAL_FONT
        ws[f"{col}2"].alignment = Alignment(horizontal="right")
        value.alignment = Alignment(horizontal="left")
    fails = a1(*CHECK_FAILS_AT, absolute=True)
    wb.defined_names[CHECK_FAILS] = DefinedName(CHECK_FAILS, attr_text=f"{quoted(SHEET_CHECKS)}!{fails}")

    result = f"{_letter('结果')}{FIRST_CHECK_ROW}:{_letter('结果')}{last}"
    first_result = f"${_letter('结果')}{FIRST_CHECK_ROW}"
    first_level = f"${_letter('级别')}{FIRST_CHECK_ROW}"
    ws.conditional_formatting.add(result, FormulaRule(formula=[f'AND({first_result}="{FAIL}",{first_level}="错误")'], fill=styles.FAIL_FILL))
    ws.conditional_formatting.add(result, FormulaRule(formula=[f'{first_result}="{FAIL}"'], fill=styles.WARN_FILL))

    for table_id, sheet_name in SHEET_OF_TABLE.items():
        count = lambda sev, s=sheet_name: countifs([(sheet_col, s), (level, sev), (status, FAIL)])  # noqa: E731
        _summary_line(wb[sheet_name], table_summary(count), sheet_of(table_id).last_col)
    cover = next(s for s in sheets() if s.table is None)
    _summary_line(wb[cover.name], table_summary(lambda sev: countifs([(level, sev), (status, FAIL)]), "全部校验"), cover.last_col)

    ws.freeze_panes = f"A{FIRST_CHECK_ROW}"
    ws.sheet_view.showGridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    # printing the workbook prints the tables; of this sheet only its two lines of counts (the
    # rows are on screen, filtered as a clerk likes; a print area over them gives 25 pages)
    ws.print_area = f"A1:{_letter('结果')}2"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
