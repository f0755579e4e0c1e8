"""Differential: the sheet's verdict per rule against the engine's, on generated workbooks.

Hypothesis writes what clerks type into the example (numbers of every kind, numbers as text,
words for none, blanks of every kind, logical values, formulas with errors, totals overwritten,
years with 年, codes and levels on the cover); LibreOffice recalculates and saves each workbook;
for every workbook the checks the 校验 sheet fails must be the engine's findings of what the sheet
checks, the checks it holds back (待更正) the ones the engine says wait for a wrong cell, and each
wrong cell's 说明 the engine's message for it, word for word.

What no formula can see is tested on its own below: a number shown as a date (the sheet then
says its 通过 needs the button or the command line) and a total's formula replaced by another
formula of the same value.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from govreport_xl.api import validate as validate_path
from govreport_xl.core.standard import CELLS, INPUT_CODES, Level
from govreport_xl.excel.check_sheet import SLOTS
from govreport_xl.excel.formulas import FAIL, PENDING, total_formula
from govreport_xl.excel.layout import address
from helpers import EXAMPLE_XLSX, example_values
from libreoffice import convert
from test_in_sheet_checks import Sheet, engine, engine_messages

pytestmark = pytest.mark.slow  # LibreOffice recalculates every generated workbook

TOTALS = [c for c, cell in CELLS.items() if cell.is_total]
VALID_USCC = ("91350100M000100Y43", "11100000000013127D")

counts = st.one_of(
    st.integers(0, 60), st.integers(-5, -1),
    st.sampled_from([2.5, 0.5, 1.25, Decimal("7.0"), 10**15 - 1, 10**15, 10**16, 1e20]),
    st.sampled_from(["12", "１２", "1,234", " 7 ", "-3"]),  # numbers stored as text
    st.sampled_from(["/", "无", "—", "七十六", "12件", "n/a"]),  # words
    st.sampled_from([None, "", "  ", "\u3000", "\t", "\u00a0", " \u3000 "]),  # blanks of every kind
    st.booleans(),
    st.sampled_from(["=1/0", "=NA()", "=2+3", "=-1", '="8"']),  # formulas typed into an input
)
amounts = st.one_of(counts, st.sampled_from([8715.96, 0.000001, -0.01, "8715.96万元"]))
overwrites = st.one_of(st.integers(0, 300), st.sampled_from(["/", None, "  ", "total"]))  # "total": the value it had
names = st.sampled_from([None, "", "  ", "\u3000", "\t", "石嘴山市人民政府", 123, True, "=1/0", " 某县 "])
years = st.sampled_from([None, 2022, 2021, 2020, 2099, 2022.5, -1, "2022", "2022年", "2022 年度", "２０２２年", " 2022 ",
                         "20２2年", "2022\u3000年", "去年", "二〇二二", "2022年度报告", "2022年年", "202", "20222",
                         True, "=1/0", "\u3000"])
usccs = st.sampled_from([None, "", *VALID_USCC, VALID_USCC[0].lower(), " " + VALID_USCC[1] + "\u3000",
                         "91350100M000100Y44", "91350100M000100Y4", "91350100M000100YI3", "9135 0100M000100Y43", 12345])
levels = st.sampled_from([None, *(lv.value for lv in Level), " 县级人民政府 ", "县级 人民政府", "市级", "=1/0"])


@st.composite
def edits(draw) -> dict:
    """What one clerk did to the example: a few cells, each a code (or cover field) -> value."""
    out = {}
    for code in draw(st.lists(st.sampled_from(INPUT_CODES), min_size=0, max_size=4, unique=True)):
        out[code] = draw(amounts if code == "T2.R6.C1" else counts)
    if draw(st.booleans()):
        out["T2.R1.C1"] = draw(st.sampled_from([0, 1, 3, -1, "/"]))  # 规章 made, with the level (P-02)
    for code in draw(st.lists(st.sampled_from(TOTALS), max_size=2, unique=True)):
        value = draw(overwrites)
        out[code] = example_values()[code] if value == "total" else value
    for field, values in (("META_NAME", names), ("META_YEAR", years), ("META_USCC", usccs), ("META_LEVEL", levels)):
        if draw(st.integers(0, 2)) == 0:
            out[field] = draw(values)
    return out


def write(edited: dict, path):
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    for code, value in edited.items():
        sheet, ref = address(code).split("!")
        wb[sheet][ref].value = float(value) if isinstance(value, Decimal) else value
    wb.save(path)
    return path


PER_EXAMPLE = 8


# a few LibreOffice runs of PER_EXAMPLE workbooks each (no shrinking: each try costs a run; the
# failing workbook's edits are in the assertion's message)
@settings(max_examples=4, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(batch=st.lists(edits(), min_size=PER_EXAMPLE, max_size=PER_EXAMPLE, unique_by=repr))
def test_the_sheet_and_the_engine_agree_rule_by_rule(tmp_path_factory, batch):
    folder = tmp_path_factory.mktemp("diff")
    files = [write(e, folder / f"w{i}.xlsx") for i, e in enumerate(batch)]
    for edited, saved in zip(batch, convert(files, folder / "lo")):  # saved by a real spreadsheet, as clerks' files are
        sheet = Sheet(saved)
        failing, waiting, outcome = engine(saved)
        for rule in sorted({r for r, _ in failing | waiting | sheet.of(FAIL) | sheet.of(PENDING)}):
            mine = lambda s: {x for x in s if x[0] == rule}  # noqa: E731
            assert mine(sheet.of(FAIL)) == mine(failing), (rule, edited)
            assert mine(sheet.of(PENDING)) == mine(waiting), (rule, edited)
        said = engine_messages(outcome)
        listed = sheet.explained(said)  # of the problems, the first SLOTS are listed
        problems = {x for x in sheet.of(FAIL) if x[0] != "V-03"}
        assert listed == ({k: said[k] for k in listed} if len(problems) > SLOTS else said), edited


def test_what_no_formula_can_see_is_said_to_need_the_button(tmp_path):
    """A date in a count cell (the engine: V-01; a formula sees a number) and a total's formula
    replaced by another of the same value (S-01; a formula sees the same figure): the sheet does
    not call its 通过 final, it sends the clerk to the button or the command line."""
    date = tmp_path / "date.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    sheet, ref = address("T4.R3.C4").split("!")
    wb[sheet][ref].value = dt.datetime(2022, 3, 1)
    wb[sheet][ref].number_format = "yyyy/m/d"
    wb.save(date)
    formula = write({}, tmp_path / "formula.xlsx")
    wb = openpyxl.load_workbook(formula)
    sheet, ref = address("T4.R1.C5").split("!")
    wb[sheet][ref].value = total_formula("T4.R1.C5") + "+0"  # same parts, same value, another formula
    wb.save(formula)
    for saved, rule in zip(convert([date, formula], tmp_path / "lo"), ("V-01", "S-01")):
        assert rule in {f.rule for f in validate_path(saved).findings}
        shown = Sheet(saved)
        assert all("通过" not in line or "请按「校验」按钮或用命令行复核" in line for line in shown.summaries.values())

