"""The in-sheet checks: a 校验 sheet listing every concrete check of the in-sheet rules as live
formulas (its problems first, on a page a clerk can print and hand over; then every check, with a
filter), the CHECK_FAILS name, a 本表校验 line on each table sheet and conditional formats that
mark failing and blank cells. Compiled from the rule catalogue; works without macros.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .formulas import (
    FAIL, PENDING, blank, check_formulas, countifs, invalid_value, message_start, numeric_form, quoted,
    total_description, typed_text, value_problem,
)
from .layout import LINE_HEIGHT, SHEET_CHECKS, SHEET_COVER, SHEET_OF_TABLE, SUMMARY_ROW, a1, address, compact_cells, defined_name, positions, sheet_of, sheets, text_units
from ..core.evaluate import REPORT_ORDER
from ..core.rules import CellCheck, MetaCheck, Severity, TotalCheck, in_sheet_checks
from ..core.standard import CELLS, INPUT_CODES, CellKind, cell_label

CHECK_FAILS = "CHECK_FAILS"
SEVERITY_LABEL = {Severity.ERROR: "错误", Severity.WARNING: "警告"}
BLANK_RULE = "V-03"  # blank cells are counted and coloured, not listed among the problems

# (header, width) of each column of the list of checks; the order is the check sheet's public
# shape, read by tests. The problem list at the top shows the first eight.
COLUMNS = (
    ("序号", 6), ("规则", 8), ("级别", 6), ("所在表", 14), ("说明", 72),
    ("涉及单元格", 26), ("应为", 12), ("实际", 12), ("结果", 8), ("单元格代码", 40),
)
COL = {name: i + 1 for i, (name, _) in enumerate(COLUMNS)}
WIDTH = dict(COLUMNS)
PROBLEM_COLUMNS = tuple(name for name, _ in COLUMNS[:8])
KEY_COL = len(COLUMNS) + 1  # hidden: each failing check's place in the problem list
# hidden: of a cell's own V-01 / V-02 row, the cell's value, its message up to the reason and
# whether it is a logical value; of a problem listed at the top, the row it shows, that value, its
# text as typed and as a number reads it. The reason (value_problem) is worked out in the listed
# problems only: once per printed row, not per cell, which keeps the workbook small and quick to read.
VALUE_COL, START_COL, LOGICAL_COL = KEY_COL + 1, KEY_COL + 2, KEY_COL + 3
MATCH_COL, SLOT_VALUE_COL, TYPED_COL, FORM_COL = KEY_COL + 1, KEY_COL + 2, KEY_COL + 3, KEY_COL + 4
VALUE_RULES = ("V-01", "V-02")
WRAPPED = ("说明", "涉及单元格")
SCALE = {"说明": 1.0, "涉及单元格": 0.8}  # the cell lists are in a 9-point font
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center")

COUNTS_ROW, NOTE_ROW = 2, 3
PROBLEMS_TITLE_ROW = 5
FIRST_SLOT_ROW = PROBLEMS_TITLE_ROW + 2
SLOTS = 15  # problems listed on the printed page; the rest are in the full list below it
SLOT_LINES = 3  # a cell's whole message, its label and what to do, at the 说明 column's width
ALL_TITLE_ROW = FIRST_SLOT_ROW + SLOTS + 1
HEADER_ROW = ALL_TITLE_ROW + 1
FIRST_CHECK_ROW = HEADER_ROW + 1
# the counts, in the hidden key column: errors (named CHECK_FAILS), warnings other than blanks,
# blank cells, checks waiting for a wrong cell
COUNT_ROWS = {"errors": 2, "warnings": 3, "blanks": 4, "pending": 5}
CHECK_FAILS_AT = (COUNT_ROWS["errors"], KEY_COL)
ORDER_STEP = 100000  # each rule's rows after those of the rules before it in REPORT_ORDER

ONLY_THE_BUTTON = ("公式查不出的：单元格被设成了日期格式、合计的公式被改成了另一个公式、工作表和名称是否齐全、模板版本。"
                   "报送前请按「校验」按钮（Excel 加载项）或用命令行 govreport-xl validate 复核。")
PASSED_NOTE = "；日期格式等公式查不出的几项，报送前请按「校验」按钮或用命令行复核"


def formula_cells() -> dict[str, tuple[str, ...]]:
    """The cells of the in-sheet checks that must hold formulas: every check's 结果, the counts
    (CHECK_FAILS among them), and the 本表校验 / 全部校验 lines. A constant in any of them makes
    the sheet's 通过 a lie."""
    status = _letter("结果")
    counts = tuple(a1(r, KEY_COL) for r in COUNT_ROWS.values())
    out = {SHEET_CHECKS: (*counts, *(f"{status}{FIRST_CHECK_ROW + n}" for n in range(len(in_sheet_checks()))))}
    for layout in sheets():
        out[layout.name] = (a1(SUMMARY_ROW, 1),)
    return out


