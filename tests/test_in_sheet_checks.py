"""The in-sheet checks agree with the Python validator, in a real spreadsheet engine.

Each workbook (the example and broken copies) is recalculated by LibreOffice headless; for every
file the set of failing checks on the 校验 sheet must equal the validator's findings of the
in-sheet rules: same rule ids, same cells.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import openpyxl
import pytest

from govreport_xl.excel.check_sheet import CHECK_FAILS, COLUMNS, FIRST_CHECK_ROW, HEADER_ROW
from govreport_xl.excel.formulas import FAIL, PENDING
from govreport_xl.excel.layout import SHEET_CHECKS, SHEET_COVER, SHEET_OF_TABLE, SUMMARY_ROW
from govreport_xl.core.rules import RULES, in_sheet_checks
from govreport_xl.api import validate as validate_path
from cases import CASES

pytestmark = pytest.mark.slow  # LibreOffice recalculates every case

@pytest.fixture(scope="module")
def recalculated(recalculated_cases):
    return recalculated_cases


def sheet_failures(path):
    """{(rule, codes)} of the failing rows of the recalculated 校验 sheet, its CHECK_FAILS value,
    the summary lines, and {(rule, codes)} of the rows waiting for a wrong cell."""
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[SHEET_CHECKS]
    col = {ws.cell(HEADER_ROW, i + 1).value: i for i in range(len(COLUMNS))}
    rows = list(ws.iter_rows(min_row=FIRST_CHECK_ROW, values_only=True))
    assert len(rows) == len(in_sheet_checks())
    statuses = Counter(r[col["结果"]] for r in rows)
    assert set(statuses) <= {"通过", FAIL, PENDING}, statuses  # no error values, no uncalculated cells
    of = lambda status: {(r[col["规则"]], tuple(r[col["单元格代码"]].split())) for r in rows if r[col["结果"]] == status}  # noqa: E731
    sheet, ref = next(wb.defined_names[CHECK_FAILS].destinations)
    summaries = {t: wb[s].cell(SUMMARY_ROW, 1).value for t, s in {**SHEET_OF_TABLE, "": SHEET_COVER}.items()}
    return of(FAIL), wb[sheet][ref.replace("$", "")].value, summaries, of(PENDING)


def validator_failures(path):
    outcome = validate_path(path)
    return {(f.rule, f.codes) for f in outcome.findings if RULES[f.rule].in_sheet}, outcome


def validator_waiting(outcome):
    return {(u.rule, u.codes) for u in outcome.unchecked if RULES[u.rule].in_sheet and u.reason.key == "depends_on_invalid"}


@pytest.mark.parametrize("name", list(CASES))
def test_in_sheet_checks_agree_with_validator(recalculated, name):
    original, calculated = recalculated[name]
    in_sheet, check_fails, summaries, pending = sheet_failures(calculated)
    expected, outcome = validator_failures(original)
    assert in_sheet == expected
    assert pending == validator_waiting(outcome)  # the same checks wait for a wrong cell to be fixed
    errors = [f for f in outcome.findings if f.is_error and RULES[f.rule].in_sheet]
    assert check_fails == len(errors)
    for table, line in summaries.items():  # "" is the cover: all tables
        n = sum(1 for f in errors if f.codes[0].startswith(table))
        title = "本表校验" if table else "全部校验"
        assert line == (f"{title}：通过" if n == 0 else f"{title}：{n} 项不通过，详见「校验」") or (
            n == 0 and line.startswith(f"{title}：通过（")
        ), (table, line)


def test_every_in_sheet_rule_is_broken_at_least_once(recalculated):
    seen = set()
    for name in CASES:
        seen |= {rule for rule, _ in validator_failures(recalculated[name][0])[0]}
    assert seen == {r.id for r in RULES.values() if r.in_sheet}


def test_recalculated_file_validates_the_same_with_cached_values(recalculated):
    """After a real engine saved the totals' results, the validator reads them and agrees."""
    assert validate_path(recalculated["example"][1]).findings == []  # saved by a real engine: still intact
    for name in ("example", "t3_02_total_overwritten", "v_01_negative", "many"):
        original, calculated = recalculated[name]
        assert validator_failures(calculated)[0] == validator_failures(original)[0]
        assert validate_path(calculated).report.value("T2.R6.C1") in (Decimal("8715.96"), None)
