"""What a checked workbook shows a clerk: the fill of every value cell (the template's own, or red
for an error and amber for a warning) and the rows of the 校验结果 sheet. One plan, drawn by the
Excel add-in (xlwings) and by `validate --marked` (openpyxl), so both mark exactly alike.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ..core.a1 import split_address
from ..core.findings import plain
from ..core.result import Result
from ..core.rules import RULES, Severity
from ..core.standard import CELLS, META_FIELDS
from . import styles
from .layout import TEMPLATE_VERSION, a1, address, compact_cells

RESULTS_SHEET = "校验结果"
APP_TITLE = "政务公开年报"
RESULTS_HEADER = ("序号", "规则", "级别", "说明", "单元格", "应为", "实际")
RESULTS_WIDTHS = (6, 8, 8, 60, 36, 10, 10)
HEADER_ROW = 4
SEVERITY_LABEL = {Severity.ERROR: "错误", Severity.WARNING: "警告"}
UNCHECKED_LABEL = "无法校验"

Cell = tuple[int, int]  # (row, col)
Rect = tuple[int, int, int, int]  # first row, first col, last row, last col


def _hex(fill) -> str:
    return "#" + fill.fgColor.rgb[-6:]


TEMPLATE_INPUT, TEMPLATE_TOTAL = _hex(styles.INPUT_FILL), _hex(styles.TOTAL_FILL)
MARK_ERROR, MARK_WARNING = _hex(styles.FAIL_FILL), _hex(styles.WARN_FILL)
RESULTS_HEADER_COLOUR = _hex(styles.HEADER_FILL)


@dataclass(frozen=True)
class MarkPlan:
    fills: dict[str, dict[Cell, str]]  # sheet -> every value cell -> its colour ("#RRGGBB")
    rows: list[list[object]]  # the results sheet, from A1; links are HYPERLINK formulas
    summary: str  # the one line a clerk reads first
    marked: int  # how many cells are red or amber


def rectangles(fills: dict[Cell, str]) -> list[tuple[str, Rect]]:
    """Cover cells with same-coloured rectangles, greedily: right as far as the colour runs, then
    down while the whole row segment does."""
    done: set[Cell] = set()
    out = []
    for (r, c) in sorted(fills):
        if (r, c) in done:
            continue
        colour = fills[(r, c)]
        last_c = c
        while fills.get((r, last_c + 1)) == colour and (r, last_c + 1) not in done:
            last_c += 1
        last_r = r
        while all(fills.get((last_r + 1, k)) == colour and (last_r + 1, k) not in done for k in range(c, last_c + 1)):
            last_r += 1
        done.update((i, k) for i in range(r, last_r + 1) for k in range(c, last_c + 1))
        out.append((colour, (r, c, last_r, last_c)))
    return out


def summary_text(result: Result) -> str:
    if result.errors or result.warnings:
        parts = [f"{n} 个{label}" for n, label in ((result.errors, "错误"), (result.warnings, "警告")) if n]
        text = "发现 " + "、".join(parts)
    else:
        text = "校验通过"
    missing = sum(u.for_want_of_cells for u in result.unchecked)
    if missing:
        text += f"；{missing} 项因缺少单元格无法校验"
    if limits := _limits(result):
        text += "（" + "；".join(limits) + "）"
    return text


def _limits(result: Result) -> list[str]:
    """What this engine could not look at (not the report's fault), said once each."""
    return list(dict.fromkeys(u.reason.render("zh") for u in result.unchecked
                              if not (u.for_want_of_cells or u.waits_for_a_fix)))


def _link(cells: tuple[str, ...]) -> object:
    if not cells:
        return ""
    sheet, col, row = split_address(cells[0])
    target = "#'" + sheet.replace("'", "''") + f"'!{a1(row, col)}"
    shown = compact_cells(cells).replace('"', '""')
    return f'=HYPERLINK("{target}","{shown}")'


def _shown(value) -> object:
    value = plain(value)
    return "（空白）" if value is None else value


def result_entries(result: Result) -> list[tuple]:
    """The results sheet's rows below its header, with the cells as a tuple of "sheet!A1"
    (the sheet links them; a web page lists them): (序号, 规则, 级别, 说明, cells, 应为, 实际)."""
    rows: list[tuple] = []
    for n, f in enumerate(result.findings, start=1):
        has_sides = f.expected is not None
        text = f.message("zh")
        if has_sides and (sides := RULES[f.rule].sides_text(str(_shown(f.expected)), str(_shown(f.actual)))):
            text += f"（{sides}）"
        rows.append((n, f.rule, SEVERITY_LABEL[f.severity], text, tuple(f.cells or ()),
                     _shown(f.expected) if has_sides else "", _shown(f.actual) if has_sides else ""))
    for u in result.unchecked:
        if u.for_want_of_cells:
            rows.append(("", u.rule, UNCHECKED_LABEL, u.reason.render("zh"), tuple(u.cells), "", ""))
    if waiting := sum(u.waits_for_a_fix for u in result.unchecked):
        rows.append(("", "", UNCHECKED_LABEL, f"另有 {waiting} 项检查用到上面填写有误的单元格，要等它们改正后才能进行", (), "", ""))
    rows += [("", "", UNCHECKED_LABEL, text, (), "", "") for text in _limits(result)]
    return rows


def is_template(result: Result) -> bool:
    """False for a workbook with nothing of the template in it (S-01 not_template)."""
    return not any(f.rule == "S-01" and getattr(f.params.get("reason"), "key", None) == "not_template" for f in result.findings)


def results_rows(result: Result, when: _dt.datetime, version: object = TEMPLATE_VERSION) -> list[list[object]]:
    meta = result.figures.meta
    who = f"{meta.name or '（未填机关名称）'} {meta.year or ''}".strip()
    stamp = "" if not is_template(result) else f"　模板版本：{version if version is not None else '无'}"
    rows: list[list[object]] = [
        [f"{APP_TITLE} 校验结果：{who}"],
        [f"校验时间：{when.strftime('%Y-%m-%d %H:%M:%S')}{stamp}"],
        [f"结果：{summary_text(result)}"],
        list(RESULTS_HEADER),
    ]
    rows += [[n, rule, level, text, _link(cells), expected, actual]
             for n, rule, level, text, cells, expected, actual in result_entries(result)]
    return rows


def restore_plan(addresses: dict[str, str]) -> dict[str, dict[Cell, str]]:
    """The template's own fill of every value cell, where the source found it (names may have
    moved cells from the template's places): what clearing the marks writes back."""
    fills: dict[str, dict[Cell, str]] = {}
    for code in (*CELLS, *(f.name for f in META_FIELDS)):
        sheet, col, row = split_address(addresses.get(code) or address(code))
        total = code in CELLS and CELLS[code].is_total
        fills.setdefault(sheet, {})[(row, col)] = TEMPLATE_TOTAL if total else TEMPLATE_INPUT
    return fills


def plan(result: Result, addresses: dict[str, str], when: _dt.datetime | None = None,
         version: object = TEMPLATE_VERSION) -> MarkPlan:
    """The fills and results rows for a checked workbook; `version` is the template version the
    workbook carries (None: none). A workbook that is not a template keeps its colours."""
    fills = restore_plan(addresses) if is_template(result) else {}
    marked: dict[tuple[str, Cell], str] = {}
    for f in result.findings:
        colour = MARK_ERROR if f.is_error else MARK_WARNING
        for ref in f.cells:
            sheet, col, row = split_address(ref)
            if sheet in fills and (row, col) in fills[sheet] and marked.get((sheet, (row, col))) != MARK_ERROR:
                marked[(sheet, (row, col))] = colour
    for (sheet, cell), colour in marked.items():
        fills[sheet][cell] = colour
    when = when or _dt.datetime.now().replace(microsecond=0)
    return MarkPlan(fills, results_rows(result, when, version), summary_text(result), len(marked))