def _letter(name: str | int) -> str:
    return a1(1, COL[name] if isinstance(name, str) else name)[:-1]


def _range(name: str | int, last_row: int) -> str:
    col = _letter(name)
    return f"{quoted(SHEET_CHECKS)}!${col}${FIRST_CHECK_ROW}:${col}${last_row}"


# what a cell's row says to do, where the rule's own message needs the figures the engine has
CELL_ROWS = {
    "V-01": "应填不小于 0 的整数，没有发生的填 0（不要填文字、“/”或小数）",
    "V-02": "应填不小于 0 的金额（万元，可有小数，不带单位）",
    "V-03": "未填写；没有发生的请填 0",
}


def describe(check, status: str = "") -> str:
    """The row's 说明. A total's S-01 row, once it fails (`status`: its 结果), says why and what to
    do in the engine's words; so does a wrong cell where the problems are listed (_problem_list)."""
    if isinstance(check, TotalCheck) and status:
        return total_description(check.code, status, describe(check))
    if isinstance(check, MetaCheck):
        return f"「{check.label}」：{check.rule.summary['zh']}"
    if isinstance(check, TotalCheck):
        return f"「{cell_label(check.code)}」：合计由公式计算；被改写时请恢复公式或重新从模板复制"
    if isinstance(check, CellCheck):
        return f"「{cell_label(check.code)}」：{CELL_ROWS[check.rule.id]}"
    return check.rule.message["zh"].format(**check.params)


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


def _mark_check(wb: Workbook, check, status_ref: str) -> None:
    """The cells a failing check names, red (error) or amber (warning), as the 校验 button marks them."""
    fill = styles.FAIL_FILL if check.rule.severity is Severity.ERROR else styles.WARN_FILL
    by_sheet: dict[str, list[str]] = defaultdict(list)
    for code in check.codes:
        sheet, r, c = positions()[code]
        by_sheet[sheet].append(a1(r, c))
    for sheet, refs in by_sheet.items():
        wb[sheet].conditional_formatting.add(" ".join(refs), FormulaRule(formula=[f'{status_ref}="{FAIL}"'], fill=fill))


def _mark_cells(wb: Workbook) -> None:
    """Red for an input V-01/V-02 refuses, amber for a blank one: same predicates as the check
    rows. Totals are not judged by value here: a total is wrong only through its parts (which are
    marked) or its formula (its S-01 row marks it), as the engine says."""
    for kind, rule_id in ((CellKind.COUNT, "V-01"), (CellKind.AMOUNT, "V-02")):
        codes = [c for c in INPUT_CODES if CELLS[c].kind is kind]
        for sheet, first, last in _row_runs(codes):
            ref = a1(*first)
            wb[sheet].conditional_formatting.add(
                f"{ref}:{a1(*last)}", FormulaRule(formula=[invalid_value(rule_id, ref)], fill=styles.FAIL_FILL)
            )
    for sheet, first, last in _row_runs(INPUT_CODES):
        ref = a1(*first)
        wb[sheet].conditional_formatting.add(
            f"{ref}:{a1(*last)}", FormulaRule(formula=[f"IFERROR({blank(ref)},FALSE)"], fill=styles.WARN_FILL)
        )


def _status_rows() -> tuple[dict[str, int], dict[str, int]]:
    """The check-sheet row of each cell's own check (V-01 or V-02), and of each total's S-01."""
    values, totals = {}, {}
    for n, check in enumerate(in_sheet_checks()):
        if isinstance(check, CellCheck) and check.rule.id in ("V-01", "V-02"):
            values[check.code] = FIRST_CHECK_ROW + n
        elif isinstance(check, TotalCheck):
            totals[check.code] = FIRST_CHECK_ROW + n
    return values, totals


