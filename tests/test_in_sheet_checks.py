"""The in-sheet checks agree with the engine, in a real spreadsheet engine.

Each workbook (the example and broken copies) is recalculated by LibreOffice headless; for every
file the failing checks of the 校验 sheet must be the engine's findings of what the sheet checks
(same rule ids, same cells), the checks waiting for a wrong cell the same, and the counts and the
lines at the top of each sheet what the engine's figures give.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import openpyxl
import pytest

from govreport_xl.api import validate as validate_path
from govreport_xl.core.evaluate import REPORT_ORDER
from govreport_xl.core.reading import BROKEN_TOTAL
from govreport_xl.core.rules import RULES, in_sheet_checks
from govreport_xl.excel.check_sheet import (
    CHECK_FAILS, COLUMNS, COUNT_ROWS, FIRST_CHECK_ROW, FIRST_SLOT_ROW, HEADER_ROW, KEY_COL, SLOTS,
)
from govreport_xl.excel.formulas import FAIL, PASS, PENDING
from govreport_xl.excel.layout import SHEET_CHECKS, SHEET_COVER, SHEET_OF_TABLE, SUMMARY_ROW
from cases import CASES

pytestmark = pytest.mark.slow  # LibreOffice recalculates every case


@pytest.fixture(scope="module")
def recalculated(recalculated_cases):
    return recalculated_cases


def sheet_checks(rule: str, reason_key: str | None = None) -> bool:
    """What the sheet checks: its rules, and of S-01 only the computed totals."""
    return RULES[rule].in_sheet and (rule != "S-01" or reason_key in BROKEN_TOTAL)


class Sheet:
    """A recalculated workbook as a clerk sees it: the 校验 rows, the counts, the summary lines."""

    def __init__(self, path):
        wb = openpyxl.load_workbook(path, data_only=True)
        ws = wb[SHEET_CHECKS]
        col = {ws.cell(HEADER_ROW, i + 1).value: i for i in range(len(COLUMNS))}
        rows = list(ws.iter_rows(min_row=FIRST_CHECK_ROW, max_col=len(COLUMNS), values_only=True))
        assert len(rows) == len(in_sheet_checks())
        statuses = Counter(r[col["结果"]] for r in rows)
        assert set(statuses) <= {PASS, FAIL, PENDING}, statuses  # no error values, no uncalculated cells
        self.rows = [dict(zip(col, r)) for r in rows]
        self.of = lambda status: {(r["规则"], tuple(r["单元格代码"].split())) for r in self.rows if r["结果"] == status}  # noqa: E731
        sheet, ref = next(wb.defined_names[CHECK_FAILS].destinations)
        self.check_fails = wb[sheet][ref.replace("$", "")].value
        self.counts = {k: ws.cell(r, KEY_COL).value for k, r in COUNT_ROWS.items()}
        self.summaries = {t: wb[s].cell(SUMMARY_ROW, 1).value for t, s in {**SHEET_OF_TABLE, "": SHEET_COVER}.items()}
        self.listed = [tuple(ws.cell(r, c + 1).value for c in range(8)) for r in range(FIRST_SLOT_ROW, FIRST_SLOT_ROW + SLOTS)]

    def explained(self, keys) -> dict:
        """The 说明 of the problems listed at the top that are among `keys` ((rule, codes)): these
        say why in the engine's words."""
        out = {}
        for number, rule, *_ in (row for row in self.listed if row[0] is not None):
            key = (rule, tuple(self.rows[number - 1]["单元格代码"].split()))
            if key in keys:
                out[key] = next(row[4] for row in self.listed if row[0] == number)
        return out


def engine_messages(outcome) -> dict:
    """The engine's message of each finding a failing row says in its words: a wrong cell, and a
    total replaced by a constant (a changed formula is not seen by the sheet as such)."""
    said = lambda f: f.rule in ("V-01", "V-02") or (f.rule == "S-01" and f.params["reason"].key in ("total_overwritten", "total_cleared"))  # noqa: E731
    return {(f.rule, f.codes): f.message() for f in outcome.findings if said(f)}


def engine(path):
    outcome = validate_path(path)
    failing = {(f.rule, f.codes) for f in outcome.findings if sheet_checks(f.rule, f.params.get("reason") and f.params["reason"].key)}
    waiting = {(u.rule, u.codes) for u in outcome.unchecked if RULES[u.rule].in_sheet and u.waits_for_a_fix}
    return failing, waiting, outcome


def expected_line(title: str, errors: int, warnings: int, blanks: int, inputs: int) -> str:
    """The summary line as the README describes it, written out by hand."""
    see = "，详见「校验」"
    if blanks == inputs:
        return f"{title}：未填写，黄色单元格待填（没有发生的填 0）" + (f"；{errors} 个错误{see}" if errors else "")
    if blanks:
        return (f"{title}：尚未填完，还有 {blanks} 个单元格未填写" + (f"；{errors} 个错误" if errors else "")
                + (f"；{warnings} 个其他警告" if warnings else "") + see)
    if errors:
        return f"{title}：不通过，{errors} 个错误" + (f"、{warnings} 个警告" if warnings else "") + see
    return (f"{title}：通过" + (f"（{warnings} 个警告{see}）" if warnings else "")
            + "；日期格式等公式查不出的几项，报送前请按「校验」按钮或用命令行复核")


INPUTS = {"T2": 10, "T3": 25 * 6, "T4": 3 * 4}  # yellow cells of each table, counted off the official tables


