"""Where everything sits in the template: sheets, header blocks, labels and the address of every
cell code, all computed from the standard. The template writer, the reader's fallback, the filler
and the formula compiler read positions from here; no address is typed anywhere else.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from ..core.standard import CELLS, META_FIELDS, T2, T3, T3_APPLICANT_HEADING, T4, Table

# 2021.2: M-01/M-02 in the check sheet, cells may be coloured on protected sheets.
# 2021.3: the check sheet lists its problems first and prints them; S-01 (totals), M-03 and P-02
# in the sheet; 未填写 / 尚未填完; figures shown as typed; the workbook's structure protected.
TEMPLATE_VERSION = "2021.3"
KNOWN_TEMPLATE_VERSIONS = ("2021.2", TEMPLATE_VERSION)  # clerks' workbooks of 2021.2 are still read
VERSION_NAME = "TEMPLATE_VERSION"
VERSION_PROPERTY = "govreport_xl_template_version"

SHEET_COVER = "封面"
SHEET_CHECKS = "校验"
SHEET_OF_TABLE = {"T2": "二、主动公开", "T3": "三、依申请公开", "T4": "四、复议诉讼"}

TITLE_ROW = 1
SUMMARY_ROW = 2  # 本表校验：… (filled by the check compiler)
FIRST_TABLE_ROW = 3


@dataclass(frozen=True)
class Text:
    """A label or header, over a range of one or more cells."""

    first: tuple[int, int]  # (row, col), 1-based
    last: tuple[int, int]
    text: str
    style: str  # "title" | "header" | "label" | "group" | "note" | "summary"

    @property
    def ref(self) -> str:
        return span(self.first, self.last)


@dataclass
class SheetLayout:
    name: str
    table: Table | None
    widths: dict[int, float]
    texts: list[Text] = field(default_factory=list)
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)  # code -> (row, col)
    cell_spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # code -> last (row, col) where merged
    heights: dict[int, float] = field(default_factory=dict)
    last_col: int = 1

    def text(self, first, last, text, style):
        self.texts.append(Text(first, last, text, style))
        self.last_col = max(self.last_col, last[1])


def a1(row: int, col: int, absolute: bool = False) -> str:
    d = "$" if absolute else ""
    return f"{d}{get_column_letter(col)}{d}{row}"


def span(first: tuple[int, int], last: tuple[int, int]) -> str:
    return a1(*first) if first == last else f"{a1(*first)}:{a1(*last)}"


def _title(sheet: SheetLayout, text: str, last_col: int) -> None:
    sheet.text((TITLE_ROW, 1), (TITLE_ROW, last_col), text, "title")
    sheet.text((SUMMARY_ROW, 1), (SUMMARY_ROW, last_col), "", "summary")


def _t2() -> SheetLayout:
    sheet = SheetLayout(SHEET_OF_TABLE["T2"], T2, {1: 30, 2: 20, 3: 20, 4: 20})
    width = 4
    _title(sheet, T2.heading, width)
    r = FIRST_TABLE_ROW
    for block in T2.blocks:
        sheet.text((r, 1), (r, width), block.heading, "group")
        r += 1
        sheet.text((r, 1), (r, 1), "信息内容", "header")
        single = len(block.columns) == 1
        for i, col in enumerate(block.columns):
            last = width if single else 2 + i
            sheet.text((r, 2 + i), (r, last), col.label, "header")
        r += 1
        for row in block.rows:
            sheet.text((r, 1), (r, 1), row.label, "label")
            for i, col in enumerate(block.columns):
                code = f"T2.{row.code}.{col.code}"
                sheet.cells[code] = (r, 2 + i)
                if single:
                    sheet.cell_spans[code] = (r, width)
            r += 1
    return sheet


def _group_runs(rows, depth: int):
    """Runs of consecutive rows sharing the same group label at `depth`: (label, first, last index)."""
    runs, start = [], 0
    for i in range(1, len(rows) + 1):
        key = lambda k: rows[k].group[: depth + 1] if len(rows[k].group) > depth else None  # noqa: E731
        if i == len(rows) or key(i) != key(start):
            if key(start) is not None:
                runs.append((rows[start].group[depth], start, i - 1))
            start = i
    return runs


def _t3() -> SheetLayout:
    rows = T3.rows
    columns = T3.blocks[0].columns
    label_cols = 1 + max(len(r.group) for r in rows)  # A:C
    first_data_col = label_cols + 1
    last_col = label_cols + len(columns)
    # label columns wide enough that 三、本年度办理结果 and （三）不予公开 break between words
    sheet = SheetLayout(SHEET_OF_TABLE["T3"], T3, {1: 10, 2: 14, 3: 44, **{c: 9 for c in range(first_data_col, last_col + 1)}})
    _title(sheet, T3.heading, last_col)
    h = FIRST_TABLE_ROW
    sheet.text((h, 1), (h + 2, label_cols), T3.note, "note")
    sheet.text((h, first_data_col), (h, last_col), T3_APPLICANT_HEADING, "header")
    i = 0
    while i < len(columns):
        col = columns[i]
        c = first_data_col + i
        if not col.group:
            sheet.text((h + 1, c), (h + 2, c), col.label, "header")
            i += 1
            continue
        j = i
        while j < len(columns) and columns[j].group == col.group:
            sheet.text((h + 2, first_data_col + j), (h + 2, first_data_col + j), columns[j].label, "header")
            j += 1
        sheet.text((h + 1, c), (h + 1, first_data_col + j - 1), col.group[0], "header")
        i = j
    sheet.heights.update({h: 22, h + 1: 22, h + 2: 30})
    top = h + 3
    for depth in range(label_cols - 1):
        for label, first, last in _group_runs(rows, depth):
            sheet.text((top + first, depth + 1), (top + last, depth + 1), label, "group")
    for k, row in enumerate(rows):
        r = top + k
        sheet.text((r, len(row.group) + 1), (r, label_cols), row.label, "label")
        for ci, col in enumerate(columns):
            sheet.cells[f"T3.{row.code}.{col.code}"] = (r, first_data_col + ci)
    return sheet


def _t4() -> SheetLayout:
    rows = T4.rows
    columns = T4.blocks[0].columns
    n = len(columns)
    last_col = n * len(rows)
    sheet = SheetLayout(SHEET_OF_TABLE["T4"], T4, {c: 9.5 for c in range(1, last_col + 1)})
    _title(sheet, T4.heading, last_col)
    h = FIRST_TABLE_ROW
    depth = max(len(r.group) for r in rows) + 1  # header rows above the column labels
    c = 1
    k = 0
    while k < len(rows):
        row = rows[k]
        if not row.group:
            sheet.text((h, c), (h + depth - 1, c + n - 1), row.label, "header")
            c += n
            k += 1
            continue
        j = k
        while j < len(rows) and rows[j].group == row.group:
            sheet.text((h + 1, c + (j - k) * n), (h + 1, c + (j - k + 1) * n - 1), rows[j].label, "header")
            j += 1
        sheet.text((h, c), (h, c + (j - k) * n - 1), row.group[0], "header")
        c += (j - k) * n
        k = j
    label_row, value_row = h + depth, h + depth + 1
    for ri, row in enumerate(rows):
        for ci, col in enumerate(columns):
            cc = ri * n + ci + 1
            sheet.text((label_row, cc), (label_row, cc), col.label, "header")
            sheet.cells[f"T4.{row.code}.{col.code}"] = (value_row, cc)
    sheet.heights.update({label_row: 30, value_row: 24})
    return sheet


# --- Cover -------------------------------------------------------------------------------------

COVER_TITLE = "政府信息公开工作年度报告 统计表"
COVER_FIRST_FIELD_ROW = 3
COVER_INSTRUCTIONS = (
    "填写说明",
    "1. 黄色单元格为填写区，灰色单元格为自动计算的总计，请勿改动；工作表和工作簿结构已保护（无密码），只能在填写区输入。",
    "2. 件数一律填写不小于 0 的整数；没有发生的填 0，不要留空，也不要填“/”“无”“—”。",
    "3. 行政事业性收费金额以万元为单位，可保留小数。",
    "4. 各表顶部显示本表校验结果（未填写、尚未填完、不通过或通过），不通过的单元格标红，未填写的标黄；"
    "「校验」表先列出需要改正的问题（打印即得这一页），再逐条列出全部检查。",
    "5. 单元格被设成日期格式、合计被改成别的公式等几项，公式查不出：报送前请按「校验」按钮或用命令行 govreport-xl validate 复核。",
    "6. 表格格式依据《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）。",
)


def _cover() -> SheetLayout:
    sheet = SheetLayout(SHEET_COVER, None, {1: 20, 2: 44, 3: 30})
    _title(sheet, COVER_TITLE, 3)  # its summary line is 全部校验
    r = COVER_FIRST_FIELD_ROW
    for f in META_FIELDS:
        sheet.text((r, 1), (r, 1), f.label + ("（必填）" if f.required else ""), "label")
        sheet.cells[f.name] = (r, 2)
        sheet.text((r, 3), (r, 3), f.hint, "hint")
        r += 1
    r += 1
    for line in COVER_INSTRUCTIONS:
        sheet.text((r, 1), (r, 3), line, "header" if line == COVER_INSTRUCTIONS[0] else "instruction")
        sheet.heights[r] = 20 if line == COVER_INSTRUCTIONS[0] else 32
        r += 1
    sheet.cells[VERSION_NAME] = (r + 1, 1)  # hidden row holding the version stamp
    return sheet


LINE_HEIGHT = 14  # points per wrapped line of 10-point text
VALUE_ROW_HEIGHT = 18


def text_units(text: str) -> float:
    """Width of a text in column-width units: a CJK character is about two digits wide."""
    return sum(1.0 if ord(ch) < 0x2E80 else 1.75 for ch in text)


def _fit_heights(sheet: SheetLayout) -> SheetLayout:
    """Rows tall enough for their wrapped one-row labels (spreadsheets do not autofit on open)."""
    for r, _ in sheet.cells.values():
        sheet.heights[r] = max(sheet.heights.get(r, 0), VALUE_ROW_HEIGHT)
    for t in sheet.texts:
        if t.first[0] != t.last[0] or t.style not in ("label", "header", "instruction"):
            continue
        width = sum(sheet.widths.get(c, 8.43) for c in range(t.first[1], t.last[1] + 1))
        lines = -(-text_units(t.text) // (width - 1))
        if lines > 1:
            row = t.first[0]
            sheet.heights[row] = max(sheet.heights.get(row, 0), lines * LINE_HEIGHT + 4)
    return sheet


@cache
def sheets() -> tuple[SheetLayout, ...]:
    """The data sheets in workbook order: cover, then one per table. (The check sheet is compiled separately.)"""
    return tuple(_fit_heights(s) for s in (_cover(), _t2(), _t3(), _t4()))


@cache
def positions() -> dict[str, tuple[str, int, int]]:
    """Every named cell (cell codes and META_* names) -> (sheet, row, col)."""
    return {code: (s.name, r, c) for s in sheets() for code, (r, c) in s.cells.items()}


def defined_name(code: str) -> str:
    """T3.R01.C1 -> T3_R01_C1; metadata names are already names."""
    return CELLS[code].name if code in CELLS else code


def address(code: str) -> str:
    """The `sheet!A1` address of a cell code (or META_* name) in the template."""
    sheet, r, c = positions()[code]
    return f"{sheet}!{a1(r, c)}"


def sheet_of(table_id: str) -> SheetLayout:
    return next(s for s in sheets() if s.table is not None and s.table.id == table_id)


def compact_cells(cells) -> str:
    """「三、依申请公开!D8:D29,J6:J7」: each sheet named once; runs of adjacent cells along a row or
    a column shown as ranges, in the order given."""
    groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for ref in cells:
        sheet, _, addr = ref.rpartition("!")
        col, row = coordinate_from_string(addr)
        groups[sheet].append((row, column_index_from_string(col)))
    parts = []
    for sheet, refs in groups.items():
        runs: list[list[tuple[int, int]]] = []
        for r, c in refs:
            run = runs[-1] if runs else None
            if run and len(run) == 1 and (r, c) in ((run[0][0] + 1, run[0][1]), (run[0][0], run[0][1] + 1)):
                run.append((r, c))
            elif run and len(run) > 1 and (r - run[-1][0], c - run[-1][1]) == (run[1][0] - run[0][0], run[1][1] - run[0][1]):
                run.append((r, c))
            else:
                runs.append([(r, c)])
        shown = [a1(*run[0]) + (f":{a1(*run[-1])}" if len(run) > 1 else "") for run in runs]
        parts.append(f"{sheet}!{','.join(shown)}")
    return "；".join(parts)