def _style(cell, name: str) -> None:
    cell.border = styles.BORDER
    cell.font = styles.SMALL_FONT if name in ("单元格代码", "涉及单元格") else styles.CHECK_FONT
    cell.alignment = WRAP if name in WRAPPED else CENTER


def _write_rows(ws: Worksheet, wb: Workbook) -> int:
    row = FIRST_CHECK_ROW
    value_rows, total_rows = _status_rows()
    status_col = _letter("结果")
    for n, check in enumerate(in_sheet_checks(), start=1):
        expected, actual, status = check_formulas(check, lambda code: f"${status_col}${value_rows[code]}",
                                                  lambda code: f"${status_col}${total_rows[code]}")
        if isinstance(check, CellCheck) and check.rule.id in VALUE_RULES:
            ws.cell(row, VALUE_COL, f"={defined_name(check.code)}")
            ws.cell(row, START_COL, message_start(check))
            ws.cell(row, LOGICAL_COL, f"=ISLOGICAL({defined_name(check.code)})")
        values = {
            "序号": n, "规则": check.rule.id, "级别": SEVERITY_LABEL[check.rule.severity], "所在表": sheet_of_check(check),
            "说明": describe(check, f"${status_col}{row}"), "涉及单元格": cells_text(check.codes),
            "应为": expected, "实际": actual, "结果": status, "单元格代码": " ".join(check.codes),
        }
        for name, value in values.items():
            _style(ws.cell(row, COL[name], value), name)
        b, i = (f"${_letter(x)}{row}" for x in ("规则", "结果"))
        # the problems in the engine's order (errors first), then down the sheet
        order = REPORT_ORDER.index(check.rule.id) * ORDER_STEP
        ws.cell(row, KEY_COL, f'=IF(AND({i}="{FAIL}",{b}<>"{BLANK_RULE}"),{order}+ROW(),"")')
        shown = {"说明": describe(check), "涉及单元格": values["涉及单元格"]}  # as it reads while it passes
        lines = max(-(-text_units(shown[n]) * SCALE[n] // (WIDTH[n] - 1)) for n in WRAPPED)
        if lines > 1:
            ws.row_dimensions[row].height = lines * LINE_HEIGHT + 2
        if not isinstance(check, CellCheck):
            _mark_check(wb, check, f"{quoted(SHEET_CHECKS)}!${status_col}${row}")
        row += 1
    return row - 1


def _counter(last: int):
    """count(kind, sheet=None): a COUNTIFS over the check rows of one sheet (or all) for errors,
    warnings other than blank cells, or blank cells: the CLI's errors are the first, its warnings
    the other two."""
    status, level, sheet_col, rule = (_range(n, last) for n in ("结果", "级别", "所在表", "规则"))

    def count(kind: str, sheet: str | None = None) -> str:
        where = [(sheet_col, sheet)] if sheet else []
        pairs = {"errors": [(level, "错误")], "warnings": [(level, "警告"), (rule, f"<>{BLANK_RULE}")],
                 "blanks": [(rule, BLANK_RULE)]}[kind]
        return countifs([*where, *pairs, (status, FAIL)])

    return count


def _summary_formula(title: str, errors: str, warnings: str, blanks: str, inputs: int) -> str:
    """The 本表校验 / 全部校验 line: 未填写 until a figure is in, 尚未填完 while cells are blank,
    then 不通过 or 通过. Its errors are the CLI's errors; its warnings plus blank cells, the CLI's
    warnings."""
    see = '，详见「校验」'
    errors_part = f'IF({errors}>0,"；"&{errors}&" 个错误{see}","")'
    return (f'=IF({blanks}={inputs},"{title}：未填写，黄色单元格待填（没有发生的填 0）"&{errors_part},'
            f'IF({blanks}>0,"{title}：尚未填完，还有 "&{blanks}&" 个单元格未填写"'
            f'&IF({errors}>0,"；"&{errors}&" 个错误","")&IF({warnings}>0,"；"&{warnings}&" 个其他警告","")&"{see}",'
            f'IF({errors}>0,"{title}：不通过，"&{errors}&" 个错误"&IF({warnings}>0,"、"&{warnings}&" 个警告","")&"{see}",'
            f'"{title}：通过"&IF({warnings}>0,"（"&{warnings}&" 个警告{see}）","")&"{PASSED_NOTE}")))')


def _summary_line(ws: Worksheet, formula: str, last_col: int) -> None:
    """The line at the top of a sheet: green when passing, amber while unfilled, red when not."""
    cell = ws.cell(SUMMARY_ROW, 1, formula)
    cell.font = styles.Font(name=styles.BODY_FONT, size=11, bold=True, color="006100")
    line = f"A{SUMMARY_ROW}:{a1(SUMMARY_ROW, last_col)}"
    ws.conditional_formatting.add(line, FormulaRule(formula=[f'ISNUMBER(SEARCH("{FAIL}",$A${SUMMARY_ROW}))'], font=styles.FAIL_FONT))
    ws.conditional_formatting.add(line, FormulaRule(formula=[f'ISNUMBER(SEARCH("未填",$A${SUMMARY_ROW}))'], font=styles.UNFILLED_FONT))


def _problem_list(ws: Worksheet, last: int) -> None:
    """The failing checks, errors first, in the first rows of the sheet (what gets printed)."""
    keys = f"${_letter(KEY_COL)}${FIRST_CHECK_ROW}:${_letter(KEY_COL)}${last}"
    errors, warnings = (a1(COUNT_ROWS[k], KEY_COL, absolute=True) for k in ("errors", "warnings"))
    ws.merge_cells(f"A{PROBLEMS_TITLE_ROW}:{_letter('实际')}{PROBLEMS_TITLE_ROW}")
    title = ws.cell(PROBLEMS_TITLE_ROW, 1, (
        f'=IF({errors}+{warnings}=0,"需要改正的问题：没有（未填写的单元格在各表中标黄）",'
        f'"需要改正的问题："&({errors}+{warnings})&" 项，先错误、后警告"'
        f'&IF({errors}+{warnings}>{SLOTS},"；这里列出前 {SLOTS} 项，其余见下方「全部检查」",""))'))
    title.font = Font(name=styles.BODY_FONT, size=11, bold=True)
    for name in PROBLEM_COLUMNS:
        _header(ws, PROBLEMS_TITLE_ROW + 1, name)
    column = lambda c: f"${_letter(c)}${FIRST_CHECK_ROW}:${_letter(c)}${last}"  # noqa: E731
    for k in range(1, SLOTS + 1):
        r = FIRST_SLOT_ROW + k - 1
        key, at, value, typed, form = (f"${_letter(c)}{r}" for c in (KEY_COL, MATCH_COL, SLOT_VALUE_COL, TYPED_COL, FORM_COL))
        ws.cell(r, KEY_COL, f'=IFERROR(SMALL({keys},{k}),"")')
        ws.cell(r, MATCH_COL, f'=IF({key}="","",MATCH({key},{keys},0))')
        ws.cell(r, SLOT_VALUE_COL, f'=IF({key}="","",INDEX({column(VALUE_COL)},{at}))')
        ws.cell(r, TYPED_COL, typed_text(value))
        ws.cell(r, FORM_COL, numeric_form(typed))
        rule = f"INDEX({column(COL['规则'])},{at})"
        for name in PROBLEM_COLUMNS:
            found = f"INDEX({column(COL[name])},{at})"
            if name == "说明":  # a wrong cell: why, in the engine's words
                why = value_problem(value, typed, form, whole=f'{rule}="V-01"', logical=f"INDEX({column(LOGICAL_COL)},{at})")
                found = f'IF(OR({",".join(f"{rule}={chr(34)}{v}{chr(34)}" for v in VALUE_RULES)}),INDEX({column(START_COL)},{at})&{why},{found})'
            _style(ws.cell(r, COL[name], f'=IF({key}="","",{found})'), name)
        ws.row_dimensions[r].height = SLOT_LINES * LINE_HEIGHT + 2


def _header(ws: Worksheet, row: int, name: str) -> None:
    cell = ws.cell(row, COL[name], name)
    font, alignment, _, fill = styles.TEXT_STYLES["header"]
    cell.font, cell.alignment, cell.fill, cell.border = font, alignment, fill, styles.BORDER


def add_check_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(SHEET_CHECKS)
    ws.merge_cells(f"A1:{_letter('单元格代码')}1")
    ws["A1"] = "校验：以下各项由公式自动计算（无需宏）。不通过的单元格在各表中标红，未填写的标黄。"
    ws["A1"].font = Font(name=styles.TITLE_FONT, size=13)
    ws.row_dimensions[1].height = 28
    for name, width in COLUMNS:
        _header(ws, HEADER_ROW, name)
        ws.column_dimensions[_letter(name)].width = width
    last = _write_rows(ws, wb)
    _mark_cells(wb)
    count = _counter(last)
    status = _range("结果", last)

    counts = {"errors": count("errors"), "warnings": count("warnings"), "blanks": count("blanks"),
              "pending": f'COUNTIF({status},"{PENDING}")'}
    for kind, formula in counts.items():
        ws.cell(COUNT_ROWS[kind], KEY_COL, "=" + formula)
    e, w, b, p = (f"{quoted(SHEET_CHECKS)}!{a1(COUNT_ROWS[k], KEY_COL, absolute=True)}" for k in COUNT_ROWS)
    ws.merge_cells(f"A{COUNTS_ROW}:{_letter('单元格代码')}{COUNTS_ROW}")
    # "错误：0": a figure printed right after a label, never alone (a PDF import of a printed
    # workbook must not take the counts for a row of table 4, the page before)
    line = ws.cell(COUNTS_ROW, 1, f'="错误："&{e}&" 项　　警告："&{w}&" 项　　未填写的单元格："&{b}&" 个　　'
                                  f'等上面的错误改正后再查："&{p}&" 项"')
    line.font = styles.TOTAL_FONT
    ws.merge_cells(f"A{NOTE_ROW}:{_letter('实际')}{NOTE_ROW}")
    note = ws.cell(NOTE_ROW, 1, ONLY_THE_BUTTON)
    note.font, note.alignment = styles.CHECK_FONT, WRAP
    ws.row_dimensions[NOTE_ROW].height = 2 * LINE_HEIGHT + 4
    wb.defined_names[CHECK_FAILS] = DefinedName(CHECK_FAILS, attr_text=f"{quoted(SHEET_CHECKS)}!{a1(*CHECK_FAILS_AT, absolute=True)}")
    _problem_list(ws, last)
    ws.merge_cells(f"A{ALL_TITLE_ROW}:{_letter('单元格代码')}{ALL_TITLE_ROW}")
    ws.cell(ALL_TITLE_ROW, 1, "全部检查：每条勾稽关系、每个单元格各一行（点「结果」列的筛选按钮，可以只看不通过的）").font = Font(
        name=styles.BODY_FONT, size=11, bold=True)
    for col in (KEY_COL, VALUE_COL, START_COL, LOGICAL_COL, FORM_COL):
        ws.column_dimensions[_letter(col)].hidden = True

    for first_row, last_row in ((FIRST_CHECK_ROW, last), (FIRST_SLOT_ROW, FIRST_SLOT_ROW + SLOTS - 1)):
        result = f"{_letter('结果')}{first_row}:{_letter('结果')}{last_row}"
        first_result, first_level = f"${_letter('结果')}{first_row}", f"${_letter('级别')}{first_row}"
        ws.conditional_formatting.add(result, FormulaRule(formula=[f'AND({first_result}="{FAIL}",{first_level}="错误")'], fill=styles.FAIL_FILL))
        ws.conditional_formatting.add(result, FormulaRule(formula=[f'{first_result}="{FAIL}"'], fill=styles.WARN_FILL))
    level = f"{_letter('级别')}{FIRST_SLOT_ROW}:{_letter('级别')}{FIRST_SLOT_ROW + SLOTS - 1}"
    ws.conditional_formatting.add(level, FormulaRule(formula=[f'${_letter("级别")}{FIRST_SLOT_ROW}="错误"'], font=styles.FAIL_FONT))

    for table_id, sheet_name in SHEET_OF_TABLE.items():
        inputs = sum(1 for c in INPUT_CODES if positions()[c][0] == sheet_name)
        formula = _summary_formula("本表校验", *(count(k, sheet_name) for k in ("errors", "warnings", "blanks")), inputs)
        _summary_line(wb[sheet_name], formula, sheet_of(table_id).last_col)
    cover = next(s for s in sheets() if s.table is None)
    _summary_line(wb[cover.name], _summary_formula("全部校验", e, w, b, len(INPUT_CODES)), cover.last_col)

    ws.auto_filter.ref = f"A{HEADER_ROW}:{_letter('单元格代码')}{last}"
    ws.freeze_panes = f"A{COUNTS_ROW + 1}"
    ws.sheet_view.showGridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    # printing gives one page a clerk can hand over: the counts and the problems, errors first
    ws.print_area = f"A1:{_letter('实际')}{FIRST_SLOT_ROW + SLOTS - 1}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False  # the filter works on the protected sheet