@pytest.mark.parametrize("name", list(CASES))
def test_in_sheet_checks_agree_with_the_engine(recalculated, name):
    original, calculated = recalculated[name]
    sheet = Sheet(calculated)
    failing, waiting, outcome = engine(original)
    assert sheet.of(FAIL) == failing
    assert sheet.of(PENDING) == waiting  # the same checks wait for a wrong cell to be fixed
    assert engine(calculated)[:2] == (failing, waiting)  # saved by a real engine: read the same
    said = engine_messages(outcome)
    assert len(said) <= SLOTS and sheet.explained(said) == said  # a wrong cell's row says why, as the CLI does

    in_sheet = [f for f in outcome.findings if sheet_checks(f.rule, f.params.get("reason") and f.params["reason"].key)]
    assert sheet.check_fails == sheet.counts["errors"] == sum(f.is_error for f in in_sheet)
    blanks = [f for f in in_sheet if f.rule == "V-03"]
    assert sheet.counts["blanks"] == len(blanks)
    assert sheet.counts["warnings"] + sheet.counts["blanks"] == sum(not f.is_error for f in in_sheet)
    if all(sheet_checks(f.rule, f.params.get("reason") and f.params["reason"].key) for f in outcome.findings):
        assert (outcome.errors, outcome.warnings) == (sheet.counts["errors"], sheet.counts["warnings"] + sheet.counts["blanks"])
    for table, line in sheet.summaries.items():  # "" is the cover: everything
        mine = [f for f in in_sheet if table == "" or (f.codes[0].startswith(table) and f.rule not in ("P-02",))]
        errors = sum(f.is_error for f in mine)
        blank = sum(f.rule == "V-03" for f in mine)
        inputs = sum(INPUTS.values()) if table == "" else INPUTS[table]
        title = "本表校验" if table else "全部校验"
        assert line == expected_line(title, errors, len(mine) - errors - blank, blank, inputs), (table, line)


# The totals' own equations: in a workbook their formulas make them hold, and a total whose
# formula was overwritten is S-01's one finding (the equations wait for it). Only a report given
# as values (JSON, an imported text) can break them.
DEFINITIONS = {"T3-02", "T3-03", "T4-01"}


def test_every_in_sheet_rule_is_broken_at_least_once(recalculated):
    seen = set()
    for name in CASES:
        seen |= {rule for rule, _ in engine(recalculated[name][0])[0]}
    assert seen == {r.id for r in RULES.values() if r.in_sheet} - DEFINITIONS


def test_an_overwritten_total_is_one_finding_on_its_cell(recalculated):
    """Issue 21 item 3: the changed total is the one finding, in the sheet and on the CLI; the
    sums it feeds wait for it (not 3–4 errors painting the whole column)."""
    original, calculated = recalculated["t3_02_total_overwritten"]
    failing, waiting, outcome = engine(original)
    [f] = outcome.findings
    assert (f.rule, f.codes, f.cells) == ("S-01", ("T3.R05.C7",), ("三、依申请公开!J10",))
    assert f.message() == "「（三）不予公开 / 1.属于国家秘密 / 总计」合计被改成了常量 5：请恢复公式或重新从模板复制"
    assert {("T3-02", "T3.R05.C7"), ("T3-03", "T3.R24.C7")} <= {(r, c) for r, codes in waiting for c in codes if c.endswith("C7")}
    sheet = Sheet(calculated)
    assert sheet.of(FAIL) == {("S-01", ("T3.R05.C7",))}
    assert sheet.summaries["T3"].startswith("本表校验：不通过，1 个错误")


def test_the_problem_list_shows_errors_first(recalculated):
    sheet = Sheet(recalculated["many"][1])
    listed = [row for row in sheet.listed if row[0] not in ("", None)]
    failing = [r for r in sheet.rows if r["结果"] == FAIL and r["规则"] != "V-03"]
    assert len(listed) == min(len(failing), SLOTS)
    levels = [row[2] for row in listed]
    assert levels == sorted(levels, key=lambda lv: lv != "错误")  # errors, then warnings
    rules = [row[1] for row in listed]
    assert rules == sorted(rules, key=REPORT_ORDER.index)  # in the order the CLI lists them
    by_number = {r["序号"]: r for r in sheet.rows}
    for row in listed:
        r = by_number[row[0]]
        columns = ("序号", "规则", "级别", "所在表", "说明", "涉及单元格", "应为", "实际")
        # a wrong cell's 说明 says why where it is listed (test_in_sheet_checks_agree_with_the_engine)
        assert [v for k, v in zip(columns, row) if k != "说明" or r["规则"] not in ("V-01", "V-02")] == [
            r[k] for k in columns if k != "说明" or r["规则"] not in ("V-01", "V-02")]
        assert r["结果"] == FAIL


def test_an_empty_template_is_unfilled_not_passed(recalculated_template):
    sheet = Sheet(recalculated_template)
    assert sheet.summaries[""] == "全部校验：未填写，黄色单元格待填（没有发生的填 0）；2 个错误，详见「校验」"
    for table in SHEET_OF_TABLE:
        assert sheet.summaries[table] == "本表校验：未填写，黄色单元格待填（没有发生的填 0）"
    result = validate_path(recalculated_template)
    assert (result.errors, result.warnings) == (sheet.counts["errors"], sheet.counts["blanks"] + sheet.counts["warnings"]) == (2, 166)


def test_recalculated_example_keeps_its_figures(recalculated):
    """After a real engine saved the totals' results, the engine reads them and agrees."""
    assert validate_path(recalculated["example"][1]).findings == []
    assert validate_path(recalculated["example"][1]).report.value("T2.R6.C1") == Decimal("8715.96")
